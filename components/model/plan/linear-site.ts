/**
 * A site as the planner sees it: every budget of every checked moment as a
 * linear function of the decisions (nodes and racks of each on-site pool,
 * units of each mining block), and the pools a moment cannot take at all.
 *
 * The coefficients are not written out again here: they are read from the
 * model itself (`evaluate`), by evaluating each moment with nothing running
 * and with one load at a few counts. The contract's budgets are linear in the
 * counts (a pool's IT power is `nodes × nodeKW + racks × rackOverheadKW`), so
 * the differences are the coefficients, and the planner and the preview
 * cannot disagree about what a node, a rack or a miner costs. The plan is
 * verified afterwards with the same `evaluate` (see `verify.ts`).
 *
 * Pure: no Pulumi here.
 */
import { evaluate, loadsOf, scenarios, type Budget, type Scenario } from "../envelope";
import type { GpuPool, MiningBlock, Site } from "../site";
import { budgetKey, budgetName, gateOf, incompatibleLoads, partsOf, rackScaleOf } from "./model-view";

/** The planner's decisions at one moment: units of each block, nodes of each on-site pool. */
type Counts = { mining: Record<string, number>; gpu: Record<string, number> };

/** An on-site pool the planner decides. */
export interface PlanPool {
  name: string;
  /** Nodes a rack (the racks a pool counts are `ceil(nodes / nodesPerRack)`). */
  nodesPerRack: number;
  /** True for a rack-scale system: nodes come in whole racks only. */
  rackScale: boolean;
  /** GPU IT power of one node, kW (the objective's). */
  nodeKW: number;
  /** GPU IT power of one rack beyond its nodes, kW (rack overhead). */
  rackKW: number;
  /** Largest count the spec can take (a static pool's `nodeNames`, the schema's limit). */
  specMax: number;
  /** Why: a field path, for messages. */
  specMaxFrom: string;
  pool: GpuPool;
}

/** A mining block the planner decides. */
export interface PlanBlock {
  name: string;
  /** Units running before the first phase. */
  units: number;
  block: MiningBlock;
}

/** A checked moment: a phase's end, or the transient into it (overlap). */
export interface PlanMoment {
  phase: number;
  transient: boolean;
  scenario: Scenario;
}

/**
 * One budget at one moment: `fixed + Σ node[p]·x[p] + Σ rack[p]·r[p] + Σ unit[b]·y[b] ≤ limit`,
 * where x, r are the pools' nodes and racks of the moment's phase and y the
 * blocks' units of the phase (at a phase's end) or of the phase before (in a
 * transient, where the miners still run).
 */
export interface PlanRow {
  moment: number;
  kind: Budget["kind"];
  subject: string;
  /** "cooling hall-a", as the preview names a budget. */
  name: string;
  /** The liquid or air part of a direct-to-chip zone's heat. */
  part?: string;
  /** A substation's own budget. */
  substation?: string;
  unit: Budget["unit"];
  limit: number;
  fixed: number;
  node: number[];
  rack: number[];
  unitCoef: number[];
}

export interface LinearSite {
  site: Site;
  pools: PlanPool[];
  blocks: PlanBlock[];
  phases: string[];
  moments: PlanMoment[];
  rows: PlanRow[];
  /** gate[p][k]: null when pool p may have nodes in phase k, else why not. */
  gate: (string | null)[][];
  /** blockGate[b]: null when block b may run, else why it may not run at any moment. */
  blockGate: (string | null)[];
}

/** The schema's largest node count of a pool in a phase. */
const NODES_PER_POOL_LIMIT = 1_000_000;

const zeros = (site: Site): Counts => ({
  mining: Object.fromEntries(site.mining.map((m) => [m.name, 0])),
  gpu: Object.fromEntries(site.gpuPools.map((p) => [p.name, 0])),
});

/** The GPU IT power of a count of the pool's nodes, kW, as the model computes it. */
function gpuItKW(site: Site, pool: string, nodes: number): number {
  const c = zeros(site);
  const counts = { mining: c.mining, gpu: { ...c.gpu, [pool]: nodes }, it: {} };
  const loads = loadsOf(site, counts);
  return loads.filter((l) => l.kind === "gpu" && l.name === pool).reduce((s, l) => s + l.itKW, 0);
}

/** Budgets of a moment that are sums over loads (all but the per-pool gates). */
function linearBudgets(site: Site, s: Scenario): Budget[] {
  return evaluate(site, s).budgets.filter((b) => gateOf(b) === undefined);
}

