/**
 * GpuNodePool: brings a pool's GPU nodes into Kubernetes for the active
 * phase, with the contract's labels and taint, through one of three backends:
 *
 * - `static`: the site's existing nodes, named by prefix or list, labelled and
 *   tainted in place by one node-feature-discovery `NodeFeatureRule` that names
 *   them (one resource per pool, whatever its size);
 * - `eks-hybrid`: an IAM role for hybrid nodes (trusted by SSM only for this
 *   account's activations in the cluster's region: `aws:SourceAccount`,
 *   `aws:SourceArn`), SSM activations whose registration limits add up to the
 *   active phase's node count (AWS accepts 1 to 1,000 a activation: a pool of
 *   2,500 gets 1,000 + 1,000 + 500; a pool with no nodes gets none), each
 *   expiring 30 days after it is issued (AWS's longest; the default is 24
 *   hours), a `HYBRID_LINUX` access entry, and a nodeadm `NodeConfig` per
 *   activation (a secret output, the activation code a Pulumi secret in state
 *   too, and a rendered copy without the code);
 * - `eks-managed` (cloud pools): an EKS managed node group on an NVIDIA AMI.
 *
 * Room to grow and to rebuild: an activation's registrations are used up as
 * servers register, and deregistering a server does not give its
 * registration back. Racks added later belong to a later phase: its counts
 * give new activations (activations are immutable, so a new count replaces
 * them; deleting an activation does not deregister the nodes it registered).
 * For a rebuilt server, or once the 30 days are over, issue fresh activations
 * with the same counts: set `repower:ssmActivationIssued` to today's date
 * (the default is the day of the run) and `pulumi up`, or
 * `pulumi up --replace <activation URN>`. The limit never exceeds the phase's
 * count, which pool-matches-spec checks.
 *
 * Physical names are scoped by stack, and resources with a fixed name are
 * replaced delete-first.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { activePhase, GPU_TAINT, poolLabels, rackFeatureRules, staticNodeNames, type GpuPool, type Site } from "./model";
import { loadAws, serviceRole } from "./aws-iam";
import { POWER_CAP_STARTUP_TAINT } from "./gpu-power-cap";
import { FIXED_NAME, managedBy, physicalName, scopeParts, stackOf } from "./naming";

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
  /** The Pulumi stack (scopes physical names); default the running stack. */
  stack?: string;
  /** What installs the NodeFeatureRule CRD (the device plugin's or GPU Operator's release): static pools' rules wait for it. */
  nodeFeatureRuleDependsOn?: pulumi.Input<pulumi.Resource>[];
  /** eks-hybrid: the day the activations are issued (UTC); they expire 30 days later. Default: today. */
  activationIssued?: Date;
}

/** Most registrations one SSM activation accepts (AWS Systems Manager `CreateActivation`: RegistrationLimit 1 to 1,000). */
export const MAX_REGISTRATIONS = 1000;
/** Longest life of an activation, days (`CreateActivation` ExpirationDate: at most 30 days ahead). */
export const ACTIVATION_DAYS = 30;

/** Registration limits of a pool's activations: at most 1,000 each, adding up to `count`; none for 0. */
export function activationLimits(count: number): number[] {
  const out: number[] = [];
  for (let left = count; left > 0; left -= MAX_REGISTRATIONS) out.push(Math.min(left, MAX_REGISTRATIONS));
  return out;
}

/** The issue day of activations: `SOURCE_DATE_EPOCH` (seconds) where set, for reproducible runs, else now; at 00:00 UTC. */
export function issueDay(now: Date = process.env.SOURCE_DATE_EPOCH ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000) : new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** When activations issued on `issued` expire: 30 days later, RFC 3339 (never more than 30 days after they are made that day). */
export function activationExpiry(issued: Date): string {
  return new Date(issueDay(issued).getTime() + ACTIVATION_DAYS * 86_400_000).toISOString().replace(/\.000Z$/, "Z");
}

/** The account and region of an ARN (`arn:partition:service:region:account:…`). */
export function arnParts(arn: string): { partition: string; region: string; account: string } {
  const [, partition = "aws", , region = "", account = ""] = arn.split(":");
  return { partition, region, account };
}

