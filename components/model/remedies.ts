/**
 * What a broken budget means and what would fix it, in words a site
 * engineer can act on: the moment, what was found, the limit, and the
 * smallest change that makes it fit (nodes to remove, a power cap, miners to
 * retire, nodes per rack, a zone to move to, no overlap).
 *
 * A remedy is a claim, so each is found by re-evaluating the moment with the
 * change (not by a formula that could drift from the arithmetic) and carries
 * the spec edits it stands for (`changes`; `applyChanges` makes them). It
 * never proposes what the spec forbids: a cap outside the SKU's range or
 * above its TDP, a rack-scale system's `nodesPerRack`, a rack-scale pool in
 * partial racks, more miners than the fleet, retiring the fleet before the
 * rollout, anything about a cloud pool. In a transient each load runs at the
 * larger of its two phases' counts, so the edit lowers the larger side (the
 * miners already in the phase before). Where no lever alone closes the gap,
 * the first remedy says so and combines them: miners first, then nodes, or
 * the same miners and a cap.
 *
 * Pure: no Pulumi here.
 */
import { BEFORE_ROLLOUT, evaluate, siteEnvelope, type Budget, type Envelope, type Load, type Scenario } from "./envelope";
import { effectiveCapW } from "./power";
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

/** What the budget is, for a sentence. */
export function budgetName(site: Site, b: Budget): string {
  const g = site.grid;
  const reserve = g.reservePercent > 0 ? ` less ${g.reservePercent} % reserve` : "";
  // v2: a substation's own budget, a part of a zone's heat, or equipment out of service says its own basis.
  const basis = b.basis ? ` (${b.basis})` : "";
  const sub = b.substation !== undefined ? `substation ${b.substation}'s ` : undefined;
  switch (b.kind) {
    case "site":
      if (sub !== undefined) return `${sub}limit ${fmt(b.limit, "MW")}${basis}`;
      return `the site limit ${fmt(b.limit, "MW")} (interconnect ${g.interconnectMW} MW${reserve})`;
    case "firm":
      if (sub !== undefined) return `${sub}firm limit ${fmt(b.limit, "MW")}${basis}`;
      return `the firm limit ${fmt(b.limit, "MW")} (firm ${g.firmMW} MW${reserve})`;
    case "transformer":
      if (sub !== undefined) return `${sub}transformers' ${fmt(b.limit, "MW")}${basis}`;
      return `the transformers' ${fmt(b.limit, "MW")} (spares held back)`;
    case "feed":
      return `feed ${b.subject}'s continuous capacity ${fmt(b.limit, "kW")}${b.outOfService ? basis : ""}`;
    case "cooling":
      return `zone ${b.subject}'s usable ${b.part !== undefined ? `${b.part} ` : ""}cooling ${fmt(b.limit, "MW")}${b.outOfService || b.part !== undefined ? basis : ""}`;
    case "rack":
      return `its zone's ${fmt(b.limit, "kW")} a rack`;
  }
}

/** What was found, for a sentence. */
export function usedName(b: Budget): string {
  const of = b.substation !== undefined ? ` of substation ${b.substation}'s zones` : "";
  switch (b.kind) {
    case "site":
      return `facility power${of} ${fmt(b.used, "MW")}`;
    case "firm":
      return `firm (not curtailable) power${of} ${fmt(b.used, "MW")}`;
    case "transformer":
      return `facility power ${fmt(b.used, "MW")} through ${b.substation !== undefined ? `substation ${b.substation}'s` : "the"} transformers`;
    case "feed":
      return `IT load on feed ${b.subject} ${fmt(b.used, "kW")}`;
    case "cooling":
      return `${b.part !== undefined ? `${b.part} ` : ""}heat in zone ${b.subject} ${fmt(b.used, "MW")}`;
    case "rack":
      return `a full rack of pool ${b.subject} at ${fmt(b.used, "kW")}`;
  }
}

// ---------------------------------------------------------------- remedies

