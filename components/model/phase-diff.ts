/**
 * What a phase changes in the load against the phase before (the first
 * phase: against the fleet before the rollout): miners retired or added per
 * ASIC model, GPU IT added or removed per cooling zone, itLoads stepped, in
 * MW of IT. "retires 24.08 MW of antminer-s19-xp, adds 5.22 MW IT in hall-a".
 *
 * The power of each load comes from `loadsOf` (the envelope's own loads,
 * built on power.ts: `blockItKW`, `poolItKW`), so the diff and the budgets
 * cannot disagree. Cloud pools are never charged to the site: their node
 * counts are listed, with no MW.
 *
 * Pure: no Pulumi here.
 */
import { loadsOf } from "./envelope";
import { BEFORE_ROLLOUT, baseline, type Counts } from "./envelope-moments";
import { phaseIndex, type Site } from "./site";

/** One load whose count changes at the phase. */
export interface LoadStep {
  kind: "mining" | "gpu" | "it";
  /** The mining block, pool or itLoad. */
  name: string;
  /** Mining: the ASIC model (absent where the block gives only wattsPerUnit); GPU: the SKU. */
  model?: string;
  /** Its cooling zone (absent for a cloud pool). */
  zone?: string;
  /** True for a cloud pool: nodes listed, never charged to the site (no MW). */
  cloud?: boolean;
  /** Units, nodes or (an itLoad) MW before and after. */
  from: number;
  to: number;
  /** IT power before and after, MW (0 for a cloud pool). */
  fromItMW: number;
  toItMW: number;
}

/** Miners of one ASIC model (or one block without a model) retired and added, MW of IT. */
export interface MinerStep {
  /** The ASIC model, or the block's name where it gives only wattsPerUnit. */
  model: string;
  blocks: string[];
  retiredUnits: number;
  retiredMW: number;
  addedUnits: number;
  addedMW: number;
}

/** GPU IT of one cooling zone added and removed, MW. */
export interface GpuStep {
  zone: string;
  pools: string[];
  addedNodes: number;
  addedMW: number;
  removedNodes: number;
  removedMW: number;
}

/** An itLoad whose MW changes. */
export interface ItStep {
  name: string;
  zone: string;
  fromMW: number;
  toMW: number;
}

/** A cloud pool whose node count changes (not charged to the site). */
export interface CloudStep {
  pool: string;
  from: number;
  to: number;
}

export interface PhaseDiff {
  phase: string;
  /** The phase before, or "before-rollout" for the first phase. */
  from: string;
  /** Every load whose count changes, in the spec's order (mining, pools, itLoads). */
  loads: LoadStep[];
  mining: MinerStep[];
  gpu: GpuStep[];
  it: ItStep[];
  cloud: CloudStep[];
  /** IT power switched off and switched on at the phase, MW (sums of the decreases and of the increases). */
  retiredItMW: number;
  addedItMW: number;
}

const MW = (kw: number) => kw / 1000;

/** The load diff of phase `phase` (a name or an index) against the phase before. */
export function phaseDiff(site: Site, phase: string | number): PhaseDiff {
  const k = phaseIndex(site, phase);
  const now = site.rollout.phases[k];
  const before: Counts = k === 0 ? baseline(site) : site.rollout.phases[k - 1];
  const a = new Map(loadsOf(site, before).map((l) => [`${l.kind}/${l.name}`, l]));
  const b = loadsOf(site, now);

  const loads: LoadStep[] = [];
  for (const l of b) {
    const old = a.get(`${l.kind}/${l.name}`);
    const from = old?.count ?? 0;
    if (from === l.count) continue;
    const model =
      l.kind === "mining" ? site.mining.find((m) => m.name === l.name)?.model : l.kind === "gpu" ? site.gpuPools.find((p) => p.name === l.name)?.sku : undefined;
    loads.push({
      kind: l.kind,
      name: l.name,
      ...(model !== undefined ? { model } : {}),
      zone: l.zone,
      from,
      to: l.count,
      fromItMW: MW(old?.itKW ?? 0),
      toItMW: MW(l.itKW),
    });
  }
  const cloud: CloudStep[] = [];
  for (const p of site.gpuPools) {
    if (p.placement !== "cloud") continue;
    const from = before.gpu[p.name] ?? 0;
    const to = now.gpu[p.name] ?? 0;
    if (from === to) continue;
    cloud.push({ pool: p.name, from, to });
    loads.push({ kind: "gpu", name: p.name, model: p.sku, cloud: true, from, to, fromItMW: 0, toItMW: 0 });
  }

  const mining = new Map<string, MinerStep>();
  const gpu = new Map<string, GpuStep>();
  const it: ItStep[] = [];
  let retiredItMW = 0;
  let addedItMW = 0;
  for (const s of loads) {
    const d = s.toItMW - s.fromItMW;
    if (d < 0) retiredItMW -= d;
    else addedItMW += d;
    const units = s.to - s.from;
    if (s.kind === "mining") {
      const key = s.model ?? s.name;
      const m = mining.get(key) ?? { model: key, blocks: [], retiredUnits: 0, retiredMW: 0, addedUnits: 0, addedMW: 0 };
      m.blocks.push(s.name);
      if (units < 0) {
        m.retiredUnits -= units;
        m.retiredMW -= d;
      } else {
        m.addedUnits += units;
        m.addedMW += d;
      }
      mining.set(key, m);
    } else if (s.kind === "gpu" && !s.cloud) {
      const zone = s.zone as string;
      const g = gpu.get(zone) ?? { zone, pools: [], addedNodes: 0, addedMW: 0, removedNodes: 0, removedMW: 0 };
      g.pools.push(s.name);
      if (units < 0) {
        g.removedNodes -= units;
        g.removedMW -= d;
      } else {
        g.addedNodes += units;
        g.addedMW += d;
      }
      gpu.set(zone, g);
    } else if (s.kind === "it") {
      it.push({ name: s.name, zone: s.zone as string, fromMW: s.from, toMW: s.to });
    }
  }
  return {
    phase: now.name,
    from: k === 0 ? BEFORE_ROLLOUT : site.rollout.phases[k - 1].name,
    loads,
    mining: [...mining.values()],
    gpu: [...gpu.values()],
    it,
    cloud,
    retiredItMW,
    addedItMW,
  };
}
