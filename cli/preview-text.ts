/**
 * The preview's terminal report: the envelope per phase, the findings (one
 * per cause, with the phases it hits), and a verdict line with counts; and
 * the one-line-a-stack summary of `--all`. Fits 80 columns.
 */
import { budgetLabel, renderEnvelope } from "./envelope-report";
import { countsLine, groupFindings, type Finding } from "./findings";
import type { Paint } from "./format";
import { wrapText } from "./wrap-text";
import type { StackReport, Violation } from "./preview-report";

export const WIDTH = 80;

/** The message without its moment prefix. */
function withoutMoment(message: string): string {
  return message.replace(/^phase \S+?: /, "").replace(/^the transient into \S+ \([^)]*\): /, "");
}

const firstSentence = (s: string) => /^(.*?\.)(\s|$)/.exec(s)?.[1] ?? s;
const moment = (v: Violation) => (v.transient ? `transient into ${v.phase}` : v.phase);

function renderFinding(f: Finding, p: Paint): string[] {
  const mark = f.enforcementLevel === "mandatory" ? p.red("✗") : p.yellow("!");
  const first = f.violations[0];
  const where = `${first.location.file}:${first.location.line}`;
  const head = `${mark} ${p.bold(f.policy)}  ${f.moments.length === 1 ? "in" : `in ${f.moments.length} moments:`} ${f.moments.join(", ")}`;
  const out = [head, p.dim(`    ${where}  ${first.location.path}`)];
  out.push(...wrapText(first.message, "    ", WIDTH));
  if (f.violations.length > 1) {
    if (f.enforcementLevel === "mandatory") {
      for (const v of f.violations.slice(1)) out.push(...wrapText(`${moment(v)}: ${firstSentence(withoutMoment(v.message))}`, "    · ", WIDTH, "      "));
    } else {
      out.push(...wrapText(`and the same in ${f.violations.slice(1).map(moment).join(", ")}`, "    ", WIDTH));
    }
  }
  return out;
}

/** The text report of one stack: the envelope per phase, the findings, the verdict. */
export function renderStack(r: StackReport, p: Paint): string {
  if (r.error !== undefined) return `${p.bold(r.stack)}: ${p.red(r.status === "invalid" ? "invalid input" : "program error")}\n${r.error}`;
  const out = [renderEnvelope({ stack: r.stack, site: r.site, file: r.file, activePhase: r.activePhase ?? "", phases: r.phases }, p)];
  const findings = groupFindings(r.violations, r.phases);
  if (findings.length > 0) {
    out.push("", p.bold(`findings (${findings.length} cause${findings.length === 1 ? "" : "s"}, ${r.violations.length} violation${r.violations.length === 1 ? "" : "s"})`));
    for (const f of findings) out.push("", ...renderFinding(f, p));
  }
  out.push("", verdictLine(r, p));
  return out.join("\n");
}

/** "✓ red-hills: 0 failed, 0 advisory, 9 passed, 3 not applicable (16 resources)": policies, each counted once. */
export function verdictLine(r: StackReport, p: Paint): string {
  const mand = r.violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const counts = r.policies ? countsLine(r.policies) : `${mand} mandatory violation${mand === 1 ? "" : "s"}`;
  const text = `${r.stack}: ${counts} (${r.resources} resources)`;
  return r.ok ? p.green(`✓ ${text}`) : p.red(`✗ ${text}`);
}

/** `--all`: one line a stack, then each failing stack's findings, then the verdict. */
export function renderSummary(reports: StackReport[], p: Paint): string {
  const out: string[] = [];
  const w = Math.max(5, ...reports.map((r) => r.stack.length));
  for (const r of reports) {
    const active = r.phases.find((x) => x.active);
    const status = r.status === "ok" ? p.green("pass") : r.status === "violations" ? p.red("FAIL") : p.red(r.status === "invalid" ? "INVALID" : "ERROR");
    const binding = active ? `${budgetLabel(active.binding)} ${active.binding.utilisationPercent?.toFixed(1) ?? "∞"} %` : "";
    const counts = r.policies ? p.dim(`  (${r.policies.failed.length} failed, ${r.policies.advisory.length} advisory)`) : "";
    out.push(`${r.stack.padEnd(w)}  ${status}${" ".repeat(Math.max(0, 7 - (r.status === "ok" ? 4 : r.status === "violations" ? 4 : r.status === "invalid" ? 7 : 5)))}  ${binding}${counts}`);
  }
  for (const r of reports) {
    if (r.error !== undefined) out.push("", `${p.bold(r.stack)}: ${r.error}`);
    const findings = groupFindings(
      r.violations.filter((x) => x.enforcementLevel === "mandatory"),
      r.phases,
    );
    for (const f of findings) out.push("", `${p.bold(r.stack)}`, ...renderFinding(f, p));
  }
  const failed = reports.filter((r) => !r.ok).length;
  out.push("", failed === 0 ? p.green(`✓ ${reports.length} stacks: no mandatory policy fails`) : p.red(`✗ ${failed} of ${reports.length} stacks fail`));
  return out.join("\n");
}
