/**
 * The envelope of a site per phase as a plain, JSON-ready report, and its
 * rendering for a terminal. Used by `repower envelope` and `repower preview`.
 */
import {
  firmLimitMW,
  poolHeadroom,
  siteEnvelope,
  siteLimitMW,
  type Budget,
  type LoadedStack,
} from "../components/model";
import { paint as makePaint, percent, quantity, round, type Paint } from "./format";

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
  pools: { pool: string; nodes: number; moreNodesFit: number | null }[];
}

export interface EnvelopeReport {
  stack: string;
  site: string;
  file: string;
  activePhase: string;
  phases: PhaseRow[];
}

const pct = (u: number) => (Number.isFinite(u) ? round(u * 100, 3) : null);

export function envelopeReport(loaded: LoadedStack): EnvelopeReport {
  const { site } = loaded;
  const phases = siteEnvelope(site).map((env): PhaseRow => {
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
  return { stack: loaded.stack, site: site.name, file: loaded.file, activePhase: site.rollout.activePhase, phases };
}

const LABEL: Record<Budget["kind"], string> = {
  site: "site power",
  firm: "firm power",
  transformer: "transformers",
  feed: "feed",
  cooling: "cooling",
  rack: "rack density",
};

function budgetLabel(b: BudgetRow): string {
  return b.kind === "site" || b.kind === "firm" || b.kind === "transformer" ? LABEL[b.kind] : `${LABEL[b.kind]} ${b.subject}`;
}

/** The envelope per phase as lines of text for a terminal. */
export function renderEnvelope(report: EnvelopeReport, p: Paint = makePaint(false)): string {
  const out: string[] = [];
  out.push(p.bold(`${report.site}`) + p.dim(` (stack ${report.stack}, ${report.file})`));
  for (const ph of report.phases) {
    const title = ph.transient ? `${ph.name} (transient from ${ph.from})` : ph.name;
    out.push("");
    out.push(p.bold(title) + (ph.active ? p.dim("  [active]") : ""));
    const rows = ph.budgets.map((b) => {
      const used = b.used === null ? "?" : quantity(b.used, b.unit);
      const limit = b.limit === null ? "?" : quantity(b.limit, b.unit);
      const u = b.utilisationPercent === null ? Infinity : b.utilisationPercent / 100;
      const status = !b.ok ? p.red("OVER") : u > 0.9 ? p.yellow("high") : p.green("ok");
      return [budgetLabel(b), used, limit, percent(u), status, b.binding ? "◀ binding" : ""];
    });
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) {
      out.push(
        `  ${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])} / ${r[2].padStart(widths[2])}  ${r[3].padStart(widths[3])}  ${r[4]}${r[5] ? "  " + p.bold(r[5]) : ""}`,
      );
    }
    const fit = ph.pools.filter((x) => x.moreNodesFit !== null).map((x) => `${x.pool} ${x.nodes} (+${x.moreNodesFit} fit)`);
    const cloud = ph.pools.filter((x) => x.moreNodesFit === null).map((x) => `${x.pool} ${x.nodes} (cloud)`);
    if (fit.length + cloud.length > 0) out.push(p.dim(`  pools: ${[...fit, ...cloud].join(", ")}`));
  }
  return out.join("\n");
}
