/**
 * NvidiaDevicePlugin: one named device-plugin config per pool (time-slicing,
 * MPS, MIG strategy) in NVIDIA's `version: v1` format, checked against
 * NVIDIA's own rules before anything is made, and deployed with the upstream
 * `nvidia-device-plugin` Helm chart at a pinned version, in its own
 * namespace labelled for privileged pods. Each node picks its pool's config
 * through the `nvidia.com/device-plugin.config` label.
 *
 * What the chart (NVIDIA/k8s-device-plugin v0.20.0, deployments/helm/nvidia-device-plugin)
 * needs to run at all, and gets here:
 * - its default `affinity` requires an NFD or GFD label
 *   (`feature.node.kubernetes.io/pci-10de.present`, `…cpu-model.vendor_id`,
 *   `nvidia.com/gpu.present`); it is replaced by a required affinity on the
 *   labels repower itself puts on every GPU node of the site
 *   (`repower.io/site` and `repower.io/pool`), so the plugin schedules on
 *   static, hybrid and managed nodes alike, and only on NVIDIA pools;
 * - GPU feature discovery (`gfd.enabled`), whose labels include
 *   `nvidia.com/mps.capable=true`, the only node selector of the chart's MPS
 *   control daemon; GFD writes them through node-feature-discovery's local
 *   source, so NFD (`nfd.enabled`, the chart's own dependency) runs too, with
 *   taints enabled for the static pools' NodeFeatureRules;
 * - tolerations for the GPU taint and the power cap's startup taint.
 *
 * With `mode: "gpu-operator"`, the NVIDIA GPU Operator v25.3.0 is deployed
 * instead (drivers managed too), its ClusterPolicy pointed at the same
 * configs, checked against the device plugin it ships (v0.17.1). The chart
 * has no node selector for its operands (`node.selector` is not one of its
 * values): they run on every node its NFD labels as an NVIDIA GPU node, so
 * the NFD worker (`node-feature-discovery.worker.affinity`) is kept to the
 * site's GPU nodes: the static pools' nodes by name, the others by label.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import {
  activePhase,
  DEVICE_PLUGIN_VERSIONS,
  devicePluginConfig,
  devicePluginConfigProblems,
  LABEL_POOL,
  LABEL_SITE,
  OPERATOR_CONFIGMAP,
  migPools,
  staticNodeNames,
  systemVendor,
  type GpuPool,
  type Site,
} from "./model";
import { CHARTS, pinnedRelease } from "./charts";
import { GPU_NODE_TOLERATIONS } from "./gpu-power-cap";
import { migManager, migManagerOperatorValues } from "./mig-manager";
import { FIXED_NAME, managedBy, NAMESPACES, namespaceFor, podSecurityLabels, releaseNameFor, stackOf } from "./naming";

export const DEVICE_PLUGIN_MODES = ["device-plugin", "gpu-operator"] as const;
export type DevicePluginMode = (typeof DEVICE_PLUGIN_MODES)[number];

export interface NvidiaDevicePluginArgs {
  /** The validated site: one config per GPU pool. */
  site: Site;
  /** `device-plugin` (default): the device plugin chart alone; `gpu-operator`: the GPU Operator, drivers included. */
  mode?: DevicePluginMode;
  /** The Pulumi stack (scopes the namespace and release); default the running stack. */
  stack?: string;
  /** What must be running before this component's workloads can schedule (an EKS cluster's system nodes and CNI). */
  after?: pulumi.Input<pulumi.Resource>[];
}

/** Code-point order: the same on every machine and in every locale (unlike `localeCompare`). */
export const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The pools NVIDIA's software serves (every pool: other vendors are refused at validation). */
export function nvidiaPools(site: Site): GpuPool[] {
  return [...site.gpuPools].filter((p) => systemVendor(p.system) === "nvidia").sort(byName);
}

/** Each pool's config as the YAML text the plugin reads, keyed by pool name (code-point order). */
export function poolConfigs(site: Site): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pool of nvidiaPools(site)) out[pool.name] = stringify(devicePluginConfig(pool));
  return out;
}

