/**
 * The preview's reports in the formats pull requests read: Markdown (a PR
 * comment), SARIF 2.1.0 (code scanning, located at stack-file lines) and
 * JUnit XML (one test case per policy and phase).
 */
import { quantity } from "./format";
import type { PolicyInfo } from "./policy-client";
import type { StackReport, Violation } from "./preview-report";

const pct = (v: number | null) => (v === null ? "∞" : `${v.toFixed(1)} %`);
const num = (v: number | null, unit: "MW" | "kW") => (v === null ? "?" : quantity(v, unit));
const mdEscape = (s: string) => s.replace(/\|/g, "\\|");

/** A pull-request comment for one or more stacks. */
export function markdownReport(reports: readonly StackReport[]): string {
  const out: string[] = [];
  const failed = reports.filter((r) => !r.ok).length;
  out.push(`## repower preview: ${failed === 0 ? "✅ every site within its envelope" : `❌ ${failed} of ${reports.length} site${reports.length === 1 ? "" : "s"} fail`}`);
  out.push("");
  if (reports.length > 1) {
    out.push("| stack | result | binding budget (active phase) | violations |", "|---|---|---|---|");
    for (const r of reports) {
      const active = r.phases.find((p) => p.active);
      const binding = active ? `${active.binding.kind} ${active.binding.subject} ${pct(active.binding.utilisationPercent)}` : "—";
      const count = r.violations.filter((v) => v.enforcementLevel === "mandatory").length;
      out.push(`| ${r.stack} | ${statusWord(r)} | ${binding} | ${r.status === "invalid" || r.status === "error" ? "—" : count} |`);
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
    out.push(`Site \`${r.site}\`, active phase \`${r.activePhase}\`, ${r.resources} resources checked.`, "");
    out.push("| phase | facility | site limit | firm | firm limit | binding |", "|---|---|---|---|---|---|");
    for (const p of r.phases) {
      const name = p.transient ? `→ ${p.name} (transient)` : p.active ? `**${p.name}** (active)` : p.name;
      out.push(`| ${name} | ${num(p.facilityMW, "MW")} | ${num(p.siteLimitMW, "MW")} | ${num(p.firmFacilityMW, "MW")} | ${num(p.firmLimitMW, "MW")} | ${p.binding.kind} ${p.binding.subject} ${pct(p.binding.utilisationPercent)} |`);
    }
    out.push("");
    const mand = r.violations.filter((v) => v.enforcementLevel === "mandatory");
    const adv = r.violations.filter((v) => v.enforcementLevel === "advisory");
    for (const [title, list] of [["Mandatory violations", mand], ["Advisories", adv]] as const) {
      if (list.length === 0) continue;
      out.push(`**${title}**`, "");
      for (const v of list) out.push(`- \`${v.policy}\` (${v.location.file}:${v.location.line}): ${mdEscape(v.message)}`);
      out.push("");
    }
  }
  return out.join("\n");
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
  for (const r of reports) {
    const cases: string[] = [];
    let f = 0;
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
          if (mand.length > 0) {
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
    suites.push(`  <testsuite name="${xml(r.stack)}" tests="${cases.length}" failures="${f}" errors="${r.error !== undefined ? 1 : 0}">\n${cases.join("\n")}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="repower preview" tests="${total}" failures="${failures}" errors="${errors}">\n${suites.join("\n")}\n</testsuites>\n`;
}
