/**
 * device-plugin-config-valid: every NVIDIA device-plugin config deployed (the
 * nvidia-device-plugin chart's `config.map`, or the GPU Operator's config
 * ConfigMap) follows NVIDIA's own rules, and the default config exists.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { devicePluginConfigProblems, OPERATOR_CONFIGMAP } from "../components/model";

function check(configs: Record<string, unknown>, where: string): string[] {
  const out: string[] = [];
  for (const [name, text] of Object.entries(configs)) {
    let config: unknown;
    try {
      config = typeof text === "string" ? parse(text) : text;
    } catch (e) {
      out.push(`${where}: config ${name} is not YAML: ${(e as Error).message.split("\n")[0]}`);
      continue;
    }
    for (const p of devicePluginConfigProblems(config)) out.push(`${where}: config ${name}: ${p}`);
  }
  return out;
}

export const devicePluginConfigValid: ResourceValidationPolicy = {
  name: "device-plugin-config-valid",
  description: "NVIDIA device-plugin configs follow NVIDIA's rules: version v1, replicas of at least 2, resource names within 63 characters, no MPS with mixed MIG, one sharing strategy.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Fix the pool's devicePlugin settings in repower:site (the plugin refuses an invalid config and the pool's GPUs are not advertised).",
  validateResource: (args, report) => {
    const p = args.props as Record<string, any>;
    if (args.type === "kubernetes:helm.sh/v3:Release" && p.chart === "nvidia-device-plugin") {
      const map = p.values?.config?.map;
      if (map === undefined || typeof map !== "object") {
        report("the nvidia-device-plugin release has no config.map: nodes get the plugin's defaults, not their pool's config.");
        return;
      }
      for (const m of check(map, `release ${p.name ?? args.name}`)) report(m);
      const def = p.values?.config?.default;
      if (def !== undefined && def !== "" && !(def in map)) report(`config.default ${JSON.stringify(def)} names no config in config.map (${Object.keys(map).join(", ")}).`);
    } else if (args.type === "kubernetes:core/v1:ConfigMap" && p.metadata?.name === OPERATOR_CONFIGMAP) {
      for (const m of check(p.data ?? {}, `ConfigMap ${OPERATOR_CONFIGMAP}`)) report(m);
    }
  },
};
