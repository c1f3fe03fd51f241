/**
 * The shape of `repower:site`, as the contract (docs/site-spec.md) describes it:
 * a zod schema for the structure of each field. References between fields
 * (zones, feeds, pools, phases) are checked in `site-references.ts`, and the
 * result is normalised into a `Site` in `site.ts`.
 *
 * Pure: no Pulumi here.
 */
import { z } from "zod";
import { CatalogSpecSchema } from "./catalog-spec";

/** Enumerations: values at run time (for validation and messages) and as types. */
export const REDUNDANCY = ["N", "N+1", "2N"] as const;
export type Redundancy = (typeof REDUNDANCY)[number];

export const COOLING_TYPES = ["air", "rear-door", "direct-to-chip", "immersion", "hydro"] as const;
export type CoolingType = (typeof COOLING_TYPES)[number];

export const FEED_PHASES = ["single", "three"] as const;
export type FeedPhase = (typeof FEED_PHASES)[number];

export const PLACEMENTS = ["on-site", "cloud"] as const;
export type Placement = (typeof PLACEMENTS)[number];

export const BACKEND_TYPES = ["static", "eks-hybrid", "eks-managed"] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];

export const SHARING = ["none", "time-slicing", "mps"] as const;
export type Sharing = (typeof SHARING)[number];

export const MIG_STRATEGIES = ["none", "single", "mixed"] as const;
export type MigStrategy = (typeof MIG_STRATEGIES)[number];

export const CLUSTER_TYPES = ["existing", "eks"] as const;
export type ClusterType = (typeof CLUSTER_TYPES)[number];

/** EKS AMI types with NVIDIA drivers, for `eks-managed` pools. */
export const NVIDIA_AMI_TYPES = ["AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA"] as const;
export type NvidiaAmiType = (typeof NVIDIA_AMI_TYPES)[number];

/** Default `maxRackKW` of a cooling zone, by cooling type (kW a rack). */
export const DEFAULT_MAX_RACK_KW: { readonly [k in CoolingType]: number } = {
  air: 20,
  "rear-door": 50,
  "direct-to-chip": 130,
  immersion: 200,
  hydro: 0,
};

