/**
 * The power envelope of a site: the contract's arithmetic (docs/site-spec.md,
 * "Arithmetic"), evaluated for every phase of the rollout and, with
 * `overlap: true`, for the transient into each phase.
 *
 * Every budget is reported as used / limit / utilisation, the binding one is
 * named, and for each pool the model answers how many more nodes fit before
 * the first budget it draws on breaks. Cloud pools are never charged to the site.
 *
 * Pure: no Pulumi here. The components, the policy pack and the preview all
 * import these functions, so they cannot disagree.
 */
import type { FeedSpec, Redundancy, TransformerSpec } from "./site-spec";
import type { CoolingZone, GpuPool, Phase, Site } from "./site";
import { blockItKW, nodeKW, poolItKW, rackKW } from "./power";

// Moved to ./power; re-exported so every importer of the envelope keeps working.
export { blockItKW, nodeKW, poolItKW, rackKW } from "./power";

// ---------------------------------------------------------------- formulas

/** Units held spare by a redundancy scheme: N → 0, N+1 → 1, 2N → units / 2. */
export function spareUnits(units: number, redundancy: Redundancy): number {
  switch (redundancy) {
    case "N":
      return 0;
    case "N+1":
      return 1;
    case "2N":
      return units / 2;
  }
}

/** Real power the transformers can carry with their spares held back, MW. */
export function transformerCapacityMW(transformers: readonly TransformerSpec[]): number {
  let mw = 0;
  for (const t of transformers) mw += (t.units - spareUnits(t.units, t.redundancy)) * t.ratingMVA * t.powerFactor;
  return mw;
}

/** Continuous real power a feed can carry, kW. */
export function feedCapacityKW(f: FeedSpec): number {
  const phase = f.phase === "three" ? Math.sqrt(3) : 1;
  return (f.voltage * f.amperage * phase * (f.maxUtilizationPercent / 100) * f.powerFactor) / 1000;
}

/** Heat a zone can reject with its spare units held back, MW. */
export function usableCoolingMW(z: Pick<CoolingZone, "capacityMW" | "units" | "redundancy">): number {
  return (z.capacityMW * (z.units - spareUnits(z.units, z.redundancy))) / z.units;
}

/** The site limit after the reserve, MW. */
export function siteLimitMW(site: Site): number {
  return site.grid.interconnectMW * (1 - site.grid.reservePercent / 100);
}

/** The firm limit after the reserve, MW. */
export function firmLimitMW(site: Site): number {
  return site.grid.firmMW * (1 - site.grid.reservePercent / 100);
}

/** True when `used` is within `limit` (a relative 1e-9 allows for rounding in sums). */
export function within(used: number, limit: number): boolean {
  return used <= limit + Math.abs(limit) * 1e-9 + 1e-12;
}

// ---------------------------------------------------------------- scenarios

/** Counts of every mining block and every pool at one moment of the rollout. */
export interface Counts {
  mining: Readonly<Record<string, number>>;
  gpu: Readonly<Record<string, number>>;
}

/** A moment that is checked: the end of a phase, or the transient into it. */
export interface Scenario extends Counts {
  /** The phase's name. */
  phase: string;
  /** True for the transient into `phase`: its GPUs beside the previous phase's miners. */
  transient: boolean;
  /** With `transient`, the phase before (or "before-rollout" for the first). */
  from?: string;
}

/** What runs before the first phase: the whole mining fleet, no GPU nodes. */
export const BEFORE_ROLLOUT = "before-rollout";

function baseline(site: Site): Counts {
  return {
    mining: Object.fromEntries(site.mining.map((m) => [m.name, m.units])),
    gpu: Object.fromEntries(site.gpuPools.map((p) => [p.name, 0])),
  };
}

const larger = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) => {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
  return out;
};

/**
 * The moments to check, in rollout order: with `overlap: true`, the transient
 * into each phase (every load at the larger of its counts before and after:
 * the new GPUs draw power before the retirements finish), then the phase.
 */
export function scenarios(site: Site): Scenario[] {
  const out: Scenario[] = [];
  let before: Counts = baseline(site);
  let beforeName = BEFORE_ROLLOUT;
  for (const ph of site.rollout.phases) {
    if (site.rollout.overlap) {
      out.push({ phase: ph.name, transient: true, from: beforeName, mining: larger(before.mining, ph.mining), gpu: larger(before.gpu, ph.gpu) });
    }
    out.push({ phase: ph.name, transient: false, mining: ph.mining, gpu: ph.gpu });
    before = ph;
    beforeName = ph.name;
  }
  return out;
}

