/**
 * The validated site: `repower:site` after the schema and the reference checks,
 * with every default applied, the catalog merged, and each phase's counts
 * resolved (what a phase leaves out carries over from the phase before).
 *
 * Pure: no Pulumi here.
 */
import type { Catalog, GpuSystem } from "./catalog";
import { siteCatalog } from "./catalog-spec";
import { checkReferences } from "./site-references";
import {
  DEFAULT_MAX_RACK_KW,
  SiteSpecSchema,
  type CoolingZoneSpec,
  type FeedSpec,
  type GpuPoolSpec,
  type SiteSpec,
  type TransformerSpec,
} from "./site-spec";
import type { SpecIssue } from "./spec-errors";
import { zodIssues } from "./zod-issues";

export interface CoolingZone extends CoolingZoneSpec {
  /** Rack power limit, kW: as given, or the default of the zone's type. */
  maxRackKW: number;
}

export interface MiningBlock {
  name: string;
  model?: string;
  wattsPerUnit: number;
  /** Units running before the first phase. */
  units: number;
  coolingZone: string;
  feed?: string;
  curtailable: boolean;
}

export interface GpuPool extends GpuPoolSpec {
  /** The catalog entry of `sku`. */
  system: GpuSystem;
  /** As given, or the catalog's default for the SKU. */
  nodesPerRack: number;
}

/** Counts at the end of a phase, for every mining block and every pool. */
export interface Phase {
  name: string;
  index: number;
  mining: Record<string, number>;
  gpu: Record<string, number>;
}

export interface Site {
  name: string;
  /** The spec as validated, defaults filled in: what the envelope ConfigMap publishes. */
  spec: SiteSpec;
  grid: { interconnectMW: number; firmMW: number; reservePercent: number; auxMW: number };
  transformers: TransformerSpec[];
  feeds: FeedSpec[];
  coolingZones: CoolingZone[];
  mining: MiningBlock[];
  gpuPools: GpuPool[];
  cluster: SiteSpec["cluster"];
  catalog: Catalog;
  rollout: { activePhase: string; overlap: boolean; phases: Phase[] };
}

/** The outcome of validating `repower:site`: a site, or every issue found. */
export type SiteResult = { ok: true; site: Site; spec: SiteSpec } | { ok: false; issues: SpecIssue[] };

/** Validates a parsed `repower:site` value (structure, then references) and resolves it. */
export function validateSite(value: unknown): SiteResult {
  const parsed = SiteSpecSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error.issues, value) };
  const spec = parsed.data;
  const catalog = siteCatalog(spec);
  const issues = checkReferences(spec, catalog);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, site: resolveSite(spec, catalog), spec };
}

/** Applies defaults and resolves phases of a spec whose references are known to be good. */
export function resolveSite(spec: SiteSpec, catalog: Catalog): Site {
  const mining: MiningBlock[] = spec.mining.map((m) => ({
    name: m.name,
    ...(m.model !== undefined ? { model: m.model } : {}),
    wattsPerUnit: m.wattsPerUnit ?? catalog.miners[m.model as string].wattsPerUnit.value,
    units: m.units,
    coolingZone: m.coolingZone,
    ...(m.feed !== undefined ? { feed: m.feed } : {}),
    curtailable: m.curtailable,
  }));
  const gpuPools: GpuPool[] = spec.gpuPools.map((p) => {
    const system = catalog.gpuSystems[p.sku];
    return { ...p, system, nodesPerRack: p.nodesPerRack ?? system.nodesPerRack.value };
  });
  const coolingZones: CoolingZone[] = spec.coolingZones.map((z) => ({
    ...z,
    maxRackKW: z.maxRackKW ?? DEFAULT_MAX_RACK_KW[z.type],
  }));

  // Counts carry over: before the first phase, mining runs its fleet and no pool has nodes.
  let mine: Record<string, number> = Object.fromEntries(mining.map((m) => [m.name, m.units]));
  let gpu: Record<string, number> = Object.fromEntries(gpuPools.map((p) => [p.name, 0]));
  const phases: Phase[] = spec.rollout.phases.map((ph, index) => {
    mine = { ...mine, ...ph.mining };
    gpu = { ...gpu, ...ph.gpu };
    return { name: ph.name, index, mining: { ...mine }, gpu: { ...gpu } };
  });

  return {
    name: spec.name,
    spec,
    grid: {
      interconnectMW: spec.grid.interconnectMW,
      firmMW: spec.grid.firmMW ?? spec.grid.interconnectMW,
      reservePercent: spec.grid.reservePercent,
      auxMW: spec.grid.auxMW,
    },
    transformers: spec.transformers,
    feeds: spec.feeds,
    coolingZones,
    mining,
    gpuPools,
    cluster: spec.cluster,
    catalog,
    rollout: { activePhase: spec.rollout.activePhase, overlap: spec.rollout.overlap, phases },
  };
}

/** The phase this stack deploys now. */
export function activePhase(site: Site): Phase {
  const p = site.rollout.phases.find((x) => x.name === site.rollout.activePhase);
  if (p === undefined) throw new Error(`active phase "${site.rollout.activePhase}" is not among the phases`);
  return p;
}
