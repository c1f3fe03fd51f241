/**
 * The NVIDIA device plugin's own config file (`version: v1`, from
 * NVIDIA/k8s-device-plugin `api/config/v1`) for a pool, and NVIDIA's rules for
 * it. The component checks a pool's config before it makes anything; the
 * policy pack checks the configs it finds in deployed resources.
 *
 * The rules follow the plugin's loader at the versions repower runs
 * (NVIDIA/k8s-device-plugin v0.20.0, api/config/v1 and cmd/nvidia-device-plugin/main.go; the GPU Operator v25.3.0 ships
 * v0.17.1, whose `api/config/v1` differs only where noted below):
 * - a resource name is `nvidia.com/<name>`, at most 63 characters in full,
 *   `<name>` a lowercase RFC 1123 subdomain (`NewResourceName` in
 *   resources.go, `IsDNS1123Subdomain` in apimachinery's validation.go);
 * - `rename` is dropped at start-up (`DisableResourceNamingInConfig`, called
 *   by cmd/nvidia-device-plugin/main.go, and `disableResoureRenaming` in
 *   replicas.go): only `renameByDefault`, which advertises `<name>.shared`,
 *   renames a shared resource;
 * - `replicas` at least 2 (replicas.go); MPS not with `migStrategy: mixed`
 *   (`validateFlags` in main.go); one sharing strategy at a time.
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

/** Sharing options of one strategy (`ReplicatedResources` in replicas.go). */
export interface SharedResources {
  renameByDefault?: boolean;
  failRequestsGreaterThanOne?: boolean;
  resources: SharedResource[];
}

/** The subset of the v1 config that repower writes. */
export interface DevicePluginConfig {
  version: "v1";
  flags: { migStrategy: "none" | "single" | "mixed" };
  sharing?: { timeSlicing?: SharedResources; mps?: SharedResources };
}

/** The resource prefix the plugin adds to resource names (`ResourceNamePrefix` in consts.go). */
export const RESOURCE_PREFIX = "nvidia.com/";
/** The longest fully-qualified resource name the plugin accepts (`MaxResourceNameLength` in consts.go). */
export const MAX_RESOURCE_NAME = 63;
/** What `renameByDefault` appends (`DefaultSharedResourceNameSuffix` in consts.go). */
export const SHARED_SUFFIX = ".shared";

/** Device-plugin versions whose config rules repower checks: the chart's, and the one the GPU Operator ships. */
export const DEVICE_PLUGIN_VERSIONS = {
  /** nvidia-device-plugin chart 0.20.0 (appVersion 0.20.0). */
  chart: "v0.20.0",
  /** gpu-operator chart v25.3.0 `devicePlugin.version` (values.yaml). */
  gpuOperator: "v0.17.1",
} as const;
export type DevicePluginVersion = (typeof DEVICE_PLUGIN_VERSIONS)[keyof typeof DEVICE_PLUGIN_VERSIONS];

/** The device-plugin config of a pool (no sharing when the pool says nothing). */
export function devicePluginConfig(pool: Pick<GpuPool, "devicePlugin">): DevicePluginConfig {
  const dp = pool.devicePlugin;
  const migStrategy = dp?.migStrategy ?? "none";
  const config: DevicePluginConfig = { version: "v1", flags: { migStrategy } };
  if (dp !== undefined && dp.sharing !== "none") {
    const resource: SharedResource = { name: `${RESOURCE_PREFIX}gpu`, replicas: dp.replicas ?? 0 };
    // Written as asked so that the rules below can say why it would be dropped.
    if (dp.rename !== undefined) resource.rename = dp.rename;
    config.sharing = dp.sharing === "mps" ? { mps: { resources: [resource] } } : { timeSlicing: { resources: [resource] } };
  }
  return config;
}

const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);

