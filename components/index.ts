/**
 * repower's Pulumi components, for use in any Pulumi program:
 *
 *   import { GpuNodePool, SitePowerEnvelope } from "repower/components";
 */
export * from "./site-power-envelope";
export * from "./gpu-node-pool";
export * from "./nvidia-device-plugin";
export * from "./compute-domains";
export * from "./mig-manager";
export * from "./gpu-monitoring";
export * from "./gpu-power-cap";
export * from "./eks-site-cluster";
export { serviceRole } from "./aws-iam";
export { physicalName, NAMESPACES, podSecurityLabels } from "./naming";
export { CHARTS, pinnedRelease } from "./charts";
export * as model from "./model";
