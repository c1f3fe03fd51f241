/**
 * Why no plan exists: the phase, the budget and, where one is involved, the
 * bound of `plan:` that conflict.
 *
 * 1. The phase: the first k for which phases 1..k alone have no plan.
 * 2. The bound: if phases 1..k have a plan once `minUnits` is left out, the
 *    bounds are relaxed with a price on the power each relaxation frees, and
 *    the bound relaxed the most (in power) is the one named.
 * 3. The budget: the budgets of phases 1..k are relaxed with a price on each
 *    one's share of its limit; the earliest moment relaxed names the phase
 *    (a bound can reach back: blocks never grow), and its budget relaxed the
 *    most is the one named, with how far over it the least bad plan would be.
 *
 * Pure: no Pulumi here.
 */
import { buildProgram, rowRoom } from "./formulation";
import type { LinearSite } from "./linear-site";
import { solveMilp } from "./milp";
import type { UnitValues } from "./objective";
import type { PlanBounds } from "./plan-spec";

export interface Conflict {
  /** The first phase no plan can satisfy. */
  phase: string;
  /** True when it is the transient into that phase (overlap) that breaks. */
  transient: boolean;
  /** "cooling yard": the budget, as the preview names it. */
  budget: string;
  /** The bound of `plan:` involved (the one that would have to give the most power), as a field path under repower:site, or null. */
  bound: string | null;
  /** Every bound that would have to give, the named one first. */
  bounds: string[];
  /** How far over its limit the budget would be at the least, in the budget's unit. */
  over: number;
  limit: number;
  unit: string;
  message: string;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));

async function feasible(ls: LinearSite, bounds: PlanBounds, values: UnitValues, weights: number[], last: number, minUnits: "hard" | "drop"): Promise<boolean> {
  const { milp } = buildProgram(ls, bounds, weights, values, { last, objective: false, minUnits });
  const r = await solveMilp(milp, { timeLimit: 30 });
  if (r.status === "infeasible") return false;
  if (r.values !== undefined) return true;
  throw new Error(`planner: the feasibility check of phases up to ${ls.phases[last]} stopped (${r.statusText})`);
}

/**
 * A block that may never run where it is (cooling-compatibility) conflicts
 * with the fleet running into the first transient, and with any `minUnits`.
 */
export function gateConflict(ls: LinearSite, bounds: PlanBounds): Conflict | null {
  for (const [bi, b] of ls.blocks.entries()) {
    const why = ls.blockGate[bi];
    if (why === null) continue;
    const budget = `cooling-compatibility ${b.name}`;
    const first = ls.moments[0];
    if (first !== undefined && first.transient && b.units > 0) {
      return {
        phase: ls.phases[0], transient: true, budget, bound: null, bounds: [], over: b.units, limit: 0, unit: "units",
        message: `no plan satisfies every budget: at the transient into ${ls.phases[0]}, ${b.name} still runs its ${b.units} units from before the rollout, and ${why}`,
      };
    }
    const k = bounds.minUnits[b.name].findIndex((v) => v > 0);
    if (k >= 0) {
      const path = bounds.minUnitsFrom[b.name][k] as string;
      return {
        phase: ls.phases[k], transient: false, budget, bound: path, bounds: [path], over: bounds.minUnits[b.name][k], limit: 0, unit: "units",
        message: `no plan satisfies every budget and bound: at the end of ${ls.phases[k]}, ${path} keeps ${bounds.minUnits[b.name][k]} units of ${b.name} running, and ${why}`,
      };
    }
  }
  return null;
}

