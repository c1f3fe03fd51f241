/**
 * The site program: every component of a site for its active phase, and the
 * envelope of every phase as stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  DEVICE_PLUGIN_MODES,
  EksSiteCluster,
  GpuMonitoring,
  GpuNodePool,
  GpuPowerCap,
  NvidiaDevicePlugin,
  SitePowerEnvelope,
  type DevicePluginMode,
  type PoolCluster,
} from "../components";
import type { Site } from "../components/model";

/** Settings of the program beside `repower:site`. */
export interface ProgramSettings {
  /** `repower:devicePluginMode`: device-plugin (default) or gpu-operator. */
  devicePluginMode: DevicePluginMode;
  /** `repower:prometheusLabels`: labels the Prometheus operator selects rules and monitors by. */
  prometheusLabels: Record<string, string>;
  /** `aws:region`, needed with cluster.type: eks. */
  awsRegion?: string;
}

export function settingsFromConfig(site: Site): ProgramSettings {
  const cfg = new pulumi.Config("repower");
  const mode = cfg.get("devicePluginMode") ?? "device-plugin";
  if (!(DEVICE_PLUGIN_MODES as readonly string[]).includes(mode)) {
    throw new pulumi.RunError(`config repower:devicePluginMode: must be one of ${DEVICE_PLUGIN_MODES.join(" | ")}, found "${mode}"`);
  }
  const labels = cfg.getObject<Record<string, string>>("prometheusLabels") ?? {};
  const awsRegion = new pulumi.Config("aws").get("region");
  if (site.cluster.type === "eks" && awsRegion === undefined) {
    throw new pulumi.RunError("config aws:region: required with repower:site.cluster.type: eks");
  }
  return { devicePluginMode: mode as DevicePluginMode, prometheusLabels: labels, ...(awsRegion ? { awsRegion } : {}) };
}

/** Builds the site; returns the stack outputs. */
export function siteProgram(site: Site, settings: ProgramSettings) {
  const stack = pulumi.getStack();
  const name = site.name;

  let cluster: EksSiteCluster | undefined;
  let poolCluster: PoolCluster | undefined;
  if (site.cluster.type === "eks") {
    cluster = new EksSiteCluster(`${name}-cluster`, { site, region: settings.awsRegion as string });
    poolCluster = { name: cluster.clusterName, arn: cluster.clusterArn, region: cluster.region, subnetIds: cluster.subnetIds };
  }
  const k8sOpts: pulumi.ComponentResourceOptions = cluster ? { providers: { kubernetes: cluster.provider } } : {};

  const envelope = new SitePowerEnvelope(`${name}-envelope`, { site, stack }, k8sOpts);
  // Every resource that admits GPU nodes depends on the envelope ConfigMap, so that during
  // `pulumi up` the budget policies' check of that ConfigMap runs before any of them is created.
  const pools = site.gpuPools.map(
    (p) => new GpuNodePool(`${name}-${p.name}`, { site, pool: p.name, ...(poolCluster ? { cluster: poolCluster } : {}) }, { ...k8sOpts, dependsOn: [envelope] }),
  );
  if (site.gpuPools.length > 0) {
    new NvidiaDevicePlugin(`${name}-device-plugin`, { site, mode: settings.devicePluginMode }, k8sOpts);
    new GpuMonitoring(`${name}-monitoring`, { site, prometheusLabels: settings.prometheusLabels }, k8sOpts);
    new GpuPowerCap(`${name}-power-cap`, { site }, k8sOpts);
  }

  const hybrid = site.gpuPools.map((p, i) => [p.name, pools[i]] as const).filter(([, pool]) => pool.nodeConfig !== undefined);
  return {
    site: site.name,
    activePhase: envelope.activePhase,
    budgets: envelope.budgets,
    headroom: envelope.headroom,
    envelope: envelope.phases,
    poolNodes: pulumi.output(Object.fromEntries(site.gpuPools.map((p, i) => [p.name, pools[i].nodeCount]))),
    ...(hybrid.length > 0
      ? {
          nodeConfigs: pulumi.secret(pulumi.output(Object.fromEntries(hybrid.map(([n, p]) => [n, p.nodeConfig])))),
          nodeConfigsRendered: pulumi.output(Object.fromEntries(hybrid.map(([n, p]) => [n, p.nodeConfigRendered]))),
        }
      : {}),
    ...(cluster ? { kubeconfig: cluster.kubeconfig, clusterName: cluster.clusterName } : {}),
  };
}