/** Throws, naming the pool and the rule, when any pool's config breaks NVIDIA's rules or its system is not NVIDIA's. */
export function checkPoolConfigs(site: Site, mode: DevicePluginMode = "device-plugin"): void {
  const version = mode === "gpu-operator" ? DEVICE_PLUGIN_VERSIONS.gpuOperator : DEVICE_PLUGIN_VERSIONS.chart;
  site.gpuPools.forEach((pool, i) => {
    const vendor = systemVendor(pool.system);
    if (vendor !== "nvidia") {
      const propertyPath = `repower:site.gpuPools[${i}].sku`;
      throw new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath}: pool ${pool.name}: ${pool.sku} is a ${vendor} system; NVIDIA's device plugin never runs on it` });
    }
    const problems = devicePluginConfigProblems(devicePluginConfig(pool), version);
    if (problems.length > 0) {
      const propertyPath = `repower:site.gpuPools[${i}].devicePlugin`;
      throw new pulumi.InputPropertyError({ propertyPath, reason: `${propertyPath}: pool ${pool.name}: NVIDIA device plugin ${version}: ${problems.join("; ")}` });
    }
  });
}

/** The required node affinity onto the site's NVIDIA GPU nodes, by the labels repower gives them. */
export function gpuNodeAffinity(site: Site): Record<string, unknown> {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: LABEL_SITE, operator: "In", values: [site.name] },
              { key: LABEL_POOL, operator: "In", values: nvidiaPools(site).map((p) => p.name) },
            ],
          },
        ],
      },
    },
  };
}

/** Values of the nvidia-device-plugin chart (0.20.0). */
export function devicePluginValues(site: Site): Record<string, unknown> {
  const configs = poolConfigs(site);
  return {
    config: { map: configs, default: Object.keys(configs)[0] ?? "" },
    // Replaces the chart's default affinity (NFD/GFD labels) with the site's own labels.
    affinity: gpuNodeAffinity(site),
    tolerations: GPU_NODE_TOLERATIONS,
    // GFD writes nvidia.com/mps.capable (the MPS control daemon's selector) and the other GPU labels.
    gfd: { enabled: true },
    nfd: {
      enabled: true,
      // NodeFeatureRules of static pools carry the GPU taint; nvidia.com for GFD's labels (the chart's default list, kept).
      master: { config: { extraLabelNs: ["nvidia.com"], enableTaints: true } },
      // The chart's own worker tolerations (a master node's taint), with the GPU and power-cap startup taints.
      worker: { tolerations: [{ key: "node-role.kubernetes.io/master", operator: "Equal", value: "", effect: "NoSchedule" }, ...GPU_NODE_TOLERATIONS] },
    },
  };
}

/** The NFD worker's affinity in gpu-operator mode: the static pools' active nodes by name, other pools' nodes by label. */
export function operatorNfdWorkerAffinity(site: Site): Record<string, unknown> {
  const pools = nvidiaPools(site);
  const terms: Record<string, unknown>[] = [];
  const labelled = pools.filter((p) => p.backend.type !== "static").map((p) => p.name);
  if (labelled.length > 0) {
    terms.push({ matchExpressions: [{ key: LABEL_SITE, operator: "In", values: [site.name] }, { key: LABEL_POOL, operator: "In", values: labelled }] });
  }
  const phase = activePhase(site);
  const names = pools.filter((p) => p.backend.type === "static").flatMap((p) => staticNodeNames(site, p, phase.gpu[p.name] ?? 0));
  if (names.length > 0) terms.push({ matchFields: [{ key: "metadata.name", operator: "In", values: names }] });
  if (terms.length === 0) terms.push({ matchExpressions: [{ key: LABEL_SITE, operator: "In", values: [site.name] }] });
  return { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } };
}