/** One edit of `repower:site` that a remedy makes (see {@link applyChanges}). */
export type SpecChange =
  /** `rollout.phases[phase].gpu[pool] = to`. */
  | { kind: "nodes"; pool: string; phase: string; from: number; to: number }
  /** `rollout.phases[phase].mining[block] = to`. */
  | { kind: "miners"; block: string; phase: string; from: number; to: number }
  /** `gpuPools[pool].powerCapWatts = watts` (within the SKU's range, at most its TDP). */
  | { kind: "cap"; pool: string; watts: number }
  /** `gpuPools[pool].nodesPerRack = to` (never for a rack-scale system). */
  | { kind: "nodesPerRack"; pool: string; from: number; to: number }
  /** `gpuPools[pool].coolingZone = to`, or the mining block's. */
  | { kind: "zone"; load: "gpu" | "mining"; name: string; from: string; to: string }
  /** `rollout.phases[phase].it[itLoad] = to` (MW). */
  | { kind: "it"; itLoad: string; phase: string; from: number; to: number }
  /** The transient into `phase` is not run: `overlap: false` (the phase's own where it sets one, else the rollout's). */
  | { kind: "noOverlap"; phase: string };

/** A fix: the sentence, and the spec edits it stands for. */
export interface Remedy {
  text: string;
  /** The edits that make the budget fit, all together; empty for advice that is no edit of the spec (a zone to add). */
  changes: SpecChange[];
}

/** A budget as `--json` carries it (contract, "Offline preview"). */
export interface BudgetDetail {
  kind: string;
  name: string;
  used: number;
  limit: number;
  unit: "MW" | "kW";
  /** The liquid or air part of a direct-to-chip zone's heat. */
  part?: string;
}

const round6 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);
type BudgetExtras = { part?: string; substation?: string };

/** The budget of a violation, in the contract's JSON shape. */
export function budgetDetail(b: Budget): BudgetDetail {
  const { part } = b as Budget & BudgetExtras;
  return { kind: b.kind, name: b.subject, used: round6(b.used), limit: round6(b.limit), unit: b.unit, ...(part !== undefined ? { part } : {}) };
}

