/**
 * The pools that MIG Manager partitions (those with a `devicePlugin.migProfile`),
 * and the mig-parted config and node label that go with them.
 *
 * Pure: no Pulumi here.
 */
import { migConfigName, migPartedConfig, type MigProfileSpec } from "./mig-profiles";
import type { GpuPool, Site } from "./site";

/** The label MIG Manager reads: the name of the mig-parted config to apply to the node's GPUs. */
export const LABEL_MIG_CONFIG = "nvidia.com/mig.config";

/** The config MIG Manager applies to a node without the label (NVIDIA's default name). */
export const MIG_DEFAULT_CONFIG = "all-disabled";

/** Name of the ConfigMap that holds the mig-parted config (key `config.yaml`). */
export const MIG_CONFIGMAP = "repower-mig-parted-config";

/** A pool's `migProfile`, if it has one. */
export function poolMigProfile(pool: Pick<GpuPool, "devicePlugin">): MigProfileSpec | undefined {
  return pool.devicePlugin?.migProfile;
}

/** The pools with a `migProfile`, in code-point order of name. */
export function migPools(site: Pick<Site, "gpuPools">): GpuPool[] {
  return site.gpuPools.filter((p) => poolMigProfile(p) !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The `nvidia.com/mig.config` label of a pool's nodes, or nothing for a pool without a migProfile. */
export function migConfigLabel(pool: Pick<GpuPool, "name" | "devicePlugin">): Record<string, string> {
  const spec = poolMigProfile(pool);
  return spec === undefined ? {} : { [LABEL_MIG_CONFIG]: migConfigName(pool.name, spec) };
}

/** The mig-parted config (`config.yaml`) holding every MIG pool's layout, and `all-disabled`. */
export function siteMigPartedConfig(site: Pick<Site, "gpuPools">) {
  return migPartedConfig(migPools(site).map((p) => ({ name: p.name, sku: p.sku, migProfile: poolMigProfile(p) as MigProfileSpec })));
}
