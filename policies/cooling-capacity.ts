import { budgetPolicy } from "./budget-policy";

/** cooling-capacity: a zone's heat over its usable cooling with spares held back. */
export const coolingCapacity = budgetPolicy({
  name: "cooling-capacity",
  description: "The heat of each cooling zone (the IT power cooled there) stays within capacityMW × (units − spare) / units in every phase.",
  severity: "critical",
  remediationSteps: "Remove or cap GPU load in the zone, move a pool to another zone, or add cooling units.",
  kinds: ["cooling"],
  transient: false,
});
