import { budgetPolicy } from "./budget-policy";

/** transformer-capacity: the load transformers serve over their capacity with spares held back (those in service). */
export const transformerCapacity = budgetPolicy({
  name: "transformer-capacity",
  description: "Where transformers are declared, the load they serve (the site's facility power, or with substations each substation's) stays within the sum of (units - spare) x ratingMVA x powerFactor of those in service, at every phase end.",
  severity: "critical",
  remediationSteps: "Remove or cap GPU load or retire miners in that phase, or add transformer capacity.",
});
