import { budgetPolicy } from "./budget-policy";

/** site-power-budget: facility power over the site limit, or a substation's load over its own, at any phase end. */
export const sitePowerBudget = budgetPolicy({
  name: "site-power-budget",
  description: "Facility power (aux plus IT x PUE of every on-site load) stays within (interconnectMW + in-service generation, not standby) less reservePercent at every phase end, with that phase's grid; each substation's load stays within its own limit, and no load sits behind a substation that is not in service.",
  severity: "critical",
  remediationSteps: "Remove GPU nodes or cap their power, retire or curtail more miners in that phase, lower itLoads, add generation, or raise the interconnect with the utility (a phase grid override).",
});
