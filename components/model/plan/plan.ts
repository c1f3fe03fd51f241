/**
 * `repower plan`'s engine: the best counts of every phase that every budget
 * of the contract allows, solved exactly as a mixed-integer program, verified
 * by the model, compared with the phases the stack file has now; or, when no
 * plan exists, the phase, budget and bound that conflict.
 *
 * Pure: no Pulumi here.
 */
import { siteEnvelope, type Envelope } from "../envelope";
import type { Site } from "../site";
import { coolingFindings } from "../cooling-compatibility";
import { diagnose, gateConflict, type Conflict } from "./diagnose";
import { buildProgram, type Columns } from "./formulation";
import { linearSite, type LinearSite } from "./linear-site";
import { solveMilp } from "./milp";
import { budgetKey, budgetName } from "./model-view";
import { objectiveValue, phaseStarts, unitValues, type ObjectiveKind, type PhaseCounts, type UnitValues } from "./objective";
import type { PlanBounds, PlanInput } from "./plan-spec";

/** The solver stops once its plan is proven within 0.1 % of the best (HiGHS `mip_rel_gap`). */
export const DEFAULT_REL_GAP = 1e-3;

export interface PlanOptions {
  objective: ObjectiveKind;
  /** Relative gap at which the solver may stop (default 0.1 %; the contract's goal is 1 %). */
  relGap?: number;
  /** Seconds the solver may take. */
  timeLimit?: number;
}

export interface PlannedPhase {
  name: string;
  start?: string;
  gpu: Record<string, number>;
  mining: Record<string, number>;
  /** The most used budget at the phase's end, as the preview names it. */
  binding: string;
  bindingPercent: number | null;
  gpuMW: number;
  facilityMW: number;
}

export interface HeldLoad {
  /** A pool held at 0, or a mining block retired before the first phase. */
  kind: "pool" | "block";
  name: string;
  phases: string[];
  reason: string;
}

export interface CurrentPlan {
  value: number;
  feasible: boolean;
  /** Why not, one line each: budgets broken, bounds of `plan:` broken, a pool that shrinks. */
  reasons: string[];
}

export interface Plan {
  feasible: true;
  objective: { kind: ObjectiveKind; value: number; bound: number; gapPercent: number };
  current: CurrentPlan;
  phases: PlannedPhase[];
  /** Pools held at 0 in some phases because they cannot run there at all. */
  held: HeldLoad[];
  solver: { status: string; ms: number; columns: number; rows: number; repairs: number; tookCurrent: boolean };
}

export interface NoPlan {
  feasible: false;
  conflict: Conflict;
  message: string;
}

export type PlanResult = Plan | NoPlan;

/** The site with its phases' counts replaced by `counts`. */
export function withCounts(site: Site, counts: PhaseCounts[]): Site {
  return {
    ...site,
    rollout: {
      ...site.rollout,
      phases: site.rollout.phases.map((ph, k) => ({ ...ph, gpu: { ...ph.gpu, ...counts[k].gpu }, mining: { ...ph.mining, ...counts[k].mining } })),
    },
  };
}

/** Every budget broken at some moment of these counts, as the model sees them (cooling-compatibility included). */
export function brokenBudgets(site: Site, counts: PhaseCounts[]): { env: Envelope; names: string[] }[] {
  const planned = withCounts(site, counts);
  const compat = coolingFindings(planned);
  return siteEnvelope(planned)
    .map((env) => {
      const names = env.violations.map((b) => budgetName(b));
      for (const f of compat) {
        if (f.scenario.phase === env.scenario.phase && f.scenario.transient === env.scenario.transient) names.push(`cooling-compatibility ${f.mismatch.name}`);
      }
      return { env, names };
    })
    .filter((x) => x.names.length > 0);
}

const momentText = (env: Envelope) => (env.scenario.transient ? `transient into ${env.scenario.phase}` : env.scenario.phase);

/** Bounds of `plan:` and the conversion rules the counts break, one line each. */
export function boundBreaks(ls: LinearSite, bounds: PlanBounds, counts: PhaseCounts[]): string[] {
  const out: string[] = [];
  ls.pools.forEach((p) => {
    counts.forEach((c, k) => {
      const n = c.gpu[p.name] ?? 0;
      const max = Math.min(bounds.maxNodes[p.name][k], p.specMax);
      if (n > max) out.push(`${ls.phases[k]}: ${p.name} runs ${n} nodes, ${bounds.maxNodesFrom[p.name][k] ?? p.specMaxFrom} allows ${max}`);
      if (k > 0 && n < (counts[k - 1].gpu[p.name] ?? 0)) out.push(`${ls.phases[k]}: ${p.name} shrinks from ${counts[k - 1].gpu[p.name]} to ${n} nodes`);
    });
  });
  ls.blocks.forEach((b) => {
    counts.forEach((c, k) => {
      const n = c.mining[b.name] ?? 0;
      const min = bounds.minUnits[b.name][k];
      if (n < min) out.push(`${ls.phases[k]}: ${b.name} runs ${n} units, ${bounds.minUnitsFrom[b.name][k]} needs ${min}`);
      const before = k > 0 ? (counts[k - 1].mining[b.name] ?? 0) : b.units;
      if (n > before) out.push(`${ls.phases[k]}: ${b.name} grows from ${before} to ${n} units`);
    });
  });
  return out;
}

