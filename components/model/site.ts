/**
 * The validated site: `repower:site` after the schema and the reference checks,
 * with every default applied, the catalog merged, and each phase resolved:
 * counts, itLoad MW and grid fields carry over from the phase before, and
 * each piece of equipment knows the phases it is in service.
 *
 * `siteAt` gives the site *as it stands* at one phase (its grid, limits,
 * equipment in service, generation); everything downstream asks that
 * snapshot and never reads `inService` itself.
 *
 * Pure: no Pulumi here.
 */
import type { Catalog, GpuSystem } from "./catalog";
import { siteCatalog } from "./catalog-spec";
import { checkReferences } from "./site-references";
import {
  DEFAULT_MAX_RACK_KW,
  FIRM_BY_DEFAULT,
  SiteSpecSchema,
  type AirSideSpec,
  type CoolingZoneSpec,
  type FeedSpec,
  type GenerationType,
  type GpuPoolSpec,
  type InServiceSpec,
  type ItLoadSpec,
  type SiteSpec,
  type SubstationSpec,
  type TransformerSpec,
} from "./site-spec";
import type { SpecIssue } from "./spec-errors";
import { zodIssues } from "./zod-issues";

/** Phases in which a piece of equipment is in service, as indexes: -1 is the site before the rollout. */
export interface ServiceWindow {
  /** First phase in service (-1: already before the rollout). */
  from: number;
  /** Last phase in service (the last phase when not limited). */
  until: number;
  /** As written, for messages (with the substation's window where it narrows this one). */
  spec?: InServiceSpec;
  /** The substation whose window narrowed this one, if any. */
  via?: string;
}

/** Equipment with a service window. */
export interface InServiceEquipment {
  name: string;
  window: ServiceWindow;
}

export interface Substation extends SubstationSpec, InServiceEquipment {}

export interface Generation extends InServiceEquipment {
  type: GenerationType;
  capacityMW: number;
  /** Adds to the firm limit (default true for gas and diesel). */
  firm: boolean;
  /** Backup only: never added to a limit, listed in reports. */
  standby: boolean;
  substation?: string;
}

export interface Transformer extends TransformerSpec, InServiceEquipment {}
export interface Feed extends FeedSpec, InServiceEquipment {}

export interface AirSide extends AirSideSpec {}

export interface CoolingZone extends CoolingZoneSpec, InServiceEquipment {
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
  /** As given, or the catalog's default for the SKU (always the catalog's for a rack-scale system). */
  nodesPerRack: number;
  /** Switches, PDUs, power shelves a rack, kW: the pool's, else the system's. */
  rackOverheadKW: number;
  /** True for a rack-scale system (NVL72): node counts are whole racks. */
  rackScale: boolean;
  /** Share of the pool's heat a direct-to-chip loop takes (the system's; 0 for air-cooled systems). */
  liquidFraction: number;
  /** Its zone's substation, where substations are declared. */
  substation?: string;
}

export interface ItLoad extends ItLoadSpec {}

/** The grid at a moment, every field resolved. */
export interface Grid {
  interconnectMW: number;
  firmMW: number;
  reservePercent: number;
  auxMW: number;
}

/** A phase: counts at its end, its grid, when it starts and whether its transient overlaps. */
export interface Phase {
  name: string;
  index: number;
  /** The phase's first day, YYYY-MM-DD, where given. */
  start?: string;
  /** The grid from this phase on (overrides carried over). */
  grid: Grid;
  /** True: the transient into this phase is checked (the phase's `overlap`, else `rollout.overlap`). */
  overlap: boolean;
  mining: Record<string, number>;
  gpu: Record<string, number>;
  /** MW of each itLoad at the end of the phase. */
  it: Record<string, number>;
}

