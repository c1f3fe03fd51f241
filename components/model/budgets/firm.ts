/**
 * The firm budget (firm-power-budget): firm facility power (loads that are
 * not curtailable, plus aux) against `(firmMW + in-service firm generation,
 * not standby) × (1 − reserve)`; and each substation's firm load against its
 * own firm limit where it gives `firmMW`. Checked only where the firm limit
 * is below the site limit: otherwise the site budget already says it (one
 * cause, one violation).
 */
import { budget, reserveText, wants, withGeneration, type Budget, type BudgetContext, type Load } from "./budget";
import { substationFacilityMW } from "./site";

/** True when `firm` is below `site` by more than rounding. */
const below = (firm: number, site: number) => firm < site - Math.abs(site) * 1e-9;

export function firmBudgets(c: BudgetContext): Budget[] {
  const { state } = c;
  const g = state.grid;
  const out: Budget[] = [];
  if (below(state.firmLimitMW, state.siteLimitMW)) {
    const firmGen = state.generation.filter((x) => x.firm);
    out.push(
      budget({ kind: "firm", subject: "firm", unit: "MW", used: c.firmFacilityMW, limit: state.firmLimitMW, basis: `${withGeneration("firm", g.firmMW, firmGen)}${reserveText(g.reservePercent)}` }),
    );
  }
  for (const s of state.substations) {
    if (!wants(c, s.substation.name) || !s.inService || s.firmLimitMW === undefined || s.limitMW === undefined || !below(s.firmLimitMW, s.limitMW)) continue;
    const name = s.substation.name;
    const gens = state.generation.filter((x) => x.substation === name && x.firm);
    out.push(
      budget({
        kind: "firm",
        subject: name,
        substation: name,
        unit: "MW",
        used: substationFacilityMW(c, name, true),
        limit: s.firmLimitMW,
        basis: `${withGeneration("firm", s.substation.firmMW as number, gens)}${reserveText(g.reservePercent)}`,
      }),
    );
  }
  return out;
}

/** Per unit of IT power (kW) of a load, the MW it adds to a firm budget. */
export function firmPerKW(l: Load, b: Budget): number {
  if (l.curtailable) return 0;
  if (b.substation !== undefined && l.substation !== b.substation) return 0;
  return l.pue / 1000;
}
