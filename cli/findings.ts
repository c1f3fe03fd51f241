/**
 * What a reader of a preview wants first: each cause once, with the phases
 * it hits, and how many policies failed, advised, passed or did not apply.
 *
 * A violation's cause is its policy and its budget (the structured
 * `budget` where the pack gives one, else its message with the phase and
 * the figures taken out), so the same broken budget in four phases is one
 * finding, not four.
 */
import type { PolicyInfo } from "./policy-client";
import type { ReportPhase } from "./envelope-report";
import type { Violation } from "./preview-report";

export interface Finding {
  policy: string;
  enforcementLevel: "mandatory" | "advisory";
  /** The violations of this cause, in the order of the rollout. */
  violations: Violation[];
  /** "phase-2", "transient into phase-3", in the order of the rollout. */
  moments: string[];
}

/** A message without its moment ("phase x: ", "the transient into x (…): ") and with its figures masked. */
export function causeOf(message: string): string {
  return message
    .replace(/^phase \S+?: /, "")
    .replace(/^the transient into \S+ \([^)]*\): /, "")
    .replace(/\d[\d,]*(\.\d+)?/g, "#");
}

const momentLabel = (v: Violation) => (v.transient ? `transient into ${v.phase}` : v.phase);

export function groupFindings(violations: readonly Violation[], phases: readonly ReportPhase[]): Finding[] {
  const order = new Map<string, number>();
  phases.forEach((p, i) => order.set(`${p.transient ? "t" : "e"}:${p.name}`, i));
  const rank = (v: Violation) => order.get(`${v.transient ? "t" : "e"}:${v.phase}`) ?? Number.MAX_SAFE_INTEGER;
  const groups = new Map<string, Finding>();
  for (const v of violations) {
    const key = v.budget ? `${v.policy}|${v.budget.kind}|${v.budget.name}` : `${v.policy}|${causeOf(v.message)}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { policy: v.policy, enforcementLevel: v.enforcementLevel, violations: [], moments: [] };
      groups.set(key, g);
    }
    g.violations.push(v);
  }
  const out = [...groups.values()];
  for (const g of out) {
    g.violations.sort((a, b) => rank(a) - rank(b));
    g.moments = [...new Set(g.violations.map(momentLabel))];
  }
  return out.sort(
    (a, b) =>
      Number(b.enforcementLevel === "mandatory") - Number(a.enforcementLevel === "mandatory") ||
      rank(a.violations[0]) - rank(b.violations[0]) ||
      a.policy.localeCompare(b.policy),
  );
}

/** The budget kind each budget policy checks. */
const POLICY_KIND: Record<string, string> = {
  "site-power-budget": "site",
  "firm-power-budget": "firm",
  "transformer-capacity": "transformer",
  "feed-continuous-load": "feed",
  "cooling-capacity": "cooling",
  "rack-density": "rack",
};

/**
 * Whether a policy has anything to check in a phase: a budget policy where
 * the phase has a budget of its kind (no transformers declared, no
 * transformer check; a firm limit that is the site limit, no firm check),
 * the transient policy where the phase has a transient, the pool policies
 * where the site has GPU pools.
 */
export function appliesIn(policy: string, phase: string, phases: readonly ReportPhase[], pools: { any: boolean; capped: boolean }): boolean {
  const end = phases.find((p) => !p.transient && p.name === phase);
  const kind = POLICY_KIND[policy];
  if (kind !== undefined) {
    if (end === undefined) return false;
    const tr = phases.find((p) => p.transient && p.name === phase);
    const rows = [...end.budgets, ...(tr ? tr.budgets : [])];
    if (kind === "firm") return rows.some((b) => b.kind === "firm") && (end.firmLimitMW < end.siteLimitMW || (tr !== undefined && tr.firmLimitMW < tr.siteLimitMW));
    return rows.some((b) => b.kind === kind);
  }
  switch (policy) {
    case "rollout-transient-budget":
      return phases.some((p) => p.transient && p.name === phase);
    case "power-cap-range":
      return pools.capped;
    case "rack-density":
    case "device-plugin-config-valid":
    case "gpu-monitoring-present":
    case "pool-matches-spec":
    case "cooling-compatibility":
      return pools.any;
    default:
      return true;
  }
}

export interface PolicyCounts {
  failed: string[];
  advisory: string[];
  passed: string[];
  notApplicable: string[];
}

/** Each policy of the pack once: failed (a mandatory violation), advisory, passed, or not applicable in any phase. */
export function countPolicies(
  policies: readonly PolicyInfo[],
  violations: readonly Violation[],
  phases: readonly ReportPhase[],
  pools: { any: boolean; capped: boolean },
): PolicyCounts {
  const c: PolicyCounts = { failed: [], advisory: [], passed: [], notApplicable: [] };
  const names = phases.filter((p) => !p.transient).map((p) => p.name);
  for (const p of policies) {
    const hits = violations.filter((v) => v.policy === p.name);
    if (hits.some((v) => v.enforcementLevel === "mandatory")) c.failed.push(p.name);
    else if (hits.length > 0) c.advisory.push(p.name);
    else if (names.some((n) => appliesIn(p.name, n, phases, pools))) c.passed.push(p.name);
    else c.notApplicable.push(p.name);
  }
  return c;
}

/** "1 failed, 1 advisory, 9 passed, 2 not applicable". */
export function countsLine(c: PolicyCounts): string {
  return `${c.failed.length} failed, ${c.advisory.length} advisory, ${c.passed.length} passed, ${c.notApplicable.length} not applicable`;
}