export interface Site {
  name: string;
  /** The spec as validated, defaults filled in: what the envelope ConfigMap publishes. */
  spec: SiteSpec;
  /** The grid before the first phase (the top-level `grid`, firmMW resolved). */
  grid: Grid;
  substations: Substation[];
  generation: Generation[];
  transformers: Transformer[];
  feeds: Feed[];
  coolingZones: CoolingZone[];
  mining: MiningBlock[];
  gpuPools: GpuPool[];
  itLoads: ItLoad[];
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
  const phaseNames = spec.rollout.phases.map((p) => p.name);
  const last = phaseNames.length - 1;
  const windowOf = (w: InServiceSpec | undefined): ServiceWindow => ({
    from: w?.from === undefined ? -1 : phaseNames.indexOf(w.from),
    until: w?.until === undefined ? last : phaseNames.indexOf(w.until),
    ...(w !== undefined ? { spec: w } : {}),
  });
  const substations: Substation[] = spec.substations.map((s) => ({ ...s, window: windowOf(s.inService) }));
  const subWindow = new Map(substations.map((s) => [s.name, s.window]));
  // Transformers and generation are in service only while their substation is.
  const narrowed = (w: InServiceSpec | undefined, substation: string | undefined): ServiceWindow => {
    const own = windowOf(w);
    const sub = substation === undefined ? undefined : subWindow.get(substation);
    if (sub === undefined || (sub.from <= own.from && sub.until >= own.until)) return own;
    return { ...own, from: Math.max(own.from, sub.from), until: Math.min(own.until, sub.until), via: substation };
  };

  const mining: MiningBlock[] = spec.mining.map((m) => ({
    name: m.name,
    ...(m.model !== undefined ? { model: m.model } : {}),
    wattsPerUnit: m.wattsPerUnit ?? catalog.miners[m.model as string].wattsPerUnit.value,
    units: m.units,
    coolingZone: m.coolingZone,
    ...(m.feed !== undefined ? { feed: m.feed } : {}),
    curtailable: m.curtailable,
  }));
  const zoneSubstation = new Map(spec.coolingZones.map((z) => [z.name, z.substation]));
  const gpuPools: GpuPool[] = spec.gpuPools.map((p) => {
    const system = catalog.gpuSystems[p.sku];
    const rackScale = system.rackScale;
    const substation = p.coolingZone === undefined ? undefined : zoneSubstation.get(p.coolingZone);
    return {
      ...p,
      system,
      nodesPerRack: rackScale ? system.nodesPerRack.value : (p.nodesPerRack ?? system.nodesPerRack.value),
      rackOverheadKW: p.rackOverheadKW ?? system.rackOverheadKW.value,
      rackScale,
      // An air entry's liquidFraction is ignored (contract, "The catalog").
      liquidFraction: system.cooling === "liquid" ? system.liquidFraction.value : 0,
      ...(substation !== undefined ? { substation } : {}),
    };
  });
  const coolingZones: CoolingZone[] = spec.coolingZones.map((z) => ({
    ...z,
    maxRackKW: z.maxRackKW ?? DEFAULT_MAX_RACK_KW[z.type],
    window: windowOf(z.inService),
  }));
  const generation: Generation[] = spec.generation.map((g) => ({
    name: g.name,
    type: g.type,
    capacityMW: g.capacityMW,
    firm: g.firm ?? FIRM_BY_DEFAULT[g.type],
    standby: g.standby,
    ...(g.substation !== undefined ? { substation: g.substation } : {}),
    window: narrowed(g.inService, g.substation),
  }));
  const transformers: Transformer[] = spec.transformers.map((t) => ({ ...t, window: narrowed(t.inService, t.substation) }));
  const feeds: Feed[] = spec.feeds.map((f) => ({ ...f, window: windowOf(f.inService) }));

  // The grid before the rollout; firmMW follows interconnectMW until some grid gives it.
  let firmGiven = spec.grid.firmMW !== undefined;
  const grid: Grid = {
    interconnectMW: spec.grid.interconnectMW,
    firmMW: spec.grid.firmMW ?? spec.grid.interconnectMW,
    reservePercent: spec.grid.reservePercent,
    auxMW: spec.grid.auxMW,
  };

