/** NvidiaDevicePlugin for any Pulumi language (the TypeScript component inside). */
import * as pulumi from "@pulumi/pulumi";
import { DEVICE_PLUGIN_MODES, NvidiaDevicePlugin as DevicePluginComponent, type DevicePluginMode } from "../components/nvidia-device-plugin";
import { siteOf, type SiteInputs } from "./site-input";

/** Inputs of NvidiaDevicePlugin. */
export interface NvidiaDevicePluginArgs extends SiteInputs {
  /** `device-plugin` (default): NVIDIA's device plugin chart; `gpu-operator`: the GPU Operator, which manages drivers too. */
  mode?: string;
  /** Deploy node-feature-discovery with the device plugin (default true); false where it runs already. */
  nodeFeatureDiscovery?: boolean;
}

/**
 * NVIDIA's device plugin (or the GPU Operator) with one device-plugin config
 * per GPU pool (sharing, replicas, MIG strategy), each checked against
 * NVIDIA's rules before anything is made.
 */
export class NvidiaDevicePlugin extends pulumi.ComponentResource {
  /** The namespace the plugin runs in. */
  public readonly namespace: pulumi.Output<string>;
  /** The device-plugin configs, one per pool. */
  public readonly configNames: pulumi.Output<string[]>;

  constructor(name: string, args: NvidiaDevicePluginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("repower:index:NvidiaDevicePlugin", name, {}, opts);
    const site = siteOf(args);
    const mode = args.mode ?? "device-plugin";
    if (!(DEVICE_PLUGIN_MODES as readonly string[]).includes(mode)) {
      throw new pulumi.InputPropertyError({ propertyPath: "mode", reason: `must be one of ${DEVICE_PLUGIN_MODES.join(", ")}, found ${JSON.stringify(mode)}` });
    }
    const inner = new DevicePluginComponent(
      name,
      { site, mode: mode as DevicePluginMode, ...(args.nodeFeatureDiscovery === undefined ? {} : { nodeFeatureDiscovery: args.nodeFeatureDiscovery }) },
      { parent: this },
    );
    this.namespace = inner.namespace;
    this.configNames = inner.configNames;
    this.registerOutputs({ namespace: this.namespace, configNames: this.configNames });
  }
}
