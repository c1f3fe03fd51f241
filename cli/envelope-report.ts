/**
 * The envelope of a site per phase as a plain, JSON-ready report, and its
 * rendering for a terminal. Used by `repower envelope` and `repower preview`.
 */
import { envelopeRows, type Budget, type BudgetRow, type LoadedStack, type PhaseRow } from "../components/model";
import { paint as makePaint, percent, quantity, type Paint } from "./format";

export interface EnvelopeReport {
  stack: string;
  site: string;
  file: string;
  activePhase: string;
  phases: PhaseRow[];
}

export function envelopeReport(loaded: LoadedStack): EnvelopeReport {
  const { site } = loaded;
  return { stack: loaded.stack, site: site.name, file: loaded.file, activePhase: site.rollout.activePhase, phases: envelopeRows(site) };
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