  // Counts carry over: before the first phase, mining runs its fleet, no pool has nodes, no itLoad draws.
  let mine: Record<string, number> = Object.fromEntries(mining.map((m) => [m.name, m.units]));
  let gpu: Record<string, number> = Object.fromEntries(gpuPools.map((p) => [p.name, 0]));
  let it: Record<string, number> = Object.fromEntries(spec.itLoads.map((l) => [l.name, 0]));
  let g: Grid = grid;
  const phases: Phase[] = spec.rollout.phases.map((ph, index) => {
    mine = { ...mine, ...ph.mining };
    gpu = { ...gpu, ...ph.gpu };
    it = { ...it, ...ph.it };
    const o = ph.grid ?? {};
    if (o.firmMW !== undefined) firmGiven = true;
    const interconnectMW = o.interconnectMW ?? g.interconnectMW;
    g = {
      interconnectMW,
      firmMW: o.firmMW ?? (firmGiven ? g.firmMW : interconnectMW),
      reservePercent: o.reservePercent ?? g.reservePercent,
      auxMW: o.auxMW ?? g.auxMW,
    };
    return {
      name: ph.name,
      index,
      ...(ph.start !== undefined ? { start: ph.start } : {}),
      grid: g,
      overlap: ph.overlap ?? spec.rollout.overlap,
      mining: { ...mine },
      gpu: { ...gpu },
      it: { ...it },
    };
  });

