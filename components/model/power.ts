/**
 * Power of GPU nodes, racks, pools and mining blocks: the contract's
 * arithmetic (docs/site-spec.md, "Arithmetic").
 *
 * - `nodeKW = systemKW − gpusPerNode × (gpuTdpW − cap) / 1000`, where `cap` is
 *   `powerCapWatts` clamped to `[powerCapMinW, powerCapMaxW]` and then to at
 *   most `gpuTdpW`; without a cap, `systemKW`. A cap out of range is
 *   power-cap-range's violation and never lowers the power counted.
 * - `racks = ceil(nodes / nodesPerRack)`.
 * - Pool IT power: `nodes × nodeKW + racks × rackOverheadKW`.
 * - Rack power: `nodesPerRack × nodeKW + rackOverheadKW` (the cap never
 *   reduces the overhead).
 *
 * Pure: no Pulumi here. The envelope, the policy pack, the remedies and the
 * components all import these functions, so they cannot disagree.
 */
import type { Figure } from "./catalog";
import type { GpuPool, MiningBlock } from "./site";

/** What the power of one node depends on. */
export type NodePower = Pick<GpuPool, "system" | "powerCapWatts">;
/** What the power of a pool or of one of its racks depends on. */
export type PoolPower = NodePower & Pick<GpuPool, "nodesPerRack"> & { rackOverheadKW?: number };

/**
 * The per-GPU power the budgets count, W: `powerCapWatts` clamped to the
 * SKU's range and then to at most its TDP; the TDP when the pool has no cap.
 */
export function effectiveCapW(pool: NodePower): number {
  const s = pool.system;
  const tdp = s.gpuTdpW.value;
  if (pool.powerCapWatts === undefined) return tdp;
  const inRange = Math.min(Math.max(pool.powerCapWatts, s.powerCapMinW.value), s.powerCapMaxW.value);
  return Math.min(inRange, tdp);
}

/** Power of one GPU node, kW: `systemKW − gpusPerNode × (gpuTdpW − cap) / 1000` with the cap clamped ({@link effectiveCapW}). */
export function nodeKW(pool: NodePower): number {
  const s = pool.system;
  if (pool.powerCapWatts === undefined) return s.systemKW.value;
  return s.systemKW.value - (s.gpusPerNode.value * (s.gpuTdpW.value - effectiveCapW(pool))) / 1000;
}

/**
 * Power of a rack beyond its nodes (switches, PDUs, power shelves), kW: the
 * pool's `rackOverheadKW` when given, else its system's, else 0.
 */
export function rackOverheadKW(pool: Pick<GpuPool, "system"> & { rackOverheadKW?: number }): number {
  return pool.rackOverheadKW ?? (pool.system as { rackOverheadKW?: Figure }).rackOverheadKW?.value ?? 0;
}

/** Racks a pool of `nodes` occupies: `ceil(nodes / nodesPerRack)`. */
export function racksOf(pool: Pick<GpuPool, "nodesPerRack">, nodes: number): number {
  return nodes > 0 ? Math.ceil(nodes / pool.nodesPerRack) : 0;
}

/** IT power of a pool of `nodes` nodes, kW: `nodes × nodeKW + racks × rackOverheadKW`. */
export function poolItKW(pool: PoolPower, nodes: number): number {
  return nodes * nodeKW(pool) + racksOf(pool, nodes) * rackOverheadKW(pool);
}

/** IT power of a mining block, kW: `units × wattsPerUnit / 1000`. */
export function blockItKW(block: Pick<MiningBlock, "wattsPerUnit">, units: number): number {
  return (units * block.wattsPerUnit) / 1000;
}

/** Power of one full rack of a pool, kW: `nodesPerRack × nodeKW + rackOverheadKW`. */
export function rackKW(pool: PoolPower): number {
  return pool.nodesPerRack * nodeKW(pool) + rackOverheadKW(pool);
}
