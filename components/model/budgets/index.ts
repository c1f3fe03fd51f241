/**
 * Every budget kind in one table keyed by the closed union `BudgetKind`:
 * how it is evaluated at a moment, how much a load adds to it, and the
 * policy that reports it. A new budget is a new row.
 *
 * Pure: no Pulumi here.
 */
import { BUDGET_KINDS, type Budget, type BudgetContext, type BudgetKind, type Load } from "./budget";
import { coolingBudgets, coolingPerKW } from "./cooling";
import { feedBudgets, feedPerKW } from "./feed";
import { firmBudgets, firmPerKW } from "./firm";
import { rackBudgets, rackPerKW } from "./rack";
import { siteBudgets, sitePerKW } from "./site";
import { transformerBudgets, transformerPerKW } from "./transformer";

export interface BudgetRule {
  /** The policy that reports a broken budget of this kind at a phase end. */
  policy: string;
  /** The policy that reports it at a transient. */
  transientPolicy: string;
  /** The budgets of this kind at one moment. */
  evaluate(c: BudgetContext): Budget[];
  /** How much `b.used` rises per kW of the load's IT power (0: the load does not draw on it). */
  perKW(l: Load, b: Budget): number;
}

const TRANSIENT = "rollout-transient-budget";

export const BUDGETS: { readonly [k in BudgetKind]: BudgetRule } = {
  site: { policy: "site-power-budget", transientPolicy: TRANSIENT, evaluate: siteBudgets, perKW: sitePerKW },
  firm: { policy: "firm-power-budget", transientPolicy: TRANSIENT, evaluate: firmBudgets, perKW: firmPerKW },
  transformer: { policy: "transformer-capacity", transientPolicy: TRANSIENT, evaluate: transformerBudgets, perKW: transformerPerKW },
  feed: { policy: "feed-continuous-load", transientPolicy: TRANSIENT, evaluate: feedBudgets, perKW: feedPerKW },
  cooling: { policy: "cooling-capacity", transientPolicy: TRANSIENT, evaluate: coolingBudgets, perKW: coolingPerKW },
  // rack-density judges a pool at each phase end and transient where it has nodes (contract, "Policies").
  rack: { policy: "rack-density", transientPolicy: "rack-density", evaluate: rackBudgets, perKW: rackPerKW },
};

/** The one policy that reports a broken budget at a moment (one cause, one violation). */
export function policyOf(b: Pick<Budget, "kind">, transient: boolean): string {
  const rule = BUDGETS[b.kind];
  return transient ? rule.transientPolicy : rule.policy;
}

/** Every budget of a moment, in the table's order. */
export function evaluateBudgets(c: BudgetContext): Budget[] {
  return BUDGET_KINDS.flatMap((k) => BUDGETS[k].evaluate(c));
}

/** How much `b.used` rises per kW of the load's IT power, in the budget's unit. */
export function perKW(l: Load, b: Budget): number {
  return BUDGETS[b.kind].perKW(l, b);
}

export * from "./budget";
export { spareUnits, transformerCapacityMW } from "./transformer";
export { feedCapacityKW } from "./feed";
export { usableCoolingMW } from "./cooling";
export { substationFacilityMW } from "./site";
