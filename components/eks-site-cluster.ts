/**
 * EksSiteCluster: with `cluster.type: eks`, the site's EKS control plane
 * (API authentication mode; `remoteNetworkConfig` when hybrid pools join it)
 * and a Kubernetes provider for it, and what the cluster needs before any
 * GPU node is useful:
 *
 * - a small untainted system node group (every GPU node carries the GPU
 *   taint, so CoreDNS, the Cilium operator, kube-state-metrics and
 *   Prometheus need somewhere else to run);
 * - with hybrid pools, Cilium as their CNI (AWS supports Cilium 1.16.x and
 *   Calico 3.29.x on hybrid nodes; the VPC CNI does not run there and hybrid
 *   nodes stay NotReady without one), with the values of the EKS user guide
 *   ("Configure a CNI for hybrid nodes"): on hybrid nodes only, cluster-pool
 *   IPAM over the remote pod networks;
 * - the cluster security group open on 443 to the remote node and pod
 *   networks (EKS user guide, hybrid nodes networking), and a check at deploy
 *   time that no remote network overlaps the VPC's CIDR blocks;
 * - the public API endpoint off, or open only to `publicAccessCidrs`.
 *
 * The cluster is protected (`pulumi destroy` stops at it) and its physical
 * names are scoped by stack.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { vpcOverlapProblems, type Site } from "./model";
import { loadAws, serviceRole } from "./aws-iam";
import { CHARTS, pinnedRelease } from "./charts";
import { MANAGED_NODE_POLICIES } from "./gpu-node-pool";
import { FIXED_NAME, physicalName, releaseNameFor, scopeParts, stackOf } from "./naming";

/** The system node group: instance type and size. */
export const SYSTEM_NODES = { instanceType: "m6i.large", minSize: 2, desiredSize: 2, maxSize: 3 } as const;
/** The label EKS puts on hybrid nodes. */
export const HYBRID_COMPUTE_TYPE = { key: "eks.amazonaws.com/compute-type", value: "hybrid" } as const;

