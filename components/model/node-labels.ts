/**
 * What every GPU node of a pool carries (contract, "Backends"): the labels
 * `repower.io/site`, `repower.io/pool`, `repower.io/sku` and
 * `nvidia.com/device-plugin.config=<pool>`, and the taint
 * `nvidia.com/gpu=present:NoSchedule`; and the names of a static pool's nodes.
 * A pool with a `migProfile` also carries `nvidia.com/mig.config=<config>`,
 * the mig-parted config MIG Manager applies (mig-pools.ts).
 *
 * Pure: no Pulumi here.
 */
import { migConfigLabel } from "./mig-pools";
import type { GpuPool, Site } from "./site";

export const LABEL_SITE = "repower.io/site";
export const LABEL_POOL = "repower.io/pool";
export const LABEL_SKU = "repower.io/sku";
export const LABEL_DEVICE_PLUGIN_CONFIG = "nvidia.com/device-plugin.config";

/** The taint that keeps pods without a GPU toleration off GPU nodes. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" } as const;

/** The labels of every node of `pool`. */
export function poolLabels(site: Pick<Site, "name">, pool: Pick<GpuPool, "name" | "sku" | "devicePlugin">): Record<string, string> {
  return {
    [LABEL_SITE]: site.name,
    [LABEL_POOL]: pool.name,
    [LABEL_SKU]: pool.sku,
    [LABEL_DEVICE_PLUGIN_CONFIG]: pool.name,
    ...migConfigLabel(pool),
  };
}

/** Digits of a static pool's zero-padded index: as given, else enough for its largest phase, at least 4. */
export function indexWidth(site: Pick<Site, "rollout">, pool: Pick<GpuPool, "name" | "backend">): number {
  if (pool.backend.indexWidth !== undefined) return pool.backend.indexWidth;
  const first = pool.backend.firstIndex ?? 1;
  let largest = 0;
  for (const ph of site.rollout.phases) largest = Math.max(largest, ph.gpu[pool.name] ?? 0);
  return Math.max(4, String(first + Math.max(0, largest - 1)).length);
}

/**
 * The names of the first `count` nodes of a static pool: `nodeNames` in order,
 * or `nodeNamePrefix` plus a zero-padded index starting at `firstIndex` (1).
 */
export function staticNodeNames(site: Pick<Site, "rollout">, pool: Pick<GpuPool, "name" | "backend">, count: number): string[] {
  const b = pool.backend;
  if (b.nodeNames !== undefined) return b.nodeNames.slice(0, count);
  const prefix = b.nodeNamePrefix ?? "";
  const width = indexWidth(site, pool);
  const first = b.firstIndex ?? 1;
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = prefix + String(first + i).padStart(width, "0");
  return out;
}
