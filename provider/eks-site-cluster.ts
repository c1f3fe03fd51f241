/** EksSiteCluster for any Pulumi language (the TypeScript component inside). */
import * as pulumi from "@pulumi/pulumi";
import { EksSiteCluster as ClusterComponent } from "../components/eks-site-cluster";
import { siteOf, type SiteInputs } from "./site-input";

/** Inputs of EksSiteCluster. */
export interface EksSiteClusterArgs extends SiteInputs {
  /** The AWS region of the control plane. */
  region: string;
}

/**
 * With the site's `cluster.type: eks`: an EKS control plane for the site
 * (API authentication, remote node and pod networks for hybrid nodes). Give
 * its outputs to GpuNodePool's `cluster`, and its kubeconfig to a Kubernetes
 * provider for the other components.
 */
export class EksSiteCluster extends pulumi.ComponentResource {
  /** The EKS cluster's name. */
  public readonly clusterName: pulumi.Output<string>;
  /** The EKS cluster's ARN. */
  public readonly clusterArn: pulumi.Output<string>;
  /** The AWS region of the cluster. */
  public readonly region: pulumi.Output<string>;
  /** The cluster's subnets. */
  public readonly subnetIds: pulumi.Output<string[]>;
  /** A kubeconfig for the cluster that authenticates with `aws eks get-token` (a secret). */
  public readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: EksSiteClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("repower:index:EksSiteCluster", name, {}, opts);
    const site = siteOf(args);
    if (typeof args.region !== "string" || args.region === "") {
      throw new pulumi.InputPropertyError({ propertyPath: "region", reason: "the AWS region is required" });
    }
    const inner = new ClusterComponent(name, { site, region: args.region }, { parent: this });
    this.clusterName = inner.clusterName;
    this.clusterArn = inner.clusterArn;
    this.region = inner.region;
    this.subnetIds = inner.subnetIds;
    this.kubeconfig = inner.kubeconfig;
    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      region: this.region,
      subnetIds: this.subnetIds,
      kubeconfig: this.kubeconfig,
    });
  }
}