export async function diagnose(ls: LinearSite, bounds: PlanBounds, weights: number[], values: UnitValues): Promise<Conflict> {
  let k = 0;
  while (k < ls.phases.length - 1 && (await feasible(ls, bounds, values, weights, k, "hard"))) k++;

  // The bound: only minUnits can force load onto a budget; without them, loads can always be 0.
  let bound: { path: string; block: string; units: number; phase: string } | null = null;
  const withoutBounds = await feasible(ls, bounds, values, weights, k, "drop");
  const relaxed: string[] = [];
  if (withoutBounds) {
    const { milp, cols } = buildProgram(ls, bounds, weights, values, { last: k, objective: false, minUnits: "elastic" });
    const r = await solveMilp(milp, { timeLimit: 30 });
    if (r.values === undefined) throw new Error(`planner: the bound diagnosis stopped (${r.statusText})`);
    let best: { bi: number; j: number; power: number } | undefined;
    for (const [bi, j, col] of cols.minSlack) {
      const power = r.values[col] * ls.blocks[bi].block.wattsPerUnit;
      if (power <= 1e-6) continue;
      const path = bounds.minUnitsFrom[ls.blocks[bi].name][j] as string;
      if (!relaxed.includes(path)) relaxed.push(path);
      if (best === undefined || power > best.power) best = { bi, j, power };
    }
    if (best !== undefined) {
      const b = ls.blocks[best.bi];
      bound = { path: bounds.minUnitsFrom[b.name][best.j] as string, block: b.name, units: bounds.minUnits[b.name][best.j], phase: ls.phases[best.j] };
      relaxed.splice(relaxed.indexOf(bound.path), 1);
      relaxed.unshift(bound.path);
    }
  }

  const { milp, cols } = buildProgram(ls, bounds, weights, values, { last: k, objective: false, minUnits: "hard", elasticUpTo: k });
  const r = await solveMilp(milp, { timeLimit: 30 });
  if (r.values === undefined) throw new Error(`planner: the budget diagnosis stopped (${r.statusText})`);
  // The earliest moment that must break a budget, and there the budget broken the most for its size.
  let worst: { ri: number; share: number; over: number; moment: number } | undefined;
  for (const [ri, col] of cols.budgetSlack) {
    const row = ls.rows[ri];
    const over = r.values[col];
    const share = over / Math.max(Math.abs(row.limit), 1e-6);
    if (!(over > 1e-9 * Math.max(1, Math.abs(row.limit)))) continue;
    if (worst === undefined || row.moment < worst.moment || (row.moment === worst.moment && share > worst.share)) worst = { ri, share, over, moment: row.moment };
  }
  if (worst === undefined) {
    // Every budget of phase k holds in the relaxation: the conflict is between bounds and the
    // conversion rules alone, which the validation already excludes; name the phase.
    return {
      phase: ls.phases[k],
      transient: false,
      budget: "none",
      bound: bound?.path ?? null,
      bounds: relaxed,
      over: 0,
      limit: 0,
      unit: "",
      message: `no plan satisfies every budget and bound from ${ls.phases[k]} on${bound ? ` with ${bound.path}` : ""}`,
    };
  }
  const row = ls.rows[worst.ri];
  const mo = ls.moments[row.moment];
  k = mo.phase;
  const at = mo.transient ? `the transient into ${ls.phases[k]}` : `the end of ${ls.phases[k]}`;
  const overText = `${fmt(worst.over)} ${row.unit} over its ${fmt(row.limit)} ${row.unit}`;
  let message: string;
  if (bound !== null) {
    message =
      `no plan satisfies every budget and bound: at ${at}, the ${row.name} budget is at least ${overText} ` +
      `while ${bound.block} keeps ${bound.units} units running (${bound.path}${relaxed.length > 1 ? `, with ${relaxed.length - 1} other bound${relaxed.length > 2 ? "s" : ""} of plan:` : ""}); lower it or add capacity by ${ls.phases[k]}`;
  } else {
    const fleet = mo.transient && k === 0 ? "; in this transient the whole mining fleet still runs (before the rollout)" : "";
    const room = rowRoom(row, 0);
    const fixedOnly = room < 0 ? " with no GPU nodes and no miners it can retire" : "";
    message = `no plan satisfies every budget: at ${at}, the ${row.name} budget is at least ${overText}${fixedOnly}${fleet}`;
  }
  return { phase: ls.phases[k], transient: mo.transient, budget: row.name, bound: bound?.path ?? null, bounds: relaxed, over: worst.over, limit: row.limit, unit: row.unit, message };
}
