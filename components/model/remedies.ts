/**
 * What a broken budget means and what would fix it, in words a site
 * engineer can act on: the moment, what was found, the limit, and the
 * smallest change that makes it fit (nodes to remove, a power cap, miners to
 * retire, nodes per rack).
 *
 * Pure: no Pulumi here.
 */
import { loadDrawsOn, nodeKW, perKW, rackKW, type Budget, type Load, type Scenario } from "./envelope";
import type { GpuPool, Site } from "./site";

/** A quantity in its unit, as every repower report writes it: MW to 2 decimals, kW to 1. */
export function quantity(value: number, unit: "MW" | "kW"): string {
  return `${value.toFixed(unit === "MW" ? 2 : 1)} ${unit}`;
}
const fmt = quantity;

/** "phase phase-2" or "the transient into phase-2 (phase-1's miners beside phase-2's GPUs)". */
export function momentName(s: Scenario): string {
  if (!s.transient) return `phase ${s.phase}`;
  const from = s.from === "before-rollout" ? "the fleet before the rollout" : `${s.from}'s miners`;
  return `the transient into ${s.phase} (${from} beside ${s.phase}'s GPUs)`;
}

/**
 * The moment a message written with `momentName` speaks of: the inverse of
 * it, kept beside it so that the two change together.
 */
export function momentOf(message: string): { phase: string; transient: boolean } | undefined {
  const t = /^the transient into (\S+) /.exec(message);
  if (t) return { phase: t[1], transient: true };
  const p = /^phase (\S+?):/.exec(message);
  return p ? { phase: p[1], transient: false } : undefined;
}

/** What the budget is, for a sentence (its basis says where the limit comes from, and when out-of-service equipment is in service). */
export function budgetName(_site: Site, b: Budget): string {
  const basis = ` (${b.basis})`;
  switch (b.kind) {
    case "site":
      return b.substation !== undefined ? `substation ${b.substation}'s limit ${fmt(b.limit, "MW")}${basis}` : `the site limit ${fmt(b.limit, "MW")}${basis}`;
    case "firm":
      return b.substation !== undefined ? `substation ${b.substation}'s firm limit ${fmt(b.limit, "MW")}${basis}` : `the firm limit ${fmt(b.limit, "MW")}${basis}`;
    case "transformer":
      return b.substation !== undefined ? `substation ${b.substation}'s transformers' ${fmt(b.limit, "MW")}${basis}` : `the transformers' ${fmt(b.limit, "MW")}${basis}`;
    case "feed":
      return `feed ${b.subject}'s continuous capacity ${fmt(b.limit, "kW")}${b.outOfService ? basis : ""}`;
    case "cooling":
      return `zone ${b.subject}'s usable ${b.part !== undefined ? `${b.part} ` : ""}cooling ${fmt(b.limit, "MW")}${b.outOfService ? basis : ""}`;
    case "rack":
      return `its zone's ${fmt(b.limit, "kW")} a rack`;
  }
}

/** What was found, for a sentence. */
export function usedName(b: Budget): string {
  switch (b.kind) {
    case "site":
      return b.substation !== undefined ? `facility power of substation ${b.substation}'s zones ${fmt(b.used, "MW")}` : `facility power ${fmt(b.used, "MW")}`;
    case "firm":
      return b.substation !== undefined ? `firm (not curtailable) power of substation ${b.substation}'s zones ${fmt(b.used, "MW")}` : `firm (not curtailable) power ${fmt(b.used, "MW")}`;
    case "transformer":
      return b.substation !== undefined ? `facility power ${fmt(b.used, "MW")} through substation ${b.substation}'s transformers` : `facility power ${fmt(b.used, "MW")} through the transformers`;
    case "feed":
      return `IT load on feed ${b.subject} ${fmt(b.used, "kW")}`;
    case "cooling":
      return `${b.part !== undefined ? `${b.part} ` : ""}heat in zone ${b.subject} ${fmt(b.used, "MW")}`;
    case "rack":
      return `a full rack of pool ${b.subject} at ${fmt(b.used, "kW")}`;
  }
}

