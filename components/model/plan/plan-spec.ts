/**
 * The `plan:` and `economics:` blocks of `repower:site` (contract,
 * "Planning (version 2.1)"): bounds on what `repower plan` may decide, and the
 * prices of its `value` objective. `repower preview` ignores both blocks; the
 * site schema accepts them as they are and `repower plan` validates them here.
 *
 * Pure: no Pulumi here.
 */
import { z } from "zod";
import type { Site } from "../site";
import { knownKeysAt, zodIssues } from "../zod-issues";
import { suggestion, type FieldPath, type SpecIssue } from "../spec-errors";
import { rackScaleOf } from "./model-view";

const count = z.number().int().min(0).max(10_000_000);
const price = z.number().nonnegative().max(1_000_000_000);

/** Per pool: the phase before which it has no nodes, and deliveries by the end of a phase. */
export const PlanPoolSchema = z.strictObject({
  /** The first phase in which the pool may have nodes. */
  notBefore: z.string().optional(),
  /** Nodes delivered by the end of a phase; carries over to later phases like counts. */
  maxNodes: z.record(z.string(), count).optional(),
});

/** Per mining block: units that must keep hashing at the end of a phase (contracts). */
export const PlanMiningSchema = z.strictObject({
  /** Carries over to later phases like counts; at most the block's `units`. */
  minUnits: z.record(z.string(), count).optional(),
});

export const PlanSchema = z.strictObject({
  pools: z.record(z.string(), PlanPoolSchema).default({}),
  mining: z.record(z.string(), PlanMiningSchema).default({}),
});

/** Prices of `--objective value`. */
export const EconomicsSchema = z.strictObject({
  /** What a GPU tenant pays per kW of IT a month, power passed through. */
  hostingUSDPerKWMonth: price,
  /** Mining revenue per PH/s a day. */
  hashpriceUSDPerPHDay: price,
  /** What the site pays for the miners' power, per MWh. */
  powerPriceUSDPerMWh: price,
});

/** The two blocks together, as they sit in `repower:site`. */
export const PlanBlocksSchema = z.object({
  plan: PlanSchema.optional(),
  economics: EconomicsSchema.optional(),
});

export type PlanSpec = z.infer<typeof PlanSchema>;
export type Economics = z.infer<typeof EconomicsSchema>;

/** The bounds of `plan:` resolved per phase (index = phase index), with where each came from. */
export interface PlanBounds {
  /** Upper bound on a pool's nodes at the end of each phase (Infinity: none). */
  maxNodes: Record<string, number[]>;
  /** What sets each upper bound, for messages: a field path under `repower:site`, or null for none. */
  maxNodesFrom: Record<string, (string | null)[]>;
  /** Lower bound on a block's units at the end of each phase (0: none). */
  minUnits: Record<string, number[]>;
  /** The field path of each lower bound, or null. */
  minUnitsFrom: Record<string, (string | null)[]>;
}

export interface PlanInput {
  bounds: PlanBounds;
  economics?: Economics;
}

export type PlanInputResult = { ok: true; input: PlanInput } | { ok: false; issues: SpecIssue[] };

/** Rewrites unknown-key issues with the keys this schema accepts. */
function planIssues(issues: SpecIssue[]): SpecIssue[] {
  return issues.map((i) => {
    const m = /^unknown key "(.*)"/.exec(i.message);
    if (m === null) return i;
    const known = knownKeysAt(i.path.slice(0, -1), PlanBlocksSchema as never);
    return { ...i, message: `unknown key "${m[1]}"${suggestion(m[1], known)}` };
  });
}

const pathText = (p: FieldPath) => p.join(".");

/**
 * Validates `plan:` and `economics:` of a validated site and resolves the
 * bounds per phase. References (pools, blocks, phases) must name what the site
 * declares; `minUnits` may not exceed a block's `units`.
 */
