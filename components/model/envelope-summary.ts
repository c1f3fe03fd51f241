/**
 * The envelope per phase as plain, JSON-ready rows: what the envelope
 * ConfigMap publishes, what `repower envelope` and `repower preview` report.
 *
 * Pure: no Pulumi here.
 */
import { firmLimitMW, poolHeadroom, siteEnvelope, siteLimitMW, type Budget, type PoolHeadroom } from "./envelope";
import type { Site } from "./site";

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
}

export interface PhaseRow {
  name: string;
  /** True for the transient into this phase (overlap: true). */
  transient: boolean;
  from?: string;
  active: boolean;
  itMW: number;
  facilityMW: number;
  siteLimitMW: number;
  firmFacilityMW: number;
  firmLimitMW: number;
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

/** Every moment of the rollout as rows. */
export function envelopeRows(site: Site): PhaseRow[] {
  return siteEnvelope(site).map((env): PhaseRow => {
    const s = env.scenario;
    return {
      name: s.phase,
      transient: s.transient,
      ...(s.from !== undefined ? { from: s.from } : {}),
      active: !s.transient && s.phase === site.rollout.activePhase,
      itMW: round(env.itMW) as number,
      facilityMW: round(env.facilityMW) as number,
      siteLimitMW: round(siteLimitMW(site)) as number,
      firmFacilityMW: round(env.firmFacilityMW) as number,
      firmLimitMW: round(firmLimitMW(site)) as number,
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
      })),
      pools: poolHeadroom(site, s),
    };
  });
}