/** A phase's counts as a scenario. */
export function phaseScenario(phase: Phase): Scenario {
  return { phase: phase.name, transient: false, mining: phase.mining, gpu: phase.gpu };
}

// ---------------------------------------------------------------- budgets

export const BUDGET_KINDS = ["site", "firm", "transformer", "feed", "cooling", "rack"] as const;
export type BudgetKind = (typeof BUDGET_KINDS)[number];

/** Budgets that a transient is checked against (contract: the four power budgets). */
export const TRANSIENT_KINDS: readonly BudgetKind[] = ["site", "firm", "transformer", "feed"];

/** One budget at one moment. */
export interface Budget {
  kind: BudgetKind;
  /** `site`, `firm`, `transformers`, or the feed, zone or pool it belongs to. */
  subject: string;
  unit: "MW" | "kW";
  used: number;
  limit: number;
  /** used / limit (Infinity when the limit is 0 and something is used). */
  utilisation: number;
  ok: boolean;
}

/** A load on the site: a mining block or an on-site pool, at a count. */
export interface Load {
  kind: "mining" | "gpu";
  name: string;
  count: number;
  itKW: number;
  zone: string;
  feeds: readonly string[];
  curtailable: boolean;
  pue: number;
}

/** The envelope at one moment. */
export interface Envelope {
  scenario: Scenario;
  loads: Load[];
  itMW: number;
  facilityMW: number;
  firmFacilityMW: number;
  budgets: Budget[];
  /** The budget with the highest utilisation. */
  binding: Budget;
  violations: Budget[];
}

const budget = (kind: BudgetKind, subject: string, unit: "MW" | "kW", used: number, limit: number): Budget => ({
  kind,
  subject,
  unit,
  used,
  limit,
  utilisation: limit > 0 ? used / limit : used > 0 ? Infinity : 0,
  ok: within(used, limit),
});

/** The loads of a moment; cloud pools are left out (never charged to the site). */
export function loadsOf(site: Site, counts: Counts): Load[] {
  const pue = new Map(site.coolingZones.map((z) => [z.name, z.pue]));
  const loads: Load[] = [];
  for (const m of site.mining) {
    const n = counts.mining[m.name] ?? 0;
    loads.push({
      kind: "mining",
      name: m.name,
      count: n,
      itKW: blockItKW(m, n),
      zone: m.coolingZone,
      feeds: m.feed !== undefined ? [m.feed] : [],
      curtailable: m.curtailable,
      pue: pue.get(m.coolingZone) ?? 1,
    });
  }
  for (const p of site.gpuPools) {
    if (p.placement === "cloud") continue;
    const n = counts.gpu[p.name] ?? 0;
    loads.push({
      kind: "gpu",
      name: p.name,
      count: n,
      itKW: poolItKW(p, n),
      zone: p.coolingZone as string,
      feeds: p.feeds ?? [],
      curtailable: p.curtailable,
      pue: pue.get(p.coolingZone as string) ?? 1,
    });
  }
  return loads;
}

/** Evaluates every budget of the site at one moment. */
export function evaluate(site: Site, scenario: Scenario): Envelope {
  const loads = loadsOf(site, scenario);
  let facilityMW = site.grid.auxMW;
  let firmFacilityMW = site.grid.auxMW;
  let itKW = 0;
  const feedKW = new Map<string, number>(site.feeds.map((f) => [f.name, 0]));
  const heatKW = new Map<string, number>(site.coolingZones.map((z) => [z.name, 0]));
  for (const l of loads) {
    const fac = (l.itKW * l.pue) / 1000;
    facilityMW += fac;
    if (!l.curtailable) firmFacilityMW += fac;
    itKW += l.itKW;
    for (const f of l.feeds) feedKW.set(f, (feedKW.get(f) ?? 0) + l.itKW);
    heatKW.set(l.zone, (heatKW.get(l.zone) ?? 0) + l.itKW);
  }

  const kinds = scenario.transient ? TRANSIENT_KINDS : BUDGET_KINDS;
  const budgets: Budget[] = [];
  if (kinds.includes("site")) budgets.push(budget("site", "site", "MW", facilityMW, siteLimitMW(site)));
  if (kinds.includes("firm")) budgets.push(budget("firm", "firm", "MW", firmFacilityMW, firmLimitMW(site)));
  if (kinds.includes("transformer") && site.transformers.length > 0) {
    budgets.push(budget("transformer", "transformers", "MW", facilityMW, transformerCapacityMW(site.transformers)));
  }
  if (kinds.includes("feed")) {
    for (const f of site.feeds) budgets.push(budget("feed", f.name, "kW", feedKW.get(f.name) ?? 0, feedCapacityKW(f)));
  }
  if (kinds.includes("cooling")) {
    for (const z of site.coolingZones) {
      budgets.push(budget("cooling", z.name, "MW", (heatKW.get(z.name) ?? 0) / 1000, usableCoolingMW(z)));
    }
  }
  if (kinds.includes("rack")) {
    const zones = new Map(site.coolingZones.map((z) => [z.name, z]));
    for (const p of site.gpuPools) {
      if (p.placement === "cloud" || (scenario.gpu[p.name] ?? 0) === 0) continue;
      const z = zones.get(p.coolingZone as string);
      budgets.push(budget("rack", p.name, "kW", rackKW(p), z ? z.maxRackKW : 0));
    }
  }
  let binding = budgets[0];
  for (const b of budgets) if (b.utilisation > binding.utilisation) binding = b;
  return {
    scenario,
    loads,
    itMW: itKW / 1000,
    facilityMW,
    firmFacilityMW,
    budgets,
    binding,
    violations: budgets.filter((b) => !b.ok),
  };
}

