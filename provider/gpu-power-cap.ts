/** GpuPowerCap for any Pulumi language (the TypeScript component inside). */
import * as pulumi from "@pulumi/pulumi";
import { GpuPowerCap as PowerCapComponent } from "../components/gpu-power-cap";
import { siteOf, type SiteInputs } from "./site-input";

/** Inputs of GpuPowerCap. */
export interface GpuPowerCapArgs extends SiteInputs {
  /** RuntimeClass that gives containers the NVIDIA runtime, where it is not the nodes' default. */
  runtimeClassName?: string;
}

/** Per on-site pool with `powerCapWatts`: a DaemonSet that applies and keeps applying `nvidia-smi -pl`. */
export class GpuPowerCap extends pulumi.ComponentResource {
  /** Watts per GPU, by pool, for every capped pool. */
  public readonly caps: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: GpuPowerCapArgs, opts?: pulumi.ComponentResourceOptions) {
    super("repower:index:GpuPowerCap", name, {}, opts);
    const site = siteOf(args);
    const inner = new PowerCapComponent(
      name,
      { site, ...(args.runtimeClassName === undefined ? {} : { runtimeClassName: args.runtimeClassName }) },
      { parent: this },
    );
    this.caps = inner.caps;
    this.registerOutputs({ caps: this.caps });
  }
}
