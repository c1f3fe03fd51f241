/**
 * The envelope of a site per phase as a plain, JSON-ready report, and its
 * rendering for a terminal. Used by `repower envelope` and `repower preview`.
 */
import {
  envelopeRows,
  phaseDiff,
  poolItKW,
  round,
  scenarios,
  type Budget,
  type BudgetRow,
  type LoadedStack,
  type PhaseDiff,
  type PhaseRow,
  type Site,
} from "../components/model";
import { grouped, paint as makePaint, percent, power, visibleLength, type Paint } from "./format";
import { phaseFacts, startText } from "./phase-facts";
import { wrapText } from "./wrap-text";

/** A pool's nodes at a moment, and how many more would fit within every budget. */
export interface PoolRoom {
  pool: string;
  nodes: number;
  /** More nodes that fit; null for cloud pools. */
  moreNodesFit: number | null;
  /** The IT power of those nodes, MW (rack overhead included); null for cloud pools. */
  moreItMW: number | null;
  /** The pool's cooling zone where it is not in service at the moment (no room until it is). */
  zoneNotInService?: string;
}

/** A moment of the report: the model's row, the room per pool, and on a phase's end the load diff against the phase before. */
export type ReportPhase = Omit<PhaseRow, "pools"> & { pools: PoolRoom[]; diff?: PhaseDiff };

const r6 = (v: number) => round(v) as number;

/** The load diff with its MW rounded for JSON (6 decimals, as the rows). */
function roundedDiff(d: PhaseDiff): PhaseDiff {
  return {
    ...d,
    loads: d.loads.map((l) => ({ ...l, fromItMW: r6(l.fromItMW), toItMW: r6(l.toItMW) })),
    mining: d.mining.map((m) => ({ ...m, retiredMW: r6(m.retiredMW), addedMW: r6(m.addedMW) })),
    gpu: d.gpu.map((g) => ({ ...g, addedMW: r6(g.addedMW), removedMW: r6(g.removedMW) })),
    retiredItMW: r6(d.retiredItMW),
    addedItMW: r6(d.addedItMW),
  };
}

export interface EnvelopeReport {
  stack: string;
  site: string;
  file: string;
  activePhase: string;
  phases: ReportPhase[];
}

/** The model's rows per moment, with the power of the room left per pool. */
export function reportPhases(site: Site): ReportPhase[] {
  const moments = scenarios(site);
  return envelopeRows(site).map((row, i) => {
    const s = moments[i];
    return {
      ...row,
      ...(row.transient ? {} : { diff: roundedDiff(phaseDiff(site, row.name)) }),
      pools: row.pools.map((x) => {
        const pool = site.gpuPools.find((p) => p.name === x.pool);
        if (pool === undefined || x.moreNodesFit === null) return { ...x, moreItMW: null };
        const zone = pool.coolingZone;
        if (zone !== undefined && !row.inService.coolingZone.includes(zone)) return { ...x, moreItMW: 0, zoneNotInService: zone };
        const now = s?.gpu[x.pool] ?? x.nodes;
        const more = (poolItKW(pool, now + x.moreNodesFit) - poolItKW(pool, now)) / 1000;
        return { ...x, moreItMW: Math.round(more * 1000) / 1000 };
      }),
    };
  });
}

export function envelopeReport(loaded: LoadedStack): EnvelopeReport {
  const { site } = loaded;
  return { stack: loaded.stack, site: site.name, file: loaded.file, activePhase: site.rollout.activePhase, phases: reportPhases(site) };
}

const LABEL: Record<Budget["kind"], string> = {
  site: "site power",
  firm: "firm power",
  transformer: "transformers",
  feed: "feed",
  cooling: "cooling",
  rack: "rack density",
};

/** Per-substation labels (v2): "substation north", "firm north", "transformers north". */
const SUBSTATION_LABEL: Partial<Record<Budget["kind"], string>> = {
  site: "substation",
  firm: "firm",
  transformer: "transformers",
};

