/**
 * What GPU capacity looks like, whoever made it: EC2 instance types with
 * GPUs, Karpenter NodePool requirements that admit them, and Kubernetes
 * objects that label or taint NVIDIA GPU nodes. pool-matches-spec uses this
 * to find every resource that admits GPU nodes, not only those carrying the
 * repower labels.
 *
 * Pure: no Pulumi here.
 */
import { GPU_TAINT, LABEL_DEVICE_PLUGIN_CONFIG, LABEL_POOL, LABEL_SITE, LABEL_SKU } from "../components/model";

export interface GpuFamily {
  family: string;
  /** Karpenter's `karpenter.k8s.aws/instance-category`: the family's leading letters. */
  category: string;
  /** `karpenter.k8s.aws/instance-gpu-manufacturer`. */
  manufacturer: "nvidia" | "amd";
  /** Most GPUs in one instance of the family. */
  maxGpus: number;
}

/**
 * EC2 instance families with GPUs, from AWS's "Accelerated computing instance
 * specifications" (https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html)
 * and the product pages of P6 (https://aws.amazon.com/ec2/instance-types/p6/),
 * P5 (…/p5/), G6e (…/g6e/), G6 (…/g6/) and G5 (…/g5/). Checked 2026-11.
 * A family not listed whose name is `p` or `g` followed by a digit is treated
 * as a GPU family too (fail closed: a new generation is a GPU before this list knows it).
 */
export const GPU_INSTANCE_FAMILIES: readonly GpuFamily[] = [
  { family: "p2", category: "p", manufacturer: "nvidia", maxGpus: 16 }, // K80
  { family: "p3", category: "p", manufacturer: "nvidia", maxGpus: 8 }, // V100
  { family: "p3dn", category: "p", manufacturer: "nvidia", maxGpus: 8 },
  { family: "p4d", category: "p", manufacturer: "nvidia", maxGpus: 8 }, // A100 40 GB
  { family: "p4de", category: "p", manufacturer: "nvidia", maxGpus: 8 }, // A100 80 GB
  { family: "p5", category: "p", manufacturer: "nvidia", maxGpus: 8 }, // H100 (p5.4xlarge: 1)
  { family: "p5e", category: "p", manufacturer: "nvidia", maxGpus: 8 }, // H200
  { family: "p5en", category: "p", manufacturer: "nvidia", maxGpus: 8 }, // H200, EFAv3
  { family: "p6-b200", category: "p", manufacturer: "nvidia", maxGpus: 8 }, // B200
  { family: "p6-b300", category: "p", manufacturer: "nvidia", maxGpus: 8 }, // B300
  { family: "p6e-gb200", category: "p", manufacturer: "nvidia", maxGpus: 4 }, // GB200 (UltraServer nodes)
  { family: "g3", category: "g", manufacturer: "nvidia", maxGpus: 4 }, // M60
  { family: "g3s", category: "g", manufacturer: "nvidia", maxGpus: 1 },
  { family: "g4dn", category: "g", manufacturer: "nvidia", maxGpus: 8 }, // T4
  { family: "g4ad", category: "g", manufacturer: "amd", maxGpus: 4 }, // Radeon Pro V520
  { family: "g5", category: "g", manufacturer: "nvidia", maxGpus: 8 }, // A10G
  { family: "g5g", category: "g", manufacturer: "nvidia", maxGpus: 2 }, // T4G
  { family: "g6", category: "g", manufacturer: "nvidia", maxGpus: 8 }, // L4
  { family: "g6e", category: "g", manufacturer: "nvidia", maxGpus: 8 }, // L40S
  { family: "g6f", category: "g", manufacturer: "nvidia", maxGpus: 1 }, // fractional L4
  { family: "gr6", category: "gr", manufacturer: "nvidia", maxGpus: 1 }, // L4, more memory
  { family: "gr6f", category: "gr", manufacturer: "nvidia", maxGpus: 1 },
];

const FAMILIES = new Map(GPU_INSTANCE_FAMILIES.map((f) => [f.family, f]));
const MAX_GPUS = Math.max(...GPU_INSTANCE_FAMILIES.map((f) => f.maxGpus));

/** The family of an instance type: `p5.48xlarge` → `p5`, `p6-b200.48xlarge` → `p6-b200`. */
export function instanceFamily(instanceType: string): string {
  return instanceType.split(".")[0].toLowerCase();
}

