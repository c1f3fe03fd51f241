/**
 * The envelope per moment as plain, JSON-ready rows: what the envelope
 * ConfigMap publishes, what `repower envelope` and `repower preview` report
 * and the chart draws. Each row carries the site as it stands at the moment
 * (v2): the phase's start date, its grid and limits (site, firm, per
 * substation), the generation in service (standby listed apart), and, on a
 * phase's end, what changed against the phase before.
 *
 * Pure: no Pulumi here.
 */
import { policyOf } from "./budgets";
import { poolHeadroom, siteEnvelope, type Budget, type PoolHeadroom } from "./envelope";
import { phaseChanges, type EquipmentKind, type Grid, type PhaseChanges, type Site } from "./site";

export interface BudgetRow {
  kind: Budget["kind"];
  subject: string;
  unit: "MW" | "kW";
  used: number | null;
  limit: number | null;
  /** Percent of the limit used; null when the limit is 0 and something is used. */
  utilisationPercent: number | null;
  ok: boolean;
  binding: boolean;
  /** Where the limit comes from, in words. */
  basis: string;
  /** The policy that reports this budget when it breaks at this moment. */
  policy: string;
  substation?: string;
  part?: "liquid" | "air";
  outOfService?: boolean;
}

/** A substation at a moment: its load and its own limits (null: none of its own). */
export interface SubstationRow {
  name: string;
  inService: boolean;
  facilityMW: number;
  firmFacilityMW: number;
  limitMW: number | null;
  firmLimitMW: number | null;
  generationMW: number;
}

/** A generation source in service at a moment. */
export interface GenerationRow {
  name: string;
  type: string;
  capacityMW: number;
  firm: boolean;
  substation?: string;
}

export interface PhaseRow {
  name: string;
  /** True for the transient into this phase (its overlap holds). */
  transient: boolean;
  from?: string;
  active: boolean;
  /** The phase's start date, YYYY-MM-DD, where given. */
  start?: string;
  /** The phase's grid (after its overrides). */
  grid: Grid;
  itMW: number;
  facilityMW: number;
  siteLimitMW: number;
  firmFacilityMW: number;
  firmLimitMW: number;
  substations: SubstationRow[];
  /** Generation in service that adds to the limits. */
  generation: GenerationRow[];
  /** Standby sources in service: listed, never added to a limit. */
  standby: GenerationRow[];
  /** Equipment in service at the moment, by kind. */
  inService: Record<EquipmentKind, string[]>;
  /** On a phase's end: the grid step and the equipment commissioned or retired against the phase before. */
  changes?: PhaseChanges;
  binding: { kind: Budget["kind"]; subject: string; utilisationPercent: number | null };
  budgets: BudgetRow[];
  pools: PoolHeadroom[];
}

/** Rounds for JSON: finite numbers to `digits` decimals, infinity to null. */
export function round(value: number, digits = 6): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const pct = (u: number) => (Number.isFinite(u) ? round(u * 100, 3) : null);
const r = (v: number) => round(v) as number;

/**
 * The rows of the sites worked out in this process: the same site object
 * (a preview's program and its report share the stack file read once,
 * stack-file.ts) is worked out once. Rows are data; nobody changes them.
 */
const rowsOf = new WeakMap<Site, PhaseRow[]>();

/** Every moment of the rollout as rows. */
export function envelopeRows(site: Site): PhaseRow[] {
  let rows = rowsOf.get(site);
  if (rows === undefined) {
    rows = workOutRows(site);
    rowsOf.set(site, rows);
  }
  return rows;
}

function workOutRows(site: Site): PhaseRow[] {
  return siteEnvelope(site).map((env): PhaseRow => {
    const s = env.scenario;
    const st = env.state;
    const load = new Map(env.substations.map((x) => [x.name, x]));
    const gen = (g: (typeof st.generation)[number]): GenerationRow => ({
      name: g.name,
      type: g.type,
      capacityMW: g.capacityMW,
      firm: g.firm,
      ...(g.substation !== undefined ? { substation: g.substation } : {}),
    });
    return {
      name: s.phase,
      transient: s.transient,
      ...(s.from !== undefined ? { from: s.from } : {}),
      active: !s.transient && s.phase === site.rollout.activePhase,
      ...(st.phase.start !== undefined ? { start: st.phase.start } : {}),
      grid: { ...st.grid },
      itMW: r(env.itMW),
      facilityMW: r(env.facilityMW),
      siteLimitMW: r(st.siteLimitMW),
      firmFacilityMW: r(env.firmFacilityMW),
      firmLimitMW: r(st.firmLimitMW),
      substations: st.substations.map((x) => ({
        name: x.substation.name,
        inService: x.inService,
        facilityMW: r(load.get(x.substation.name)?.facilityMW ?? 0),
        firmFacilityMW: r(load.get(x.substation.name)?.firmFacilityMW ?? 0),
        limitMW: x.limitMW === undefined ? null : r(x.limitMW),
        firmLimitMW: x.firmLimitMW === undefined ? null : r(x.firmLimitMW),
        generationMW: r(x.generationMW),
      })),
      generation: st.generation.map(gen),
      standby: st.standby.map(gen),
      inService: {
        substation: site.substations.filter((x) => st.inService("substation", x.name)).map((x) => x.name),
        generation: site.generation.filter((x) => st.inService("generation", x.name)).map((x) => x.name),
        transformer: st.transformers.map((x) => x.name),
        feed: st.feeds.map((x) => x.name),
        coolingZone: st.coolingZones.map((x) => x.name),
      },
      ...(s.transient ? {} : { changes: phaseChanges(site, s.phase) }),
      binding: { kind: env.binding.kind, subject: env.binding.subject, utilisationPercent: pct(env.binding.utilisation) },
      budgets: env.budgets.map((b) => ({
        kind: b.kind,
        subject: b.subject,
        unit: b.unit,
        used: round(b.used),
        limit: round(b.limit),
        utilisationPercent: pct(b.utilisation),
        ok: b.ok,
        binding: b === env.binding,
        basis: b.basis,
        policy: policyOf(b, s.transient),
        ...(b.substation !== undefined ? { substation: b.substation } : {}),
        ...(b.part !== undefined ? { part: b.part } : {}),
        ...(b.outOfService ? { outOfService: true } : {}),
      })),
      pools: poolHeadroom(site, s, env),
    };
  });
}
