/**
 * Why no plan exists: the phase, the budget and, where one is involved, the
 * bound of `plan:` that conflict.
 *
 * 1. The phase: the first k for which phases 1..k alone have no plan.
 * 2. The bound: if phases 1..k have a plan once `minUnits` is left out, the
 *    bounds are relaxed with a price on the power each relaxation frees, and
 *    the bound relaxed the most (in power) is the one named.
 * 3. The budget: phase k's budgets are relaxed with a price on each one's
 *    share of its limit; the budget relaxed the most is the one named, with
 *    how far over it the least bad plan would be.
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
  /** The bound of `plan:` involved, as a field path under repower:site, or null. */
  bound: string | null;
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

export async function diagnose(ls: LinearSite, bounds: PlanBounds, weights: number[], values: UnitValues): Promise<Conflict> {
  let k = 0;
  while (k < ls.phases.length - 1 && (await feasible(ls, bounds, values, weights, k, "hard"))) k++;

  // The bound: only minUnits can force load onto a budget; without them, loads can always be 0.
  let bound: { path: string; block: string; units: number; phase: string } | null = null;
  const withoutBounds = await feasible(ls, bounds, values, weights, k, "drop");
  let effective = bounds;
  if (withoutBounds) {
    const { milp, cols } = buildProgram(ls, bounds, weights, values, { last: k, objective: false, minUnits: "elastic" });
    const r = await solveMilp(milp, { timeLimit: 30 });
    if (r.values === undefined) throw new Error(`planner: the bound diagnosis stopped (${r.statusText})`);
    let best: { bi: number; j: number; power: number } | undefined;
    for (const [bi, j, col] of cols.minSlack) {
      const power = r.values[col] * ls.blocks[bi].block.wattsPerUnit;
      if (power > 1e-6 && (best === undefined || power > best.power)) best = { bi, j, power };
    }
    if (best !== undefined) {
      const b = ls.blocks[best.bi];
      const path = bounds.minUnitsFrom[b.name][best.j] as string;
      bound = { path, block: b.name, units: bounds.minUnits[b.name][best.j], phase: ls.phases[best.j] };
      // Diagnose the budget with only that bound in place (the others may be what frees it).
      effective = {
        ...bounds,
        minUnits: Object.fromEntries(
          Object.entries(bounds.minUnits).map(([name, arr]) => [name, arr.map((v, j) => (bounds.minUnitsFrom[name][j] === path ? v : 0))]),
        ),
      };
    }
  }

  const { milp, cols } = buildProgram(ls, effective, weights, values, { last: k, objective: false, minUnits: "hard", elasticPhase: k });
  const r = await solveMilp(milp, { timeLimit: 30 });
  if (r.values === undefined) throw new Error(`planner: the budget diagnosis stopped (${r.statusText})`);
  let worst: { ri: number; share: number; over: number } | undefined;
  for (const [ri, col] of cols.budgetSlack) {
    const row = ls.rows[ri];
    const over = r.values[col];
    const share = over / Math.max(Math.abs(row.limit), 1e-6);
    if (over > 0 && (worst === undefined || share > worst.share)) worst = { ri, share, over };
  }
  if (worst === undefined) {
    // Every budget of phase k holds in the relaxation: the conflict is between bounds and the
    // conversion rules alone, which the validation already excludes; name the phase.
    return {
      phase: ls.phases[k],
      transient: false,
      budget: "none",
      bound: bound?.path ?? null,
      over: 0,
      limit: 0,
      unit: "",
      message: `no plan satisfies every budget and bound from ${ls.phases[k]} on${bound ? ` with ${bound.path}` : ""}`,
    };
  }
  const row = ls.rows[worst.ri];
  const mo = ls.moments[row.moment];
  const at = mo.transient ? `the transient into ${ls.phases[k]}` : `the end of ${ls.phases[k]}`;
  const overText = `${fmt(worst.over)} ${row.unit} over its ${fmt(row.limit)} ${row.unit}`;
  let message: string;
  if (bound !== null) {
    message =
      `no plan satisfies every budget and bound: at ${at}, ${row.name} is at least ${overText} ` +
      `while ${bound.block} keeps ${bound.units} units running (${bound.path}); lower that bound or add capacity before ${ls.phases[k]}`;
  } else {
    const fleet = mo.transient && k === 0 ? "; in this transient the whole mining fleet still runs (before the rollout)" : "";
    const room = rowRoom(row, 0);
    const fixedOnly = room < 0 ? " with no GPU nodes and no miners it can retire" : "";
    message = `no plan satisfies every budget: at ${at}, ${row.name} is at least ${overText}${fixedOnly}${fleet}`;
  }
  return { phase: ls.phases[k], transient: mo.transient, budget: row.name, bound: bound?.path ?? null, over: worst.over, limit: row.limit, unit: row.unit, message };
}