/** Identifies one budget across evaluations of the same moment. */
function budgetKey(b: Budget): string {
  const x = b as Budget & BudgetExtras;
  return `${b.kind}|${b.subject}|${x.part ?? ""}|${x.substation ?? ""}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What a trial changes: counts at the moment (effective, after the transient's max), and pool settings. */
interface Trial {
  gpu: Record<string, number>;
  mining: Record<string, number>;
  caps: Record<string, number>;
  nodesPerRack: Record<string, number>;
  zones: Record<string, string>;
  /** itLoads' MW at the moment. */
  it?: Record<string, number>;
}
const emptyTrial = (): Trial => ({ gpu: {}, mining: {}, caps: {}, nodesPerRack: {}, zones: {} });

/** The budget `b` at the moment with the trial's changes; undefined when it no longer applies (nothing runs against it). */
function budgetAfter(site: Site, scenario: Scenario, b: Budget, t: Trial): Budget | undefined {
  const pools = Object.keys(t.caps).length + Object.keys(t.nodesPerRack).length + Object.keys(t.zones).length > 0;
  const s: Site = pools
    ? {
        ...site,
        gpuPools: site.gpuPools.map((p) => {
          const q = { ...p };
          if (t.caps[p.name] !== undefined) q.powerCapWatts = t.caps[p.name];
          if (t.nodesPerRack[p.name] !== undefined) q.nodesPerRack = t.nodesPerRack[p.name];
          if (t.zones[p.name] !== undefined) q.coolingZone = t.zones[p.name];
          return q;
        }),
      }
    : site;
  const sc: Scenario = { ...scenario, gpu: { ...scenario.gpu, ...t.gpu }, mining: { ...scenario.mining, ...t.mining }, it: { ...(scenario.it ?? {}), ...(t.it ?? {}) } };
  return evaluate(s, sc).budgets.find((x) => budgetKey(x) === budgetKey(b));
}
const fitsWith = (site: Site, scenario: Scenario, b: Budget, t: Trial) => budgetAfter(site, scenario, b, t)?.ok ?? true;

/**
 * A count that can be lowered to help: which phase's count changes, from what,
 * down to what at most (a transient runs each load at the larger of its two
 * phases' counts, so only the larger side helps, and only down to the other),
 * in steps of whole racks for a rack-scale pool.
 */
interface CountLever {
  load: "gpu" | "mining";
  name: string;
  /** The phase whose count is edited. */
  phase: string;
  from: number;
  /** The lowest useful count of that phase. */
  floor: number;
  step: number;
  /** The count the moment runs when the edited phase has `to`. */
  effective(to: number): number;
}

function phaseCounts(site: Site, name: string | undefined): { name: string; mining: Readonly<Record<string, number>>; gpu: Readonly<Record<string, number>> } | undefined {
  return site.rollout.phases.find((p) => p.name === name);
}

function countLever(site: Site, scenario: Scenario, load: "gpu" | "mining", name: string): CountLever | undefined {
  const step = load === "gpu" ? rackStep(site, name) : 1;
  const here = phaseCounts(site, scenario.phase);
  if (here === undefined) return undefined;
  const cur = here[load][name] ?? 0;
  if (!scenario.transient) return cur > 0 ? { load, name, phase: scenario.phase, from: cur, floor: 0, step, effective: (to) => to } : undefined;
  const before = phaseCounts(site, scenario.from);
  // Before the rollout: the fleet's units, no nodes.
  const prev = before !== undefined ? (before[load][name] ?? 0) : load === "mining" ? (site.mining.find((m) => m.name === name)?.units ?? 0) : 0;
  if (cur > prev) return { load, name, phase: scenario.phase, from: cur, floor: prev, step, effective: (to) => Math.max(prev, to) };
  // The phase before sets the count: retire earlier (not possible before the rollout).
  if (prev > cur && before !== undefined) return { load, name, phase: before.name, from: prev, floor: cur, step, effective: (to) => Math.max(to, cur) };
  return undefined;
}

function rackStep(site: Site, pool: string): number {
  const p = site.gpuPools.find((x) => x.name === pool);
  return p !== undefined && (p.system as { rackScale?: boolean }).rackScale === true ? p.nodesPerRack : 1;
}

/** The smallest cut of a lever (largest remaining count) with which `b` fits, given the rest of the trial; undefined when even the floor does not fit. */
function leastCut(site: Site, scenario: Scenario, b: Budget, base: Trial, lv: CountLever): number | undefined {
  const at = (to: number): Trial => ({ ...base, [lv.load]: { ...base[lv.load], [lv.name]: lv.effective(to) } });
  // Candidate counts: floor, floor + step, …, from (from itself is where we are).
  const steps = Math.floor((lv.from - lv.floor) / lv.step);
  const value = (i: number) => lv.floor + i * lv.step;
  if (!fitsWith(site, scenario, b, at(value(0)))) return undefined;
  let lo = 0;
  let hi = steps; // value(lo) fits; find the largest i that fits
  if (fitsWith(site, scenario, b, at(value(hi)))) return value(hi);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fitsWith(site, scenario, b, at(value(mid)))) lo = mid;
    else hi = mid;
  }
  return value(lo);
}

/** The highest cap within the SKU's range and below the cap counted now with which `b` fits; undefined when none does. */
function highestCap(site: Site, scenario: Scenario, b: Budget, base: Trial, pool: GpuPool): number | undefined {
  const s = pool.system;
  const lowest = s.powerCapMinW.value;
  const now = effectiveCapW({ system: s, powerCapWatts: base.caps[pool.name] ?? pool.powerCapWatts });
  if (now - 1 < lowest) return undefined;
  const at = (w: number): Trial => ({ ...base, caps: { ...base.caps, [pool.name]: w } });
  if (!fitsWith(site, scenario, b, at(lowest))) return undefined;
  let lo = lowest;
  let hi = now - 1;
  if (fitsWith(site, scenario, b, at(hi))) return hi;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fitsWith(site, scenario, b, at(mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}

function countChange(lv: CountLever, to: number): SpecChange {
  return lv.load === "gpu" ? { kind: "nodes", pool: lv.name, phase: lv.phase, from: lv.from, to } : { kind: "miners", block: lv.name, phase: lv.phase, from: lv.from, to };
}

function countText(scenario: Scenario, lv: CountLever, to: number): string {
  const n = lv.from - to;
  const where = lv.phase === scenario.phase ? (scenario.transient ? ` in ${lv.phase}` : "") : ` already in ${lv.phase}`;
  if (lv.load === "gpu") {
    const racks = lv.step > 1 ? `, ${plural(n / lv.step, "whole rack")}` : "";
    return `remove ${plural(n, "node")} of ${lv.name}${where} (${lv.from} → ${to}${racks})`;
  }
  return `run ${n} fewer miners of ${lv.name}${where} (${lv.from} → ${to})`;
}
const capText = (pool: string, w: number) => `cap ${pool} at ${w} W per GPU`;

/** The fixes for one broken power or cooling budget (not rack density). */
function sumRemedies(site: Site, scenario: Scenario, loads: readonly Load[], b: Budget): Remedy[] {
  const out: Remedy[] = [];
  // Loads that draw on the budget, largest share first: lowering them to their floor lowers it.
  const levers: { lv: CountLever; share: number }[] = [];
  for (const l of loads) {
    if (l.kind !== "gpu" && l.kind !== "mining") continue; // an itLoad is contracted IT, not a lever
    if (l.count <= 0) continue;
    const lv = countLever(site, scenario, l.kind, l.name);
    if (lv === undefined) continue;
    const after = budgetAfter(site, scenario, b, { ...emptyTrial(), [l.kind]: { [l.name]: lv.effective(lv.floor) } });
    const share = b.used - (after?.used ?? 0);
    if (share > 1e-12) levers.push({ lv, share });
  }
  levers.sort((x, y) => y.share - x.share || x.lv.name.localeCompare(y.lv.name));
  const pools = levers.filter((x) => x.lv.load === "gpu").map((x) => site.gpuPools.find((p) => p.name === x.lv.name) as GpuPool);

  // One lever alone.
  for (const { lv } of levers) {
    const to = leastCut(site, scenario, b, emptyTrial(), lv);
    if (to !== undefined) out.push({ text: countText(scenario, lv, to), changes: [countChange(lv, to)] });
  }
  for (const pool of pools) {
    const w = highestCap(site, scenario, b, emptyTrial(), pool);
    if (w !== undefined) out.push({ text: capText(pool.name, w), changes: [{ kind: "cap", pool: pool.name, watts: w }] });
  }
  // An itLoad on the budget: lower its MW (to the kW) at this moment.
  for (const l of loads) {
    if (l.kind !== "it" || l.count <= 0) continue;
    const r = itLoadRemedy(site, scenario, b, l.name);
    if (r !== undefined) out.push(r);
  }

  // No lever alone: miners first (retired fully, largest first, the last only as far as needed), then nodes; or the same miners and a cap.
  if (out.length === 0 && levers.length > 0) {
    const miners = levers.filter((x) => x.lv.load === "mining").map((x) => x.lv);
    const gpus = levers.filter((x) => x.lv.load === "gpu").map((x) => x.lv);
    const combine = (withCaps: boolean): Remedy | undefined => {
      const trial = emptyTrial();
      const changes: SpecChange[] = [];
      const texts: string[] = [];
      const take = (lv: CountLever): boolean => {
        const to = leastCut(site, scenario, b, trial, lv);
        const t = to ?? lv.floor;
        trial[lv.load][lv.name] = lv.effective(t);
        changes.push(countChange(lv, t));
        texts.push(countText(scenario, lv, t));
        return to !== undefined;
      };
      for (const lv of miners) if (take(lv)) return { text: texts.join(" and "), changes };
      if (withCaps) {
        for (const pool of pools) {
          const w = highestCap(site, scenario, b, trial, pool) ?? pool.system.powerCapMinW.value;
          if (w >= effectiveCapW(pool)) continue;
          trial.caps[pool.name] = w;
          changes.push({ kind: "cap", pool: pool.name, watts: w });
          texts.push(capText(pool.name, w));
          if (fitsWith(site, scenario, b, trial)) return { text: texts.join(" and "), changes };
        }
      }
      for (const lv of gpus) if (take(lv)) return { text: texts.join(" and "), changes };
      return undefined;
    };
    const a = combine(false);
    const c = pools.length > 0 ? combine(true) : undefined;
    const combos = [a, c].filter((r): r is Remedy => r !== undefined);
    const unique = combos.filter((r, i) => combos.findIndex((x) => x.text === r.text) === i);
    unique.forEach((r, i) => out.push({ text: i === 0 ? `no single change is enough: ${r.text}` : r.text, changes: r.changes }));
    if (unique.length === 0) {
      out.push({ text: `no change of counts or caps at this moment is enough: raise the limit (${budgetName(site, b)})`, changes: [] });
    }
  }

  if (scenario.transient) {
    const from = scenario.from === BEFORE_ROLLOUT ? "the fleet is retired" : `${scenario.from}'s retirements finish`;
    out.push({ text: `set overlap: false so that ${from} before ${scenario.phase}'s GPUs draw power`, changes: [{ kind: "noOverlap", phase: scenario.phase }] });
  }
  return out;
}

