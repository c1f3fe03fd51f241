/**
 * The cooling budget (cooling-capacity): the heat of a zone (the IT power
 * cooled there) against its usable cooling, `capacityMW × (units − spare) /
 * units`. In a direct-to-chip zone with an `air` side (v2) the heat is
 * split: `Σ itKW × liquidFraction` against the zone's usable capacity, `Σ
 * itKW × (1 − liquidFraction)` against the air side's. While the zone is not
 * in service its heat is checked against 0, once (not per part).
 */
import { spareUnits } from "./transformer";
import { serviceText, type CoolingZone } from "../site";
import { budget, outOfServiceBasis, wants, type Budget, type BudgetContext, type Load } from "./budget";

/** Heat a zone (or an air side) can reject with its spare units held back, MW. */
export function usableCoolingMW(z: Pick<CoolingZone, "capacityMW" | "units" | "redundancy">): number {
  return (z.capacityMW * (z.units - spareUnits(z.units, z.redundancy))) / z.units;
}

const redundancyText = (z: Pick<CoolingZone, "capacityMW" | "units" | "redundancy">) =>
  `${z.capacityMW} MW in ${z.units} unit${z.units === 1 ? "" : "s"}, ${z.redundancy}`;

export function coolingBudgets(c: BudgetContext): Budget[] {
  const out: Budget[] = [];
  for (const z of c.site.coolingZones) {
    if (!wants(c, z.name)) continue;
    const sum = c.sums.zone.get(z.name);
    const heat = sum?.itKW ?? 0;
    const liquid = sum?.liquidKW ?? 0;
    if (!c.state.inService("coolingZone", z.name)) {
      out.push(budget({ kind: "cooling", subject: z.name, unit: "MW", used: heat / 1000, limit: 0, outOfService: true, basis: outOfServiceBasis(c.state.phase.name, serviceText(c.site, z)) }));
      continue;
    }
    if (z.air === undefined) {
      out.push(budget({ kind: "cooling", subject: z.name, unit: "MW", used: heat / 1000, limit: usableCoolingMW(z), basis: redundancyText(z) }));
      continue;
    }
    out.push(budget({ kind: "cooling", subject: z.name, part: "liquid", unit: "MW", used: liquid / 1000, limit: usableCoolingMW(z), basis: `liquid side, ${redundancyText(z)}` }));
    out.push(budget({ kind: "cooling", subject: z.name, part: "air", unit: "MW", used: (heat - liquid) / 1000, limit: usableCoolingMW(z.air), basis: `air side, ${redundancyText(z.air)}` }));
  }
  return out;
}

/** Per unit of IT power (kW) of a load, the MW of heat it adds to a cooling budget. */
export function coolingPerKW(l: Load, b: Budget): number {
  if (l.zone !== b.subject) return 0;
  if (b.part === "liquid") return l.liquidFraction / 1000;
  if (b.part === "air") return (1 - l.liquidFraction) / 1000;
  return 1 / 1000;
}
