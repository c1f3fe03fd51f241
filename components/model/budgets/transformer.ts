/**
 * The transformer budget (transformer-capacity): `Σ (units − spare) ×
 * ratingMVA × powerFactor` of the transformers in service, against the load
 * they serve. Without substations, all transformers together carry the
 * site's facility power, aux included; with substations (v2), each
 * substation's transformers carry the facility power of its zones (aux
 * excluded, generation not netted off). Only where transformers are
 * declared; a substation out of service is the site budget's to report.
 */
import type { Redundancy } from "../site-spec";
import { serviceText, type Site, type Transformer } from "../site";
import { budget, wants, type Budget, type BudgetContext, type Load } from "./budget";
import { substationFacilityMW } from "./site";

/** Units held spare by a redundancy scheme: N → 0, N+1 → 1, 2N → units / 2. */
export function spareUnits(units: number, redundancy: Redundancy): number {
  switch (redundancy) {
    case "N":
      return 0;
    case "N+1":
      return 1;
    case "2N":
      return units / 2;
  }
}

/** Real power the transformers can carry with their spares held back, MW. */
export function transformerCapacityMW(transformers: readonly Pick<Transformer, "units" | "redundancy" | "ratingMVA" | "powerFactor">[]): number {
  let mw = 0;
  for (const t of transformers) mw += (t.units - spareUnits(t.units, t.redundancy)) * t.ratingMVA * t.powerFactor;
  return mw;
}

function basisOf(site: Site, phase: string, all: readonly Transformer[], on: readonly Transformer[]): string {
  const off = all.filter((t) => !on.includes(t));
  const inService = on.length > 0 ? on.map((t) => t.name).join(", ") : `none in service at ${phase}`;
  const later = off.map((t) => `${t.name} ${serviceText(site, t)}`).join("; ");
  return `${inService}, spares held back${later ? `; ${later}` : ""}`;
}

export function transformerBudgets(c: BudgetContext): Budget[] {
  const { site, state } = c;
  if (site.transformers.length === 0) return [];
  const phase = state.phase.name;
  if (site.substations.length === 0) {
    return [
      budget({ kind: "transformer", subject: "transformers", unit: "MW", used: c.facilityMW, limit: transformerCapacityMW(state.transformers), basis: basisOf(site, phase, site.transformers, state.transformers) }),
    ];
  }
  const out: Budget[] = [];
  for (const s of state.substations) {
    const name = s.substation.name;
    if (!wants(c, name)) continue;
    const all = site.transformers.filter((t) => t.substation === name);
    if (all.length === 0 || !s.inService) continue;
    const on = state.transformers.filter((t) => t.substation === name);
    out.push(
      budget({ kind: "transformer", subject: name, substation: name, unit: "MW", used: substationFacilityMW(c, name), limit: transformerCapacityMW(on), basis: basisOf(site, phase, all, on) }),
    );
  }
  return out;
}

/** Per unit of IT power (kW) of a load, the MW it adds to a transformer budget. */
export function transformerPerKW(l: Load, b: Budget): number {
  if (b.substation !== undefined && l.substation !== b.substation) return 0;
  return l.pue / 1000;
}