/** MW to 3 decimals (1 kW), without trailing zeros. */
const mwText = (x: number) => String(Number(x.toFixed(3)));

/**
 * "lower itLoad X by N MW (a → b MW)": the smallest cut, in whole kW, of the
 * itLoad's MW set by this phase with which `b` fits (in a transient, only
 * down to the phase before's MW); undefined when it does not draw on `b` or
 * no cut is enough.
 */
function itLoadRemedy(site: Site, scenario: Scenario, b: Budget, name: string): Remedy | undefined {
  const here = site.rollout.phases.find((p) => p.name === scenario.phase) as { it?: Readonly<Record<string, number>> } | undefined;
  const from = here?.it?.[name];
  if (from === undefined || from <= 0) return undefined;
  const before = scenario.transient ? (site.rollout.phases.find((p) => p.name === scenario.from) as { it?: Readonly<Record<string, number>> } | undefined) : undefined;
  const floor = before?.it?.[name] ?? 0;
  if (from <= floor) return undefined;
  const kW = (x: number) => Math.round(x * 1000);
  const at = (mwKW: number): Trial => ({ ...emptyTrial(), it: { [name]: Math.max(floor, mwKW / 1000) } });
  const hiKW = kW(from);
  const loKW = Math.ceil(floor * 1000 - 1e-9);
  const after = budgetAfter(site, scenario, b, at(loKW));
  // Not on this budget, or not enough even at the floor.
  if (after === undefined || !after.ok || after.used >= b.used - 1e-12) return undefined;
  let lo = loKW; // fits
  let hi = hiKW; // does not fit
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fitsWith(site, scenario, b, at(mid))) lo = mid;
    else hi = mid;
  }
  const to = lo / 1000;
  return { text: `lower itLoad ${name} by ${mwText(from - to)} MW (${mwText(from)} → ${mwText(to)} MW)`, changes: [{ kind: "it", itLoad: name, phase: scenario.phase, from, to }] };
}