export interface EksSiteClusterArgs {
  /** The validated site; its `cluster` must be of type eks. */
  site: Site;
  /** The AWS region (the stack's `aws:region`). */
  region: string;
  /** The Pulumi stack (scopes physical names); default the running stack. */
  stack?: string;
  /** CIDR blocks allowed to reach the public API endpoint; empty or absent: no public endpoint (private access only). */
  publicAccessCidrs?: readonly string[];
  /** The system node group's instance type; default m6i.large. */
  systemInstanceType?: string;
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

/**
 * Values of the cilium chart for hybrid nodes (EKS user guide, "Configure a
 * CNI for hybrid nodes"): the agent and the operator on hybrid nodes only,
 * cluster-pool IPAM over the remote pod networks (which must not change once
 * deployed), pods on cloud nodes (the VPC CNI's) never restarted by the
 * operator, and no Envoy DaemonSet (none of its L7 features are used).
 */
export function ciliumValues(site: Site): Record<string, unknown> {
  const hybridOnly = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: HYBRID_COMPUTE_TYPE.key, operator: "In", values: [HYBRID_COMPUTE_TYPE.value] }] }],
      },
    },
  };
  return {
    affinity: hybridOnly,
    ipam: {
      mode: "cluster-pool",
      operator: { clusterPoolIPv4MaskSize: 25, clusterPoolIPv4PodCIDRList: [...(site.cluster.remotePodCIDRs ?? [])] },
    },
    operator: { affinity: hybridOnly, unmanagedPodWatcher: { restart: false } },
    envoy: { enabled: false },
  };
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
  /** What GPU workloads need running first: the system node group, and the CNI of hybrid nodes. */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: EksSiteClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(EksSiteCluster.__pulumiType, name, {}, opts);
    const { site } = args;
    const c = site.cluster;
    if (c.type !== "eks") throw new pulumi.InputPropertyError({ propertyPath: "site.cluster.type", reason: "EksSiteCluster needs cluster.type: eks" });
    const stack = stackOf(args.stack);
    const scope = scopeParts(site.name, stack);
    const hybrid = site.gpuPools.some((p) => p.backend.type === "eks-hybrid");
    const clusterName = physicalName(["repower", ...scope], 100);
    const tags = { "repower.io/site": site.name, "repower.io/stack": stack };
    const publicCidrs = [...(args.publicAccessCidrs ?? [])];
    const fixed = { parent: this, ...FIXED_NAME };
    const aws = loadAws();

    const { role, attachments } = serviceRole(
      name,
      {
        roleName: physicalName(["repower", ...scope, "eks"], 64),
        description: `EKS control plane of repower site ${site.name} (stack ${stack})`,
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
        vpcConfig: {
          subnetIds: c.subnetIds ?? [],
          endpointPrivateAccess: true,
          endpointPublicAccess: publicCidrs.length > 0,
          ...(publicCidrs.length > 0 ? { publicAccessCidrs: publicCidrs } : {}),
        },
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
      { ...fixed, dependsOn: attachments, protect: true },
    );

    // Hybrid nodes and their pods reach the control plane on 443 through the cluster security group.
    const remote = hybrid ? [...(c.remoteNodeCIDRs ?? []), ...(c.remotePodCIDRs ?? [])] : [];
    remote.forEach(
      (cidr) =>
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-remote-${cidr.replace(/[./]/g, "-")}`,
          {
            securityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
            cidrIpv4: cidr,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            description: `repower ${site.name}: hybrid nodes and pods (${cidr}) to the EKS API`,
            tags,
          },
          { parent: this },
        ),
    );
    // Deploy time: the VPC's CIDR blocks are known only to AWS.
    const vpcChecked =
      remote.length > 0 && (c.subnetIds ?? []).length > 0
        ? aws.ec2
            .getSubnetOutput({ id: (c.subnetIds as string[])[0] }, { parent: this })
            .apply((subnet) => (subnet?.vpcId ? aws.ec2.getVpc({ id: subnet.vpcId }, { parent: this }) : Promise.resolve(undefined)))
            .apply((vpc) => {
              const cidrs = [vpc?.cidrBlock, ...(vpc?.cidrBlockAssociations ?? []).map((a) => a.cidrBlock)].filter((x): x is string => !!x);
              const problems = vpcOverlapProblems(remote, [...new Set(cidrs)]);
              if (problems.length > 0) {
                throw new pulumi.InputPropertyError({ propertyPath: "repower:site.cluster", reason: `repower:site.cluster: ${problems.join("; ")}` });
              }
              return true;
            })
        : pulumi.output(true);

    const { role: nodeRole, attachments: nodeAttachments } = serviceRole(
      `${name}-system`,
      {
        roleName: physicalName(["repower", ...scope, "system"], 64),
        description: `EKS system nodes of repower site ${site.name} (stack ${stack})`,
        service: "ec2.amazonaws.com",
        policies: MANAGED_NODE_POLICIES,
        tags,
      },
      this,
    );
    const systemNodes = new aws.eks.NodeGroup(
      `${name}-system-nodes`,
      {
        clusterName: cluster.name,
        nodeGroupName: physicalName(["repower", ...scope, "system"]),
        nodeRoleArn: nodeRole.arn,
        subnetIds: c.subnetIds ?? [],
        instanceTypes: [args.systemInstanceType ?? SYSTEM_NODES.instanceType],
        amiType: "AL2023_x86_64_STANDARD",
        scalingConfig: { minSize: SYSTEM_NODES.minSize, desiredSize: SYSTEM_NODES.desiredSize, maxSize: SYSTEM_NODES.maxSize },
        labels: { "repower.io/role": "system" },
        tags,
      },
      { ...fixed, dependsOn: nodeAttachments, ignoreChanges: ["scalingConfig.desiredSize"] },
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
    this.ready = [systemNodes];
    if (hybrid) {
      this.ready.push(
        pinnedRelease(
          `${name}-cilium`,
          { releaseName: releaseNameFor("cilium", stack), chart: CHARTS.cilium, namespace: "kube-system", values: ciliumValues(site) },
          { parent: this, provider: this.provider, dependsOn: [systemNodes] },
        ),
      );
    }
    this.registerOutputs({ clusterName: this.clusterName, clusterArn: this.clusterArn, kubeconfig: this.kubeconfig, remoteNetworksChecked: vpcChecked });
  }
}