/** Values of the gpu-operator chart (v25.3.0): its ClusterPolicy, pointed at the pools' configs. */
export function gpuOperatorValues(site: Site, configMapName: string = OPERATOR_CONFIGMAP): Record<string, unknown> {
  const configs = poolConfigs(site);
  return {
    nfd: { enabled: true },
    "node-feature-discovery": {
      master: { config: { extraLabelNs: ["nvidia.com"], enableTaints: true } },
      worker: { affinity: operatorNfdWorkerAffinity(site) },
    },
    driver: { enabled: true },
    toolkit: { enabled: true },
    devicePlugin: { enabled: true, config: { name: configMapName, default: Object.keys(configs)[0] ?? "" } },
    // Empty, so that each node's config decides its MIG strategy: the chart's default `single` becomes
    // ClusterPolicy mig.strategy, which the operator sets as MIG_STRATEGY on the plugin and GFD of every
    // node, overriding each pool's config (gpu-operator v25.3.0 values.yaml, templates/clusterpolicy.yaml,
    // controllers/object_controls.go applyMIGConfiguration; k8s-device-plugin api/config/v1 flags.go).
    mig: { strategy: "" },
    dcgmExporter: { enabled: false },
    daemonsets: { tolerations: GPU_NODE_TOLERATIONS },
    ...migManagerOperatorValues(site),
  };
}

/** Where a site's device plugin (or operator) goes for one stack. */
export function devicePluginPlacement(mode: DevicePluginMode, stack: string): { namespace: string; releaseName: string } {
  return mode === "gpu-operator"
    ? { namespace: namespaceFor(NAMESPACES.gpuOperator, stack), releaseName: releaseNameFor("gpu-operator", stack) }
    : { namespace: namespaceFor(NAMESPACES.devicePlugin, stack), releaseName: releaseNameFor("nvidia-device-plugin", stack) };
}

export class NvidiaDevicePlugin extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:nvidia:NvidiaDevicePlugin";

  readonly namespace: pulumi.Output<string>;
  /** Names of the configs, one per pool. */
  readonly configNames: pulumi.Output<string[]>;
  /** The Helm release; it installs node-feature-discovery's CRDs (NodeFeatureRule), so those rules depend on it. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: NvidiaDevicePluginArgs, opts?: pulumi.ComponentResourceOptions) {
    super(NvidiaDevicePlugin.__pulumiType, name, {}, opts);
    const { site } = args;
    const mode = args.mode ?? "device-plugin";
    checkPoolConfigs(site, mode);
    const stack = stackOf(args.stack);
    const labels = managedBy(site.name, "device-plugin");
    const where = devicePluginPlacement(mode, stack);
    const parent = { parent: this, ...FIXED_NAME };
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: where.namespace, labels: { ...labels, ...podSecurityLabels("privileged") } } },
      { ...parent, dependsOn: args.after ?? [] },
    );

    // MIG pools: MIG Manager and its mig-parted config (mig-manager.ts).
    const mig = migPools(site).length > 0 ? [migManager(`${name}-mig`, { site, mode, namespace: ns.metadata.name, stack }, this)] : [];

    if (mode === "device-plugin") {
      this.release = pinnedRelease(
        `${name}-release`,
        { releaseName: where.releaseName, chart: CHARTS.devicePlugin, namespace: ns.metadata.name, values: devicePluginValues(site) },
        parent,
      );
    } else {
      const cm = new k8s.core.v1.ConfigMap(
        `${name}-configs`,
        { metadata: { name: OPERATOR_CONFIGMAP, namespace: ns.metadata.name, labels }, data: poolConfigs(site) },
        parent,
      );
      this.release = pinnedRelease(
        `${name}-release`,
        { releaseName: where.releaseName, chart: CHARTS.gpuOperator, namespace: ns.metadata.name, values: gpuOperatorValues(site) },
        { ...parent, dependsOn: [cm, ...mig] },
      );
    }

    this.namespace = ns.metadata.name;
    this.configNames = pulumi.output(Object.keys(poolConfigs(site)));
    this.registerOutputs({ namespace: this.namespace, configNames: this.configNames });
  }
}