/** Trust conditions for the hybrid nodes' role: only SSM activations of this account in this region (SSM user guide, hybrid activations' service role). */
export function hybridTrustConditions(clusterArn: string, region: string): Record<string, Record<string, string>> {
  const { partition, account } = arnParts(clusterArn);
  return {
    StringEquals: { "aws:SourceAccount": account },
    ArnEquals: { "aws:SourceArn": `arn:${partition}:ssm:${region}:${account}:*` },
  };
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

/** The taints a pool's nodes register with: the GPU taint, and for a capped on-site pool the power cap's startup taint. */
export function registerTaints(pool: GpuPool): { key: string; value: string; effect: string }[] {
  const capped = pool.placement === "on-site" && pool.powerCapWatts !== undefined;
  return capped ? [{ ...GPU_TAINT }, { ...POWER_CAP_STARTUP_TAINT }] : [{ ...GPU_TAINT }];
}

/** kubelet flags carrying the contract's labels and taint (and the cap's startup taint where the pool is capped). */
export function kubeletFlags(site: Site, pool: GpuPool): string[] {
  const labels = Object.entries(poolLabels(site, pool))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const taints = registerTaints(pool)
    .map((t) => `${t.key}=${t.value}:${t.effect}`)
    .join(",");
  return [`--node-labels=${labels}`, `--register-with-taints=${taints}`];
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

/** The NodeFeatureRule that labels and taints a static pool's nodes, by name (and, in a rack-scale pool, labels each tray with its rack). */
export function nodeFeatureRule(site: Site, pool: GpuPool, nodeNames: readonly string[]): Record<string, unknown> {
  return {
    rules: [
      {
        name: `repower ${site.name} ${pool.name}`,
        labels: poolLabels(site, pool),
        taints: [{ ...GPU_TAINT }],
        matchFeatures: [{ feature: "system.name", matchExpressions: { nodename: { op: "In", value: [...nodeNames] } } }],
      },
      ...rackFeatureRules(site.name, pool, nodeNames),
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
    const stack = stackOf(args.stack);
    const scope = scopeParts(site.name, stack);
    // What the pool depends on (infra/program.ts: the envelope ConfigMap), every resource that admits
    // nodes depends on too: a component's dependsOn does not reach its children's own dependencies.
    const gate = opts?.dependsOn === undefined ? [] : Array.isArray(opts.dependsOn) ? opts.dependsOn : [opts.dependsOn as pulumi.Input<pulumi.Resource>];
    const parent = { parent: this };
    const fixed = { parent: this, ...FIXED_NAME };
    const tags = { "repower.io/site": site.name, "repower.io/stack": stack, "repower.io/pool": pool.name };

    switch (pool.backend.type) {
      case "static": {
        if (count > 0) {
          new k8s.apiextensions.CustomResource(
            `${name}-nodes`,
            {
              apiVersion: "nfd.k8s-sigs.io/v1alpha1",
              kind: "NodeFeatureRule",
              metadata: { name: physicalName(["repower", ...scope, pool.name]), labels: managedBy(site.name, "gpu-node-pool") },
              spec: nodeFeatureRule(site, pool, staticNodeNames(site, pool, count)),
            },
            { ...fixed, dependsOn: [...(args.nodeFeatureRuleDependsOn ?? []), ...gate] },
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
            roleName: physicalName(["repower", ...scope, pool.name, "hybrid"], 64),
            description: `EKS hybrid nodes of repower pool ${pool.name} at ${site.name} (stack ${stack})`,
            service: "ssm.amazonaws.com",
            policies: HYBRID_NODE_POLICIES,
            conditions: pulumi.all([cluster.arn, cluster.region]).apply(([arn, region]) => hybridTrustConditions(arn, region)),
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
        const limits = activationLimits(count);
        const expirationDate = activationExpiry(args.activationIssued ?? issueDay());
        const activations = limits.map(
          (limit, i) =>
            new aws.ssm.Activation(
              limits.length === 1 ? `${name}-activation` : `${name}-activation-${i + 1}`,
              {
                name: physicalName(["repower", ...scope, pool.name, ...(limits.length === 1 ? [] : [String(i + 1)])]),
                // An explicit issue day is part of the description, so setting a new one replaces the activations (fresh codes).
                description: `repower ${site.name}/${pool.name}: ${limit} of ${count} hybrid nodes in phase ${site.rollout.activePhase}${
                  args.activationIssued !== undefined ? `, issued ${args.activationIssued.toISOString().slice(0, 10)}` : ""
                }`,
                iamRole: role.name,
                registrationLimit: limit,
                expirationDate,
                tags,
              },
              {
                ...fixed,
                dependsOn: gate,
                additionalSecretOutputs: ["activationCode"],
                // Without an explicit issue day the expiry is counted from the day the activation is made;
                // a later `pulumi up` on another day must not replace it (same input, no change).
                ...(args.activationIssued === undefined ? { ignoreChanges: ["expirationDate"] } : {}),
              },
            ),
        );
        new aws.eks.AccessEntry(`${name}-access`, { clusterName: cluster.name, principalArn: role.arn, type: "HYBRID_LINUX", tags }, parent);
        if (activations.length > 0) {
          const docs = (code: (a: (typeof activations)[number]) => pulumi.Input<string>) =>
            pulumi
              .all([cluster.name, cluster.region, pulumi.all(activations.map((a) => pulumi.all([a.id, code(a)])))])
              .apply(([cn, region, ids]) =>
                ids.map(([id, c]) => stringify(hybridNodeConfig(site, pool, { name: cn, region }, { activationId: id, activationCode: c }))).join("---\n"),
              );
          this.nodeConfig = pulumi.secret(docs((a) => a.activationCode));
          this.nodeConfigRendered = docs(() => ACTIVATION_CODE_PLACEHOLDER);
        }
        break;
      }
      case "eks-managed": {
        const cluster = requireCluster(args, pool);
        if (count === 0) break; // a node group admits at least one node; none is made for an empty phase
        const aws = loadAws();
        const { role, attachments } = serviceRole(
          `${name}-node`,
          {
            roleName: physicalName(["repower", ...scope, pool.name, "node"], 64),
            description: `EKS managed nodes of repower pool ${pool.name} at ${site.name} (stack ${stack})`,
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
            nodeGroupName: physicalName(["repower", ...scope, pool.name]),
            nodeRoleArn: role.arn,
            subnetIds,
            instanceTypes: [pool.backend.instanceType as string],
            amiType: pool.backend.amiType ?? "AL2023_x86_64_NVIDIA",
            scalingConfig: { minSize: 0, desiredSize: count, maxSize: count },
            labels: poolLabels(site, pool),
            taints: registerTaints(pool).map((t) => ({ key: t.key, value: t.value, effect: "NO_SCHEDULE" })),
            tags,
          },
          { ...fixed, dependsOn: [...attachments, ...gate], ignoreChanges: ["scalingConfig.desiredSize"] },
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
