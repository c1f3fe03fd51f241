/**
 * The planner of `repower plan` (contract, "Planning (version 2.1)"). Kept out
 * of the model's index: it loads the solver, which the other commands never need.
 *
 * Pure: no Pulumi here.
 */
export * from "./plan-spec";
export * from "./objective";
export * from "./linear-site";
export * from "./formulation";
export * from "./diagnose";
export * from "./plan";
export { solveMilp, Milp } from "./milp";
