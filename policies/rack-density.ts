import { budgetPolicy } from "./budget-policy";

/** rack-density: a pool's full rack over its zone's maxRackKW, at every moment the pool has nodes. */
export const rackDensity = budgetPolicy({
  name: "rack-density",
  description: "nodesPerRack x node power + rackOverheadKW of each pool stays within its cooling zone's maxRackKW (by cooling type unless given), at every phase end and transient where the pool has nodes.",
  severity: "high",
  remediationSteps: "Put fewer nodes in a rack, cap GPU power, or place the pool in a zone whose cooling takes denser racks.",
});
