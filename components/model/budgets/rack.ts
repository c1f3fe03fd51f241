/**
 * The rack budget (rack-density): a pool's rack power, `nodesPerRack ×
 * nodeKW + rackOverheadKW`, against its zone's `maxRackKW`, at every moment
 * (phase end or transient) where the pool has nodes.
 */
import { rackKW } from "../power";
import { budget, wants, type Budget, type BudgetContext, type Load } from "./budget";

export function rackBudgets(c: BudgetContext): Budget[] {
  const out: Budget[] = [];
  const zones = new Map(c.site.coolingZones.map((z) => [z.name, z]));
  for (const p of c.site.gpuPools) {
    if (p.placement === "cloud" || (c.scenario.gpu[p.name] ?? 0) === 0 || !wants(c, p.name)) continue;
    const z = zones.get(p.coolingZone as string);
    const limit = z ? z.maxRackKW : 0;
    const basis = z === undefined ? "no zone" : `maxRackKW of zone ${z.name} (${z.type})`;
    out.push(budget({ kind: "rack", subject: p.name, unit: "kW", used: rackKW(p), limit, basis }));
  }
  return out;
}

/** Rack power is not a sum over loads: 1 for the pool's own rack budget, 0 otherwise. */
export function rackPerKW(l: Load, b: Budget): number {
  return l.kind === "gpu" && l.name === b.subject ? 1 : 0;
}
