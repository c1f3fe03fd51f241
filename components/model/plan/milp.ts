/**
 * A small mixed-integer program builder and its solve with HiGHS, compiled
 * to WebAssembly (npm `highs`, MIT; HiGHS itself is MIT, University of
 * Edinburgh, https://highs.dev). Single-threaded, deterministic for a given
 * model and options.
 *
 * Pure: no Pulumi here. The solver is loaded on first use.
 */
import type { Highs } from "highs";

export interface Entry {
  col: number;
  value: number;
}

/** A maximisation problem: `max c·x` subject to `rowLower ≤ A x ≤ rowUpper`, `colLower ≤ x ≤ colUpper`. */
export class Milp {
  readonly colLower: number[] = [];
  readonly colUpper: number[] = [];
  readonly cost: number[] = [];
  readonly integer: boolean[] = [];
  readonly colNames: string[] = [];
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  readonly rows: Entry[][] = [];
  readonly rowNames: string[] = [];

  addVar(name: string, lower: number, upper: number, cost = 0, integer = true): number {
    this.colNames.push(name);
    this.colLower.push(lower);
    this.colUpper.push(upper);
    this.cost.push(cost);
    this.integer.push(integer);
    return this.colNames.length - 1;
  }

  /** Adds a row; entries on the same column are summed, zeros dropped. */
  addRow(name: string, lower: number, upper: number, entries: Entry[]): number {
    const sum = new Map<number, number>();
    for (const e of entries) sum.set(e.col, (sum.get(e.col) ?? 0) + e.value);
    this.rows.push([...sum].filter(([, v]) => v !== 0).map(([col, value]) => ({ col, value })).sort((a, b) => a.col - b.col));
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    this.rowNames.push(name);
    return this.rows.length - 1;
  }

  get numCols(): number {
    return this.colNames.length;
  }
  get numRows(): number {
    return this.rows.length;
  }
}

export interface MilpOptions {
  /** Relative gap at which the solver stops (HiGHS `mip_rel_gap`). */
  relGap?: number;
  /** Seconds (HiGHS `time_limit`). */
  timeLimit?: number;
}

export type MilpStatus = "optimal" | "infeasible" | "time-limit" | "other";

export interface MilpResult {
  status: MilpStatus;
  /** HiGHS's own status text, for messages. */
  statusText: string;
  /** Column values of the best solution found, when there is one. */
  values?: Float64Array;
  objective?: number;
  /** The solver's bound on the optimum (for a maximisation, an upper bound). */
  bound?: number;
  ms: number;
}

let loading: Promise<Highs> | undefined;

/** The HiGHS module, loaded once a process. */
export function highs(): Promise<Highs> {
  if (loading === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require("highs") as (opts?: object) => Promise<Highs>;
    loading = load({});
  }
  return loading;
}

/** Solves a maximisation problem. */
export async function solveMilp(p: Milp, opts: MilpOptions = {}): Promise<MilpResult> {
  const h = await highs();
  const t0 = performance.now();
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const r of p.rows) {
    for (const e of r) {
      indices.push(e.col);
      values.push(e.value);
    }
    starts.push(indices.length);
  }
  const inf = h.infinity;
  const clamp = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
  const anyInteger = p.integer.some(Boolean);
  const model = h.createModel({
    numCols: p.numCols,
    numRows: p.numRows,
    sense: h.constants.objectiveSense.maximize,
    colCost: p.cost,
    colLower: p.colLower.map(clamp),
    colUpper: p.colUpper.map(clamp),
    rowLower: p.rowLower.map(clamp),
    rowUpper: p.rowUpper.map(clamp),
    matrix: { format: "csr", numRows: p.numRows, numCols: p.numCols, starts, indices, values },
    ...(anyInteger ? { integrality: p.integer.map((i) => (i ? h.constants.variableType.integer : h.constants.variableType.continuous)) } : {}),
  });
  try {
    model.options.set({
      output_flag: false,
      mip_rel_gap: opts.relGap ?? 1e-4,
      time_limit: opts.timeLimit ?? 60,
      random_seed: 0,
    });
    model.run();
    const code = model.getModelStatus();
    const S = h.constants.modelStatus;
    const status: MilpStatus =
      code === S.optimal ? "optimal" : code === S.infeasible ? "infeasible" : code === S.timeLimit ? "time-limit" : "other";
    const statusText = Object.entries(S).find(([, v]) => v === code)?.[0] ?? String(code);
    const out: MilpResult = { status, statusText, ms: performance.now() - t0 };
    const hasSolution = Number(model.info.get("primal_solution_status")) === 2;
    if (hasSolution && (status === "optimal" || status === "time-limit" || status === "other")) {
      out.values = Float64Array.from(model.getSolution().colValue);
      out.objective = model.getObjectiveValue();
      out.bound = anyInteger ? Number(model.info.get("mip_dual_bound")) : out.objective;
    }
    out.ms = performance.now() - t0;
    return out;
  } finally {
    model.dispose();
  }
}
