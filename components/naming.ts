/**
 * Deterministic names: the same site always gives the same resource names,
 * so a second `pulumi up` finds nothing to change.
 */
import { createHash } from "node:crypto";

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

/** Namespaces repower makes, each labelled for the Pod Security level it needs. */
export const NAMESPACES = {
  /** The envelope ConfigMap; nothing runs here (restricted). */
  system: "repower-system",
  /** The NVIDIA device plugin (and its node-feature-discovery): privileged. */
  devicePlugin: "nvidia-device-plugin",
  /** The NVIDIA GPU Operator, when it manages drivers too: privileged. */
  gpuOperator: "gpu-operator",
  /** dcgm-exporter: privileged (it reads GPU counters through the driver). */
  monitoring: "gpu-monitoring",
  /** The power-cap DaemonSets: privileged. */
  powerCap: "repower-power-cap",
} as const;

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