/** Why `name` is not a resource name the plugin accepts (`NewResourceName`); undefined when it is. */
export function resourceNameProblem(name: string): string | undefined {
  const full = name.startsWith(RESOURCE_PREFIX) ? name : RESOURCE_PREFIX + name;
  const bare = full.slice(RESOURCE_PREFIX.length);
  if (full.length > MAX_RESOURCE_NAME) return `"${full}" is longer than ${MAX_RESOURCE_NAME} characters in full (${full.length})`;
  if (!DNS1123_SUBDOMAIN.test(bare)) {
    return `"${bare}" is not a lowercase RFC 1123 subdomain (lower-case letters, digits, '-' and '.', starting and ending with a letter or digit)`;
  }
  return undefined;
}

/** NVIDIA's rules for a config; each broken rule is one sentence. Empty when the config is valid. */
export function devicePluginConfigProblems(config: unknown, version: DevicePluginVersion = DEVICE_PLUGIN_VERSIONS.chart): string[] {
  const problems: string[] = [];
  if (config === null || typeof config !== "object") return ["the config is not a map"];
  const c = config as Record<string, any>;
  if (c.version !== "v1") problems.push(`version must be "v1", found ${JSON.stringify(c.version)}`);
  const mig = c.flags?.migStrategy ?? "none";
  if (!["none", "single", "mixed"].includes(mig)) problems.push(`flags.migStrategy must be none, single or mixed, found ${JSON.stringify(mig)}`);
  if (c.resources !== undefined) {
    problems.push("resources (custom resource names) is dropped by the plugin at start-up (DisableResourceNamingInConfig): leave it out");
  }
  const sharing = c.sharing ?? {};
  const ts = sharing.timeSlicing?.resources;
  const mps = sharing.mps?.resources;
  if (ts !== undefined && mps !== undefined && ts.length > 0 && mps.length > 0) {
    problems.push("time-slicing and MPS are exclusive: configure one sharing strategy");
  }
  if (mps !== undefined && mps.length > 0 && mig === "mixed") problems.push("MPS is not supported with migStrategy mixed");
  if (version === DEVICE_PLUGIN_VERSIONS.gpuOperator && sharing.mps?.failRequestsGreaterThanOne === false) {
    problems.push(`sharing.mps.failRequestsGreaterThanOne: false is forced back to true by the device plugin ${version} the GPU Operator runs`);
  }
  for (const [kind, list] of [["timeSlicing", ts], ["mps", mps]] as const) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push(`sharing.${kind}.resources must be a list`);
      continue;
    }
    const byDefault = sharing[kind]?.renameByDefault;
    if (byDefault !== undefined && typeof byDefault !== "boolean") problems.push(`sharing.${kind}.renameByDefault must be true or false`);
    list.forEach((r: Record<string, unknown>, i: number) => {
      const at = `sharing.${kind}.resources[${i}]`;
      if (typeof r?.replicas !== "number" || !Number.isInteger(r.replicas) || r.replicas < 2) {
        problems.push(`${at}.replicas must be a whole number of at least 2, found ${JSON.stringify(r?.replicas)}`);
      }
      const name = r?.name;
      if (typeof name !== "string" || name === "") {
        problems.push(`${at}.name must be a resource name`);
      } else {
        const bad = resourceNameProblem(name);
        if (bad) problems.push(`${at}.name ${bad}`);
        else if (byDefault === true) {
          const shared = resourceNameProblem((name.startsWith(RESOURCE_PREFIX) ? name : RESOURCE_PREFIX + name) + SHARED_SUFFIX);
          if (shared) problems.push(`${at}.name with renameByDefault: ${shared}`);
        }
      }
      if (r?.rename !== undefined) {
        problems.push(
          `${at}.rename ${JSON.stringify(r.rename)} is dropped by the plugin at start-up (DisableResourceNamingInConfig), so pods asking for it would stay Pending: only renameByDefault (which advertises <name>${SHARED_SUFFIX}) renames a shared resource`,
        );
      }
      if (r?.devices !== undefined && r.devices !== "all") {
        problems.push(`${at}.devices is dropped by the plugin at start-up (DisableResourceNamingInConfig): only "all" is honoured`);
      }
    });
  }
  return problems;
}