/** The GPU family of an instance type, or undefined when it has no GPU. */
export function gpuFamilyOf(instanceType: string): GpuFamily | undefined {
  const family = instanceFamily(instanceType);
  const known = FAMILIES.get(family);
  if (known) return known;
  const m = /^(gr|p|g)\d/.exec(family);
  return m ? { family, category: m[1], manufacturer: "nvidia", maxGpus: MAX_GPUS } : undefined;
}

export const isGpuInstanceType = (t: unknown): boolean => typeof t === "string" && gpuFamilyOf(t) !== undefined;

/** EKS AMI types for GPU nodes (EKS API `AMITypes`: AL2_x86_64_GPU, AL2023_x86_64_NVIDIA, BOTTLEROCKET_*_NVIDIA, …). */
export const isGpuAmiType = (t: unknown): boolean => typeof t === "string" && /(_GPU|_NVIDIA)$/.test(t);

/** One requirement of a Karpenter NodePool (karpenter.sh/v1 `spec.template.spec.requirements[]`, a NodeSelectorRequirement). */
export interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

/** Karpenter's well-known labels a NodePool can restrict instances by (karpenter.sh docs, "NodePools: spec.template.spec.requirements"). */
export const KARPENTER_KEYS = {
  instanceType: ["node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type"],
  family: "karpenter.k8s.aws/instance-family",
  category: "karpenter.k8s.aws/instance-category",
  gpuCount: "karpenter.k8s.aws/instance-gpu-count",
  gpuManufacturer: "karpenter.k8s.aws/instance-gpu-manufacturer",
  gpuName: "karpenter.k8s.aws/instance-gpu-name",
} as const;

/** True when one requirement lets an instance of `f` through (Kubernetes NodeSelectorRequirement semantics). */
function admits(f: GpuFamily, r: Requirement): boolean {
  const values = (r.values ?? []).map(String);
  const op = r.operator;
  const pick = (has: boolean) => (op === "In" ? has : op === "NotIn" ? !has : op === "DoesNotExist" ? false : true);
  if ((KARPENTER_KEYS.instanceType as readonly string[]).includes(r.key)) {
    if (op === "NotIn") return true; // other sizes of the family remain
    return pick(values.some((v) => instanceFamily(v) === f.family));
  }
  switch (r.key) {
    case KARPENTER_KEYS.family:
      return pick(values.includes(f.family));
    case KARPENTER_KEYS.category:
      return pick(values.includes(f.category));
    case KARPENTER_KEYS.gpuManufacturer:
      return pick(values.includes(f.manufacturer));
    case KARPENTER_KEYS.gpuName:
      return op === "NotIn" ? true : pick(values.length > 0);
    case KARPENTER_KEYS.gpuCount: {
      const n = values.map(Number);
      if (op === "In") return n.some((x) => x >= 1 && x <= f.maxGpus);
      if (op === "NotIn") return true;
      if (op === "Gt") return (n[0] ?? 0) < f.maxGpus;
      if (op === "Lt") return (n[0] ?? 0) > 1;
      return op !== "DoesNotExist";
    }
    default:
      return true;
  }
}

/** The GPU families a NodePool's requirements admit (all requirements hold at once). Empty: it admits no GPU instance. */
export function karpenterGpuFamilies(requirements: readonly Requirement[]): string[] {
  return GPU_INSTANCE_FAMILIES.filter((f) => requirements.every((r) => admits(f, r))).map((f) => f.family);
}

const GPU_LABEL = (k: string) => k === LABEL_POOL || k === LABEL_SKU || k === LABEL_SITE || k === LABEL_DEVICE_PLUGIN_CONFIG || k.startsWith("nvidia.com/") || /pci-10de/.test(k);

/**
 * Why a set of labels and taints marks GPU nodes, or undefined: the repower
 * labels, any `nvidia.com/` label (GPU feature discovery's), NFD's NVIDIA PCI
 * label (`feature.node.kubernetes.io/pci-10de.present`; 10de is NVIDIA's PCI vendor id),
 * or the GPU taint.
 */
export function gpuMarking(labels: unknown, taints: unknown): string | undefined {
  const keys = labels !== null && typeof labels === "object" ? Object.keys(labels) : [];
  const gpuKeys = keys.filter(GPU_LABEL);
  if (gpuKeys.length > 0) return `labels ${gpuKeys.join(", ")}`;
  const t = Array.isArray(taints) ? taints : [];
  if (t.some((x) => (x as { key?: string })?.key === GPU_TAINT.key)) return `taint ${GPU_TAINT.key}`;
  return undefined;
}
