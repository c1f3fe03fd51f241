/**
 * repower as a Pulumi component package, usable from any Pulumi language:
 * the components take the site as plain data (or a stack file), and their
 * schema is inferred from these TypeScript types by the Node SDK
 * (`@pulumi/pulumi/provider/experimental`) when the engine runs the plugin
 * (`PulumiPlugin.yaml` at the repository's root). Only component classes may
 * be exported from here as values: the plugin host serves every one it finds.
 */
export * from "./site-power-envelope";
export * from "./gpu-node-pool";
export * from "./nvidia-device-plugin";
export * from "./gpu-monitoring";
export * from "./gpu-power-cap";
export * from "./eks-site-cluster";
export type { SiteInputs } from "./site-input";