  return {
    name: spec.name,
    spec,
    grid,
    substations,
    generation,
    transformers,
    feeds,
    coolingZones,
    mining,
    gpuPools,
    itLoads: spec.itLoads,
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

// ---------------------------------------------------------------- the site at a moment

/** Equipment that can be in service for part of the rollout. */
export const EQUIPMENT_KINDS = ["substation", "generation", "transformer", "feed", "coolingZone"] as const;
export type EquipmentKind = (typeof EQUIPMENT_KINDS)[number];

const EQUIPMENT_LISTS: { readonly [k in EquipmentKind]: (site: Site) => readonly InServiceEquipment[] } = {
  substation: (s) => s.substations,
  generation: (s) => s.generation,
  transformer: (s) => s.transformers,
  feed: (s) => s.feeds,
  coolingZone: (s) => s.coolingZones,
};

/** True when `eq` is in service at phase index `k` (-1: the site before the rollout). */
export function inServiceAt(eq: InServiceEquipment, k: number): boolean {
  return eq.window.from <= k && k <= eq.window.until;
}

/** When a piece of equipment is in service, in words: "from phase-2", "until phase-1", "never (…)". */
export function serviceText(site: Site, eq: InServiceEquipment): string {
  const names = site.rollout.phases.map((p) => p.name);
  const w = eq.window;
  const via = w.via !== undefined ? ` (its substation ${w.via}'s window)` : "";
  if (w.from > w.until) return `never in service${via}`;
  const parts: string[] = [];
  if (w.from >= 0) parts.push(`from ${names[w.from]}`);
  if (w.until < names.length - 1) parts.push(`until ${names[w.until]}`);
  return parts.length === 0 ? "in service throughout" : `in service ${parts.join(" ")}${via}`;
}

/** A substation at a moment: whether it is in service, and its own limits there. */
export interface SubstationState {
  substation: Substation;
  inService: boolean;
  /** In-service generation at this substation (not standby), MW; and the firm part of it. */
  generationMW: number;
  firmGenerationMW: number;
  /** Its own limit after the reserve, MW: (interconnectMW + generation) × (1 − reserve); undefined without interconnectMW. */
  limitMW?: number;
  /** Its firm limit after the reserve, MW; undefined without firmMW. */
  firmLimitMW?: number;
}

/** The site as it stands at one phase: what every budget of that phase (and of the transient into it) is checked against. */
export interface SiteState {
  phase: Phase;
  grid: Grid;
  /** (interconnectMW + in-service generation, not standby) × (1 − reservePercent/100). */
  siteLimitMW: number;
  /** (firmMW + in-service firm generation, not standby) × (1 − reservePercent/100). */
  firmLimitMW: number;
  /** In-service generation that adds to the limits. */
  generation: Generation[];
  /** In-service standby sources: listed, never added to a limit. */
  standby: Generation[];
  substations: SubstationState[];
  transformers: Transformer[];
  feeds: Feed[];
  coolingZones: CoolingZone[];
  /** True when the named equipment of that kind is in service at this phase. */
  inService(kind: EquipmentKind, name: string): boolean;
}

const states = new WeakMap<Site, Map<number, SiteState>>();

/** The index of a phase given by name or index; throws for an unknown one. */
export function phaseIndex(site: Site, phase: string | number): number {
  const k = typeof phase === "number" ? phase : site.rollout.phases.findIndex((p) => p.name === phase);
  if (k < 0 || k >= site.rollout.phases.length) throw new Error(`unknown phase ${JSON.stringify(phase)}`);
  return k;
}

/** The site as it stands at phase `phase` (a name or an index); computed once per site and phase. */
export function siteAt(site: Site, phase: string | number): SiteState {
  const k = phaseIndex(site, phase);
  let cache = states.get(site);
  if (cache === undefined) states.set(site, (cache = new Map()));
  const hit = cache.get(k);
  if (hit !== undefined) return hit;

  const ph = site.rollout.phases[k];
  const keep = (1 - ph.grid.reservePercent / 100);
  const on = <T extends InServiceEquipment>(list: readonly T[]) => list.filter((e) => inServiceAt(e, k));
  const running = on(site.generation);
  const generation = running.filter((g) => !g.standby);
  const sum = (gs: readonly Generation[]) => gs.reduce((a, g) => a + g.capacityMW, 0);
  const substations = site.substations.map((s): SubstationState => {
    const here = generation.filter((g) => g.substation === s.name);
    const generationMW = sum(here);
    const firmGenerationMW = sum(here.filter((g) => g.firm));
    return {
      substation: s,
      inService: inServiceAt(s, k),
      generationMW,
      firmGenerationMW,
      ...(s.interconnectMW !== undefined ? { limitMW: (s.interconnectMW + generationMW) * keep } : {}),
      ...(s.firmMW !== undefined ? { firmLimitMW: (s.firmMW + firmGenerationMW) * keep } : {}),
    };
  });
  const sets = Object.fromEntries(
    EQUIPMENT_KINDS.map((kind) => [kind, new Set(EQUIPMENT_LISTS[kind](site).filter((e) => inServiceAt(e, k)).map((e) => e.name))]),
  ) as Record<EquipmentKind, Set<string>>;
  const state: SiteState = {
    phase: ph,
    grid: ph.grid,
    siteLimitMW: (ph.grid.interconnectMW + sum(generation)) * keep,
    firmLimitMW: (ph.grid.firmMW + sum(generation.filter((g) => g.firm))) * keep,
    generation,
    standby: running.filter((g) => g.standby),
    substations,
    transformers: on(site.transformers),
    feeds: on(site.feeds),
    coolingZones: on(site.coolingZones),
    inService: (kind, name) => sets[kind].has(name),
  };
  cache.set(k, state);
  return state;
}

/** What a phase changes against the one before (the first phase: against the site before the rollout). */
export interface PhaseChanges {
  /** Grid fields whose value changes, with the old and the new value. */
  grid: { field: keyof Grid; from: number; to: number }[];
  /** Equipment in service from this phase. */
  commissioned: { kind: EquipmentKind; name: string }[];
  /** Equipment in service in the phase before, no longer in this one. */
  retired: { kind: EquipmentKind; name: string }[];
}

/** The grid step and the equipment commissioned or retired at phase `phase`. */
export function phaseChanges(site: Site, phase: string | number): PhaseChanges {
  const k = phaseIndex(site, phase);
  const before = k === 0 ? site.grid : site.rollout.phases[k - 1].grid;
  const now = site.rollout.phases[k].grid;
  const grid = (["interconnectMW", "firmMW", "reservePercent", "auxMW"] as const)
    .filter((f) => before[f] !== now[f])
    .map((field) => ({ field, from: before[field], to: now[field] }));
  const commissioned: PhaseChanges["commissioned"] = [];
  const retired: PhaseChanges["retired"] = [];
  for (const kind of EQUIPMENT_KINDS) {
    for (const e of EQUIPMENT_LISTS[kind](site)) {
      const was = inServiceAt(e, k - 1);
      const is = inServiceAt(e, k);
      if (is && !was) commissioned.push({ kind, name: e.name });
      if (was && !is) retired.push({ kind, name: e.name });
    }
  }
  return { grid, commissioned, retired };
}
