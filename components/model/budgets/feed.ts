/**
 * The feed budget (feed-continuous-load): the IT power of the loads on a
 * feed (a load on two feeds puts its whole IT power on each) against
 * `voltage × amperage × (√3 if three-phase) × maxUtilizationPercent/100 ×
 * powerFactor / 1000` kW; against 0 while the feed is not in service (v2).
 */
import { serviceText, type Feed } from "../site";
import { budget, outOfServiceBasis, wants, type Budget, type BudgetContext, type Load } from "./budget";

/** Continuous real power a feed can carry, kW. */
export function feedCapacityKW(f: Pick<Feed, "voltage" | "amperage" | "phase" | "maxUtilizationPercent" | "powerFactor">): number {
  const phase = f.phase === "three" ? Math.sqrt(3) : 1;
  return (f.voltage * f.amperage * phase * (f.maxUtilizationPercent / 100) * f.powerFactor) / 1000;
}

export function feedBudgets(c: BudgetContext): Budget[] {
  const out: Budget[] = [];
  for (const f of c.site.feeds) {
    if (!wants(c, f.name)) continue;
    const used = c.sums.feed.get(f.name) ?? 0;
    if (c.state.inService("feed", f.name)) {
      const basis = `${f.voltage} V × ${f.amperage} A${f.phase === "three" ? " × √3" : ""} × ${f.maxUtilizationPercent} % × power factor ${f.powerFactor}`;
      out.push(budget({ kind: "feed", subject: f.name, unit: "kW", used, limit: feedCapacityKW(f), basis }));
    } else {
      out.push(budget({ kind: "feed", subject: f.name, unit: "kW", used, limit: 0, outOfService: true, basis: outOfServiceBasis(c.state.phase.name, serviceText(c.site, f)) }));
    }
  }
  return out;
}

/** Per unit of IT power (kW) of a load, the kW it adds to a feed budget. */
export function feedPerKW(l: Load, b: Budget): number {
  return l.feeds.includes(b.subject) ? 1 : 0;
}