/**
 * "site power", "cooling hall-a", "feed yard-1"; in a v2 site also "substation north",
 * "firm north", "transformers north", "cooling hall-a (air)", and "(offline)" on equipment not in service.
 */
export function budgetLabel(b: Pick<BudgetRow, "kind" | "subject" | "substation" | "part" | "outOfService">): string {
  const label = LABEL[b.kind] ?? b.kind;
  let text: string;
  if (b.substation !== undefined && SUBSTATION_LABEL[b.kind] !== undefined) text = `${SUBSTATION_LABEL[b.kind]} ${b.substation}`;
  else text = b.kind === "site" || b.kind === "firm" || b.kind === "transformer" ? label : `${label} ${b.subject}`;
  if (b.part !== undefined) text += ` (${b.part})`;
  if (b.outOfService) text += " (offline)"; // short: rows must fit 80 columns
  return text;
}

/** A firm budget whose limit is the site limit says nothing the site budget does not (no firm limit was given). */
export function shownBudgets(ph: Pick<PhaseRow, "budgets" | "siteLimitMW" | "firmLimitMW">): BudgetRow[] {
  return ph.budgets.filter((b) => !(b.kind === "firm" && b.ok && ph.firmLimitMW >= ph.siteLimitMW));
}

/** Equipment not in service and carrying nothing: named on one line instead of a row of zeros. */
const idleOffline = (b: BudgetRow) => b.outOfService === true && b.ok && (b.used ?? 0) === 0;

/** The budget rows a phase shows in the terminal: {@link shownBudgets} without idle equipment that is not in service. */
export function tableBudgets(ph: Pick<PhaseRow, "budgets" | "siteLimitMW" | "firmLimitMW">): BudgetRow[] {
  return shownBudgets(ph).filter((b) => !idleOffline(b));
}

/** "substation south, feed hall-b-1, cooling hall-b": equipment not in service at the moment, with nothing on it. */
export function offlineText(ph: Pick<PhaseRow, "budgets" | "changes">): string | undefined {
  // Equipment retired at this phase is named once, under "retired".
  const retired = new Set((ph.changes?.retired ?? []).map((e) => e.name));
  const names = ph.budgets
    .filter((b) => idleOffline(b) && !retired.has(b.substation ?? b.subject))
    .map((b) => budgetLabel({ ...b, outOfService: false }));
  return names.length === 0 ? undefined : [...new Set(names)].join(", ");
}

const usedOf = (b: BudgetRow) => (b.used === null ? "?" : power(b.used, b.unit, b.kind));
const limitOf = (b: BudgetRow) => (b.limit === null ? "?" : power(b.limit, b.unit, b.kind));

function budgetLines(rows: BudgetRow[], indent: string, p: Paint, labelWidth: number): string[] {
  const cells = rows.map((b) => {
    const u = b.utilisationPercent === null ? Infinity : b.utilisationPercent / 100;
    const status = !b.ok ? p.red(p.bold("OVER")) : u > 0.9 ? p.yellow("high") : p.green("ok");
    return [budgetLabel(b), usedOf(b), limitOf(b), percent(u), status, b.binding ? p.bold("◀ binding") : ""];
  });
  const w = [labelWidth, 1, 2, 3].map((i, k) => (k === 0 ? i : Math.max(...cells.map((c) => c[i].length))));
  return cells.map((c) => `${indent}${c[0].padEnd(w[0])}  ${c[1].padStart(w[1])} / ${c[2].padStart(w[2])}  ${c[3].padStart(w[3])}  ${c[4]}${c[5] ? "  " + c[5] : ""}`);
}

/** "h100-a: 512 nodes, room for 1,252 more (≈ 63.86 MW IT)". */
export function roomLine(x: PoolRoom): string {
  if (x.moreNodesFit === null) return `${x.pool}: ${grouped(x.nodes)} node${x.nodes === 1 ? "" : "s"} (cloud, not charged to the site)`;
  const room =
    x.zoneNotInService !== undefined
      ? `no room: ${x.zoneNotInService} is not in service`
      : x.moreNodesFit === 0
        ? "no room for more"
        : `room for ${grouped(x.moreNodesFit)} more (≈ ${grouped(x.moreItMW ?? 0, 2)} MW IT)`;
  return `${x.pool}: ${grouped(x.nodes)} node${x.nodes === 1 ? "" : "s"}, ${room}`;
}

