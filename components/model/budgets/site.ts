/**
 * The site budget (site-power-budget): facility power against the site
 * limit, `(interconnectMW + in-service generation, not standby) × (1 −
 * reserve)`; and, with substations (v2), each substation's load (aux
 * excluded) against its own limit, where it has one, or against 0 while it
 * is not in service.
 */
import { serviceText } from "../site";
import { budget, outOfServiceBasis, reserveText, wants, withGeneration, type Budget, type BudgetContext, type Load } from "./budget";

/** Facility power of the loads in a substation's zones at a moment, MW (aux excluded). */
export function substationFacilityMW(c: Pick<BudgetContext, "sums">, substation: string, firmOnly = false): number {
  const s = c.sums.substation.get(substation);
  return s === undefined ? 0 : firmOnly ? s.firmFacilityMW : s.facilityMW;
}

export function siteBudgets(c: BudgetContext): Budget[] {
  const { state } = c;
  const g = state.grid;
  const out: Budget[] = [
    budget({
      kind: "site",
      subject: "site",
      unit: "MW",
      used: c.facilityMW,
      limit: state.siteLimitMW,
      basis: `${withGeneration("interconnect", g.interconnectMW, state.generation)}${reserveText(g.reservePercent)}`,
    }),
  ];
  for (const s of state.substations) {
    const name = s.substation.name;
    if (!wants(c, name)) continue;
    const used = substationFacilityMW(c, name);
    if (!s.inService) {
      out.push(budget({ kind: "site", subject: name, substation: name, unit: "MW", used, limit: 0, outOfService: true, basis: outOfServiceBasis(state.phase.name, serviceText(c.site, s.substation)) }));
      continue;
    }
    if (s.limitMW === undefined) continue;
    const gens = state.generation.filter((x) => x.substation === name);
    out.push(
      budget({
        kind: "site",
        subject: name,
        substation: name,
        unit: "MW",
        used,
        limit: s.limitMW,
        basis: `${withGeneration("interconnect", s.substation.interconnectMW as number, gens)}${reserveText(g.reservePercent)}`,
      }),
    );
  }
  return out;
}

/** Per unit of IT power (kW) of a load, the MW it adds to a site budget. */
export function sitePerKW(l: Load, b: Budget): number {
  if (b.substation !== undefined && l.substation !== b.substation) return 0;
  return l.pue / 1000;
}
