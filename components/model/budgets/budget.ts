/**
 * A budget at one moment, and the loads that draw on budgets: the shapes
 * every budget kind (one file each in this folder) produces and reads.
 *
 * Pure: no Pulumi here.
 */
import type { Scenario } from "../envelope-moments";
import type { Site, SiteState } from "../site";

/** The kinds of budget, one file each; a new budget is a new row of `BUDGETS` (budgets/index.ts). */
export const BUDGET_KINDS = ["site", "firm", "transformer", "feed", "cooling", "rack"] as const;
export type BudgetKind = (typeof BUDGET_KINDS)[number];

/** One budget at one moment. */
export interface Budget {
  kind: BudgetKind;
  /** `site`, `firm`, `transformers`, a substation (with `substation`), or the feed, zone or pool it belongs to. */
  subject: string;
  unit: "MW" | "kW";
  used: number;
  limit: number;
  /** used / limit (Infinity when the limit is 0 and something is used). */
  utilisation: number;
  ok: boolean;
  /** Where the limit comes from, in words ("interconnect 150 MW + gas-1 25 MW, less 5 % reserve"; "not in service at phase-1: in service from phase-2"). */
  basis: string;
  /** A substation's own site, firm or transformer budget (v2). */
  substation?: string;
  /** The liquid or air part of a direct-to-chip zone's heat (v2, zones with `air`). */
  part?: "liquid" | "air";
  /** True when the limit is 0 because the equipment is not in service at this moment. */
  outOfService?: boolean;
}

/** A load on the site at one moment: a mining block, an on-site pool, or an itLoad. */
export interface Load {
  kind: "mining" | "gpu" | "it";
  name: string;
  /** Units, nodes, or (an itLoad) MW. */
  count: number;
  itKW: number;
  zone: string;
  feeds: readonly string[];
  curtailable: boolean;
  pue: number;
  /** Its zone's substation, where substations are declared. */
  substation?: string;
  /** Share of its heat to liquid (used in direct-to-chip zones with an air side). */
  liquidFraction: number;
}

/** What a budget kind is evaluated from: the site, the site as it stands then, the moment and its loads. */
export interface BudgetContext {
  site: Site;
  state: SiteState;
  scenario: Scenario;
  loads: readonly Load[];
  /** auxMW + Σ IT × PUE / 1000 of every load. */
  facilityMW: number;
  /** The same over loads that are not curtailable, plus auxMW. */
  firmFacilityMW: number;
  /** The loads summed per zone, feed and substation, in one pass (`sumLoads`). */
  sums: LoadSums;
  /** Only the budgets of these subjects are wanted (a check of one pool's budgets); every budget when absent. */
  subjects?: ReadonlySet<string>;
}

/** Whether the budget of `subject` is wanted at this evaluation. */
export const wants = (c: Pick<BudgetContext, "subjects">, subject: string): boolean => c.subjects === undefined || c.subjects.has(subject);

/**
 * The loads of a moment summed per cooling zone, feed and substation. Each
 * sum adds its loads in their order, as a loop over the loads per subject
 * would, so the figures are the same to the last bit; one pass instead of
 * one a subject keeps a moment's cost linear in loads + subjects (a site of
 * 40 zones and 60 pools is evaluated thousands of times for its headroom).
 */
export interface LoadSums {
  /** IT kW cooled in each zone, and the part of it to liquid. */
  zone: Map<string, { itKW: number; liquidKW: number }>;
  /** IT kW on each feed (a load on two feeds counts whole on each). */
  feed: Map<string, number>;
  /** Facility MW of the loads in each substation's zones (aux excluded), all and firm only. */
  substation: Map<string, { facilityMW: number; firmFacilityMW: number }>;
}

export function sumLoads(loads: readonly Load[]): LoadSums {
  const zone = new Map<string, { itKW: number; liquidKW: number }>();
  const feed = new Map<string, number>();
  const substation = new Map<string, { facilityMW: number; firmFacilityMW: number }>();
  for (const l of loads) {
    let z = zone.get(l.zone);
    if (z === undefined) zone.set(l.zone, (z = { itKW: 0, liquidKW: 0 }));
    z.itKW += l.itKW;
    z.liquidKW += l.itKW * l.liquidFraction;
    for (const f of l.feeds) feed.set(f, (feed.get(f) ?? 0) + l.itKW);
    if (l.substation !== undefined) {
      let s = substation.get(l.substation);
      if (s === undefined) substation.set(l.substation, (s = { facilityMW: 0, firmFacilityMW: 0 }));
      const fac = facilityOf(l);
      s.facilityMW += fac;
      if (!l.curtailable) s.firmFacilityMW += fac;
    }
  }
  return { zone, feed, substation };
}

/** True when `used` is within `limit` (a relative 1e-9 allows for rounding in sums). */
export function within(used: number, limit: number): boolean {
  return used <= limit + Math.abs(limit) * 1e-9 + 1e-12;
}

/** A budget with its utilisation and verdict worked out. */
export function budget(fields: Omit<Budget, "utilisation" | "ok">): Budget {
  const { used, limit } = fields;
  // Equipment out of service carries nothing: any load at all breaks it, however small.
  const ok = fields.outOfService ? used <= 0 : within(used, limit);
  return { ...fields, utilisation: limit > 0 ? used / limit : used > 0 ? Infinity : 0, ok };
}

/** Facility power of a load, MW. */
export const facilityOf = (l: Load): number => (l.itKW * l.pue) / 1000;

/** "not in service at phase-1 (in service from phase-2)". */
export function outOfServiceBasis(phase: string, when: string): string {
  return `not in service at ${phase}: ${when}`;
}

/** " less 5 % reserve", or nothing. */
export const reserveText = (percent: number): string => (percent > 0 ? `, less ${percent} % reserve` : "");

/** "interconnect 150 MW + gas-1 25 MW": a limit and the generation added to it. */
export function withGeneration(what: string, mw: number, gens: readonly { name: string; capacityMW: number }[]): string {
  return [`${what} ${mw} MW`, ...gens.map((g) => `${g.name} ${g.capacityMW} MW`)].join(" + ");
}
