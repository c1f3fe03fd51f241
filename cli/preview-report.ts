/**
 * The preview's report of one stack, built from the envelope model and the
 * policy pack's diagnostics, and where in the stack file each violation
 * comes from.
 */
import { activePhase, budgetViolations, momentOf, type FieldPath, type LoadedStack, type Site } from "../components/model";
import { reportPhases, type ReportPhase } from "./envelope-report";
import type { Problem } from "./invalid-input";
import { appliesIn, countPolicies, type PolicyCounts } from "./findings";
import type { Diagnostic, PolicyInfo } from "./policy-client";

export interface Violation {
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  /** The phase it concerns (the active phase for what is deployed now). */
  phase: string;
  /** True when it concerns the transient into `phase`. */
  transient: boolean;
  message: string;
  /** (v2) The budget it breaks, where it is a budget violation. */
  budget?: { kind: string; name: string; used: number; limit: number; unit: "MW" | "kW" };
  /** (v2) What would fix it. */
  remedies?: string[];
  /** The resource it was reported on, if any. */
  urn?: string;
  /** Where in the stack file it comes from. */
  location: { file: string; path: string; line: number; column: number };
}

export type StackStatus = "ok" | "violations" | "invalid" | "error";

export interface StackReport {
  stack: string;
  site: string;
  file: string;
  /** False when a mandatory policy fails, or the stack could not be checked. */
  ok: boolean;
  status: StackStatus;
  /** 0 ok, 1 a mandatory policy fails, 2 invalid input or a program error. */
  exitCode: 0 | 1 | 2;
  /** For `invalid` and `error`: what went wrong. */
  error?: string;
  /** For `invalid`: each problem with its file, line, column and field path. */
  problems?: Problem[];
  activePhase?: string;
  phases: ReportPhase[];
  violations: Violation[];
  /** Resources the program registered. */
  resources: number;
  /** Each policy of the pack once: failed, advisory, passed or not applicable (set once the pack has answered). */
  policies?: PolicyCounts;
  /** The phases in which each policy has something to check (the others are "not applicable"). */
  applicable?: Record<string, string[]>;
}

/** Fills in `policies` and `applicable` of a checked stack's report. */
export function withPolicyCounts(r: StackReport, site: Site, policies: readonly PolicyInfo[]): StackReport {
  if (r.error !== undefined) return r;
  const pools = { any: site.gpuPools.length > 0, capped: site.gpuPools.some((p) => p.powerCapWatts !== undefined) };
  const names = r.phases.filter((p) => !p.transient).map((p) => p.name);
  const applicable = Object.fromEntries(policies.map((p) => [p.name, names.filter((n) => appliesIn(p.name, n, r.phases, pools))]));
  return { ...r, policies: countPolicies(policies, r.violations, r.phases, pools), applicable };
}

/** The phase a message speaks of, else the active phase (what is deployed now). */
export function phaseOf(site: Site, message: string): { phase: string; transient: boolean } {
  const m = momentOf(message);
  if (m && site.rollout.phases.some((x) => x.name === m.phase)) return m;
  return { phase: site.rollout.activePhase, transient: false };
}

/** The field of `repower:site` that causes a violation (the line SARIF points at). */
export function violationPath(site: Site, policy: string, message: string, phase: string): FieldPath {
  const spec = site.spec;
  const i = spec.rollout.phases.findIndex((p) => p.name === phase);
  const poolIndex = (name: string | undefined) => spec.gpuPools.findIndex((p) => p.name === name);
  const phaseCount = (pool: string | undefined): FieldPath => {
    if (i < 0) return ["rollout", "phases"];
    if (pool !== undefined && pool in spec.rollout.phases[i].gpu) return ["rollout", "phases", i, "gpu", pool];
    return ["rollout", "phases", i];
  };
  const named = (re: RegExp) => re.exec(message)?.[1];
  switch (policy) {
    case "rack-density": {
      const j = poolIndex(named(/pool (\S+) at/));
      if (j < 0) return ["gpuPools"];
      return spec.gpuPools[j].nodesPerRack !== undefined ? ["gpuPools", j, "nodesPerRack"] : ["gpuPools", j, "sku"];
    }
    case "power-cap-range": {
      const j = poolIndex(named(/pool (\S+?)[:\s]/));
      return j < 0 ? ["gpuPools"] : spec.gpuPools[j].powerCapWatts !== undefined ? ["gpuPools", j, "powerCapWatts"] : ["gpuPools", j];
    }
    case "device-plugin-config-valid": {
      const j = poolIndex(named(/config (\S+?):/));
      return j < 0 ? ["gpuPools"] : spec.gpuPools[j].devicePlugin !== undefined ? ["gpuPools", j, "devicePlugin"] : ["gpuPools", j];
    }
    case "pool-matches-spec":
      return phaseCount(named(/^pool (\S+?):/));
    case "gpu-monitoring-present":
      return ["gpuPools"];
    default:
      if (/ cannot be checked: /.test(message)) return ["rollout", "activePhase"];
      return phaseCount(named(/remove \d+ nodes? of (\S+) /) ?? named(/more (\S+?)[.,]/));
  }
}

/** A report of a stack that was checked. */
export function stackReport(loaded: LoadedStack, diagnostics: readonly Diagnostic[], resources: number): StackReport {
  const { site } = loaded;
  // The budget and remedies of each budget violation, found by its message (the pack writes the same sentence).
  const budgets = new Map(budgetViolations(site).map((v) => [v.message, { budget: v.budget, remedies: v.remedies }]));
  const violations: Violation[] = diagnostics
    .filter((d) => d.enforcementLevel === "mandatory" || d.enforcementLevel === "advisory")
    .map((d) => {
      const message = d.message;
      const { phase, transient } = phaseOf(site, message);
      const path = violationPath(site, d.policyName, message, phase);
      const pos = loaded.locate(path);
      return {
        policy: d.policyName,
        enforcementLevel: d.enforcementLevel as "mandatory" | "advisory",
        phase,
        transient,
        message,
        ...budgets.get(message),
        ...(d.urn ? { urn: d.urn } : {}),
        location: { file: loaded.file, path: ["repower:site", ...path].map((p) => (typeof p === "number" ? `[${p}]` : p)).join(".").replace(/\.\[/g, "["), line: pos.line, column: pos.column },
      };
    })
    .sort((a, b) => Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory") || a.location.line - b.location.line || a.policy.localeCompare(b.policy) || a.message.localeCompare(b.message));
  const failed = violations.some((v) => v.enforcementLevel === "mandatory");
  return {
    stack: loaded.stack,
    site: site.name,
    file: loaded.file,
    ok: !failed,
    status: failed ? "violations" : "ok",
    exitCode: failed ? 1 : 0,
    activePhase: activePhase(site).name,
    phases: reportPhases(site),
    violations,
    resources,
  };
}

/** A report of a stack that could not be checked. */
export function failedReport(stack: string, file: string, status: "invalid" | "error", error: string, problems?: Problem[]): StackReport {
  return { stack, site: "", file, ok: false, status, exitCode: 2, error, ...(problems ? { problems } : {}), phases: [], violations: [], resources: 0 };
}
