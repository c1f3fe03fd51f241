/**
 * Deterministic names: the same site always gives the same resource names,
 * so a second `pulumi up` finds nothing to change; and names scoped by the
 * Pulumi stack, so that two sites on one cluster, or the dev and prod stacks
 * of one site in one AWS account, never collide.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

/**
 * `parts` joined with "-", and when that is longer than `max`, cut and
 * suffixed with 8 hex digits of its SHA-256 so that different long names stay
 * different.
 */
export function physicalName(parts: readonly string[], max = 63): string {
  const full = parts.filter((p) => p !== "").join("-");
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${full.slice(0, max - 9).replace(/-+$/, "")}-${hash}`;
}

/** Base names of the namespaces repower makes, each labelled for the Pod Security level it needs; scoped by `namespaceFor`. */
export const NAMESPACES = {
  /** The envelope ConfigMap; nothing runs here (restricted). */
  system: "repower-system",
  /** The NVIDIA device plugin (and its node-feature-discovery and GPU feature discovery): privileged. */
  devicePlugin: "nvidia-device-plugin",
  /** The NVIDIA GPU Operator, when it manages drivers too: privileged. */
  gpuOperator: "gpu-operator",
  /** dcgm-exporter: privileged (it reads GPU counters through the driver). */
  monitoring: "gpu-monitoring",
  /** The power-cap DaemonSets: privileged. */
  powerCap: "repower-power-cap",
  /** NVIDIA's DRA driver for GPUs (ComputeDomains of rack-scale pools): privileged. */
  draDriver: "nvidia-dra-driver-gpu",
} as const;

/**
 * The parts that scope a name to one deployment: the stack, and the site
 * where it differs from the stack (the examples' stacks are named after
 * their sites, so their names carry the site once).
 */
export function scopeParts(site: string, stack: string): string[] {
  return site === stack ? [stack] : [site, stack];
}

/** The stack a component belongs to: as given, else the running program's. */
export function stackOf(stack: string | undefined): string {
  return stack ?? pulumi.getStack();
}

/** A namespace of `base` for one stack: `<base>-<stack>` (a DNS label, at most 63 characters). */
export function namespaceFor(base: string, stack: string): string {
  return physicalName([base, stack], 63);
}

/** A Helm release name of `base` for one stack; Helm allows at most 53 characters. */
export function releaseNameFor(base: string, stack: string): string {
  return physicalName([base, stack], 53);
}

/** Labels of a namespace enforcing a Pod Security Standard level. */
export function podSecurityLabels(level: "restricted" | "baseline" | "privileged"): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  };
}

/** Labels on every object repower makes. */
export function managedBy(site: string, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "repower",
    "app.kubernetes.io/part-of": "repower",
    "app.kubernetes.io/component": component,
    "repower.io/site": site,
  };
}

/** Options for a resource whose physical name is fixed: a replacement deletes the old one first (the name cannot be taken twice). */
export const FIXED_NAME: pulumi.CustomResourceOptions = { deleteBeforeReplace: true };
