/**
 * GpuNodePool: brings a pool's GPU nodes into Kubernetes for the active
 * phase, with the contract's labels and taint, through one of three backends:
 *
 * - `static`: the site's existing nodes, named by prefix or list, labelled and
 *   tainted in place by one node-feature-discovery `NodeFeatureRule` that names
 *   them (one resource per pool, whatever its size);
 * - `eks-hybrid`: an IAM role for hybrid nodes, an SSM activation whose
 *   registration limit is the active phase's node count, a `HYBRID_LINUX`
 *   access entry, and a nodeadm `NodeConfig` (secret output, and a rendered
 *   copy without the activation code);
 * - `eks-managed` (cloud pools): an EKS managed node group on an NVIDIA AMI.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { activePhase, GPU_TAINT, poolLabels, staticNodeNames, type GpuPool, type Site } from "./model";
import { loadAws, serviceRole } from "./aws-iam";
import { managedBy, physicalName } from "./naming";

/** The EKS cluster a pool's nodes join (eks-hybrid and eks-managed). */
export interface PoolCluster {
  /** The EKS cluster's name. */
  name: pulumi.Input<string>;
  /** The cluster's ARN, for the hybrid nodes' `eks:DescribeCluster` permission. */
  arn: pulumi.Input<string>;
  /** The AWS region of the cluster; written into the hybrid NodeConfig. */
  region: pulumi.Input<string>;
  /** Subnets for managed node groups, when the pool names none. */
  subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface GpuNodePoolArgs {
  /** The validated site. */
  site: Site;
  /** The pool's name in `site.gpuPools`. */
  pool: string;
  /** Required for eks-hybrid and eks-managed pools; excluded for static ones. */
  cluster?: PoolCluster;
}

/** Where the NodeConfig's activation code goes in the rendered copy. */
export const ACTIVATION_CODE_PLACEHOLDER = "<activation code: pulumi stack output --show-secrets>";

/** Managed policies of the hybrid nodes' role (EKS Hybrid Nodes user guide). */
export const HYBRID_NODE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
] as const;

/** Managed policies of a managed node group's node role. */
export const MANAGED_NODE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
] as const;

/** The pool of `site` named `name`. */
export function findPool(site: Site, name: string): GpuPool {
  const pool = site.gpuPools.find((p) => p.name === name);
  if (pool === undefined) {
    throw new pulumi.InputPropertyError({ propertyPath: "pool", reason: `no GPU pool "${name}" in site "${site.name}"` });
  }
  return pool;
}

/** Nodes of `pool` in the site's active phase. */
export function activeNodeCount(site: Site, pool: GpuPool): number {
  return activePhase(site).gpu[pool.name] ?? 0;
}

/** kubelet flags carrying the contract's labels and taint. */
export function kubeletFlags(site: Site, pool: GpuPool): string[] {
  const labels = Object.entries(poolLabels(site, pool))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return [`--node-labels=${labels}`, `--register-with-taints=${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect}`];
}

/** A nodeadm NodeConfig for hybrid nodes of a pool. */
export function hybridNodeConfig(
  site: Site,
  pool: GpuPool,
  cluster: { name: string; region: string },
  ssm: { activationId: string; activationCode: string },
): Record<string, unknown> {
  return {
    apiVersion: "node.eks.aws/v1alpha1",
    kind: "NodeConfig",
    spec: {
      cluster: { name: cluster.name, region: cluster.region },
      hybrid: { ssm: { activationCode: ssm.activationCode, activationId: ssm.activationId } },
      kubelet: { flags: kubeletFlags(site, pool) },
    },
  };
}

/** The NodeFeatureRule that labels and taints a static pool's nodes, by name. */
export function nodeFeatureRule(site: Site, pool: GpuPool, nodeNames: readonly string[]): Record<string, unknown> {
  return {
    rules: [
      {
        name: `repower ${site.name} ${pool.name}`,
        labels: poolLabels(site, pool),
        taints: [{ ...GPU_TAINT }],
        matchFeatures: [{ feature: "system.name", matchExpressions: { nodename: { op: "In", value: [...nodeNames] } } }],
      },
    ],
  };
}