/** The fixes for a pool's rack power over its zone's `maxRackKW`. */
function rackRemedies(site: Site, scenario: Scenario, b: Budget): Remedy[] {
  const pool = site.gpuPools.find((p) => p.name === b.subject) as GpuPool;
  const out: Remedy[] = [];
  const rackScale = (pool.system as { rackScale?: boolean }).rackScale === true;
  const fitsNpr = (n: number, w?: number) =>
    fitsWith(site, scenario, b, { ...emptyTrial(), nodesPerRack: { [pool.name]: n }, ...(w !== undefined ? { caps: { [pool.name]: w } } : {}) });
  let npr: number | undefined;
  // A rack-scale system's nodesPerRack is fixed (contract, "Arithmetic").
  if (!rackScale) {
    for (let n = pool.nodesPerRack - 1; n >= 1; n--) {
      if (fitsNpr(n)) {
        npr = n;
        break;
      }
    }
    if (npr !== undefined) out.push({ text: `set nodesPerRack of ${pool.name} to ${npr} (from ${pool.nodesPerRack})`, changes: [{ kind: "nodesPerRack", pool: pool.name, from: pool.nodesPerRack, to: npr }] });
  }
  const w = highestCap(site, scenario, b, emptyTrial(), pool);
  if (w !== undefined) out.push({ text: capText(pool.name, w), changes: [{ kind: "cap", pool: pool.name, watts: w }] });
  if (!rackScale && npr === undefined && w === undefined) {
    // Together: the fewest nodes a rack less, then the highest cap.
    for (let n = pool.nodesPerRack - 1; n >= 1; n--) {
      const cap = highestCap(site, scenario, b, { ...emptyTrial(), nodesPerRack: { [pool.name]: n } }, pool);
      if (cap !== undefined) {
        out.push({
          text: `no single change is enough: set nodesPerRack of ${pool.name} to ${n} (from ${pool.nodesPerRack}) and ${capText(pool.name, cap)}`,
          changes: [
            { kind: "nodesPerRack", pool: pool.name, from: pool.nodesPerRack, to: n },
            { kind: "cap", pool: pool.name, watts: cap },
          ],
        });
        break;
      }
    }
  }
  // Zones whose racks take it, of a type its cooling allows.
  const liquid = (pool.system as { cooling?: string }).cooling === "liquid";
  for (const z of site.coolingZones) {
    if (z.name === pool.coolingZone) continue;
    if (liquid && z.type !== "direct-to-chip" && z.type !== "immersion") continue;
    if (fitsWith(site, scenario, b, { ...emptyTrial(), zones: { [pool.name]: z.name } })) {
      out.push({ text: `move ${pool.name} to zone ${z.name} (${z.type}, ${fmt(z.maxRackKW, "kW")} a rack)`, changes: [{ kind: "zone", load: "gpu", name: pool.name, from: pool.coolingZone as string, to: z.name }] });
    }
  }
  if (out.length === 0) {
    const need = fmt(b.used, "kW");
    out.push({
      text: rackScale
        ? `a ${pool.sku} rack is fixed at ${pool.nodesPerRack} nodes and no cap in range brings it under: move ${pool.name} to a zone that takes ${need} racks (a retrofit is a new zone, in service from its phase)`
        : `move ${pool.name} to a zone that takes ${need} racks (a retrofit is a new zone, in service from its phase)`,
      changes: [],
    });
  }
  return out;
}

