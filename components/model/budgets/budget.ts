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
