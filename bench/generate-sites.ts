/**
 * Sites the benchmarks build for themselves: a fleet of small sites, and one
 * large site with N static GPU nodes in 8 pools, all within their budgets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";

/** A site with `nodes` dgx-h100 nodes spread over `pools` static pools, in budget. */
export function largeSite(name: string, nodes: number, pools = 8): Record<string, unknown> {
  const per = Math.floor(nodes / pools);
  const poolNodes = Array.from({ length: pools }, (_, i) => per + (i < nodes - per * pools ? 1 : 0));
  const itMW = (nodes * 10.2) / 1000;
  const hallMW = Math.max(1, Math.ceil(((per + 1) * 10.2) / 1000 / 0.8));
  return {
    name,
    grid: { interconnectMW: Math.ceil(itMW * 1.1 * 1.3 + 10), auxMW: 1 },
    transformers: [{ name: "main", ratingMVA: Math.ceil(itMW * 1.1 * 1.3 + 10), units: 2, redundancy: "N+1" }],
    coolingZones: [
      { name: "yard", type: "air", capacityMW: 20, units: 10, redundancy: "N+1", pue: 1.1 },
      ...Array.from({ length: pools }, (_, i) => ({ name: `hall-${i}`, type: "direct-to-chip", capacityMW: hallMW, units: 4, redundancy: "N", pue: 1.1 })),
    ],
    mining: [{ name: "containers", model: "antminer-s21", units: 4000, coolingZone: "yard" }],
    gpuPools: Array.from({ length: pools }, (_, i) => ({
      name: `pool-${i}`,
      sku: "dgx-h100",
      coolingZone: `hall-${i}`,
      backend: { type: "static", nodeNamePrefix: `gpu-${i}-` },
    })),
    rollout: {
      activePhase: "phase-2",
      phases: [
        { name: "phase-1", mining: { containers: 2000 }, gpu: Object.fromEntries(poolNodes.map((n, i) => [`pool-${i}`, Math.floor(n / 2)])) },
        { name: "phase-2", mining: { containers: 0 }, gpu: Object.fromEntries(poolNodes.map((n, i) => [`pool-${i}`, n])) },
      ],
    },
  };
}

/** A small site, varied by `i`, in budget. */
export function smallSite(i: number): Record<string, unknown> {
  const nodes = 16 + (i % 7) * 8;
  return {
    name: `site-${String(i).padStart(3, "0")}`,
    grid: { interconnectMW: 10 + (i % 5), firmMW: 6, reservePercent: 5, auxMW: 0.2 },
    transformers: [{ name: "main", ratingMVA: 8, units: 3, redundancy: "N+1" }],
    feeds: [
      { name: "a", voltage: 4160, amperage: 800 },
      { name: "b", voltage: 4160, amperage: 800 },
    ],
    coolingZones: [
      { name: "yard", type: "air", capacityMW: 9, units: 6, redundancy: "N+1", pue: 1.1 },
      { name: "hall", type: "direct-to-chip", capacityMW: 3, units: 4, redundancy: "N+1", pue: 1.2 },
    ],
    mining: [{ name: "containers", model: "antminer-s19-xp", units: 2000, coolingZone: "yard" }],
    gpuPools: [
      { name: "h100", sku: "dgx-h100", coolingZone: "hall", feeds: ["a", "b"], backend: { type: "static", nodeNamePrefix: "h100-" } },
      { name: "h200", sku: "dgx-h200", coolingZone: "hall", powerCapWatts: 600, backend: { type: "static", nodeNamePrefix: "h200-" } },
    ],
    rollout: {
      activePhase: "phase-1",
      overlap: i % 2 === 0,
      phases: [
        { name: "phase-1", mining: { containers: 1200 }, gpu: { h100: nodes, h200: 8 } },
        { name: "phase-2", mining: { containers: 600 }, gpu: { h100: nodes * 2, h200: 16 } },
      ],
    },
  };
}

/** Writes `Pulumi.<stack>.yaml` for each site into `<dir>/stacks/`; returns the stack names. */
export function writeStacks(dir: string, sites: Record<string, unknown>[]): string[] {
  const stacks = path.join(dir, "stacks");
  fs.mkdirSync(stacks, { recursive: true });
  return sites.map((site) => {
    const name = site.name as string;
    fs.writeFileSync(path.join(stacks, `Pulumi.${name}.yaml`), stringify({ config: { "repower:site": site } }));
    return name;
  });
}
