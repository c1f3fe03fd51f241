/**
 * The preview's reports in the formats pull requests read: Markdown (a PR
 * comment), SARIF 2.1.0 (code scanning, located at stack-file lines) and
 * JUnit XML (one test case per policy and phase).
 */
import { budgetLabel, offlineText } from "./envelope-report";
import { phaseFacts, startText } from "./phase-facts";
import { countsLine, groupFindings } from "./findings";
import { grouped } from "./format";
import type { PolicyInfo } from "./policy-client";
import type { StackReport, Violation } from "./preview-report";

const pct = (v: number | null) => (v === null ? "∞" : `${v.toFixed(1)} %`);
const mw = (v: number | null) => (v === null ? "?" : `${grouped(v, 2)} MW`);
const mdEscape = (s: string) => s.replace(/\|/g, "\\|");

/** A pull-request comment for one or more stacks. */
export function markdownReport(reports: readonly StackReport[]): string {
  const out: string[] = [];
  const failed = reports.filter((r) => !r.ok).length;
  out.push(`## repower preview: ${failed === 0 ? "✅ every site within its envelope" : `❌ ${failed} of ${reports.length} site${reports.length === 1 ? "" : "s"} fail`}`);
  out.push("");
  if (reports.length > 1) {
    out.push("| stack | result | binding budget (active phase) | policies |", "|---|---|---|---|");
    for (const r of reports) {
      const active = r.phases.find((p) => p.active);
      const binding = active ? `${budgetLabel(active.binding)} ${pct(active.binding.utilisationPercent)}` : "—";
      out.push(`| ${r.stack} | ${statusWord(r)} | ${binding} | ${r.policies ? countsLine(r.policies) : "—"} |`);
    }
    out.push("");
  }
  for (const r of reports) {
    out.push(`### ${r.stack} — ${statusWord(r)}`);
    out.push("");
    if (r.error !== undefined) {
      out.push("```", r.error, "```", "");
      continue;
    }
    out.push(`Site \`${r.site}\`, active phase \`${r.activePhase}\`, ${grouped(r.resources)} resources checked.${r.policies ? ` Policies: ${countsLine(r.policies)}.` : ""}`, "");
    const firm = r.phases.some((p) => p.firmLimitMW < p.siteLimitMW);
    const dated = r.phases.some((p) => p.start !== undefined);
    out.push(
      `| phase |${dated ? " starts |" : ""} facility | site limit |${firm ? " firm | firm limit |" : ""} binding budget |`,
      `|---|${dated ? "---|" : ""}---:|---:|${firm ? "---:|---:|" : ""}---|`,
    );
    for (const p of r.phases) {
      const name = p.transient ? `→ into ${p.name} (transient)` : p.active ? `**${p.name}** (active)` : p.name;
      const over = p.budgets.some((b) => !b.ok);
      const binding = `${over ? "❌ " : ""}${budgetLabel(p.binding)} ${pct(p.binding.utilisationPercent)}`;
      const start = dated ? ` ${p.transient ? "" : (p.start ?? "")} |` : "";
      out.push(`| ${name} |${start} ${mw(p.facilityMW)} | ${mw(p.siteLimitMW)} |${firm ? ` ${mw(p.firmFacilityMW)} | ${mw(p.firmLimitMW)} |` : ""} ${binding} |`);
    }
    out.push("");
    out.push(...phaseChangesMarkdown(r.phases));
    const findings = groupFindings(r.violations, r.phases);
    const mand = findings.filter((f) => f.enforcementLevel === "mandatory");
    const adv = findings.filter((f) => f.enforcementLevel === "advisory");
    for (const [title, list] of [["Failed", mand], ["Advisories", adv]] as const) {
      if (list.length === 0) continue;
      out.push(`**${title}** (${list.length} cause${list.length === 1 ? "" : "s"})`, "");
      for (const f of list) {
        const v = f.violations[0];
        out.push(`- \`${f.policy}\` in ${f.moments.join(", ")} (${v.location.file}:${v.location.line}): ${mdEscape(v.message)}`);
        for (const w of f.violations.slice(1)) out.push(`  - also ${mdEscape(w.message)}`);
      }
      out.push("");
    }
    if (r.policies && r.policies.notApplicable.length > 0) {
      out.push(`Not applicable here: ${r.policies.notApplicable.map((n) => `\`${n}\``).join(", ")}.`, "");
    }
  }
  return out.join("\n");
}

/** What each phase changes: its date, the grid step, equipment commissioned or retired, the load diff, generation and standby. */
function phaseChangesMarkdown(phases: StackReport["phases"]): string[] {
  const ends = phases.filter((p) => !p.transient);
  if (ends.length === 0) return [];
  const out = ["**What each phase changes**", ""];
  for (const [i, p] of ends.entries()) {
    const start = startText(p);
    const against = p.diff ? ` (against ${p.diff.from === "before-rollout" ? "the site before the rollout" : p.diff.from})` : "";
    out.push(`- **${p.name}**${p.active ? " (active)" : ""}${start ? ` ${start}` : ""}${against}`);
    const facts = phaseFacts(p, i === 0);
    const offline = offlineText(p);
    if (offline !== undefined) facts.push({ label: "not in service", text: offline });
    for (const f of facts) out.push(`  - ${f.label}: ${mdEscape(f.text)}`);
  }
  out.push("");
  return out;
}

function statusWord(r: StackReport): string {
  switch (r.status) {
    case "ok":
      return "✅ pass";
    case "violations":
      return "❌ fails";
    case "invalid":
      return "⛔ invalid input";
    case "error":
      return "⛔ program error";
  }
}

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** A SARIF 2.1.0 log: one run, one result per violation, at the stack file's line. */
export function sarifReport(reports: readonly StackReport[], policies: readonly PolicyInfo[], version: string): Record<string, unknown> {
  const rules = [
    ...policies.map((p) => ({
      id: p.name,
      name: p.name,
      shortDescription: { text: p.description },
      fullDescription: { text: p.description },
      help: { text: p.remediationSteps || p.description },
      defaultConfiguration: { level: p.enforcementLevel === "advisory" ? "warning" : "error" },
      properties: { enforcementLevel: p.enforcementLevel, severity: p.severity },
    })),
    {
      id: "site-spec-invalid",
      name: "site-spec-invalid",
      shortDescription: { text: "The stack's repower:site cannot be read, validated or run." },
      fullDescription: { text: "The stack file is not a valid repower site spec, or the program failed on it." },
      help: { text: "Fix the file at the line given." },
      defaultConfiguration: { level: "error" },
    },
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results: Record<string, unknown>[] = [];
  for (const r of reports) {
    if (r.error !== undefined) {
      const m = /^(.+?):(\d+):(\d+): /m.exec(r.error);
      results.push({
        ruleId: "site-spec-invalid",
        ruleIndex: index.get("site-spec-invalid"),
        level: "error",
        message: { text: r.error },
        locations: [location(r.file, m ? Number(m[2]) : 1, m ? Number(m[3]) : 1)],
      });
      continue;
    }
    for (const v of r.violations) {
      results.push({
        ruleId: v.policy,
        ...(index.has(v.policy) ? { ruleIndex: index.get(v.policy) } : {}),
        level: v.enforcementLevel === "mandatory" ? "error" : "warning",
        message: { text: v.message },
        locations: [location(v.location.file, v.location.line, v.location.column, v.location.path)],
        properties: { stack: r.stack, phase: v.phase, transient: v.transient, ...(v.urn ? { urn: v.urn } : {}) },
      });
    }
    // A policy with nothing to check on this site (no transformers declared, no firm limit below
    // the site limit, …): SARIF 2.1.0 §3.27.9 kind "notApplicable", whose level must be "none".
    for (const name of r.policies?.notApplicable ?? []) {
      results.push({
        ruleId: name,
        ...(index.has(name) ? { ruleIndex: index.get(name) } : {}),
        kind: "notApplicable",
        level: "none",
        message: { text: `${name}: not applicable to stack ${r.stack} (nothing of its kind is declared or planned)` },
        locations: [location(r.file, 1, 1)],
        properties: { stack: r.stack },
      });
    }
  }
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "repower", version, informationUri: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/", rules } },
        originalUriBaseIds: { SRCROOT: { description: { text: "The project root, where `repower preview` ran." } } },
        results,
      },
    ],
  };
}

function location(file: string, line: number, column: number, path?: string) {
  return {
    physicalLocation: { artifactLocation: { uri: file.split("\\").join("/"), uriBaseId: "SRCROOT" }, region: { startLine: line, startColumn: column } },
    ...(path ? { logicalLocations: [{ fullyQualifiedName: path, kind: "member" }] } : {}),
  };
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** JUnit XML: a test suite per stack, a test case per policy and phase. */
export function junitReport(reports: readonly StackReport[], policies: readonly PolicyInfo[]): string {
  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let errors = 0;
  let skippedAll = 0;
  for (const r of reports) {
    const cases: string[] = [];
    let f = 0;
    let skipped = 0;
    if (r.error !== undefined) {
      cases.push(`    <testcase classname="${xml(r.stack)}" name="site spec"><error message="${xml(r.status)}">${xml(r.error)}</error></testcase>`);
      errors++;
    } else {
      const phases = r.phases.filter((p) => !p.transient).map((p) => p.name);
      for (const p of policies) {
        for (const phase of phases) {
          const hits: Violation[] = r.violations.filter((v) => v.policy === p.name && v.phase === phase);
          const name = `${p.name} @ ${phase}`;
          const mand = hits.filter((v) => v.enforcementLevel === "mandatory");
          const applies = r.applicable?.[p.name]?.includes(phase) ?? true;
          if (hits.length === 0 && !applies) {
            skipped++;
            cases.push(`    <testcase classname="${xml(r.stack)}" name="${xml(name)}"><skipped message="not applicable: nothing for ${xml(p.name)} to check in ${xml(phase)}"/></testcase>`);
          } else if (mand.length > 0) {
            f++;
            cases.push(`    <testcase classname="${xml(r.stack)}" name="${xml(name)}"><failure message="${xml(mand[0].message)}" type="${xml(p.enforcementLevel)}">${xml(mand.map((v) => v.message).join("\n"))}</failure></testcase>`);
          } else if (hits.length > 0) {
            cases.push(`    <testcase classname="${xml(r.stack)}" name="${xml(name)}"><system-out>${xml(hits.map((v) => `advisory: ${v.message}`).join("\n"))}</system-out></testcase>`);
          } else {
            cases.push(`    <testcase classname="${xml(r.stack)}" name="${xml(name)}"/>`);
          }
        }
      }
    }
    total += cases.length;
    failures += f;
    skippedAll += skipped;
    suites.push(`  <testsuite name="${xml(r.stack)}" tests="${cases.length}" failures="${f}" errors="${r.error !== undefined ? 1 : 0}" skipped="${skipped}">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="repower preview" tests="${total}" failures="${failures}" errors="${errors}" skipped="${skippedAll}">\n${suites.join("\n")}\n</testsuites>\n`;
}
