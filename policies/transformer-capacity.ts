import { budgetPolicy } from "./budget-policy";

/** transformer-capacity: facility power over the transformers' capacity with their spares held back. */
export const transformerCapacity = budgetPolicy({
  name: "transformer-capacity",
  description: "Where transformers are declared, facility power stays within Σ (units − spare) × ratingMVA × powerFactor in every phase.",
  severity: "critical",
  remediationSteps: "Remove or cap GPU load or retire miners in that phase, or add transformer capacity.",
  kinds: ["transformer"],
  transient: false,
});