function countsOf(site: Site): PhaseCounts[] {
  return site.rollout.phases.map((ph) => ({ gpu: { ...ph.gpu }, mining: { ...ph.mining } }));
}

/** Reads the solution: whole numbers, racks implied. */
function readCounts(ls: LinearSite, cols: Columns, values: Float64Array): PhaseCounts[] {
  return ls.phases.map((_, k) => ({
    gpu: Object.fromEntries(
      ls.pools.map((p, pi) => {
        const v = p.rackScale ? Math.round(values[cols.racks[pi][k] as number]) * p.nodesPerRack : Math.round(values[cols.nodes[pi][k] as number]);
        return [p.name, Math.max(0, v)];
      }),
    ),
    mining: Object.fromEntries(ls.blocks.map((b, bi) => [b.name, Math.max(0, Math.round(values[cols.units[bi][k]]))])),
  }));
}

/**
 * Repairs a rounded plan that the model finds over a budget (the solver works
 * to a tolerance): removes a node (a rack) of the pool costing that budget the
 * most, or a miner above its bound, until every budget holds. Returns the
 * number of steps; throws when nothing can be removed.
 */
function repair(ls: LinearSite, bounds: PlanBounds, counts: PhaseCounts[]): number {
  let steps = 0;
  for (;;) {
    const broken = brokenBudgets(ls.site, counts);
    if (broken.length === 0) return steps;
    if (++steps > 10_000) throw new Error("planner: the plan could not be repaired");
    const { env, names } = broken[0];
    const k = ls.phases.indexOf(env.scenario.phase);
    const b = env.violations[0];
    if (b === undefined) throw new Error(`planner: the plan breaks ${names.join(", ")} at ${momentText(env)}`);
    const row = ls.rows.find((r) => ls.moments[r.moment].phase === k && ls.moments[r.moment].transient === env.scenario.transient && budgetKey(r) === budgetKey(b));
    type Pick = { kind: "pool" | "block"; i: number; coef: number };
    let best: Pick | undefined;
    for (const [pi, p] of ls.pools.entries()) {
      const n = counts[k].gpu[p.name] ?? 0;
      const coef = row ? (p.rackScale ? row.rack[pi] : row.node[pi] + row.rack[pi] / p.nodesPerRack) : p.nodeKW;
      if (n > 0 && coef > 0 && (best === undefined || coef > best.coef)) best = { kind: "pool", i: pi, coef };
    }
    if (best === undefined) {
      const j = env.scenario.transient ? k - 1 : k;
      for (const [bi, bl] of ls.blocks.entries()) {
        if (j < 0) break;
        const n = counts[j].mining[bl.name] ?? 0;
        const coef = row ? row.unitCoef[bi] : 0;
        if (n > bounds.minUnits[bl.name][j] && coef > 0 && (best === undefined || coef > best.coef)) best = { kind: "block", i: bi, coef };
      }
      if (best === undefined) throw new Error(`planner: ${budgetName(b)} is over its limit at ${momentText(env)} and nothing can be removed`);
      const bl = ls.blocks[best.i];
      const n = counts[j].mining[bl.name] - 1;
      for (let t = j; t < counts.length; t++) counts[t].mining[bl.name] = Math.min(counts[t].mining[bl.name], n);
      continue;
    }
    const p = ls.pools[best.i];
    const n = counts[k].gpu[p.name] - (p.rackScale ? p.nodesPerRack : 1);
    for (let t = 0; t <= k; t++) counts[t].gpu[p.name] = Math.min(counts[t].gpu[p.name], n);
  }
}

