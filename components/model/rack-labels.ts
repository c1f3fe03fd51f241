/**
 * Racks of a rack-scale pool (catalog `rackScale: true`: GB200/GB300 NVL72,
 * one NVLink domain of `nodesPerRack` compute trays). Every tray node carries
 * the label `repower.io/rack=<pool>-rack-<NN>`, so that a scheduler can keep a
 * job that spans trays inside one NVLink domain (topologyKey `repower.io/rack`).
 *
 * A static pool's trays are named in order (node-labels.ts `staticNodeNames`);
 * tray i (0-based) sits in rack floor(i / nodesPerRack), racks numbered from
 * 00 with at least two digits: trays 0..17 of pool `gb200` are `gb200-rack-00`,
 * trays 18..35 `gb200-rack-01`. The site cables its trays in that order.
 *
 * Pure: no Pulumi here.
 */
import type { GpuPool } from "./site";

export const LABEL_RACK = "repower.io/rack";

/** True for pools whose rack is one system (NVL72): whole racks, one NVLink domain each. */
export function isRackScale(pool: Pick<GpuPool, "system">): boolean {
  return pool.system.rackScale === true;
}

/** The rack label's value of rack `index` (0-based) of `pool`: `<pool>-rack-<NN>`. */
export function rackName(pool: string, index: number): string {
  return `${pool}-rack-${String(index).padStart(2, "0")}`;
}

/** Racks a pool of `count` trays fills (the last one partly, if count is not a whole number of racks). */
export function rackCount(count: number, nodesPerRack: number): number {
  return Math.ceil(count / nodesPerRack);
}

/** The trays of each rack, in order: `nodeNames[i]` sits in rack floor(i / nodesPerRack). */
export function trayRacks(pool: Pick<GpuPool, "name" | "nodesPerRack">, nodeNames: readonly string[]): { rack: string; nodes: string[] }[] {
  const out: { rack: string; nodes: string[] }[] = [];
  for (let r = 0; r * pool.nodesPerRack < nodeNames.length; r++) {
    out.push({ rack: rackName(pool.name, r), nodes: nodeNames.slice(r * pool.nodesPerRack, (r + 1) * pool.nodesPerRack) });
  }
  return out;
}

/** Trays each rack of a pool of `count` trays should report: nodesPerRack, the last rack the remainder. */
export function traysPerRack(pool: Pick<GpuPool, "name" | "nodesPerRack">, count: number): { rack: string; trays: number }[] {
  const out: { rack: string; trays: number }[] = [];
  for (let r = 0; r < rackCount(count, pool.nodesPerRack); r++) {
    out.push({ rack: rackName(pool.name, r), trays: Math.min(pool.nodesPerRack, count - r * pool.nodesPerRack) });
  }
  return out;
}

/**
 * node-feature-discovery rules (NodeFeatureRule `spec.rules`, nfd v0.19) that
 * label each tray of a static rack-scale pool with its rack, by node name;
 * none for other pools.
 */
export function rackFeatureRules(site: string, pool: Pick<GpuPool, "name" | "nodesPerRack" | "system">, nodeNames: readonly string[]): Record<string, unknown>[] {
  if (!isRackScale(pool)) return [];
  return trayRacks(pool, nodeNames).map(({ rack, nodes }) => ({
    name: `repower ${site} ${rack}`,
    labels: { [LABEL_RACK]: rack },
    matchFeatures: [{ feature: "system.name", matchExpressions: { nodename: { op: "In", value: nodes } } }],
  }));
}
