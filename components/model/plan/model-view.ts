/**
 * How the planner reads the model's budgets: the name a budget is reported
 * by (as the preview names it), and which budgets are not sums over loads but
 * gates on one pool (rack density: a rack's power does not depend on how
 * many racks run, only on whether the pool runs at all).
 *
 * Pure: no Pulumi here.
 */
import type { Budget } from "../envelope";
import type { GpuPool } from "../site";

/** "cooling hall-a", "site", "feed hall-a-1": a budget as the preview names it. */
export function budgetName(b: Pick<Budget, "kind" | "subject">): string {
  if (b.subject === b.kind || (b.kind === "transformer" && b.subject === "transformers")) return b.kind;
  return `${b.kind} ${b.subject}`;
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
export function rackScaleOf(p: Pick<GpuPool, "system">): boolean {
  const rs = (p.system as unknown as { rackScale?: { value: boolean } | boolean }).rackScale;
  return typeof rs === "boolean" ? rs : rs?.value === true;
}