export function resolvePlanInput(site: Site, raw: { plan?: unknown; economics?: unknown }): PlanInputResult {
  const value = { plan: raw.plan ?? undefined, economics: raw.economics ?? undefined };
  const parsed = PlanBlocksSchema.safeParse(value);
  if (!parsed.success) return { ok: false, issues: planIssues(zodIssues(parsed.error.issues, value)) };
  const plan = parsed.data.plan ?? { pools: {}, mining: {} };
  const issues: SpecIssue[] = [];
  const phases = site.rollout.phases.map((p) => p.name);
  const phaseIndex = new Map(phases.map((p, i) => [p, i]));
  const n = phases.length;
  const checkPhase = (name: string, path: FieldPath): number | undefined => {
    const i = phaseIndex.get(name);
    if (i === undefined) issues.push({ path, message: `unknown phase "${name}"${suggestion(name, phases)}` });
    return i;
  };

  const bounds: PlanBounds = { maxNodes: {}, maxNodesFrom: {}, minUnits: {}, minUnitsFrom: {} };
  const onSite = site.gpuPools.filter((p) => p.placement !== "cloud");
  for (const pool of onSite) {
    bounds.maxNodes[pool.name] = new Array<number>(n).fill(Infinity);
    bounds.maxNodesFrom[pool.name] = new Array<string | null>(n).fill(null);
  }
  for (const [name, entry] of Object.entries(plan.pools)) {
    const base: FieldPath = ["plan", "pools", name];
    const pool = site.gpuPools.find((p) => p.name === name);
    if (pool === undefined) {
      issues.push({ path: base, message: `unknown GPU pool "${name}"${suggestion(name, site.gpuPools.map((p) => p.name))}` });
      continue;
    }
    if (pool.placement === "cloud") {
      issues.push({ path: base, message: `"${name}" is a cloud pool: the plan decides on-site pools only` });
      continue;
    }
    const max = bounds.maxNodes[name];
    const from = bounds.maxNodesFrom[name];
    const given = new Map<number, { value: number; path: string }>();
    for (const [ph, v] of Object.entries(entry.maxNodes ?? {})) {
      const i = checkPhase(ph, [...base, "maxNodes", ph]);
      if (i !== undefined) given.set(i, { value: v, path: pathText([...base, "maxNodes", ph]) });
    }
    let carried: { value: number; path: string } | undefined;
    for (let i = 0; i < n; i++) {
      carried = given.get(i) ?? carried;
      if (carried !== undefined) {
        // A rack-scale pool is planned in whole racks: its delivery is rounded down to them.
        const npr = rackScaleOf(pool) ? pool.nodesPerRack : 1;
        max[i] = Math.floor(carried.value / npr) * npr;
        from[i] = carried.path;
      }
    }
    if (entry.notBefore !== undefined) {
      const at = checkPhase(entry.notBefore, [...base, "notBefore"]);
      if (at !== undefined) {
        for (let i = 0; i < at; i++) {
          max[i] = 0;
          from[i] = pathText([...base, "notBefore"]);
        }
      }
    }
  }

  for (const block of site.mining) {
    bounds.minUnits[block.name] = new Array<number>(n).fill(0);
    bounds.minUnitsFrom[block.name] = new Array<string | null>(n).fill(null);
  }
  for (const [name, entry] of Object.entries(plan.mining)) {
    const base: FieldPath = ["plan", "mining", name];
    const block = site.mining.find((m) => m.name === name);
    if (block === undefined) {
      issues.push({ path: base, message: `unknown mining block "${name}"${suggestion(name, site.mining.map((m) => m.name))}` });
      continue;
    }
    const given = new Map<number, { value: number; path: string }>();
    for (const [ph, v] of Object.entries(entry.minUnits ?? {})) {
      const p: FieldPath = [...base, "minUnits", ph];
      const i = checkPhase(ph, p);
      if (v > block.units) issues.push({ path: p, message: `must be at most the block's units (${block.units}), found ${v}` });
      else if (i !== undefined) given.set(i, { value: v, path: pathText(p) });
    }
    let carried: { value: number; path: string } | undefined;
    for (let i = 0; i < n; i++) {
      carried = given.get(i) ?? carried;
      if (carried !== undefined) {
        bounds.minUnits[name][i] = carried.value;
        bounds.minUnitsFrom[name][i] = carried.path;
      }
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, input: { bounds, ...(parsed.data.economics !== undefined ? { economics: parsed.data.economics } : {}) } };
}
