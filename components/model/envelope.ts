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
import { evaluateBudgets, facilityOf, perKW, sumLoads, type Budget, type Load } from "./budgets";
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
  return evaluateLoads(site, scenario, loadsOf(site, scenario));
}

/**
 * `evaluate` with the moment's loads worked out already (`loadsOf(site,
 * scenario)`, each load independent of the others); with `subjects`, only the
 * budgets of those subjects (the rest are left out, not passed).
 */
function evaluateLoads(site: Site, scenario: Scenario, loads: Load[], subjects?: ReadonlySet<string>): Envelope {
  const state = siteAt(site, phaseIndex(site, scenario.phase));
  let facilityMW = state.grid.auxMW;
  let firmFacilityMW = state.grid.auxMW;
  let itKW = 0;
  for (const l of loads) {
    const fac = facilityOf(l);
    facilityMW += fac;
    if (!l.curtailable) firmFacilityMW += fac;
    itKW += l.itKW;
  }
  const sums = sumLoads(loads);
  const budgets = evaluateBudgets({ site, state, scenario, loads, facilityMW, firmFacilityMW, sums, ...(subjects !== undefined ? { subjects } : {}) });
  let binding = budgets[0];
  for (const b of budgets) if (b.utilisation > binding.utilisation) binding = b;
  return {
    scenario,
    state,
    loads,
    itMW: itKW / 1000,
    facilityMW,
    firmFacilityMW,
    substations: site.substations.map((x) => ({ name: x.name, facilityMW: sums.substation.get(x.name)?.facilityMW ?? 0, firmFacilityMW: sums.substation.get(x.name)?.firmFacilityMW ?? 0 })),
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

/**
 * The budgets `load` (a pool's) can draw on, by subject: the site, firm and
 * transformer totals, its substation, its feeds, its zone and its own rack.
 */
function subjectsOf(load: Load): ReadonlySet<string> {
  return new Set(["site", "firm", "transformers", load.name, load.zone, ...load.feeds, ...(load.substation !== undefined ? [load.substation] : [])]);
}

/**
 * The moment `env` with `extra` more nodes of `pool`, for the budgets the
 * pool can draw on: its loads with the pool's one load worked out again at
 * the new count. Those budgets are exactly what `evaluate` gives for the same
 * counts, without redoing the rest of the site.
 */
function withMore(site: Site, env: Envelope, pool: GpuPool, extra: number, subjects: ReadonlySet<string>): Envelope {
  const count = (env.scenario.gpu[pool.name] ?? 0) + extra;
  const scenario: Scenario = { ...env.scenario, gpu: { ...env.scenario.gpu, [pool.name]: count } };
  const loads = env.loads.map((l) => (l.kind === "gpu" && l.name === pool.name ? { ...l, count, itKW: poolItKW(pool, count) } : l));
  return evaluateLoads(site, scenario, loads, subjects);
}

/** Every budget the pool draws on holds at the moment `env`. */
const holds = (pool: GpuPool, env: Envelope) => {
  const load = env.loads.find((l) => l.kind === "gpu" && l.name === pool.name);
  return env.budgets.every((b) => b.ok || (load === undefined ? !poolDrawsOn(pool, b) : !loadDrawsOn(load, b)));
};

/**
 * Whether `addKW` more IT power of `load` clearly "holds" every budget it
 * draws on (rack density aside, which does not depend on the count), or
 * clearly "breaks" one: by a margin of 1e-9 of the figures on either side of
 * `within`'s edge, some ten thousand times what rounding moves a sum of a few
 * thousand loads (about 1e-13 of it), so the model's own evaluation of those
 * counts gives the same verdict. False when it is not clear.
 */
function clearly(env: Envelope, load: Load, addKW: number, verdict: "holds" | "breaks"): boolean {
  let broken = false;
  for (const b of env.budgets) {
    if (b.kind === "rack") continue;
    const per = perKW(load, b);
    if (per <= 0) continue;
    if (b.outOfService) return false;
    const used = b.used + per * addKW;
    const edge = b.limit + Math.abs(b.limit) * 1e-9 + 1e-12; // within()
    const guard = 1e-9 * Math.max(1, Math.abs(used), Math.abs(b.limit));
    if (used > edge + guard) broken = true;
    else if (used > edge - guard) return false;
  }
  return verdict === "breaks" ? broken : !broken;
}

/**
 * How many more nodes of `poolName` fit at this moment before the first budget
 * the pool draws on breaks: that many fit, one more does not (for a
 * rack-scale pool, whole racks: a multiple of its nodesPerRack). 0 when one is
 * already broken; `null` for a cloud pool (not charged to the site) or a pool
 * whose nodes draw no power. `env` is the moment evaluated, when the caller
 * has it.
 */
export function moreNodesFit(site: Site, scenario: Scenario, poolName: string, env: Envelope = evaluate(site, scenario)): number | null {
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
  if (!holds(pool, env)) return 0;

  // The budgets are linear in IT power (budgets/: each rises by perKW per kW of a load), so the slack of
  // each budget the pool draws on gives the IT power that still fits, and whole steps of the pool's
  // nodes (racks included) give the count. Then settle exactly with the model: n steps hold, n + 1 do not.
  const load = env.loads.find((l) => l.kind === "gpu" && l.name === pool.name) as Load;
  let roomKW = Infinity;
  for (const b of env.budgets) {
    if (b.kind === "rack") continue;
    const per = perKW(load, b);
    if (per > 0) roomKW = Math.min(roomKW, (b.limit - b.used) / per);
  }
  if (!Number.isFinite(roomKW)) return null;
  const now = load.count;
  const fitsKW = (steps: number) => poolItKW(pool, now + steps * step) - load.itKW <= roomKW;
  // The most whole steps whose IT power fits the room (racks add overhead, so not simply roomKW / perStep).
  let estimate = 0;
  if (fitsKW(1)) {
    let top = 2;
    while (fitsKW(top)) top *= 2;
    estimate = top / 2;
    while (top - estimate > 1) {
      const mid = Math.floor((estimate + top) / 2);
      if (fitsKW(mid)) estimate = mid;
      else top = mid;
    }
  }
  // Where the linear figures decide both "estimate fits" and "one more step does not" by far more than
  // floating point could move them, the model's own evaluation would say the same: no need to run it.
  // A pool without nodes gets its rack budget only with some, so it is always settled by evaluation.
  if (now > 0 && clearly(env, load, poolItKW(pool, now + estimate * step) - load.itKW, "holds") && clearly(env, load, poolItKW(pool, now + (estimate + 1) * step) - load.itKW, "breaks")) {
    return estimate * step;
  }
  // Budgets only grow with more nodes, so `ok` is monotone: usually the estimate is exact (two evaluations);
  // otherwise (a budget that appears only once the pool has nodes) search from it.
  const subjects = subjectsOf(load);
  const ok = (steps: number) => holds(pool, withMore(site, env, pool, steps * step, subjects));
  let lo = 0;
  let hi = estimate;
  if (hi > 0 && !ok(hi)) {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (ok(mid)) lo = mid;
      else hi = mid;
    }
    return lo * step;
  }
  lo = hi;
  hi = lo + 1;
  while (ok(hi)) {
    lo = hi;
    hi *= 2;
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

export function poolHeadroom(site: Site, scenario: Scenario, env: Envelope = evaluate(site, scenario)): PoolHeadroom[] {
  return site.gpuPools.map((p) => ({
    pool: p.name,
    nodes: scenario.gpu[p.name] ?? 0,
    moreNodesFit: moreNodesFit(site, scenario, p.name, env),
  }));
}
