/** The pure model of repower: site spec, catalog and envelope arithmetic. No Pulumi here. */
export * from "./catalog";
export * from "./catalog-spec";
export * from "./site-spec";
export * from "./spec-errors";
export * from "./site";
export * from "./stack-file";
export * from "./envelope";
export { effectiveCapW, rackOverheadKW, racksOf, type NodePower, type PoolPower } from "./power";
export { knownKeysAt } from "./zod-issues";
export * from "./node-labels";
export * from "./device-plugin-config";
export * from "./mig-profiles";
export * from "./envelope-summary";
export * from "./remedies";
export * from "./cooling-compatibility";
export * from "./published-names";
export * from "./gpu-vendor";
export * from "./remote-networks";