/** Upper bounds that catch typos of several orders of magnitude. */
export const LIMITS = {
  megawatts: 10_000,
  kilowatts: 10_000,
  watts: 100_000,
  volts: 100_000,
  amperes: 100_000,
  unitsPerBlock: 10_000_000,
  equipmentUnits: 1_000,
  nodesPerPool: 1_000_000,
  nodesPerRack: 1_000,
  pue: 5,
  replicas: 1_000,
} as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label of at most `max` characters. */
export const dnsLabel = (max = 63) =>
  z
    .string()
    .min(1, { message: "must not be empty" })
    .max(max, { message: `must be at most ${max} characters` })
    .regex(DNS_LABEL, {
      message: "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    });

const positive = (max: number) => z.number().positive().max(max);
const nonNegative = (max: number) => z.number().nonnegative().max(max);
const count = (min: number, max: number) => z.number().int().min(min).max(max);
const percent = z.number().min(0).lt(100);

export const TransformerSchema = z.strictObject({
  name: dnsLabel(),
  ratingMVA: positive(LIMITS.megawatts),
  units: count(1, LIMITS.equipmentUnits),
  redundancy: z.enum(REDUNDANCY).default("N"),
  powerFactor: z.number().gt(0).max(1).default(0.95),
});

export const FeedSchema = z.strictObject({
  name: dnsLabel(),
  voltage: positive(LIMITS.volts),
  amperage: positive(LIMITS.amperes),
  phase: z.enum(FEED_PHASES).default("three"),
  maxUtilizationPercent: z.number().gt(0).max(100).default(80),
  powerFactor: z.number().gt(0).max(1).default(0.95),
});

export const CoolingZoneSchema = z.strictObject({
  name: dnsLabel(),
  type: z.enum(COOLING_TYPES),
  capacityMW: positive(LIMITS.megawatts),
  units: count(1, LIMITS.equipmentUnits).default(1),
  redundancy: z.enum(REDUNDANCY).default("N"),
  pue: z.number().min(1).max(LIMITS.pue),
  maxRackKW: nonNegative(LIMITS.kilowatts).optional(),
});

export const MiningBlockSchema = z.strictObject({
  name: dnsLabel(),
  model: z.string().min(1).optional(),
  wattsPerUnit: positive(LIMITS.watts).optional(),
  units: count(0, LIMITS.unitsPerBlock),
  coolingZone: z.string(),
  feed: z.string().optional(),
  curtailable: z.boolean().default(true),
});

export const BackendSchema = z.strictObject({
  type: z.enum(BACKEND_TYPES),
  /** static: node names are this prefix plus a zero-padded index. */
  nodeNamePrefix: z.string().min(1).max(200).optional(),
  /** static: explicit node names; excludes `nodeNamePrefix`. */
  nodeNames: z.array(z.string().min(1).max(253)).optional(),
  /** static: digits of the zero-padded index; default enough for the largest phase (at least 2). */
  indexWidth: count(1, 9).optional(),
  /** static: the first index; default 1. */
  firstIndex: count(0, 1_000_000_000).optional(),
  /** eks-managed: the EC2 instance type (required there). */
  instanceType: z.string().min(1).optional(),
  /** eks-managed: the NVIDIA AMI type; default AL2023_x86_64_NVIDIA. */
  amiType: z.enum(NVIDIA_AMI_TYPES).optional(),
  /** eks-managed: subnets of the node group; default the cluster's. */
  subnetIds: z.array(z.string().min(1)).optional(),
});

export const DevicePluginSchema = z.strictObject({
  sharing: z.enum(SHARING).default("none"),
  replicas: count(1, LIMITS.replicas).optional(),
  migStrategy: z.enum(MIG_STRATEGIES).default("none"),
  /** Rename the shared resource (e.g. `gpu.shared`); default keeps `nvidia.com/gpu`. */
  rename: z.string().min(1).optional(),
  /**
   * MIG partitions MIG Manager creates on the pool's GPUs: `all-<profile>` (e.g. `all-1g.10gb`),
   * or a layout of one GPU, profile → instances (e.g. `{ "3g.40gb": 1, "1g.10gb": 4 }`).
   */
  migProfile: z
    .union([
      z.string().regex(/^all-\d+g\.\d+gb$/, { message: "must be all-<profile>, e.g. all-1g.10gb, or a layout of profiles" }),
      z.record(z.string().regex(/^\d+g\.\d+gb$/, { message: "must be a MIG profile such as 1g.10gb" }), count(1, 7)),
    ])
    .optional(),
});

export const GpuPoolSchema = z.strictObject({
  name: dnsLabel(),
  sku: z.string().min(1),
  coolingZone: z.string().optional(),
  feeds: z.array(z.string()).min(1).max(2).optional(),
  nodesPerRack: count(1, LIMITS.nodesPerRack).optional(),
  powerCapWatts: positive(LIMITS.watts).optional(),
  curtailable: z.boolean().default(false),
  placement: z.enum(PLACEMENTS).default("on-site"),
  backend: BackendSchema,
  devicePlugin: DevicePluginSchema.optional(),
});

export const ClusterSchema = z.strictObject({
  type: z.enum(CLUSTER_TYPES),
  kubernetesVersion: z.string().regex(/^1\.\d+$/, { message: 'must look like "1.33"' }).optional(),
  subnetIds: z.array(z.string().min(1)).optional(),
  remoteNodeCIDRs: z.array(z.string().min(1)).optional(),
  remotePodCIDRs: z.array(z.string().min(1)).optional(),
});

export const PhaseSchema = z.strictObject({
  name: dnsLabel(),
  mining: z.record(z.string(), count(0, LIMITS.unitsPerBlock)).default({}),
  gpu: z.record(z.string(), count(0, LIMITS.nodesPerPool)).default({}),
});

export const RolloutSchema = z.strictObject({
  activePhase: z.string(),
  overlap: z.boolean().default(false),
  phases: z.array(PhaseSchema).min(1),
});

export const GridSchema = z.strictObject({
  interconnectMW: positive(LIMITS.megawatts),
  firmMW: positive(LIMITS.megawatts).optional(),
  reservePercent: percent.default(0),
  auxMW: nonNegative(LIMITS.megawatts).default(0),
});

/** `repower:site`: one mining site and its conversion plan. */
export const SiteSpecSchema = z.strictObject({
  name: dnsLabel(40),
  grid: GridSchema,
  transformers: z.array(TransformerSchema).default([]),
  feeds: z.array(FeedSchema).default([]),
  coolingZones: z.array(CoolingZoneSchema).min(1),
  mining: z.array(MiningBlockSchema).default([]),
  gpuPools: z.array(GpuPoolSchema).default([]),
  cluster: ClusterSchema.default({ type: "existing" }),
  catalog: CatalogSpecSchema.default({ gpuSystems: [], miners: [] }),
  rollout: RolloutSchema,
  /** Bounds and prices for `repower plan`; preview ignores them (validated in model/plan/plan-spec.ts). */
  plan: z.unknown().optional(),
  economics: z.unknown().optional(),
});

/** `repower:site` as written, after zod (defaults filled in, references not yet checked). */
export type SiteSpec = z.infer<typeof SiteSpecSchema>;
export type GpuPoolSpec = z.infer<typeof GpuPoolSchema>;
export type CoolingZoneSpec = z.infer<typeof CoolingZoneSchema>;
export type FeedSpec = z.infer<typeof FeedSchema>;
export type TransformerSpec = z.infer<typeof TransformerSchema>;
export type MiningBlockSpec = z.infer<typeof MiningBlockSchema>;
export type PhaseSpec = z.infer<typeof PhaseSchema>;
