import { budgetPolicy } from "./budget-policy";

/** firm-power-budget: load that cannot be curtailed over the firm limit (site or substation), where that limit is below the site limit. */
export const firmPowerBudget = budgetPolicy({
  name: "firm-power-budget",
  description: "Firm facility power (aux plus every load that is not curtailable) stays within (firmMW + in-service firm generation) less reservePercent at every phase end, site-wide and per substation with firmMW; checked only where the firm limit is below the site limit.",
  severity: "critical",
  remediationSteps: "Remove or cap firm GPU load, mark loads that can be curtailed as curtailable, or contract more firm power (generators, batteries, a firm tariff).",
});