/** Builds the linear view of a site from the model. */
export function linearSite(site: Site): LinearSite {
  const pools: PlanPool[] = site.gpuPools
    .filter((p) => p.placement !== "cloud")
    .map((p) => {
      const rackScale = rackScaleOf(p);
      const npr = p.nodesPerRack;
      const one = gpuItKW(site, p.name, 1);
      const two = gpuItKW(site, p.name, 2);
      const nodeKW = npr >= 2 ? two - one : one;
      const rackKW = npr >= 2 ? 2 * one - two : 0;
      const names = p.backend.type === "static" ? p.backend.nodeNames : undefined;
      return {
        name: p.name,
        nodesPerRack: npr,
        rackScale,
        nodeKW,
        rackKW: Math.abs(rackKW) < 1e-9 * Math.max(1, nodeKW) ? 0 : rackKW,
        specMax: names !== undefined ? Math.min(names.length, NODES_PER_POOL_LIMIT) : NODES_PER_POOL_LIMIT,
        specMaxFrom: names !== undefined ? `gpuPools.${p.name}.backend.nodeNames` : "the schema's limit",
        pool: p,
      };
    });
  const blocks: PlanBlock[] = site.mining.map((m) => ({ name: m.name, units: m.units, block: m }));
  const phases = site.rollout.phases.map((p) => p.name);
  const phaseIndex = new Map(phases.map((p, i) => [p, i]));

  const moments: PlanMoment[] = scenarios(site).map((s) => ({ phase: phaseIndex.get(s.phase) as number, transient: s.transient, scenario: s }));
  const rows: PlanRow[] = [];
  const incompatible = incompatibleLoads(site);
  const gate: (string | null)[][] = pools.map((p) => phases.map(() => incompatible.pools.get(p.name) ?? null));
  const blockGate = blocks.map((b) => incompatible.blocks.get(b.name) ?? null);

  moments.forEach((m, mi) => {
    const z = zeros(site);
    const at = (c: Counts) => linearBudgets(site, { ...m.scenario, mining: c.mining, gpu: c.gpu });
    const base = at(z);
    const key = (b: Budget) => budgetKey({ kind: b.kind, subject: b.subject, ...partsOf(b) });
    const index = new Map(base.map((b, i) => [key(b), i]));
    const newRow = (b: Budget, fixed: number): PlanRow => ({
      moment: mi,
      kind: b.kind,
      subject: b.subject,
      ...partsOf(b),
      name: budgetName({ kind: b.kind, subject: b.subject, ...partsOf(b) }),
      unit: b.unit,
      limit: b.limit,
      fixed,
      node: pools.map(() => 0),
      rack: pools.map(() => 0),
      unitCoef: blocks.map(() => 0),
    });
    const momentRows: PlanRow[] = base.map((b) => newRow(b, b.used));
    const delta = (c: Counts): number[] => {
      const d = new Array<number>(momentRows.length).fill(0);
      for (const b of at(c)) {
        let i = index.get(key(b));
        if (i === undefined) {
          // A budget the model lists only while something loads it (equipment out of service): 0 without loads.
          i = momentRows.length;
          index.set(key(b), i);
          momentRows.push(newRow(b, 0));
          d.push(0);
        }
        d[i] = b.used - momentRows[i].fixed;
      }
      return d;
    };
    pools.forEach((p, pi) => {
      if (p.rackScale) {
        // Whole racks only: one variable, the racks; a rack is nodesPerRack nodes and its overhead.
        const d = delta({ mining: z.mining, gpu: { ...z.gpu, [p.name]: p.nodesPerRack } });
        d.forEach((v, i) => (momentRows[i].rack[pi] = v));
      } else if (p.nodesPerRack >= 2) {
        const d1 = delta({ mining: z.mining, gpu: { ...z.gpu, [p.name]: 1 } });
        const d2 = delta({ mining: z.mining, gpu: { ...z.gpu, [p.name]: 2 } });
        d2.forEach((v2, i) => {
          const v1 = d1[i] ?? 0;
          momentRows[i].node[pi] = v2 - v1;
          momentRows[i].rack[pi] = 2 * v1 - v2;
        });
      } else {
        const d = delta({ mining: z.mining, gpu: { ...z.gpu, [p.name]: 1 } });
        d.forEach((v, i) => (momentRows[i].node[pi] = v));
      }
      // The gates (rack density, cooling compatibility): one rack of the pool alone at this moment.
      if (!m.transient) {
        const why = gateReason(site, m.scenario, p, { mining: z.mining, gpu: { ...z.gpu, [p.name]: p.nodesPerRack } });
        if (why !== null && gate[pi][m.phase] === null) gate[pi][m.phase] = why;
      }
    });
    blocks.forEach((b, bi) => {
      const d = delta({ mining: { ...z.mining, [b.name]: 1 }, gpu: z.gpu });
      d.forEach((v, i) => (momentRows[i].unitCoef[bi] = v));
    });
    // Clean rounding noise of the differences: a coefficient far below its budget's scale is 0.
    for (const r of momentRows) {
      const scale = Math.max(Math.abs(r.fixed), Math.abs(r.limit), 1);
      for (const arr of [r.node, r.rack, r.unitCoef]) arr.forEach((v, i) => (arr[i] = Math.abs(v) < scale * 1e-13 ? 0 : v));
    }
    rows.push(...momentRows);
  });
  return { site, pools, blocks, phases, moments, rows, gate, blockGate };
}

/** Why one rack of `pool` alone breaks a gate at this moment, or null. */
function gateReason(site: Site, s: Scenario, pool: PlanPool, c: Counts): string | null {
  const env = evaluate(site, { ...s, mining: c.mining, gpu: c.gpu });
  for (const b of env.budgets) {
    const g = gateOf(b);
    if (g !== undefined && g.pool === pool.name && !b.ok) return g.reason(b);
  }
  return null;
}
