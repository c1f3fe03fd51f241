import { budgetPolicy } from "./budget-policy";

/** firm-power-budget: load that cannot be curtailed over firmMW less the reserve, in any phase. */
export const firmPowerBudget = budgetPolicy({
  name: "firm-power-budget",
  description: "Firm facility power (aux plus every load that is not curtailable) stays within firmMW less reservePercent in every phase.",
  severity: "critical",
  remediationSteps: "Remove or cap firm GPU load, mark loads that can be curtailed as curtailable, or contract more firm power (generators, batteries, a firm tariff).",
  kinds: ["firm"],
  transient: false,
});
