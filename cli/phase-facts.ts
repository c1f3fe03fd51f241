/**
 * What a phase is and what it changes, in words, for the terminal and
 * report.md: its start date, the grid step, the equipment commissioned or
 * retired, the load diff ("retires 24.08 MW of antminer-s19-xp (8,000
 * units), adds 5.22 MW IT in hall-a (h100-a, 512 nodes)"), and the
 * generation in service, and standby sources listed apart (never counted).
 *
 * Budgets in MW, numbers with thousands separators (format.ts). Plain text:
 * the callers add colour or Markdown.
 */
import type { EquipmentKind, GenerationRow, PhaseDiff, PhaseRow } from "../components/model";
import { grouped } from "./format";

/** A figure as entered: whole numbers bare, others with two decimals ("150", "0.80"). */
const num = (v: number) => grouped(v, Number.isInteger(v) ? 0 : 2);
const mw = (v: number) => `${grouped(v, 2)} MW`;
const plural = (n: number, one: string, many = `${one}s`) => `${grouped(n)} ${n === 1 ? one : many}`;

type Facts = Pick<PhaseRow, "name" | "start" | "grid" | "changes" | "generation" | "standby"> & { diff?: PhaseDiff };

/** "from 2026-03-01" where the phase is dated. */
export function startText(ph: Pick<PhaseRow, "start">): string | undefined {
  return ph.start === undefined ? undefined : `from ${ph.start}`;
}

const GRID_FIELD = {
  interconnectMW: (a: string) => `interconnect ${a} MW`,
  firmMW: (a: string) => `firm ${a} MW`,
  reservePercent: (a: string) => `reserve ${a} %`,
  auxMW: (a: string) => `aux ${a} MW`,
} as const;

/**
 * The grid step ("interconnect 150 → 200 MW, firm 60 → 90 MW"); on the first
 * phase with no step, the grid it starts from. A firm figure that only
 * follows the interconnect (no firm limit given) is left out.
 */
export function gridText(ph: Facts, first: boolean): string | undefined {
  const steps = ph.changes?.grid ?? [];
  const icBefore = steps.find((c) => c.field === "interconnectMW")?.from ?? ph.grid.interconnectMW;
  // Firm that equals the interconnect before and after is no firm limit: it only follows.
  const followsOnly = (c: (typeof steps)[number]) => c.field === "firmMW" && c.from >= icBefore && c.to >= ph.grid.interconnectMW;
  const shown = steps.filter((c) => !followsOnly(c));
  if (shown.length > 0) return shown.map((c) => GRID_FIELD[c.field](`${num(c.from)} → ${num(c.to)}`)).join(", ");
  if (!first) return undefined;
  const g = ph.grid;
  const parts = [GRID_FIELD.interconnectMW(num(g.interconnectMW))];
  if (g.firmMW < g.interconnectMW) parts.push(GRID_FIELD.firmMW(num(g.firmMW)));
  if (g.reservePercent > 0) parts.push(GRID_FIELD.reservePercent(num(g.reservePercent)));
  if (g.auxMW > 0) parts.push(GRID_FIELD.auxMW(num(g.auxMW)));
  return parts.join(", ");
}

const KIND_WORD: Record<EquipmentKind, [string, string]> = {
  substation: ["substation", "substations"],
  generation: ["generation", "generation"],
  transformer: ["transformers", "transformers"],
  feed: ["feed", "feeds"],
  coolingZone: ["cooling zone", "cooling zones"],
};

/** A generation source in words: "gas-south 20 MW gas, firm", "solar-1 10 MW solar, not firm". */
export function generationText(g: GenerationRow): string {
  return `${g.name} ${num(g.capacityMW)} MW ${g.type}, ${g.firm ? "firm" : "not firm"}`;
}

/** "substation south; generation gas-south (20 MW gas, firm); feeds hall-b-1, hall-b-2". */
export function equipmentText(list: readonly { kind: EquipmentKind; name: string }[], ph: Pick<PhaseRow, "generation" | "standby">): string | undefined {
  if (list.length === 0) return undefined;
  const gens = new Map([...ph.generation.map((g) => ({ ...g, standby: false })), ...ph.standby.map((g) => ({ ...g, standby: true }))].map((g) => [g.name, g]));
  const parts: string[] = [];
  for (const kind of Object.keys(KIND_WORD) as EquipmentKind[]) {
    const names = list.filter((e) => e.kind === kind).map((e) => {
      const g = kind === "generation" ? gens.get(e.name) : undefined;
      return g === undefined ? e.name : `${e.name} (${num(g.capacityMW)} MW ${g.type}, ${g.standby ? "standby" : g.firm ? "firm" : "not firm"})`;
    });
    if (names.length > 0) parts.push(`${KIND_WORD[kind][names.length === 1 ? 0 : 1]} ${names.join(", ")}`);
  }
  return parts.join("; ");
}

/** The load diff in words; "unchanged" when nothing changes. */
export function loadDiffText(d: PhaseDiff): string {
  const parts: string[] = [];
  for (const m of d.mining) {
    if (m.retiredUnits > 0) parts.push(`retires ${mw(m.retiredMW)} of ${m.model} (${plural(m.retiredUnits, "unit")})`);
    if (m.addedUnits > 0) parts.push(`adds ${mw(m.addedMW)} of ${m.model} (${plural(m.addedUnits, "unit")})`);
  }
  for (const g of d.gpu) {
    const pools = g.pools.join(", ");
    if (g.addedNodes > 0) parts.push(`adds ${mw(g.addedMW)} IT in ${g.zone} (${pools}, ${plural(g.addedNodes, "node")})`);
    if (g.removedNodes > 0) parts.push(`removes ${mw(g.removedMW)} IT in ${g.zone} (${pools}, ${plural(g.removedNodes, "node")})`);
  }
  for (const l of d.it) parts.push(`${l.name} ${grouped(l.fromMW, 2)} → ${mw(l.toMW)} IT`);
  for (const c of d.cloud) parts.push(`${c.pool} ${grouped(c.from)} → ${plural(c.to, "cloud node")} (not charged)`);
  return parts.length === 0 ? "unchanged" : parts.join(", ");
}

/** Generation in service that adds to the limits: "gas-south 20 MW gas, firm". */
export function inServiceGenerationText(ph: Pick<PhaseRow, "generation">): string | undefined {
  return ph.generation.length === 0 ? undefined : ph.generation.map(generationText).join("; ");
}

/** Standby sources in service, never added to a limit: "gensets-north 4 MW diesel (never counted)". */
export function standbyText(ph: Pick<PhaseRow, "standby">): string | undefined {
  return ph.standby.length === 0 ? undefined : `${ph.standby.map((g) => `${g.name} ${num(g.capacityMW)} MW ${g.type}`).join(", ")} (never counted)`;
}

/** A phase's facts as labelled lines, in the order a reader wants them. */
export function phaseFacts(ph: Facts, first: boolean): { label: string; text: string }[] {
  const out: { label: string; text: string }[] = [];
  const add = (label: string, text: string | undefined) => {
    if (text !== undefined) out.push({ label, text });
  };
  add("grid", gridText(ph, first));
  add("commissioned", ph.changes ? equipmentText(ph.changes.commissioned, ph) : undefined);
  add("retired", ph.changes ? equipmentText(ph.changes.retired, ph) : undefined);
  if (ph.diff) add("load", loadDiffText(ph.diff));
  add("generation", inServiceGenerationText(ph));
  add("standby", standbyText(ph));
  return out;
}