export class GpuNodePool extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:nodes:GpuNodePool";

  /** GPU nodes admitted in the active phase. */
  readonly nodeCount: pulumi.Output<number>;
  /** Labels every node of the pool carries. */
  readonly labels: pulumi.Output<Record<string, string>>;
  /** The taint every node of the pool carries. */
  readonly taints: pulumi.Output<{ key: string; value: string; effect: string }[]>;
  /** eks-hybrid: the NodeConfig for nodeadm, with the activation code (a secret). */
  readonly nodeConfig?: pulumi.Output<string>;
  /** eks-hybrid: the NodeConfig with the activation code left out, safe to write to a file. */
  readonly nodeConfigRendered?: pulumi.Output<string>;

  constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GpuNodePool.__pulumiType, name, {}, opts);
    const { site } = args;
    const pool = findPool(site, args.pool);
    const count = activeNodeCount(site, pool);
    // What the pool depends on (infra/program.ts: the envelope ConfigMap), every resource that admits
    // nodes depends on too: a component's dependsOn does not reach its children's own dependencies.
    const gate = opts?.dependsOn === undefined ? [] : Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn as pulumi.Input<pulumi.Resource>];
    const parent = { parent: this };
    const admitting = { parent: this, dependsOn: gate };
    const tags = { "repower.io/site": site.name, "repower.io/pool": pool.name };

    switch (pool.backend.type) {
      case "static": {
        if (count > 0) {
          new k8s.apiextensions.CustomResource(
            `${name}-nodes`,
            {
              apiVersion: "nfd.k8s-sigs.io/v1alpha1",
              kind: "NodeFeatureRule",
              metadata: { name: physicalName(["repower", site.name, pool.name]), labels: managedBy(site.name, "gpu-node-pool") },
              spec: nodeFeatureRule(site, pool, staticNodeNames(site, pool, count)),
            },
            admitting,
          );
        }
        break;
      }
      case "eks-hybrid": {
        const cluster = requireCluster(args, pool);
        const aws = loadAws();
        const { role } = serviceRole(
          `${name}-hybrid`,
          {
            roleName: physicalName(["repower", site.name, pool.name, "hybrid"], 64),
            description: `EKS hybrid nodes of repower pool ${pool.name} at ${site.name}`,
            service: "ssm.amazonaws.com",
            policies: HYBRID_NODE_POLICIES,
            tags,
          },
          this,
        );
        new aws.iam.RolePolicy(
          `${name}-hybrid-describe`,
          {
            role: role.name,
            policy: pulumi.output(cluster.arn).apply((arn) =>
              JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                  { Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: arn },
                  { Effect: "Allow", Action: ["ssm:DeregisterManagedInstance", "ssm:DescribeInstanceInformation"], Resource: "*" },
                ],
              }),
            ),
          },
          parent,
        );
        const activation = new aws.ssm.Activation(
          `${name}-activation`,
          {
            name: physicalName(["repower", site.name, pool.name]),
            description: `repower ${site.name}/${pool.name}: ${count} hybrid nodes in phase ${site.rollout.activePhase}`,
            iamRole: role.name,
            registrationLimit: count,
            tags,
          },
          admitting,
        );
        new aws.eks.AccessEntry(
          `${name}-access`,
          { clusterName: cluster.name, principalArn: role.arn, type: "HYBRID_LINUX", tags },
          parent,
        );
        const values = pulumi.all([cluster.name, cluster.region, activation.id, activation.activationCode]);
        this.nodeConfig = pulumi.secret(
          values.apply(([cn, region, id, code]) =>
            stringify(hybridNodeConfig(site, pool, { name: cn, region }, { activationId: id, activationCode: code })),
          ),
        );
        this.nodeConfigRendered = pulumi
          .all([cluster.name, cluster.region, activation.id])
          .apply(([cn, region, id]) =>
            stringify(hybridNodeConfig(site, pool, { name: cn, region }, { activationId: id, activationCode: ACTIVATION_CODE_PLACEHOLDER })),
          );
        break;
      }
      case "eks-managed": {
        const cluster = requireCluster(args, pool);
        if (count === 0) break; // a node group admits at least one node; none is made for an empty phase
        const aws = loadAws();
        const { role, attachments } = serviceRole(
          `${name}-node`,
          {
            roleName: physicalName(["repower", site.name, pool.name, "node"], 64),
            description: `EKS managed nodes of repower pool ${pool.name} at ${site.name}`,
            service: "ec2.amazonaws.com",
            policies: MANAGED_NODE_POLICIES,
            tags,
          },
          this,
        );
        const subnetIds = pool.backend.subnetIds ?? cluster.subnetIds;
        if (subnetIds === undefined) {
          throw new pulumi.InputPropertyError({ propertyPath: "cluster.subnetIds", reason: `pool ${pool.name} needs subnets for its node group` });
        }
        new aws.eks.NodeGroup(
          `${name}-nodegroup`,
          {
            clusterName: cluster.name,
            nodeGroupName: physicalName(["repower", site.name, pool.name]),
            nodeRoleArn: role.arn,
            subnetIds,
            instanceTypes: [pool.backend.instanceType as string],
            amiType: pool.backend.amiType ?? "AL2023_x86_64_NVIDIA",
            scalingConfig: { minSize: 0, desiredSize: count, maxSize: count },
            labels: poolLabels(site, pool),
            taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: "NO_SCHEDULE" }],
            tags,
          },
          { parent: this, dependsOn: [...attachments, ...gate], ignoreChanges: ["scalingConfig.desiredSize"] },
        );
        break;
      }
    }

    this.nodeCount = pulumi.output(count);
    this.labels = pulumi.output(poolLabels(site, pool));
    this.taints = pulumi.output([{ ...GPU_TAINT }]);
    this.registerOutputs({
      nodeCount: this.nodeCount,
      labels: this.labels,
      taints: this.taints,
      nodeConfig: this.nodeConfig,
      nodeConfigRendered: this.nodeConfigRendered,
    });
  }
}

function requireCluster(args: GpuNodePoolArgs, pool: GpuPool): PoolCluster {
  if (args.cluster === undefined) {
    throw new pulumi.InputPropertyError({ propertyPath: "cluster", reason: `pool ${pool.name} (${pool.backend.type}) needs the EKS cluster it joins` });
  }
  return args.cluster;
}
