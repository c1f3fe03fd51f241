/**
 * The NVIDIA device plugin's own config file (`version: v1`, from
 * NVIDIA/k8s-device-plugin `api/config/v1`) for a pool, and NVIDIA's rules for
 * it. The component checks a pool's config before it makes anything; the
 * policy pack checks the configs it finds in deployed resources.
 *
 * Pure: no Pulumi here.
 */
import type { GpuPool } from "./site";

export interface SharedResource {
  name: string;
  rename?: string;
  devices?: "all" | number[] | string[];
  replicas: number;
}

/** The subset of the v1 config that repower writes. */
export interface DevicePluginConfig {
  version: "v1";
  flags: { migStrategy: "none" | "single" | "mixed" };
  sharing?: { timeSlicing?: { resources: SharedResource[] }; mps?: { resources: SharedResource[] } };
}

/** The resource prefix the plugin adds to resource names. */
export const RESOURCE_PREFIX = "nvidia.com/";
/** The longest resource name Kubernetes allows after the prefix. */
export const MAX_RESOURCE_NAME = 63;

/** The device-plugin config of a pool (no sharing when the pool says nothing). */
export function devicePluginConfig(pool: Pick<GpuPool, "devicePlugin">): DevicePluginConfig {
  const dp = pool.devicePlugin;
  const migStrategy = dp?.migStrategy ?? "none";
  const config: DevicePluginConfig = { version: "v1", flags: { migStrategy } };
  if (dp !== undefined && dp.sharing !== "none") {
    const resource: SharedResource = { name: `${RESOURCE_PREFIX}gpu`, replicas: dp.replicas ?? 0 };
    if (dp.rename !== undefined) resource.rename = dp.rename;
    config.sharing = dp.sharing === "mps" ? { mps: { resources: [resource] } } : { timeSlicing: { resources: [resource] } };
  }
  return config;
}

/** NVIDIA's rules for a config; each broken rule is one sentence. Empty when the config is valid. */
export function devicePluginConfigProblems(config: unknown): string[] {
  const problems: string[] = [];
  if (config === null || typeof config !== "object") return ["the config is not a map"];
  const c = config as Record<string, any>;
  if (c.version !== "v1") problems.push(`version must be "v1", found ${JSON.stringify(c.version)}`);
  const mig = c.flags?.migStrategy ?? "none";
  if (!["none", "single", "mixed"].includes(mig)) problems.push(`flags.migStrategy must be none, single or mixed, found ${JSON.stringify(mig)}`);
  const sharing = c.sharing ?? {};
  const ts = sharing.timeSlicing?.resources;
  const mps = sharing.mps?.resources;
  if (ts !== undefined && mps !== undefined && ts.length > 0 && mps.length > 0) {
    problems.push("time-slicing and MPS are exclusive: configure one sharing strategy");
  }
  if (mps !== undefined && mps.length > 0 && mig === "mixed") problems.push("MPS is not supported with migStrategy mixed");
  for (const [kind, list] of [["timeSlicing", ts], ["mps", mps]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`sharing.${kind}.resources must be a list`);
      continue;
    }
    list.forEach((r: Record<string, unknown>, i: number) => {
      const at = `sharing.${kind}.resources[${i}]`;
      if (typeof r?.replicas !== "number" || !Number.isInteger(r.replicas) || r.replicas < 2) {
        problems.push(`${at}.replicas must be a whole number of at least 2, found ${JSON.stringify(r?.replicas)}`);
      }
      for (const field of ["name", "rename"] as const) {
        const v = r?.[field];
        if (v === undefined && field === "rename") continue;
        if (typeof v !== "string" || v === "") {
          problems.push(`${at}.${field} must be a resource name`);
          continue;
        }
        const bare = v.startsWith(RESOURCE_PREFIX) ? v.slice(RESOURCE_PREFIX.length) : v;
        if (bare.length > MAX_RESOURCE_NAME) {
          problems.push(`${at}.${field} "${v}" is longer than ${MAX_RESOURCE_NAME} characters after ${RESOURCE_PREFIX}`);
        }
        if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(bare)) problems.push(`${at}.${field} "${v}" is not a valid resource name`);
      }
    });
  }
  return problems;
}
