/**
 * The planner's objectives (contract, "Planning (version 2.1)"), summed over
 * phases with weight `w_k` = days from the phase's `start` to the next
 * phase's (365 for the last; 1 for every phase when no phase has a date).
 *
 * Pure: no Pulumi here.
 */
import { loadsOf } from "../envelope";
import type { Site } from "../site";
import type { FieldPath, SpecIssue } from "../spec-errors";
import type { Economics } from "./plan-spec";

export const OBJECTIVES = ["gpu-mw", "value"] as const;
export type ObjectiveKind = (typeof OBJECTIVES)[number];

const DAY_MS = 86_400_000;

/** The `start` of each phase as written, or undefined. */
export function phaseStarts(site: Site): (string | undefined)[] {
  return site.rollout.phases.map((p, k) => {
    // Version 2 resolves each phase's start; before it, the spec carries what was written.
    const s = (p as { start?: unknown }).start ?? (site.spec.rollout.phases[k] as { start?: unknown } | undefined)?.start;
    if (s === undefined || s === null) return undefined;
    if (s instanceof Date) return s.toISOString().slice(0, 10);
    return String(s);
  });
}

export type WeightsResult = { ok: true; weights: number[] } | { ok: false; issues: SpecIssue[] };

/** Phase weights in days; a rollout where only some phases have dates cannot be weighed. */
export function phaseWeights(site: Site): WeightsResult {
  const starts = phaseStarts(site);
  const dated = starts.filter((s) => s !== undefined).length;
  if (dated === 0) return { ok: true, weights: starts.map(() => 1) };
  if (dated < starts.length) {
    const i = starts.findIndex((s) => s === undefined);
    const path: FieldPath = ["rollout", "phases", i, "start"];
    return {
      ok: false,
      issues: [{ path, message: `repower plan weighs phases by their dates: give every phase a start, or none (${dated} of ${starts.length} have one)` }],
    };
  }
  const t = starts.map((s) => Date.parse(`${s}T00:00:00Z`));
  return { ok: true, weights: t.map((v, i) => (i + 1 < t.length ? Math.round((t[i + 1] - v) / DAY_MS) : 365)) };
}

/** Hashrate of a block's units, TH/s each: its own, or its catalog model's. */
export function blockHashrateTHs(site: Site, block: string): number | undefined {
  const b = site.mining.find((m) => m.name === block);
  if (b === undefined) return undefined;
  const own = (b as { hashrateTHs?: number }).hashrateTHs;
  if (typeof own === "number") return own;
  const specOwn = (site.spec.mining.find((m) => m.name === block) as { hashrateTHs?: number } | undefined)?.hashrateTHs;
  if (typeof specOwn === "number") return specOwn;
  if (b.model === undefined) return undefined;
  const fig = site.catalog.miners[b.model]?.hashrateTHs;
  return fig !== undefined && fig.value > 0 ? fig.value : undefined;
}

/** The `value` objective needs economics and a hashrate for every block. */
export function valueInputIssues(site: Site, economics: Economics | undefined): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (economics === undefined) issues.push({ path: ["economics"], message: "--objective value needs the economics block (hostingUSDPerKWMonth, hashpriceUSDPerPHDay, powerPriceUSDPerMWh)" });
  site.mining.forEach((m, i) => {
    if (blockHashrateTHs(site, m.name) === undefined) {
      issues.push({ path: ["mining", i], message: `--objective value needs the hashrate of "${m.name}": a catalog model with one, or hashrateTHs beside wattsPerUnit` });
    }
  });
  return issues;
}

/** Per phase, what one unit of each decision is worth (before the phase weight). */
export interface UnitValues {
  /** Per pool: value of one kW of its GPU IT power. */
  perGpuKW: number;
  /** Per block: value of one running unit. */
  perUnit: Record<string, number>;
}

export function unitValues(site: Site, kind: ObjectiveKind, economics: Economics | undefined): UnitValues {
  if (kind === "gpu-mw") return { perGpuKW: 1 / 1000, perUnit: Object.fromEntries(site.mining.map((m) => [m.name, 0])) };
  const e = economics as Economics;
  const pue = new Map(site.coolingZones.map((z) => [z.name, z.pue]));
  return {
    perGpuKW: (e.hostingUSDPerKWMonth * 12) / 365,
    perUnit: Object.fromEntries(
      site.mining.map((m) => {
        const th = blockHashrateTHs(site, m.name) ?? 0;
        const revenue = (th / 1000) * e.hashpriceUSDPerPHDay;
        const cost = (m.wattsPerUnit / 1e6) * (pue.get(m.coolingZone) ?? 1) * 24 * e.powerPriceUSDPerMWh;
        return [m.name, revenue - cost];
      }),
    ),
  };
}

/** Counts at the end of each phase. */
export interface PhaseCounts {
  gpu: Record<string, number>;
  mining: Record<string, number>;
}

/** GPU IT power of on-site pools at these counts, kW, as the model computes it. */
export function gpuItKW(site: Site, c: PhaseCounts): number {
  const counts = { ...c, it: {} };
  return loadsOf(site, counts)
    .filter((l) => l.kind === "gpu")
    .reduce((s, l) => s + l.itKW, 0);
}

/** The objective of a rollout's counts. */
export function objectiveValue(site: Site, counts: PhaseCounts[], weights: number[], values: UnitValues): number {
  let total = 0;
  counts.forEach((c, k) => {
    let v = values.perGpuKW * gpuItKW(site, c);
    for (const m of site.mining) v += values.perUnit[m.name] * (c.mining[m.name] ?? 0);
    total += weights[k] * v;
  });
  return total;
}
