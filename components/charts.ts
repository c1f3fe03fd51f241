/**
 * The upstream Helm charts repower deploys, pinned, and a Helm release of
 * one: rendered by `repower preview --out` as its chart reference and values.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Upstream Helm charts, pinned. */
export const CHARTS = {
  devicePlugin: { chart: "nvidia-device-plugin", version: "0.20.0", repo: "https://nvidia.github.io/k8s-device-plugin" },
  gpuOperator: { chart: "gpu-operator", version: "v25.3.0", repo: "https://helm.ngc.nvidia.com/nvidia" },
  dcgmExporter: { chart: "dcgm-exporter", version: "4.1.1", repo: "https://nvidia.github.io/dcgm-exporter/helm-charts" },
  /** The CNI of EKS hybrid nodes: Cilium 1.16.x is the line AWS supports and recommends (EKS user guide, "Configure a CNI for hybrid nodes"). */
  cilium: { chart: "cilium", version: "1.16.11", repo: "https://helm.cilium.io/" },
  /**
   * NVIDIA's DRA driver for GPUs (ComputeDomains: IMEX channels across the trays of an NVL72), now
   * kubernetes-sigs/dra-driver-nvidia-gpu; v0.4.1 is tag v0.4.1 (commit 764900e). Its charts are
   * published to the Kubernetes OCI registry: `helm install dra-driver-nvidia-gpu
   * oci://registry.k8s.io/dra-driver-nvidia/charts/dra-driver-nvidia-gpu --version 0.4.1` (the
   * project's install instructions). Requires Kubernetes >= 1.32 (Chart.yaml `kubeVersion`).
   */
  draDriver: { chart: "dra-driver-nvidia-gpu", version: "0.4.1", repo: "oci://registry.k8s.io/dra-driver-nvidia/charts" },
} as const;

export type ChartRef = (typeof CHARTS)[keyof typeof CHARTS];

/** A Helm release of a pinned chart. */
export function pinnedRelease(
  name: string,
  args: { releaseName: string; chart: ChartRef; namespace: pulumi.Input<string>; values: Record<string, unknown> },
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  // A release's name is fixed: a replacement uninstalls the old one first.
  // An OCI registry is not a chart repository (no index.yaml): its chart is named by its full reference.
  const oci = args.chart.repo.startsWith("oci://");
  return new k8s.helm.v3.Release(
    name,
    {
      name: args.releaseName,
      chart: oci ? `${args.chart.repo}/${args.chart.chart}` : args.chart.chart,
      version: args.chart.version,
      ...(oci ? {} : { repositoryOpts: { repo: args.chart.repo } }),
      namespace: args.namespace,
      values: args.values,
    },
    { deleteBeforeReplace: true, ...opts },
  );
}
