/**
 * A small site for policy tests whose limits sit exactly between two node
 * counts, worked out by hand:
 *   one pool "gpu" of dgx-h100 (10.2 kW a node) in zone "hall" (PUE 1.0);
 *   100 miners of 3,000 W (300 kW, curtailable) in zone "yard" (PUE 1.0).
 * With interconnectMW 1.3: 300 + 98 × 10.2 = 1,299.6 kW fits, 99 nodes (1,309.8 kW) do not.
 */
import { stringify } from "yaml";

export interface BoundaryOptions {
  nodes?: number;
  interconnectMW?: number;
  firmMW?: number;
  transformers?: Record<string, unknown>[];
  feeds?: Record<string, unknown>[];
  poolFeeds?: string[];
  hall?: Record<string, unknown>;
  nodesPerRack?: number;
  powerCapWatts?: number;
  overlap?: boolean;
  miners?: number;
  devicePlugin?: Record<string, unknown>;
}

export function boundarySite(o: BoundaryOptions = {}): string {
  const nodes = o.nodes ?? 10;
  const pool: Record<string, unknown> = {
    name: "gpu",
    sku: "dgx-h100",
    coolingZone: "hall",
    backend: { type: "static", nodeNamePrefix: "gpu-" },
  };
  if (o.poolFeeds) pool.feeds = o.poolFeeds;
  if (o.nodesPerRack !== undefined) pool.nodesPerRack = o.nodesPerRack;
  if (o.powerCapWatts !== undefined) pool.powerCapWatts = o.powerCapWatts;
  if (o.devicePlugin !== undefined) pool.devicePlugin = o.devicePlugin;
  const phases = o.overlap
    ? [
        { name: "p1", mining: { miners: 100 }, gpu: { gpu: 0 } },
        { name: "p2", mining: { miners: 0 }, gpu: { gpu: nodes } },
      ]
    : [{ name: "p1", mining: { miners: o.miners ?? 100 }, gpu: { gpu: nodes } }];
  const site = {
    name: "boundary",
    grid: { interconnectMW: o.interconnectMW ?? 5, ...(o.firmMW !== undefined ? { firmMW: o.firmMW } : {}) },
    ...(o.transformers ? { transformers: o.transformers } : {}),
    ...(o.feeds ? { feeds: o.feeds } : {}),
    coolingZones: [
      { name: "yard", type: "air", capacityMW: 5, pue: 1.0 },
      { name: "hall", type: "direct-to-chip", capacityMW: 5, pue: 1.0, ...(o.hall ?? {}) },
    ],
    mining: [{ name: "miners", wattsPerUnit: 3000, units: 100, coolingZone: "yard" }],
    gpuPools: [pool],
    rollout: { activePhase: o.overlap ? "p2" : "p1", overlap: o.overlap ?? false, phases },
  };
  return stringify({ config: { "repower:site": site } });
}