/** The envelope of every moment of the rollout, in order. */
export function siteEnvelope(site: Site): Envelope[] {
  return scenarios(site).map((s) => evaluate(site, s));
}

// ---------------------------------------------------------------- headroom

/** True when `b` is a budget that a load (a mining block, or a pool's nodes) draws on. */
export function loadDrawsOn(load: Pick<Load, "kind" | "name" | "zone" | "feeds" | "curtailable">, b: Budget): boolean {
  switch (b.kind) {
    case "site":
    case "transformer":
      return true;
    case "firm":
      return !load.curtailable;
    case "feed":
      return load.feeds.includes(b.subject);
    case "cooling":
      return b.subject === load.zone;
    case "rack":
      return load.kind === "gpu" && b.subject === load.name;
  }
}

/** True when `b` is a budget that nodes of `pool` draw on. */
export function poolDrawsOn(pool: GpuPool, b: Budget): boolean {
  return loadDrawsOn({ kind: "gpu", name: pool.name, zone: pool.coolingZone ?? "", feeds: pool.feeds ?? [], curtailable: pool.curtailable }, b);
}

/** Every budget the pool draws on holds with `extra` more nodes of it. */
function fits(site: Site, scenario: Scenario, pool: GpuPool, extra: number): boolean {
  const more: Scenario = { ...scenario, gpu: { ...scenario.gpu, [pool.name]: (scenario.gpu[pool.name] ?? 0) + extra } };
  return evaluate(site, more).budgets.every((b) => b.ok || !poolDrawsOn(pool, b));
}

/**
 * How many more nodes of `poolName` fit at this moment before the first budget
 * the pool draws on breaks: that many fit, one more does not. 0 when one is
 * already broken; `null` for a cloud pool (not charged to the site) or a pool
 * whose nodes draw no power.
 */
export function moreNodesFit(site: Site, scenario: Scenario, poolName: string): number | null {
  const pool = site.gpuPools.find((p) => p.name === poolName);
  if (pool === undefined) throw new Error(`unknown pool "${poolName}"`);
  if (pool.placement === "cloud") return null;
  const perNode = nodeKW(pool);
  if (perNode <= 0) return null;
  if (!fits(site, scenario, pool, 0)) return 0;

  // Estimate from the slack of each budget the pool draws on, then settle exactly.
  const env = evaluate(site, scenario);
  const zonePue = site.coolingZones.find((z) => z.name === pool.coolingZone)?.pue ?? 1;
  let estimate = Infinity;
  for (const b of env.budgets) {
    if (!poolDrawsOn(pool, b) || b.kind === "rack") continue;
    const per = b.kind === "feed" ? perNode : b.kind === "cooling" ? perNode / 1000 : (perNode * zonePue) / 1000;
    estimate = Math.min(estimate, Math.floor((b.limit - b.used) / per));
  }
  if (!Number.isFinite(estimate)) return null;
  let n = Math.max(0, estimate);
  while (n > 0 && !fits(site, scenario, pool, n)) n--;
  while (fits(site, scenario, pool, n + 1)) n++;
  return n;
}

/** Headroom of each pool at one moment. */
export interface PoolHeadroom {
  pool: string;
  nodes: number;
  /** More nodes that fit; null for cloud pools. */
  moreNodesFit: number | null;
}

export function poolHeadroom(site: Site, scenario: Scenario): PoolHeadroom[] {
  return site.gpuPools.map((p) => ({
    pool: p.name,
    nodes: scenario.gpu[p.name] ?? 0,
    moreNodesFit: moreNodesFit(site, scenario, p.name),
  }));
}
