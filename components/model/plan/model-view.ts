/**
 * How the planner reads the model's budgets: the name a budget is reported
 * by (as the preview names it), and which budgets are not sums over loads but
 * gates on one pool (rack density: a rack's power does not depend on how
 * many racks run, only on whether the pool runs at all).
 *
 * Pure: no Pulumi here.
 */
import { coolingMismatches } from "../cooling-compatibility";
import type { Budget } from "../envelope";
import type { GpuPool, Site } from "../site";

/** What tells apart budgets of one kind and subject (version 2: a substation's own, a zone's liquid or air side). */
export interface BudgetParts {
  part?: string;
  substation?: string;
}

/** The parts of a budget, where the model gives them. */
export function partsOf(b: Budget): BudgetParts {
  const x = b as Budget & BudgetParts;
  return { ...(x.part !== undefined ? { part: x.part } : {}), ...(x.substation !== undefined ? { substation: x.substation } : {}) };
}

/**
 * "cooling hall-a", "site", "feed hall-a-1", "site north" (a substation's own),
 * "cooling hall-a air" (the air side of a direct-to-chip zone): a budget by kind and subject, as the preview's binding.
 */
export function budgetName(b: Pick<Budget, "kind" | "subject"> & BudgetParts): string {
  const part = b.part !== undefined ? ` ${b.part}` : "";
  if (b.subject === b.kind || (b.kind === "transformer" && b.subject === "transformers")) return `${b.kind}${part}`;
  return `${b.kind} ${b.subject}${part}`;
}

/** What tells one budget of a moment from another. */
export function budgetKey(b: Pick<Budget, "kind" | "subject"> & BudgetParts): string {
  return [b.kind, b.subject, b.part ?? "", b.substation ?? ""].join("\u0000");
}

/** A budget that only says whether a pool may run: the pool, and the sentence that says why not. */
export interface Gate {
  pool: string;
  reason(b: Budget): string;
}

/** The gate a budget is, or undefined for a budget that sums loads. */
export function gateOf(b: Budget): Gate | undefined {
  if (b.kind === "rack") {
    return {
      pool: b.subject,
      reason: (x) => `rack-density: a rack of ${x.subject} draws ${x.used.toFixed(1)} kW, its zone allows ${x.limit.toFixed(1)} kW`,
    };
  }
  return undefined;
}

/** True for a rack-scale system (NVL72): a rack is one system, counted in whole racks. */
export function rackScaleOf(p: GpuPool): boolean {
  const own = (p as GpuPool & { rackScale?: boolean }).rackScale;
  if (typeof own === "boolean") return own;
  const rs = (p.system as unknown as { rackScale?: boolean | { value: boolean } }).rackScale;
  return typeof rs === "boolean" ? rs : rs?.value === true;
}

/**
 * Loads that may never run where they are (cooling-compatibility: the zone's
 * type does not give the cooling the hardware needs), with the sentence that
 * says why. A zone's type never changes (a retrofit is a new zone), so this
 * holds at every moment.
 */
export function incompatibleLoads(site: Site): { pools: Map<string, string>; blocks: Map<string, string> } {
  const pools = new Map<string, string>();
  const blocks = new Map<string, string>();
  for (const mm of coolingMismatches(site)) {
    const why = `cooling-compatibility: ${mm.model} is ${mm.cooling}-cooled and zone ${mm.zone} is ${mm.zoneType} (it needs ${mm.accepts.join(" or ")})`;
    (mm.kind === "gpu" ? pools : blocks).set(mm.name, why);
  }
  return { pools, blocks };
}