function heldPools(ls: LinearSite): HeldLoad[] {
  const out: HeldLoad[] = [];
  ls.pools.forEach((p, pi) => {
    const phases = ls.phases.filter((_, k) => ls.gate[pi][k] !== null);
    if (phases.length === 0) return;
    const first = ls.gate[pi].find((g) => g !== null) as string;
    // A pool never shrinks: held at 0 in a phase, it is 0 in every phase before it too.
    const lastHeld = ls.gate[pi].map((g) => g !== null).lastIndexOf(true);
    const reason = `${first}${lastHeld > 0 ? `; pools never shrink, so it has no nodes through ${ls.phases[lastHeld]}` : ""}`;
    out.push({ kind: "pool", name: p.name, phases, reason });
  });
  ls.blocks.forEach((b, bi) => {
    const why = ls.blockGate[bi];
    if (why !== null) out.push({ kind: "block", name: b.name, phases: ls.phases, reason: `${why}; retired in ${ls.phases[0]}` });
  });
  return out;
}

/** Plans a validated site. */
export async function planSite(site: Site, input: PlanInput, weights: number[], opts: PlanOptions): Promise<PlanResult> {
  const ls = linearSite(site);
  const values: UnitValues = unitValues(site, opts.objective, input.economics);
  const gated = gateConflict(ls, input.bounds);
  if (gated !== null) return { feasible: false, conflict: gated, message: gated.message };
  const { milp, cols } = buildProgram(ls, input.bounds, weights, values);
  const res = await solveMilp(milp, { relGap: opts.relGap ?? DEFAULT_REL_GAP, timeLimit: opts.timeLimit ?? 60 });

  const currentCounts = countsOf(site);
  const currentReasons = [
    ...brokenBudgets(site, currentCounts).map(({ env, names }) => `${momentText(env)}: over ${names.join(", ")}`),
    ...boundBreaks(ls, input.bounds, currentCounts),
  ];
  const current: CurrentPlan = {
    value: objectiveValue(site, currentCounts, weights, values),
    feasible: currentReasons.length === 0,
    reasons: currentReasons,
  };

  if (res.values === undefined) {
    if (res.status !== "infeasible") throw new Error(`planner: the solver stopped without a plan (${res.statusText})`);
    const conflict = await diagnose(ls, input.bounds, weights, values);
    return { feasible: false, conflict, message: conflict.message };
  }

  let counts = readCounts(ls, cols, res.values);
  if (opts.objective === "gpu-mw" && ls.blocks.length > 0) {
    // gpu-mw is indifferent to miners: with the GPU plan fixed, keep as many hashing as the budgets allow.
    const keep: UnitValues = { perGpuKW: 0, perUnit: Object.fromEntries(ls.blocks.map((b) => [b.name, b.block.wattsPerUnit / 1e6])) };
    const second = buildProgram(ls, input.bounds, weights.map((w) => Math.max(w, 1e-3)), keep, { fixGpu: counts });
    const r2 = await solveMilp(second.milp, { relGap: opts.relGap ?? DEFAULT_REL_GAP, timeLimit: opts.timeLimit ?? 60 });
    if (r2.values !== undefined) {
      const mining = readCounts(ls, second.cols, r2.values);
      counts = counts.map((c, k) => ({ gpu: c.gpu, mining: mining[k].mining }));
    }
  }
  const repairs = repair(ls, input.bounds, counts);
  let value = objectiveValue(site, counts, weights, values);
  // A hand-written plan within every budget and bound is a plan too: never report less than it.
  let tookCurrent = false;
  if (current.feasible && current.value > value) {
    counts = currentCounts;
    value = current.value;
    tookCurrent = true;
  }
  const bound = Math.max(res.bound ?? value, value);
  const gapPercent = bound === 0 ? 0 : ((bound - value) / Math.abs(bound)) * 100;

  const planned = withCounts(site, counts);
  const envs = siteEnvelope(planned).filter((e) => !e.scenario.transient);
  const starts = phaseStarts(site);
  const phases: PlannedPhase[] = ls.phases.map((name, k) => {
    const env = envs[k];
    const gpuKW = env.loads.filter((l) => l.kind === "gpu").reduce((s, l) => s + l.itKW, 0);
    const start = starts[k];
    return {
      name,
      ...(start !== undefined ? { start } : {}),
      gpu: counts[k].gpu,
      mining: counts[k].mining,
      binding: budgetName(env.binding),
      bindingPercent: Number.isFinite(env.binding.utilisation) ? Math.round(env.binding.utilisation * 1000) / 10 : null,
      gpuMW: gpuKW / 1000,
      facilityMW: env.facilityMW,
    };
  });
  return {
    feasible: true,
    objective: { kind: opts.objective, value, bound, gapPercent },
    current,
    phases,
    held: heldPools(ls),
    solver: { status: res.statusText, ms: res.ms, columns: milp.numCols, rows: milp.numRows, repairs, tookCurrent },
  };
}
