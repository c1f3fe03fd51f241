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
  NvidiaComputeDomains,
  NvidiaDevicePlugin,
  rackScalePools,
  SitePowerEnvelope,
  type DevicePluginMode,
  type PoolCluster,
} from "../components";
import { parseIpv4Cidr, type Site } from "../components/model";

/** Settings of the program beside `repower:site`. */
export interface ProgramSettings {
  /** `repower:devicePluginMode`: device-plugin (default) or gpu-operator. */
  devicePluginMode: DevicePluginMode;
  /** `repower:prometheusLabels`: labels the Prometheus operator selects rules and monitors by. */
  prometheusLabels: Record<string, string>;
  /** `aws:region`, needed with cluster.type: eks. */
  awsRegion?: string;
  /** `repower:runtimeClassName`: the RuntimeClass of the power-cap pods (default `nvidia`). */
  runtimeClassName?: string;
  /** `repower:eksPublicAccessCidrs`: CIDR blocks that may reach the EKS public endpoint (default none: private only). */
  eksPublicAccessCidrs?: string[];
  /** `repower:ssmActivationIssued`: the day (YYYY-MM-DD) hybrid activations are issued; they expire 30 days later (default today). */
  activationIssued?: Date;
}

/** `repower:ssmActivationIssued`: a real date, today or within the last 30 days (an activation may expire at most 30 days after it is made). */
function activationIssued(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : undefined;
  if (d === undefined || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    throw new pulumi.RunError(`config repower:ssmActivationIssued: must be a date YYYY-MM-DD, found "${text}"`);
  }
  return d;
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
  const runtimeClassName = cfg.get("runtimeClassName");
  const eksPublicAccessCidrs = cfg.getObject<string[]>("eksPublicAccessCidrs");
  if (eksPublicAccessCidrs !== undefined && (!Array.isArray(eksPublicAccessCidrs) || eksPublicAccessCidrs.some((c) => typeof parseIpv4Cidr(String(c)) === "string"))) {
    throw new pulumi.RunError(`config repower:eksPublicAccessCidrs: must be a list of IPv4 CIDR blocks, found ${JSON.stringify(eksPublicAccessCidrs)}`);
  }
  const issued = activationIssued(cfg.get("ssmActivationIssued"));
  return {
    devicePluginMode: mode as DevicePluginMode,
    prometheusLabels: labels,
    ...(awsRegion ? { awsRegion } : {}),
    ...(runtimeClassName ? { runtimeClassName } : {}),
    ...(eksPublicAccessCidrs ? { eksPublicAccessCidrs } : {}),
    ...(issued ? { activationIssued: issued } : {}),
  };
}

/** Builds the site; returns the stack outputs. */
export function siteProgram(site: Site, settings: ProgramSettings) {
  const stack = pulumi.getStack();
  const name = site.name;

  let cluster: EksSiteCluster | undefined;
  let poolCluster: PoolCluster | undefined;
  if (site.cluster.type === "eks") {
    cluster = new EksSiteCluster(`${name}-cluster`, {
      site,
      stack,
      region: settings.awsRegion as string,
      ...(settings.eksPublicAccessCidrs ? { publicAccessCidrs: settings.eksPublicAccessCidrs } : {}),
    });
    poolCluster = { name: cluster.clusterName, arn: cluster.clusterArn, region: cluster.region, subnetIds: cluster.subnetIds };
  }
  const k8sOpts: pulumi.ComponentResourceOptions = cluster ? { providers: { kubernetes: cluster.provider } } : {};
  const after = cluster?.ready ?? [];

  const envelope = new SitePowerEnvelope(`${name}-envelope`, { site, stack }, k8sOpts);
  // The device plugin's release installs node-feature-discovery's CRDs, which the static pools' NodeFeatureRules need.
  const devicePlugin =
    site.gpuPools.length > 0 ? new NvidiaDevicePlugin(`${name}-device-plugin`, { site, stack, mode: settings.devicePluginMode, after }, k8sOpts) : undefined;
  const pools = site.gpuPools.map(
    (p) =>
      new GpuNodePool(
        `${name}-${p.name}`,
        {
          site,
          stack,
          pool: p.name,
          ...(poolCluster ? { cluster: poolCluster } : {}),
          ...(devicePlugin ? { nodeFeatureRuleDependsOn: [devicePlugin.release] } : {}),
          ...(settings.activationIssued ? { activationIssued: settings.activationIssued } : {}),
        },
        // Every resource that admits GPU nodes depends on the envelope ConfigMap, so that during
        // `pulumi up` the budget policies' check of that ConfigMap runs before any of them is created.
        { ...k8sOpts, dependsOn: [envelope] },
      ),
  );
  // Rack-scale pools (NVL72): NVIDIA's DRA driver, for ComputeDomains across a rack's trays.
  if (rackScalePools(site).length > 0) {
    new NvidiaComputeDomains(`${name}-compute-domains`, { site, stack, mode: settings.devicePluginMode, after }, k8sOpts);
  }
  if (site.gpuPools.length > 0) {
    new GpuMonitoring(`${name}-monitoring`, { site, stack, prometheusLabels: settings.prometheusLabels, after }, k8sOpts);
    new GpuPowerCap(`${name}-power-cap`, { site, stack, after, ...(settings.runtimeClassName ? { runtimeClassName: settings.runtimeClassName } : {}) }, k8sOpts);
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
