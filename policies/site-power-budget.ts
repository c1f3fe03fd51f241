import { budgetPolicy } from "./budget-policy";

/** site-power-budget: facility power over the interconnect less the reserve, in any phase. */
export const sitePowerBudget = budgetPolicy({
  name: "site-power-budget",
  description: "Facility power (aux plus IT x PUE of every on-site load) stays within interconnectMW less reservePercent in every phase.",
  severity: "critical",
  remediationSteps: "Remove GPU nodes or cap their power, retire or curtail more miners in that phase, or raise the interconnect with the utility.",
  kinds: ["site"],
  transient: false,
});
