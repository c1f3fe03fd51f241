/**
 * Which cooling a load's hardware needs, and whether its zone gives it
 * (contract, "Policies": `cooling-compatibility`):
 *
 * - a liquid-cooled GPU system needs a direct-to-chip or immersion zone;
 * - a hydro or an immersion miner needs a zone of its own type;
 * - an air-cooled miner cannot run in a hydro zone;
 * - a mining block given by `wattsPerUnit` alone (no catalog model) is not judged.
 *
 * A load is judged at each checked moment (phase end, or transient where
 * overlap holds) where it has a nonzero count, and reported in that phase.
 * The site before the rollout is never a checked moment.
 *
 * Pure: no Pulumi here.
 */
import type { MinerCooling, SystemCooling } from "./catalog";
import { scenarios, type Scenario } from "./envelope";
import { momentName, type Remedy } from "./remedies";
import { COOLING_TYPES, type CoolingType } from "./site-spec";
import type { Site } from "./site";

/** How a piece of hardware is cooled: a GPU system's `cooling`, or a miner's. */
export type HardwareCooling = SystemCooling | MinerCooling;

/** The zone types each kind of hardware may run in, keyed by its cooling. */
export const ACCEPTED_ZONES: {
  readonly gpu: { readonly [c in SystemCooling]: readonly CoolingType[] };
  readonly mining: { readonly [c in MinerCooling]: readonly CoolingType[] };
} = {
  gpu: {
    // An air-cooled system is not judged here (a hydro zone's maxRackKW of 0 is rack-density's).
    air: COOLING_TYPES,
    liquid: ["direct-to-chip", "immersion"],
  },
  mining: {
    air: COOLING_TYPES.filter((t) => t !== "hydro"),
    hydro: ["hydro"],
    immersion: ["immersion"],
  },
};

/** A load whose zone does not give the cooling its hardware needs. */
export interface CoolingMismatch {
  kind: "gpu" | "mining";
  /** The pool or mining block. */
  name: string;
  /** Its catalog id (SKU or miner model). */
  model: string;
  cooling: HardwareCooling;
  zone: string;
  zoneType: CoolingType;
  /** The zone types it may run in. */
  accepts: readonly CoolingType[];
}

/** Every on-site pool and judged mining block whose zone does not fit its hardware, whatever its counts. */
export function coolingMismatches(site: Site): CoolingMismatch[] {
  const zones = new Map(site.coolingZones.map((z) => [z.name, z]));
  const out: CoolingMismatch[] = [];
  for (const p of site.gpuPools) {
    if (p.placement === "cloud" || p.coolingZone === undefined) continue;
    const zone = zones.get(p.coolingZone);
    if (zone === undefined) continue; // an unknown zone is invalid input, reported by validation
    const cooling = p.system.cooling;
    const accepts = ACCEPTED_ZONES.gpu[cooling];
    if (!accepts.includes(zone.type)) out.push({ kind: "gpu", name: p.name, model: p.sku, cooling, zone: zone.name, zoneType: zone.type, accepts });
  }
  for (const m of site.mining) {
    if (m.model === undefined) continue; // given by wattsPerUnit alone: not judged
    const miner = site.catalog.miners[m.model];
    const zone = zones.get(m.coolingZone);
    if (miner === undefined || zone === undefined) continue;
    const cooling = miner.cooling;
    const accepts = ACCEPTED_ZONES.mining[cooling];
    if (!accepts.includes(zone.type)) out.push({ kind: "mining", name: m.name, model: m.model, cooling, zone: zone.name, zoneType: zone.type, accepts });
  }
  return out;
}

/** One mismatch at one checked moment where the load runs. */
export interface CoolingFinding {
  scenario: Scenario;
  mismatch: CoolingMismatch;
  /** Nodes or units running at the moment. */
  count: number;
  /** Zones of the site whose type fits the hardware (where it could move). */
  fittingZones: string[];
}

/** Every mismatch at every checked moment (phase ends, and transients where overlap holds) where the load has a nonzero count. */
export function coolingFindings(site: Site): CoolingFinding[] {
  const mismatches = coolingMismatches(site);
  if (mismatches.length === 0) return [];
  const out: CoolingFinding[] = [];
  for (const s of scenarios(site)) {
    for (const mm of mismatches) {
      const count = (mm.kind === "gpu" ? s.gpu : s.mining)[mm.name] ?? 0;
      if (count <= 0) continue;
      const fittingZones = site.coolingZones.filter((z) => mm.accepts.includes(z.type)).map((z) => z.name);
      out.push({ scenario: s, mismatch: mm, count, fittingZones });
    }
  }
  return out;
}

const NEEDS: { readonly [c in HardwareCooling]: string } = {
  air: "air cooling (not a hydro zone)",
  liquid: "liquid cooling (a direct-to-chip or immersion zone)",
  hydro: "a hydro zone",
  immersion: "an immersion zone",
};


/** What the load is, for a sentence: "pool nvl (gb200-nvl72, liquid-cooled)". */
function loadText(mm: CoolingMismatch): string {
  return `${mm.kind === "gpu" ? "pool" : "mining block"} ${mm.name} (${mm.model}, ${mm.cooling}-cooled)`;
}

/** The fixes for a finding: move the load to a zone that fits it, or (advice, no edit) add one. */
export function coolingRemedies(site: Site, f: CoolingFinding): Remedy[] {
  const mm = f.mismatch;
  const zones = new Map(site.coolingZones.map((z) => [z.name, z]));
  const moves: Remedy[] = f.fittingZones.map((z) => ({
    text: `move ${mm.name} to zone ${z} (${zones.get(z)?.type})`,
    changes: [{ kind: "zone", load: mm.kind, name: mm.name, from: mm.zone, to: z }],
  }));
  if (moves.length > 0) return moves;
  const types = mm.cooling === "air" ? ["air"] : mm.accepts;
  return [{ text: `add a zone of type ${types.join(" or ")} (a retrofit is a new zone, in service from its phase) and move ${mm.name} there`, changes: [] }];
}

/** One sentence: the moment, the load, its zone, what it needs, and the fix. */
export function coolingMessage(site: Site, f: CoolingFinding): string {
  const mm = f.mismatch;
  const count = `${f.count} ${mm.kind === "gpu" ? (f.count === 1 ? "node" : "nodes") : f.count === 1 ? "unit" : "units"}`;
  return (
    `${momentName(f.scenario)}: ${loadText(mm)} runs ${count} in zone ${mm.zone} (${mm.zoneType}); it needs ${NEEDS[mm.cooling]}. ` +
    `To fit: ${coolingRemedies(site, f).map((r) => r.text).join("; or ")}.`
  );
}
