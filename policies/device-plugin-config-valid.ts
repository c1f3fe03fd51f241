/**
 * device-plugin-config-valid: every NVIDIA device-plugin config deployed
 * follows NVIDIA's own rules (components/model/device-plugin-config.ts),
 * wherever it is deployed:
 *
 * - the nvidia-device-plugin chart (by name from any repository, URL or OCI
 *   reference; a Helm v3 Release or v4 Chart): its `config.map`, and
 *   `config.default` naming one of them;
 * - the GPU Operator chart: `devicePlugin.config.data` (with `create: true`);
 * - a ConfigMap holding device-plugin configs: the one repower's gpu-operator
 *   mode makes, and any other whose entries are device-plugin config files
 *   (`version` with `flags` or `sharing`), such as one a chart's `config.name`
 *   or a ClusterPolicy points at.
 *
 * A config the pack cannot see (values files, unknown values during preview)
 * is a violation that says so: the check never passes on what it cannot read.
 *
 * In stack analysis it also checks, pool by pool, that the MIG strategy the
 * device plugin runs with and the MIG partitions MIG Manager creates on the
 * pool's nodes agree (mig-agreement.ts). One policy, both halves:
 * @pulumi/policy 1.21 runs a policy's `validateResource` at Analyze and its
 * `validateStack` at AnalyzeStack (server.js `isResourcePolicy` /
 * `isStackPolicy`), so the configs are still checked before each resource is
 * created, and the agreement, which needs every resource, once they are all known.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { devicePluginConfigProblems, OPERATOR_CONFIGMAP } from "../components/model";
import { deploysChart, HELM_TYPES } from "./helm-charts";
import { raw, unknownMessage, unknownPaths } from "./known";
import { checkMigAgreement } from "./mig-agreement";
import { envelopeOf } from "./site-context";

type Props = Record<string, any>;

/** The upstream chart names (NVIDIA/k8s-device-plugin deployments/helm; NVIDIA/gpu-operator deployments). */
export const DEVICE_PLUGIN_CHART = "nvidia-device-plugin";
export const GPU_OPERATOR_CHART = "gpu-operator";

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

/** True when a ConfigMap entry is a device-plugin config file (NVIDIA api/config/v1: `version` and `flags` or `sharing`). */
function looksLikeConfig(text: unknown): boolean {
  if (typeof text !== "string" || !/^\s*version\s*:/m.test(text)) return false;
  try {
    const v = parse(text) as Props;
    return v !== null && typeof v === "object" && "version" in v && ("flags" in v || "sharing" in v);
  } catch {
    return false;
  }
}

/** Values files the pack cannot read (Release `valueYamlFiles`, Chart `valueYamlFiles`). */
const valuesFiles = (p: Props) => (Array.isArray(p.valueYamlFiles) && p.valueYamlFiles.length > 0 ? p.valueYamlFiles.length : 0);

export const devicePluginConfigValid: ResourceValidationPolicy & Pick<StackValidationPolicy, "validateStack"> = {
  name: "device-plugin-config-valid",
  description:
    "NVIDIA device-plugin configs follow NVIDIA's rules: version v1, replicas of at least 2, resource names within 63 characters, no MPS with mixed MIG, one sharing strategy; on each pool's nodes the plugin's MIG strategy agrees with the MIG partitions MIG Manager creates.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Fix the pool's devicePlugin settings (migStrategy, migProfile, sharing) in repower:site and deploy with the repower components (the plugin refuses an invalid config, and a MIG strategy that disagrees with the partitions advertises nothing or whole GPUs).",
  validateStack: (args, report) => {
    // A missing or unreadable envelope is reported by pool-matches-spec or site-power-budget (one cause, once).
    const env = envelopeOf(args.resources);
    if (env.ok) checkMigAgreement(env.site, args.resources, env.resource.urn, report);
  },
  validateResource: (args, report) => {
    const p = raw(args.props) as Props;
    if (HELM_TYPES.has(args.type)) {
      const what = `${args.type.endsWith(":Release") ? "release" : "chart"} ${typeof p.name === "string" ? p.name : args.name}`;
      if (deploysChart(args.type, p, DEVICE_PLUGIN_CHART)) {
        const config = p.values?.config;
        const unknown = unknownPaths({ chart: p.chart, values: { config } });
        if (unknown.length > 0) return report(unknownMessage(`Whether the device-plugin config of ${what} follows NVIDIA's rules`, unknown));
        const map = config?.map;
        if (map === undefined || map === null || typeof map !== "object" || Object.keys(map).length === 0) {
          if (typeof config?.name === "string" && config.name !== "") return; // an existing ConfigMap: checked as a ConfigMap
          if (valuesFiles(p) > 0) return report(`${what}: its device-plugin config comes from values files the policy pack cannot read; give config.map in values.`);
          return report(`${what} deploys the nvidia-device-plugin chart without config.map: nodes get the plugin's defaults, not their pool's config.`);
        }
        for (const m of check(map, what)) report(m);
        const def = config?.default;
        if (def !== undefined && def !== "" && !(def in map)) report(`${what}: config.default ${JSON.stringify(def)} names no config in config.map (${Object.keys(map).join(", ")}).`);
      } else if (deploysChart(args.type, p, GPU_OPERATOR_CHART)) {
        const config = p.values?.devicePlugin?.config;
        const unknown = unknownPaths({ chart: p.chart, values: { devicePlugin: { config } } });
        if (unknown.length > 0) return report(unknownMessage(`Whether the device-plugin config of ${what} follows NVIDIA's rules`, unknown));
        const data = config?.data;
        if (config?.create === true && data !== null && typeof data === "object") for (const m of check(data, what)) report(m);
      }
      return;
    }
    if (args.type === "kubernetes:core/v1:ConfigMap") {
      const name = p.metadata?.name;
      const data = (p.data ?? {}) as Record<string, unknown>;
      const ours = name === OPERATOR_CONFIGMAP;
      const entries = ours ? data : Object.fromEntries(Object.entries(data).filter(([, v]) => looksLikeConfig(v)));
      if (Object.keys(entries).length === 0) return;
      const unknown = unknownPaths({ data: entries });
      if (unknown.length > 0) return report(unknownMessage(`Whether the device-plugin configs of ConfigMap ${name} follow NVIDIA's rules`, unknown));
      for (const m of check(entries, `ConfigMap ${name}`)) report(m);
    }
  },
};
