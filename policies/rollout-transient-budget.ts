import { budgetPolicy } from "./budget-policy";

/** rollout-transient-budget: where a phase overlaps, phase k−1's and phase k's loads together break a power or cooling budget of phase k. */
export const rolloutTransientBudget = budgetPolicy({
  name: "rollout-transient-budget",
  description: "Where overlap holds for a phase, every load at the larger of its counts in the phase before and this one stays within this phase's site, firm, transformer, feed and cooling budgets (its limits and equipment in service).",
  severity: "critical",
  remediationSteps: "Retire the old loads before the new ones power on (overlap: false for that phase), split the phase, bring the GPUs in more slowly, or keep the equipment the leaving loads need in service through this phase (inService.until).",
});
