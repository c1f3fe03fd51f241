import { budgetPolicy } from "./budget-policy";

/** cooling-capacity: a zone's heat (or its liquid or air part) over its usable cooling with spares held back. */
export const coolingCapacity = budgetPolicy({
  name: "cooling-capacity",
  description: "The heat of each cooling zone (the IT power cooled there) stays within capacityMW x (units - spare) / units at every phase end; in a direct-to-chip zone with an air side, the liquid and air parts each within their side; a zone not in service cools nothing.",
  severity: "critical",
  remediationSteps: "Remove or cap GPU load in the zone, move a pool to another zone, or add cooling units.",
});