/** The fixes for one broken budget at one moment, most direct first, each with the spec edits it stands for. */
export function remedyOptions(site: Site, scenario: Scenario, loads: readonly Load[], b: Budget): Remedy[] {
  return b.kind === "rack" ? rackRemedies(site, scenario, b) : sumRemedies(site, scenario, loads, b);
}

/** The fixes for one broken budget at one moment, as sentences (most direct first). */
export function remedies(site: Site, scenario: Scenario, loads: readonly Load[], b: Budget): string[] {
  return remedyOptions(site, scenario, loads, b).map((r) => r.text);
}

/** One sentence: the moment, what was found, the limit, and what would fix it. */
export function violationMessage(site: Site, scenario: Scenario, loads: readonly Load[], b: Budget): string {
  const fixes = remedies(site, scenario, loads, b);
  const over = b.kind === "rack" ? "" : ` by ${fmt(b.used - b.limit, b.unit)}`;
  const fix = fixes.length > 0 ? ` To fit: ${fixes.join("; or ")}.` : "";
  return `${momentName(scenario)}: ${usedName(b)} is over ${budgetName(site, b)}${over}.${fix}`;
}

/** A broken budget at one moment, as the preview's `--json` carries it. */
export interface BudgetViolation {
  phase: string;
  transient: boolean;
  /** The policy's message (violationMessage). */
  message: string;
  budget: BudgetDetail;
  remedies: string[];
  /** The remedies with the spec edits each stands for. */
  fixes: Remedy[];
}

/** Every broken budget of every moment of the site, with its budget and remedies; the policies' messages are the same sentences. */
export function budgetViolations(site: Site, moments: readonly Envelope[] = siteEnvelope(site)): BudgetViolation[] {
  const out: BudgetViolation[] = [];
  for (const e of moments) {
    for (const b of e.violations) {
      const fixes = remedyOptions(site, e.scenario, e.loads, b);
      out.push({
        phase: e.scenario.phase,
        transient: e.scenario.transient,
        message: violationMessage(site, e.scenario, e.loads, b),
        budget: budgetDetail(b),
        remedies: fixes.map((f) => f.text),
        fixes,
      });
    }
  }
  return out;
}

/**
 * A copy of a `repower:site` value (as written in the stack file) with the
 * changes applied. Throws when a change names a pool, block or phase the
 * spec does not have.
 */
export function applyChanges<T>(spec: T, changes: readonly SpecChange[]): T {
  const s = structuredClone(spec) as any;
  const find = (list: any[] | undefined, name: string, what: string) => {
    const x = (list ?? []).find((e) => e.name === name);
    if (x === undefined) throw new Error(`no ${what} named "${name}" in the spec`);
    return x;
  };
  for (const c of changes) {
    switch (c.kind) {
      case "nodes":
        (find(s.rollout?.phases, c.phase, "phase").gpu ??= {})[c.pool] = c.to;
        break;
      case "miners":
        (find(s.rollout?.phases, c.phase, "phase").mining ??= {})[c.block] = c.to;
        break;
      case "it":
        (find(s.rollout?.phases, c.phase, "phase").it ??= {})[c.itLoad] = c.to;
        break;
      case "cap":
        find(s.gpuPools, c.pool, "GPU pool").powerCapWatts = c.watts;
        break;
      case "nodesPerRack":
        find(s.gpuPools, c.pool, "GPU pool").nodesPerRack = c.to;
        break;
      case "zone":
        find(c.load === "gpu" ? s.gpuPools : s.mining, c.name, c.load === "gpu" ? "GPU pool" : "mining block").coolingZone = c.to;
        break;
      case "noOverlap": {
        // A phase's own overlap overrides the rollout's; where the phase does not set it, the rollout's is set.
        const ph = find(s.rollout?.phases, c.phase, "phase");
        if (ph.overlap !== undefined) ph.overlap = false;
        else s.rollout.overlap = false;
        break;
      }
    }
  }
  return s as T;
}
