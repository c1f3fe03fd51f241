/**
 * NvidiaComputeDomains: NVIDIA's DRA driver for GPUs (kubernetes-sigs
 * `dra-driver-nvidia-gpu`, pinned in charts.ts) for the site's rack-scale
 * pools (GB200/GB300 NVL72), with ComputeDomains only: a ComputeDomain gives
 * the pods of one job IMEX channels, so that GPUs on different trays of one
 * NVL72 rack share memory over NVLink (multi-node NVLink, MNNVL).
 *
 * GPU allocation stays with the device plugin: `resources.gpus.enabled:
 * false`, as NVIDIA documents for running ComputeDomains beside the device
 * plugin (the chart refuses `resources.gpus.enabled: true` without
 * `gpuResourcesEnabledOverride`, because its GPU plugin and the device plugin
 * would both hand out the same GPUs). The kubelet plugin runs on the
 * rack-scale pools' nodes only (required node affinity on the repower labels,
 * replacing the chart's default affinity on node-feature-discovery labels) and
 * tolerates the GPU taints; the controller keeps the chart's placement.
 *
 * Facts from the chart source at v0.4.1 (kubernetes-sigs/dra-driver-nvidia-gpu, deployments/helm/dra-driver-nvidia-gpu):
 * values.yaml (`resources.*.enabled`, `kubeletPlugin.{nodeSelector,affinity,tolerations}`,
 * `nvidiaDriverRoot`, `resourceApiVersion`), templates/validation.yaml (the
 * gpus/device-plugin rule), templates/_helpers.tpl (`resourceApiVersion`: the
 * value, else resource.k8s.io/v1, v1beta2, v1beta1 as the cluster serves).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { isRackScale, LABEL_POOL, LABEL_SITE, type GpuPool, type Site } from "./model";
import { CHARTS, pinnedRelease } from "./charts";
import { GPU_NODE_TOLERATIONS } from "./gpu-power-cap";
import type { DevicePluginMode } from "./nvidia-device-plugin";
import { FIXED_NAME, managedBy, NAMESPACES, namespaceFor, podSecurityLabels, releaseNameFor, stackOf } from "./naming";

export interface NvidiaComputeDomainsArgs {
  site: Site;
  /** In `gpu-operator` mode the operator's driver container is the driver root (`/run/nvidia/driver`). */
  mode?: DevicePluginMode;
  stack?: string;
  after?: pulumi.Input<pulumi.Resource>[];
}

/** The site's rack-scale pools (catalog `rackScale: true`), in code-point order. */
export function rackScalePools(site: Pick<Site, "gpuPools">): GpuPool[] {
  return site.gpuPools.filter(isRackScale).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The resource.k8s.io version of the driver's DeviceClasses: DRA is beta in
 * Kubernetes 1.32 (v1beta1) and 1.33 (v1beta2), GA in 1.34 (v1). Known only
 * for an EKS cluster (its `kubernetesVersion`); for an existing cluster it is
 * left to the chart, which asks the cluster (Helm's capabilities) at install.
 */
export function draResourceApiVersion(site: Pick<Site, "cluster">): string | undefined {
  const v = site.cluster.kubernetesVersion;
  if (v === undefined) return undefined;
  const minor = Number(v.split(".")[1]);
  return minor >= 34 ? "resource.k8s.io/v1" : minor === 33 ? "resource.k8s.io/v1beta2" : "resource.k8s.io/v1beta1";
}

/** Values of the dra-driver-nvidia-gpu chart (0.4.1). */
export function draDriverValues(site: Site, mode: DevicePluginMode = "device-plugin"): Record<string, unknown> {
  const api = draResourceApiVersion(site);
  return {
    resources: { gpus: { enabled: false }, computeDomains: { enabled: true } },
    // The GPU Operator's driver container mounts the driver at /run/nvidia/driver; a host driver is at / (the chart's default).
    ...(mode === "gpu-operator" ? { nvidiaDriverRoot: "/run/nvidia/driver" } : {}),
    ...(api !== undefined ? { resourceApiVersion: api } : {}),
    kubeletPlugin: {
      nodeSelector: { [LABEL_SITE]: site.name },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: LABEL_POOL, operator: "In", values: rackScalePools(site).map((p) => p.name) }] }],
          },
        },
      },
      tolerations: GPU_NODE_TOLERATIONS,
    },
  };
}

/** Where the driver goes for one stack. */
export function draDriverPlacement(stack: string): { namespace: string; releaseName: string } {
  return { namespace: namespaceFor(NAMESPACES.draDriver, stack), releaseName: releaseNameFor("dra-driver-nvidia-gpu", stack) };
}

export class NvidiaComputeDomains extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:nvidia:NvidiaComputeDomains";

  readonly namespace: pulumi.Output<string>;
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: NvidiaComputeDomainsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(NvidiaComputeDomains.__pulumiType, name, {}, opts);
    const { site } = args;
    if (rackScalePools(site).length === 0) {
      throw new pulumi.InputPropertyError({ propertyPath: "site.gpuPools", reason: `site ${site.name} has no rack-scale pool: ComputeDomains need NVL72 racks` });
    }
    const where = draDriverPlacement(stackOf(args.stack));
    const parent = { parent: this, ...FIXED_NAME };
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: where.namespace, labels: { ...managedBy(site.name, "compute-domains"), ...podSecurityLabels("privileged") } } },
      { ...parent, dependsOn: args.after ?? [] },
    );
    this.release = pinnedRelease(
      `${name}-release`,
      { releaseName: where.releaseName, chart: CHARTS.draDriver, namespace: ns.metadata.name, values: draDriverValues(site, args.mode) },
      parent,
    );
    this.namespace = ns.metadata.name;
    this.registerOutputs({ namespace: this.namespace });
  }
}
