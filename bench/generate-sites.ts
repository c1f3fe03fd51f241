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

const date = (k: number) => new Date(Date.UTC(2027, 0, 1) + k * 30 * 86_400_000).toISOString().slice(0, 10);

/**
 * A version 2 site at scale: a rollout of 50 dated phases over 5 substations
 * (a grid step at phase 25, a substation's gas generation from phase 10, a
 * standby genset), 40 cooling zones (5 mining yards, 35 direct-to-chip halls,
 * 5 of them commissioned at phase 20), 60 static GPU pools and 5 itLoads,
 * within every budget at every phase.
 */
export function v2Site(name: string): Record<string, unknown> {
  const SUBS = 5;
  const HALLS = 35;
  const POOLS = 60;
  const PHASES = 50;
  const lateHall = (h: number) => h >= HALLS - 5;
  const hallOf = (p: number) => p % HALLS;
  const phase = (k: number) => `ph-${String(k).padStart(2, "0")}`;
  const phases = Array.from({ length: PHASES }, (_, i) => {
    const k = i + 1;
    const gpu: Record<string, number> = {};
    for (let p = 0; p < POOLS; p++) gpu[`pool-${String(p).padStart(2, "0")}`] = lateHall(hallOf(p)) && k < 20 ? 0 : 4 * Math.round((200 * k) / PHASES);
    const mining: Record<string, number> = {};
    for (let s = 0; s < SUBS; s++) mining[`yard-${s}`] = Math.round(10_000 * (1 - k / PHASES));
    const it: Record<string, number> = {};
    for (let s = 0; s < SUBS; s++) it[`fabric-${s}`] = Math.round((2 * k) / PHASES * 100) / 100;
    return {
      name: phase(k),
      start: date(k),
      ...(k === 25 ? { grid: { interconnectMW: 1100 } } : {}),
      ...(k % 10 === 0 ? { overlap: true } : {}),
      mining,
      gpu,
      it,
    };
  });
  return {
    name,
    grid: { interconnectMW: 1000, firmMW: 700, reservePercent: 5, auxMW: 2 },
    substations: Array.from({ length: SUBS }, (_, s) => ({ name: `sub-${s}`, voltageKV: 345, interconnectMW: 200, firmMW: 150 })),
    generation: [
      { name: "gas-0", type: "gas", capacityMW: 20, substation: "sub-0", inService: { from: phase(10) } },
      { name: "solar-1", type: "solar", capacityMW: 30, substation: "sub-1" },
      { name: "genset-2", type: "diesel", capacityMW: 10, standby: true, substation: "sub-2" },
    ],
    transformers: Array.from({ length: SUBS }, (_, s) => ({ name: `xfmr-${s}`, ratingMVA: 300, units: 2, redundancy: "N+1", substation: `sub-${s}` })),
    coolingZones: [
      ...Array.from({ length: SUBS }, (_, s) => ({ name: `yard-${s}`, type: "air", capacityMW: 60, units: 6, redundancy: "N+1", pue: 1.1, substation: `sub-${s}` })),
      ...Array.from({ length: HALLS }, (_, h) => ({
        name: `hall-${String(h).padStart(2, "0")}`,
        type: "direct-to-chip",
        capacityMW: 25,
        units: 4,
        redundancy: "N+1",
        pue: 1.15,
        substation: `sub-${h % SUBS}`,
        ...(lateHall(h) ? { inService: { from: phase(20) } } : {}),
      })),
    ],
    mining: Array.from({ length: SUBS }, (_, s) => ({ name: `yard-${s}`, model: "antminer-s21", units: 10_000, coolingZone: `yard-${s}` })),
    gpuPools: Array.from({ length: POOLS }, (_, p) => ({
      name: `pool-${String(p).padStart(2, "0")}`,
      sku: "dgx-h100",
      coolingZone: `hall-${String(hallOf(p)).padStart(2, "0")}`,
      backend: { type: "static", nodeNamePrefix: `p${String(p).padStart(2, "0")}-` },
    })),
    itLoads: Array.from({ length: SUBS }, (_, s) => ({ name: `fabric-${s}`, coolingZone: `hall-${String(s).padStart(2, "0")}` })),
    rollout: { activePhase: phase(1), overlap: false, phases },
  };
}

/** The same site with one phase: its active phase's counts, the same equipment always in service. */
export function onePhaseOf(site: Record<string, any>, name: string): Record<string, unknown> {
  const active = (site.rollout.phases as Record<string, any>[]).find((p) => p.name === site.rollout.activePhase)!;
  const strip = (xs: Record<string, any>[] | undefined) => xs?.map(({ inService: _drop, ...rest }) => rest);
  return {
    ...site,
    name,
    generation: strip(site.generation),
    coolingZones: strip(site.coolingZones),
    rollout: { activePhase: active.name, overlap: false, phases: [{ name: active.name, mining: active.mining, gpu: active.gpu, it: active.it }] },
  };
}