/** How much one unit of a load adds to a budget, in the budget's unit. */
function perUnit(load: Load, b: Budget): number {
  return load.count > 0 ? (load.itKW / load.count) * perKW(load, b) : 0;
}

/**
 * The highest per-GPU cap, within the SKU's range, that takes `excess` off,
 * when lowering the cap by 1 W takes `perWatt` off (same unit as `excess`).
 */
function capToFit(pool: GpuPool, excess: number, perWatt: number): number | undefined {
  const s = pool.system;
  const current = pool.powerCapWatts ?? s.gpuTdpW.value;
  if (perWatt <= 0) return undefined;
  const cap = current - Math.ceil(excess / perWatt - 1e-9);
  return cap >= s.powerCapMinW.value && cap < current ? cap : undefined;
}

/** The fixes for one broken budget at one moment, as sentences (most direct first). */
export function remedies(site: Site, scenario: Scenario, loads: readonly Load[], b: Budget): string[] {
  const out: string[] = [];
  if (b.kind === "rack") {
    const pool = site.gpuPools.find((p) => p.name === b.subject) as GpuPool;
    const perNode = nodeKW(pool);
    const fit = perNode > 0 ? Math.floor(b.limit / perNode) : 0;
    if (fit >= 1 && fit < pool.nodesPerRack) out.push(`set nodesPerRack of ${pool.name} to ${fit} (from ${pool.nodesPerRack})`);
    // 1 W off the cap takes gpusPerNode W off each node of the rack.
    const cap = capToFit(pool, rackKW(pool) - b.limit, (pool.nodesPerRack * pool.system.gpusPerNode.value) / 1000);
    if (cap !== undefined) out.push(`cap ${pool.name} at ${cap} W per GPU`);
    if (b.limit === 0) out.push(`give zone ${pool.coolingZone} a maxRackKW once it is retrofitted for GPU racks`);
    else out.push(`move ${pool.name} to a zone whose cooling takes denser racks`);
    return out;
  }
  const excess = b.used - b.limit;
  const contributors = loads.filter((l) => l.count > 0 && loadDrawsOn(l, b)).sort((x, y) => perUnit(y, b) * y.count - perUnit(x, b) * x.count);
  for (const load of contributors) {
    const per = perUnit(load, b);
    if (per <= 0) continue;
    const n = Math.ceil(excess / per - 1e-9);
    if (load.kind === "gpu") {
      if (n <= load.count) out.push(`remove ${n} node${n === 1 ? "" : "s"} of ${load.name} (${load.count} → ${load.count - n})`);
      const pool = site.gpuPools.find((p) => p.name === load.name) as GpuPool;
      // 1 W off the cap takes gpusPerNode W of IT power off each of the pool's nodes.
      const cap = capToFit(pool, excess, ((load.count * pool.system.gpusPerNode.value) / 1000) * perKW(load, b));
      if (cap !== undefined) out.push(`cap ${load.name} at ${cap} W per GPU`);
    } else if (load.kind === "it") {
      // An itLoad's count is MW: lower it by the excess, rounded up to the kW.
      const mw = Math.ceil((excess / per) * 1000 - 1e-6) / 1000;
      if (mw <= load.count) out.push(`lower itLoad ${load.name} by ${mw} MW (${load.count} → ${+(load.count - mw).toFixed(3)} MW)`);
    } else if (n <= load.count) {
      out.push(`run ${n} fewer miners of ${load.name} (${load.count} → ${load.count - n})`);
    }
    if (out.length >= 3) break;
  }
  if (scenario.transient) out.push("or set overlap: false so that the retirements finish before the GPUs draw power");
  return out;
}

/** One sentence: the moment, what was found, the limit, and what would fix it. */
export function violationMessage(site: Site, scenario: Scenario, loads: readonly Load[], b: Budget): string {
  const fixes = remedies(site, scenario, loads, b);
  const over = b.kind === "rack" ? "" : ` by ${fmt(b.used - b.limit, b.unit)}`;
  const fix = fixes.length > 0 ? ` To fit: ${fixes.join("; or ")}.` : "";
  return `${momentName(scenario)}: ${usedName(b)} is over ${budgetName(site, b)}${over}.${fix}`;
}