const sameFigures = (a: BudgetRow, b: BudgetRow | undefined) => b !== undefined && a.used === b.used && a.limit === b.limit;

const WIDTH = 80;

/** The envelope per phase as lines of text for a terminal (80 columns): each phase's date, what it changes, its budgets and room. */
export function renderEnvelope(report: EnvelopeReport, p: Paint = makePaint(false)): string {
  const out: string[] = [];
  out.push(p.bold(report.site) + p.dim(`  ${report.file} (stack ${report.stack})`));
  // Transient rows sit two columns further in: their labels count two more.
  const labelWidth = Math.max(12, ...report.phases.flatMap((ph) => tableBudgets(ph).map((b) => budgetLabel(b).length + (ph.transient ? 2 : 0))));
  const ends = report.phases.filter((ph) => !ph.transient);
  for (const [i, ph] of ends.entries()) {
    out.push("");
    const start = startText(ph);
    out.push(p.bold(ph.name) + (start ? `  ${start}` : "") + (ph.active ? "  " + p.bold("[active]") : ""));
    const facts = phaseFacts(ph, i === 0);
    const offline = offlineText(ph);
    if (offline !== undefined) facts.push({ label: "not in service", text: offline });
    const factWidth = Math.max(...facts.map((f) => f.label.length));
    for (const f of facts) out.push(...wrapText(f.text, `  ${p.dim(f.label.padEnd(factWidth))}  `, WIDTH, " ".repeat(factWidth + 4)));
    const rows = tableBudgets(ph);
    out.push(...budgetLines(rows, "  ", p, labelWidth));
    for (const x of ph.pools) out.push(p.dim(`  ${roomLine(x)}`));
    const tr = report.phases.find((t) => t.transient && t.name === ph.name);
    if (tr) {
      const key = (b: BudgetRow) => `${b.kind}/${b.subject}`;
      const end = new Map(ph.budgets.map((b) => [key(b), b]));
      const differ = tableBudgets(tr).filter((b) => !sameFigures(b, end.get(key(b))) || !b.ok);
      const from = tr.from === "before-rollout" || tr.from === undefined ? "the fleet before the rollout still runs" : `${tr.from}'s miners still run`;
      if (differ.length === 0) out.push(p.dim(`  → transient into ${ph.name}: within the figures above`));
      else {
        out.push(`  → transient into ${ph.name}, while ${from}:`);
        out.push(...budgetLines(differ, "    ", p, labelWidth - 2));
      }
    }
  }
  return out.join("\n");
}

/** Budgets broken per moment, as "phase-2, → phase-3". */
function brokenMoments(report: EnvelopeReport): string[] {
  return report.phases.filter((ph) => ph.budgets.some((b) => !b.ok)).map((ph) => (ph.transient ? `transient into ${ph.name}` : ph.name));
}

/** `repower envelope`: the envelope, then a verdict line. */
export function renderEnvelopeCommand(report: EnvelopeReport, p: Paint = makePaint(false)): string {
  const broken = brokenMoments(report);
  const count = report.phases.reduce((n, ph) => n + ph.budgets.filter((b) => !b.ok).length, 0);
  const ends = report.phases.filter((ph) => !ph.transient).length;
  const transients = report.phases.length - ends;
  const moments = `${ends} phase${ends === 1 ? "" : "s"}${transients ? ` and ${transients} transient${transients === 1 ? "" : "s"}` : ""}`;
  const verdict =
    broken.length === 0
      ? p.green(`✓ ${report.stack}: every budget holds in ${moments}`)
      : p.red(`✗ ${report.stack}: ${count} budget${count === 1 ? "" : "s"} broken, in ${broken.join(", ")}`);
  return `${renderEnvelope(report, p)}\n\n${verdict}`;
}

export { visibleLength };
