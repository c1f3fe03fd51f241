/**
 * Power of GPU nodes, racks, pools and mining blocks: the contract's
 * arithmetic (docs/site-spec.md, "Arithmetic").
 *
 * Pure: no Pulumi here. The envelope, the policy pack, the remedies and the
 * components all import these functions, so they cannot disagree.
 */
import type { GpuPool, MiningBlock } from "./site";

/** What the power of a pool depends on. */
export type PoolPower = Pick<GpuPool, "system" | "powerCapWatts">;

/** Power of one GPU node, kW: `systemKW − gpusPerNode × (gpuTdpW − powerCapWatts) / 1000` when capped. */
export function nodeKW(pool: PoolPower): number {
  const s = pool.system;
  if (pool.powerCapWatts === undefined) return s.systemKW.value;
  return Math.max(0, s.systemKW.value - (s.gpusPerNode.value * (s.gpuTdpW.value - pool.powerCapWatts)) / 1000);
}

/** IT power of a pool, kW. */
export function poolItKW(pool: PoolPower, nodes: number): number {
  return nodes * nodeKW(pool);
}

/** IT power of a mining block, kW. */
export function blockItKW(block: Pick<MiningBlock, "wattsPerUnit">, units: number): number {
  return (units * block.wattsPerUnit) / 1000;
}

/** Power of one full rack of a pool, kW. */
export function rackKW(pool: Pick<GpuPool, "system" | "powerCapWatts" | "nodesPerRack">): number {
  return pool.nodesPerRack * nodeKW(pool);
}
