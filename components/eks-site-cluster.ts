/**
 * EksSiteCluster: with `cluster.type: eks`, the site's EKS control plane
 * (API authentication mode; `remoteNetworkConfig` when hybrid pools join it)
 * and a Kubernetes provider for it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Site } from "./model";
import { loadAws, serviceRole } from "./aws-iam";
import { physicalName } from "./naming";

export interface EksSiteClusterArgs {
  /** The validated site; its `cluster` must be of type eks. */
  site: Site;
  /** The AWS region (the stack's `aws:region`). */
  region: string;
}

/** A kubeconfig that authenticates with `aws eks get-token`. */
export function kubeconfigFor(name: string, endpoint: string, caData: string, region: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"],
          },
        },
      },
    ],
  });
}

export class EksSiteCluster extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:cluster:EksSiteCluster";

  readonly clusterName: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  readonly region: pulumi.Output<string>;
  readonly subnetIds: pulumi.Output<string[]>;
  /** A kubeconfig for the cluster (a secret). */
  readonly kubeconfig: pulumi.Output<string>;
  /** The Kubernetes provider for the cluster. */
  readonly provider: k8s.Provider;

  constructor(name: string, args: EksSiteClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(EksSiteCluster.__pulumiType, name, {}, opts);
    const { site } = args;
    const c = site.cluster;
    if (c.type !== "eks") throw new pulumi.InputPropertyError({ propertyPath: "site.cluster.type", reason: "EksSiteCluster needs cluster.type: eks" });
    const hybrid = site.gpuPools.some((p) => p.backend.type === "eks-hybrid");
    const clusterName = physicalName(["repower", site.name], 100);
    const tags = { "repower.io/site": site.name };
    const aws = loadAws();

    const { role, attachments } = serviceRole(
      name,
      {
        roleName: physicalName(["repower", site.name, "eks"], 64),
        description: `EKS control plane of repower site ${site.name}`,
        service: "eks.amazonaws.com",
        actions: ["sts:AssumeRole", "sts:TagSession"],
        policies: ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"],
        tags,
      },
      this,
    );
    const cluster = new aws.eks.Cluster(
      `${name}-eks`,
      {
        name: clusterName,
        version: c.kubernetesVersion,
        roleArn: role.arn,
        vpcConfig: { subnetIds: c.subnetIds ?? [], endpointPublicAccess: true, endpointPrivateAccess: true },
        accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
        ...(hybrid
          ? {
              remoteNetworkConfig: {
                remoteNodeNetworks: { cidrs: c.remoteNodeCIDRs ?? [] },
                remotePodNetworks: { cidrs: c.remotePodCIDRs ?? [] },
              },
            }
          : {}),
        tags,
      },
      { parent: this, dependsOn: attachments },
    );
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.region = pulumi.output(args.region);
    this.subnetIds = pulumi.output(c.subnetIds ?? []);
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
        .apply(([n, endpoint, ca]) => kubeconfigFor(n, endpoint, ca?.data ?? "", args.region)),
    );
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
    this.registerOutputs({ clusterName: this.clusterName, clusterArn: this.clusterArn, kubeconfig: this.kubeconfig });
  }
}
