/**
 * GpuNodePool for any Pulumi language: one pool of the site, named by the
 * pool's name, brought into Kubernetes by the TypeScript component inside
 * (static NodeFeatureRule, EKS hybrid nodes, or an EKS managed node group).
 */
import * as pulumi from "@pulumi/pulumi";
import { GpuNodePool as PoolComponent, type PoolCluster } from "../components/gpu-node-pool";
import { siteOf, type SiteInputs } from "./site-input";

/** The EKS cluster a pool's nodes join (eks-hybrid and eks-managed pools only). */
export interface EksClusterRef {
  /** The EKS cluster's name. */
  name: pulumi.Input<string>;
  /** The cluster's ARN, for the hybrid nodes' `eks:DescribeCluster` permission. */
  arn: pulumi.Input<string>;
  /** The AWS region of the cluster; written into the hybrid nodes' NodeConfig. */
  region: pulumi.Input<string>;
  /** Subnets for a managed node group, when the pool's backend names none. */
  subnetIds?: pulumi.Input<string[]>;
}

/** Inputs of GpuNodePool. */
export interface GpuNodePoolArgs extends SiteInputs {
  /** The pool's name in the site's `gpuPools`. */
  pool: string;
  /** The EKS cluster the nodes join: required for eks-hybrid and eks-managed pools, not allowed for static ones. */
  cluster?: EksClusterRef;
}

/** A Kubernetes taint. */
export interface NodeTaint {
  /** The taint's key. */
  key: string;
  /** The taint's value. */
  value: string;
  /** NoSchedule, PreferNoSchedule or NoExecute. */
  effect: string;
}

/**
 * Brings one GPU pool's nodes of the site's active phase into Kubernetes,
 * with the contract's labels and taint: static pools by one
 * node-feature-discovery NodeFeatureRule naming the nodes; eks-hybrid pools
 * by an IAM role, an SSM activation limited to the phase's node count, an
 * access entry and a nodeadm NodeConfig; eks-managed (cloud) pools by an EKS
 * managed node group.
 */
export class GpuNodePool extends pulumi.ComponentResource {
  /** GPU nodes admitted in the active phase. */
  public readonly nodeCount: pulumi.Output<number>;
  /** The backend that joins the nodes: static, eks-hybrid or eks-managed. */
  public readonly backend: pulumi.Output<string>;
  /** Labels every node of the pool carries. */
  public readonly labels: pulumi.Output<Record<string, string>>;
  /** The taints every node of the pool carries. */
  public readonly taints: pulumi.Output<NodeTaint[]>;
  /** eks-hybrid: the nodeadm NodeConfig with the SSM activation code (a secret). */
  public readonly nodeConfig?: pulumi.Output<string>;
  /** eks-hybrid: the NodeConfig with the activation code left out, safe to write to a file. */
  public readonly nodeConfigRendered?: pulumi.Output<string>;

  constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("repower:index:GpuNodePool", name, {}, opts);
    const site = siteOf(args);
    if (typeof args.pool !== "string" || !site.gpuPools.some((p) => p.name === args.pool)) {
      const names = site.gpuPools.map((p) => p.name);
      throw new pulumi.InputPropertyError({
        propertyPath: "pool",
        reason: `no GPU pool ${JSON.stringify(args.pool)} in site "${site.name}"; its pools are ${names.length > 0 ? names.join(", ") : "(none)"}`,
      });
    }
    const cluster: PoolCluster | undefined = args.cluster === undefined ? undefined : { ...args.cluster };
    const inner = new PoolComponent(name, { site, pool: args.pool, ...(cluster ? { cluster } : {}) }, { parent: this });
    const pool = site.gpuPools.find((p) => p.name === args.pool)!;
    this.nodeCount = inner.nodeCount;
    this.backend = pulumi.output(pool.backend.type);
    this.labels = inner.labels;
    this.taints = inner.taints;
    this.nodeConfig = inner.nodeConfig;
    this.nodeConfigRendered = inner.nodeConfigRendered;
    this.registerOutputs({
      nodeCount: this.nodeCount,
      backend: this.backend,
      labels: this.labels,
      taints: this.taints,
      nodeConfig: this.nodeConfig,
      nodeConfigRendered: this.nodeConfigRendered,
    });
  }
}
