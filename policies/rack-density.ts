import { budgetPolicy } from "./budget-policy";

/** rack-density: a pool's full rack over its zone's maxRackKW. */
export const rackDensity = budgetPolicy({
  name: "rack-density",
  description: "nodesPerRack × node power of each pool stays within its cooling zone's maxRackKW (by cooling type unless given).",
  severity: "high",
  remediationSteps: "Put fewer nodes in a rack, cap GPU power, or place the pool in a zone whose cooling takes denser racks.",
  kinds: ["rack"],
  transient: false,
});
