/**
 * NvidiaDevicePlugin: one named device-plugin config per pool (time-slicing,
 * MPS, MIG strategy) in NVIDIA's `version: v1` format, checked against
 * NVIDIA's own rules before anything is made, and deployed with the upstream
 * `nvidia-device-plugin` Helm chart at a pinned version, in its own
 * namespace labelled for privileged pods. Each node picks its pool's config
 * through the `nvidia.com/device-plugin.config` label.
 *
 * With `mode: "gpu-operator"`, the NVIDIA GPU Operator is deployed instead
 * (drivers managed too), its ClusterPolicy pointed at the same configs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { devicePluginConfig, devicePluginConfigProblems, GPU_TAINT, LABEL_SITE, OPERATOR_CONFIGMAP, type Site } from "./model";
import { CHARTS, pinnedRelease } from "./charts";
import { managedBy, NAMESPACES, podSecurityLabels } from "./naming";

export const DEVICE_PLUGIN_MODES = ["device-plugin", "gpu-operator"] as const;
export type DevicePluginMode = (typeof DEVICE_PLUGIN_MODES)[number];


export interface NvidiaDevicePluginArgs {
  /** The validated site: one config per GPU pool. */
  site: Site;
  /** `device-plugin` (default): the device plugin chart alone; `gpu-operator`: the GPU Operator, drivers included. */
  mode?: DevicePluginMode;
  /** Deploy node-feature-discovery with the plugin, with taints enabled (default: when the site has static pools). */
  nodeFeatureDiscovery?: boolean;
}

/** Each pool's config as the YAML text the plugin reads, keyed by pool name (sorted). */
export function poolConfigs(site: Site): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pool of [...site.gpuPools].sort((a, b) => a.name.localeCompare(b.name))) {
    out[pool.name] = stringify(devicePluginConfig(pool));
  }
  return out;
}

/** Throws, naming the pool and the rule, when any pool's config breaks NVIDIA's rules. */
export function checkPoolConfigs(site: Site): void {
  site.gpuPools.forEach((pool, i) => {
    const problems = devicePluginConfigProblems(devicePluginConfig(pool));
    if (problems.length > 0) {
      const propertyPath = `repower:site.gpuPools[${i}].devicePlugin`;
      throw new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath}: pool ${pool.name}: ${problems.join("; ")}` });
    }
  });
}

const tolerations = [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }];

/** Values of the nvidia-device-plugin chart. */
export function devicePluginValues(site: Site, nfd: boolean): Record<string, unknown> {
  const configs = poolConfigs(site);
  return {
    config: { map: configs, default: Object.keys(configs)[0] ?? "" },
    nodeSelector: { [LABEL_SITE]: site.name },
    tolerations,
    gfd: { enabled: false },
    nfd: nfd ? { enabled: true, master: { config: { enableTaints: true } } } : { enabled: false },
  };
}

/** Values of the gpu-operator chart: its ClusterPolicy, pointed at the pools' configs. */
export function gpuOperatorValues(site: Site): Record<string, unknown> {
  const configs = poolConfigs(site);
  return {
    nfd: { enabled: true },
    "node-feature-discovery": { master: { config: { enableTaints: true } } },
    driver: { enabled: true },
    toolkit: { enabled: true },
    devicePlugin: { enabled: true, config: { name: OPERATOR_CONFIGMAP, default: Object.keys(configs)[0] ?? "" } },
    dcgmExporter: { enabled: false },
    daemonsets: { tolerations },
    node: { selector: { [LABEL_SITE]: site.name } },
  };
}

export class NvidiaDevicePlugin extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:nvidia:NvidiaDevicePlugin";

  readonly namespace: pulumi.Output<string>;
  /** Names of the configs, one per pool. */
  readonly configNames: pulumi.Output<string[]>;

  constructor(name: string, args: NvidiaDevicePluginArgs, opts?: pulumi.ComponentResourceOptions) {
    super(NvidiaDevicePlugin.__pulumiType, name, {}, opts);
    const { site } = args;
    checkPoolConfigs(site);
    const mode = args.mode ?? "device-plugin";
    const labels = managedBy(site.name, "device-plugin");
    const nsName = mode === "gpu-operator" ? NAMESPACES.gpuOperator : NAMESPACES.devicePlugin;
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: nsName, labels: { ...labels, ...podSecurityLabels("privileged") } } },
      { parent: this },
    );

    if (mode === "device-plugin") {
      const nfd = args.nodeFeatureDiscovery ?? site.gpuPools.some((p) => p.backend.type === "static");
      pinnedRelease(
        `${name}-release`,
        { releaseName: "nvidia-device-plugin", chart: CHARTS.devicePlugin, namespace: ns.metadata.name, values: devicePluginValues(site, nfd) },
        { parent: this },
      );
    } else {
      const cm = new k8s.core.v1.ConfigMap(
        `${name}-configs`,
        { metadata: { name: OPERATOR_CONFIGMAP, namespace: ns.metadata.name, labels }, data: poolConfigs(site) },
        { parent: this },
      );
      pinnedRelease(
        `${name}-release`,
        { releaseName: "gpu-operator", chart: CHARTS.gpuOperator, namespace: ns.metadata.name, values: gpuOperatorValues(site) },
        { parent: this, dependsOn: [cm] },
      );
    }

    this.namespace = ns.metadata.name;
    this.configNames = pulumi.output(Object.keys(poolConfigs(site)));
    this.registerOutputs({ namespace: this.namespace, configNames: this.configNames });
  }
}
