import { budgetPolicy } from "./budget-policy";

/** rollout-transient-budget: with overlap, phase k's GPUs beside phase k−1's miners break a power budget. */
export const rolloutTransientBudget = budgetPolicy({
  name: "rollout-transient-budget",
  description: "With overlap: true, each phase's new GPUs running beside the previous phase's miners stay within the site, firm, transformer and feed budgets.",
  severity: "critical",
  remediationSteps: "Retire the miners before the GPUs power on (overlap: false), split the phase, or bring the GPUs in more slowly.",
  kinds: ["site", "firm", "transformer", "feed"],
  transient: true,
});
