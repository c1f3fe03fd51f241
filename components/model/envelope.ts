/**
 * The power envelope of a site: the contract's arithmetic (docs/site-spec.md,
 * "Arithmetic"), evaluated for every moment of the rollout (each phase's end
 * and, where it overlaps, the transient into it) against the site as it
 * stands then (`siteAt`: that phase's grid, generation and equipment).
 *
 * The loads of a moment are worked out here; the budgets are one file per
 * kind under `budgets/`, listed in one table. For each pool the model also
 * answers how many more nodes fit before the first budget it draws on breaks.
 * Cloud pools are never charged to the site.
 *
 * Pure: no Pulumi here. The components, the policy pack and the preview all
 * import these functions, so they cannot disagree.
 */
import { evaluateBudgets, facilityOf, perKW, type Budget, type Load } from "./budgets";
import { phaseScenario, scenarios, statedIt, type Scenario } from "./envelope-moments";
import { blockItKW, nodeKW, poolItKW } from "./power";
import { activePhase, phaseIndex, siteAt, type GpuPool, type Site, type SiteState } from "./site";

export { blockItKW, nodeKW, poolItKW, rackKW } from "./power";
export {
  BUDGET_KINDS,
  BUDGETS,
  budget,
  feedCapacityKW,
  perKW,
  policyOf,
  spareUnits,
  transformerCapacityMW,
  usableCoolingMW,
  within,
  type Budget,
  type BudgetKind,
  type BudgetRule,
  type Load,
} from "./budgets";
export { BEFORE_ROLLOUT, baseline, largerCounts, phaseScenario, scenarios, statedIt, transientScenario, type Counts, type Scenario } from "./envelope-moments";

/** The site limit after the reserve at a phase (default: the active phase), MW. */
export function siteLimitMW(site: Site, phase: string | number = site.rollout.activePhase): number {
  return siteAt(site, phase).siteLimitMW;
}

/** The firm limit after the reserve at a phase (default: the active phase), MW. */
export function firmLimitMW(site: Site, phase: string | number = site.rollout.activePhase): number {
  return siteAt(site, phase).firmLimitMW;
}

/** Budgets a transient is checked against: all of them (the five power and cooling budgets, and rack density where a pool runs). */
export const TRANSIENT_KINDS = ["site", "firm", "transformer", "feed", "cooling", "rack"] as const;

/** A substation's load at one moment (aux excluded). */
export interface SubstationLoad {
  name: string;
  facilityMW: number;
  firmFacilityMW: number;
}

/** The envelope at one moment. */
export interface Envelope {
  scenario: Scenario;
  /** The site as it stands at the moment (for a transient, in the phase entered). */
  state: SiteState;
  loads: Load[];
  itMW: number;
  facilityMW: number;
  firmFacilityMW: number;
  /** Per declared substation, the facility power of the loads in its zones. */
  substations: SubstationLoad[];
  budgets: Budget[];
  /** The budget with the highest utilisation. */
  binding: Budget;
  violations: Budget[];
}

/** The loads of a moment; cloud pools are left out (never charged to the site). */
export function loadsOf(site: Site, counts: Pick<Scenario, "mining" | "gpu"> & Partial<Pick<Scenario, "it">>): Load[] {
  const zones = new Map(site.coolingZones.map((z) => [z.name, z]));
  const at = (zone: string) => {
    const z = zones.get(zone);
    return { pue: z?.pue ?? 1, ...(z?.substation !== undefined ? { substation: z.substation } : {}), d2c: z?.type === "direct-to-chip" };
  };
  const loads: Load[] = [];
  for (const m of site.mining) {
    const n = counts.mining[m.name] ?? 0;
    const z = at(m.coolingZone);
    loads.push({
      kind: "mining",
      name: m.name,
      count: n,
      itKW: blockItKW(m, n),
      zone: m.coolingZone,
      feeds: m.feed !== undefined ? [m.feed] : [],
      curtailable: m.curtailable,
      pue: z.pue,
      ...(z.substation !== undefined ? { substation: z.substation } : {}),
      liquidFraction: 0,
    });
  }
  for (const p of site.gpuPools) {
    if (p.placement === "cloud") continue;
    const n = counts.gpu[p.name] ?? 0;
    const z = at(p.coolingZone as string);
    loads.push({
      kind: "gpu",
      name: p.name,
      count: n,
      itKW: poolItKW(p, n),
      zone: p.coolingZone as string,
      feeds: p.feeds ?? [],
      curtailable: p.curtailable,
      pue: z.pue,
      ...(z.substation !== undefined ? { substation: z.substation } : {}),
      liquidFraction: p.liquidFraction,
    });
  }
  for (const l of site.itLoads) {
    const mw = counts.it?.[l.name] ?? 0;
    const z = at(l.coolingZone);
    loads.push({
      kind: "it",
      name: l.name,
      count: mw,
      itKW: mw * 1000,
      zone: l.coolingZone,
      feeds: l.feeds ?? [],
      curtailable: l.curtailable,
      pue: z.pue,
      ...(z.substation !== undefined ? { substation: z.substation } : {}),
      // An itLoad's liquid share is used only in direct-to-chip zones.
      liquidFraction: z.d2c ? l.liquidFraction : 0,
    });
  }
  return loads;
}

/**
 * Evaluates every budget of the site at one moment: the scenario's counts
 * against the limits and equipment of its phase (for a transient, the phase
 * entered). Pure; the optimiser and the reports call it with any counts.
 */
