/**
 * The mixed-integer program of a rollout (contract, "Planning (version 2.1)").
 *
 * Decisions, for every phase k: nodes x[p,k] of each on-site pool (integer;
 * a rack-scale pool is decided in whole racks), its racks r[p,k] with
 * `nodesPerRack·r − x ∈ [0, nodesPerRack − 1]` (so `r = ceil(x / nodesPerRack)`
 * exactly, where racks carry overhead), and units y[b,k] of each mining block.
 *
 * Constraints: every budget of every checked moment (`linear-site.ts`); a
 * transient into phase k runs GPUs of phase k and miners of phase k−1 (pools
 * never shrink and blocks never grow, so those are the larger counts); pools
 * never shrink, blocks never grow (and start from their fleet); the bounds of
 * `plan:`; pools that cannot run at a phase (rack density) held at 0.
 *
 * Budgets are tightened by a relative 1e-7 so that the solver's own
 * tolerances cannot put a plan over a limit; the plan is then verified by the
 * model and, if ever needed, repaired (see `plan.ts`).
 *
 * Pure: no Pulumi here.
 */
import { within } from "../envelope";
import type { LinearSite, PlanRow } from "./linear-site";
import { Milp, type Entry } from "./milp";
import type { UnitValues } from "./objective";
import type { PlanBounds } from "./plan-spec";

/** Relative tightening of every budget in the program. */
export const SAFETY = 1e-7;

export interface BuildOptions {
  /** Last phase included (a prefix of the rollout); default: all. */
  last?: number;
  /** Include the objective (false: a feasibility problem). */
  objective?: boolean;
  /** `minUnits` bounds: enforced, left out, or elastic (violations priced). */
  minUnits?: "hard" | "drop" | "elastic";
  /** Budgets of the moments of this phase and those before are elastic (violations priced by their share of the limit). */
  elasticUpTo?: number;
  /** Fix every pool's nodes at these counts (a second pass that only decides the miners). */
  fixGpu?: { gpu: Record<string, number> }[];
}

export interface Columns {
  /** nodes[p][k]: the column of the pool's nodes (undefined for rack-scale pools, decided in racks). */
  nodes: (number | undefined)[][];
  /** racks[p][k]: the column of the pool's racks (undefined where racks cost nothing). */
  racks: (number | undefined)[][];
  units: number[][];
  /** Slack of each elastic budget row: [row index in ls.rows, column]. */
  budgetSlack: [number, number][];
  /** Slack of each elastic minUnits bound: [block, phase, column]. */
  minSlack: [number, number, number][];
}

/** The row's limit less what runs regardless of the decisions, tightened by SAFETY. */
export function rowRoom(row: PlanRow, constant: number): number {
  const fixed = row.fixed + constant;
  const room = row.limit - fixed;
  if (!within(fixed, row.limit)) return room;
  return Math.max(0, room - SAFETY * Math.max(Math.abs(row.limit), Math.abs(fixed)));
}

