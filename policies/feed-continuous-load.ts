import { budgetPolicy } from "./budget-policy";

/** feed-continuous-load: a feed carrying more IT load than its continuous rating (80 % by default). */
export const feedContinuousLoad = budgetPolicy({
  name: "feed-continuous-load",
  description: "The IT load on each feed stays within V × A × (√3) × maxUtilizationPercent × powerFactor; a load on A/B feeds counts in full on each.",
  severity: "critical",
  remediationSteps: "Move or remove load from the feed, cap GPU power, or add feed capacity.",
  kinds: ["feed"],
  transient: false,
});