export function evaluate(site: Site, given: Scenario): Envelope {
  // Counts without itLoad MW (an optimiser deciding pools and miners only) take the MW the spec states then.
  const scenario: Scenario = given.it === undefined ? { ...given, it: statedIt(site, given.phase, given.transient) } : given;
  const state = siteAt(site, phaseIndex(site, scenario.phase));
  const loads = loadsOf(site, scenario);
  let facilityMW = state.grid.auxMW;
  let firmFacilityMW = state.grid.auxMW;
  let itKW = 0;
  const subs = new Map(site.substations.map((s) => [s.name, { name: s.name, facilityMW: 0, firmFacilityMW: 0 }]));
  for (const l of loads) {
    const fac = facilityOf(l);
    facilityMW += fac;
    if (!l.curtailable) firmFacilityMW += fac;
    itKW += l.itKW;
    const s = l.substation !== undefined ? subs.get(l.substation) : undefined;
    if (s) {
      s.facilityMW += fac;
      if (!l.curtailable) s.firmFacilityMW += fac;
    }
  }
  const budgets = evaluateBudgets({ site, state, scenario, loads, facilityMW, firmFacilityMW });
  let binding = budgets[0];
  for (const b of budgets) if (b.utilisation > binding.utilisation) binding = b;
  return {
    scenario,
    state,
    loads,
    itMW: itKW / 1000,
    facilityMW,
    firmFacilityMW,
    substations: [...subs.values()],
    budgets,
    binding,
    violations: budgets.filter((b) => !b.ok),
  };
}

/** The envelope of every moment of the rollout, in order. */
export function siteEnvelope(site: Site): Envelope[] {
  return scenarios(site).map((s) => evaluate(site, s));
}

/** The envelope of the active phase's end. */
export function activeEnvelope(site: Site): Envelope {
  return evaluate(site, phaseScenario(activePhase(site)));
}

// ---------------------------------------------------------------- headroom

/** True when `b` is a budget that a load draws on (whatever its count). */
export function loadDrawsOn(load: Load, b: Budget): boolean {
  return perKW(load, b) > 0;
}

/** The load a pool's nodes are, at a count (for the budgets it draws on). */
function poolLoad(site: Site, pool: GpuPool, count = 0): Load | undefined {
  return loadsOf(site, { mining: {}, gpu: { [pool.name]: count }, it: {} }).find((l) => l.kind === "gpu" && l.name === pool.name);
}

/** True when `b` is a budget that nodes of `pool` draw on. */
export function poolDrawsOn(pool: GpuPool, b: Budget): boolean {
  if (pool.placement === "cloud") return false;
  const load: Load = {
    kind: "gpu",
    name: pool.name,
    count: 0,
    itKW: 0,
    zone: pool.coolingZone ?? "",
    feeds: pool.feeds ?? [],
    curtailable: pool.curtailable,
    pue: 1,
    ...(pool.substation !== undefined ? { substation: pool.substation } : {}),
    liquidFraction: pool.liquidFraction,
  };
  return loadDrawsOn(load, b);
}

/** Every budget the pool draws on holds with `extra` more nodes of it. */
function fits(site: Site, scenario: Scenario, pool: GpuPool, extra: number): boolean {
  const more: Scenario = { ...scenario, gpu: { ...scenario.gpu, [pool.name]: (scenario.gpu[pool.name] ?? 0) + extra } };
  return evaluate(site, more).budgets.every((b) => b.ok || !poolDrawsOn(pool, b));
}

/**
 * How many more nodes of `poolName` fit at this moment before the first budget
 * the pool draws on breaks: that many fit, one more does not (for a
 * rack-scale pool, whole racks: a multiple of its nodesPerRack). 0 when one is
 * already broken; `null` for a cloud pool (not charged to the site) or a pool
 * whose nodes draw no power.
 */
export function moreNodesFit(site: Site, scenario: Scenario, poolName: string): number | null {
  const pool = site.gpuPools.find((p) => p.name === poolName);
  if (pool === undefined) throw new Error(`unknown pool "${poolName}"`);
  if (pool.placement === "cloud") return null;
  const step = pool.rackScale ? pool.nodesPerRack : 1;
  const perStep = poolItKW(pool, step) - poolItKW(pool, 0);
  if (nodeKW(pool) <= 0 || perStep <= 0) return null;
  // Equipment the pool needs that is out of service at this moment takes no node at all.
  const st = siteAt(site, scenario.phase);
  const needs = [st.inService("coolingZone", pool.coolingZone as string), ...(pool.feeds ?? []).map((f) => st.inService("feed", f))];
  if (pool.substation !== undefined) needs.push(st.inService("substation", pool.substation));
  if (needs.includes(false)) return 0;
  if (!fits(site, scenario, pool, 0)) return 0;

  // Estimate from the slack of each budget the pool draws on, then settle exactly.
  const env = evaluate(site, scenario);
  const load = poolLoad(site, pool) as Load;
  let estimate = Infinity;
  for (const b of env.budgets) {
    if (b.kind === "rack") continue;
    const per = perStep * perKW(load, b);
    if (per <= 0) continue;
    estimate = Math.min(estimate, Math.floor((b.limit - b.used) / per));
  }
  if (!Number.isFinite(estimate)) return null;
  // Budgets only grow with more nodes, so `fits` is monotone: settle by bisection from the estimate
  // (a budget of equipment out of service, that appears only once the pool has nodes, makes the estimate far off).
  const ok = (racks: number) => fits(site, scenario, pool, racks * step);
  // fits(0) holds (checked above). Usually the estimate is exact: two evaluations.
  let lo = 0;
  let hi = Math.max(0, estimate);
  if (ok(hi)) {
    lo = hi;
    hi = hi + 1;
    while (ok(hi)) {
      lo = hi;
      hi *= 2;
    }
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo * step;
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