export function buildProgram(
  ls: LinearSite,
  bounds: PlanBounds,
  weights: number[],
  values: UnitValues,
  o: BuildOptions = {},
): { milp: Milp; cols: Columns } {
  const last = o.last ?? ls.phases.length - 1;
  const useObjective = o.objective ?? true;
  const minMode = o.minUnits ?? "hard";
  const m = new Milp();
  const cols: Columns = { nodes: ls.pools.map(() => []), racks: ls.pools.map(() => []), units: ls.blocks.map(() => []), budgetSlack: [], minSlack: [] };

  for (let k = 0; k <= last; k++) {
    const w = useObjective ? weights[k] : 0;
    ls.pools.forEach((p, pi) => {
      const fixed = o.fixGpu?.[k].gpu[p.name];
      const ub = fixed ?? (ls.gate[pi][k] !== null ? 0 : Math.min(bounds.maxNodes[p.name][k], p.specMax));
      const lb = fixed ?? 0;
      const perNode = w * values.perGpuKW * p.nodeKW;
      const perRack = w * values.perGpuKW * p.rackKW;
      if (p.rackScale) {
        cols.racks[pi][k] = m.addVar(`r_${p.name}_${k}`, Math.ceil(lb / p.nodesPerRack), Math.floor(ub / p.nodesPerRack), p.nodesPerRack * perNode + perRack);
        return;
      }
      const x = m.addVar(`x_${p.name}_${k}`, lb, ub, perNode);
      cols.nodes[pi][k] = x;
      const racksCost = ls.rows.some((r) => r.rack[pi] !== 0) || p.rackKW !== 0;
      if (racksCost && p.nodesPerRack >= 2) {
        const r = m.addVar(`r_${p.name}_${k}`, 0, Number.isFinite(ub) ? Math.ceil(ub / p.nodesPerRack) : Infinity, perRack);
        cols.racks[pi][k] = r;
        m.addRow(`racks_${p.name}_${k}`, 0, p.nodesPerRack - 1, [
          { col: r, value: p.nodesPerRack },
          { col: x, value: -1 },
        ]);
      }
    });
    ls.blocks.forEach((b, bi) => {
      const min = bounds.minUnits[b.name][k];
      const lb = minMode === "hard" ? min : 0;
      const y = m.addVar(`y_${b.name}_${k}`, Math.min(lb, ls.blockGate[bi] !== null ? 0 : lb), ls.blockGate[bi] !== null ? 0 : b.units, w * values.perUnit[b.name]);
      cols.units[bi][k] = y;
      if (minMode === "elastic" && min > 0) {
        // Priced by the units' power, so that the bound found is the one costing the most power.
        const s = m.addVar(`smin_${b.name}_${k}`, 0, min, -Math.max(b.block.wattsPerUnit / 1e6, 1e-9), false);
        cols.minSlack.push([bi, k, s]);
        m.addRow(`min_${b.name}_${k}`, min, Infinity, [
          { col: y, value: 1 },
          { col: s, value: 1 },
        ]);
      }
    });
    if (k > 0) {
      ls.pools.forEach((p, pi) => {
        const [a, b] = p.rackScale ? [cols.racks[pi][k - 1], cols.racks[pi][k]] : [cols.nodes[pi][k - 1], cols.nodes[pi][k]];
        m.addRow(`grow_${p.name}_${k}`, -Infinity, 0, [
          { col: a as number, value: 1 },
          { col: b as number, value: -1 },
        ]);
      });
      ls.blocks.forEach((b, bi) => {
        m.addRow(`shrink_${b.name}_${k}`, -Infinity, 0, [
          { col: cols.units[bi][k], value: 1 },
          { col: cols.units[bi][k - 1], value: -1 },
        ]);
      });
    }
  }

  ls.rows.forEach((row, ri) => {
    const mo = ls.moments[row.moment];
    if (mo.phase > last) return;
    const k = mo.phase;
    const entries: Entry[] = [];
    ls.pools.forEach((_, pi) => {
      const x = cols.nodes[pi][k];
      const r = cols.racks[pi][k];
      if (x !== undefined && row.node[pi] !== 0) entries.push({ col: x, value: row.node[pi] });
      if (r !== undefined && row.rack[pi] !== 0) entries.push({ col: r, value: row.rack[pi] });
    });
    let constant = 0;
    ls.blocks.forEach((b, bi) => {
      if (row.unitCoef[bi] === 0) return;
      if (!mo.transient) entries.push({ col: cols.units[bi][k], value: row.unitCoef[bi] });
      else if (k > 0) entries.push({ col: cols.units[bi][k - 1], value: row.unitCoef[bi] });
      else constant += row.unitCoef[bi] * b.units; // before the rollout the whole fleet runs
    });
    if (o.elasticUpTo !== undefined && k <= o.elasticUpTo) {
      const s = m.addVar(`slack_${ri}`, 0, Infinity, -1 / Math.max(Math.abs(row.limit), 1e-6), false);
      cols.budgetSlack.push([ri, s]);
      entries.push({ col: s, value: -1 });
    }
    m.addRow(`${mo.transient ? "transient" : "end"}_${k}_${row.kind}_${row.subject}`, -Infinity, rowRoom(row, constant), entries);
  });
  return { milp: m, cols };
}
