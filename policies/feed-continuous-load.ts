import { budgetPolicy } from "./budget-policy";

/** feed-continuous-load: a feed carrying more IT load than its continuous rating (80 % by default), or any while it is not in service. */
export const feedContinuousLoad = budgetPolicy({
  name: "feed-continuous-load",
  description: "The IT load on each feed stays within V x A x (sqrt 3) x maxUtilizationPercent x powerFactor at every phase end; a load on A/B feeds counts in full on each; a feed not in service carries nothing.",
  severity: "critical",
  remediationSteps: "Move or remove load from the feed, cap GPU power, or add feed capacity.",
});
