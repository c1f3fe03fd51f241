/**
 * The shape shared by the budget policies. They decide from the envelope
 * ConfigMap the engine sends (the validated spec of the site): evaluate
 * every moment of the rollout with the envelope model and report each broken
 * budget that the model's table (`BUDGETS`, `policyOf`) gives to this policy,
 * with the moment, what was found, the limit and the fix.
 *
 * They are resource policies on that ConfigMap, so the engine's per-resource
 * Analyze call runs them as soon as the ConfigMap is planned, and stack
 * analysis of a large site pays only for counting envelope ConfigMaps (a
 * missing or doubled one is their own finding; see envelopePolicy). Whether
 * deployed resources admit more nodes than the spec (which would make these
 * figures too low) is pool-matches-spec's check.
 */
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { policyOf, violationMessage, type Site } from "../components/model";
import { CONFIGMAP_TYPE, ENVELOPE_REPORTER, envelopeCountProblem, evaluatedMoments, isEnvelope, notCheckedReason, readEnvelope } from "./site-context";

export interface BudgetPolicyMeta {
  name: string;
  description: string;
  severity: Severity;
  remediationSteps: string;
}

/** A policy that checks the envelope ConfigMap per resource and sees, in stack analysis, whether the stack has one. */
export type EnvelopePolicy = ResourceValidationPolicy & StackValidationPolicy;

/**
 * A policy that runs `check` on the envelope ConfigMap, per resource (the
 * SDK skips other resource types without deserializing them), and in stack
 * analysis only counts the envelopes. It never passes what it could not
 * check (site-context.ts, ENVELOPE_REPORTER):
 * - an unreadable envelope (per resource): ENVELOPE_REPORTER reports it, a
 *   mandatory violation; every other envelope policy is not applicable;
 * - no envelope, or two (stack analysis): the same.
 */
export function envelopePolicy(
  meta: Omit<ResourceValidationPolicy, "validateResource">,
  check: (site: Site, report: ReportViolation, config: Record<string, unknown>) => void,
): EnvelopePolicy {
  const reporter = meta.name === ENVELOPE_REPORTER;
  const validateResource = Object.assign(
    (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!isEnvelope(args.type, args.props)) return;
      const env = readEnvelope(args);
      if (!env.ok) {
        if (reporter) return report(`the site's budgets cannot be checked: ${env.problem}.`);
        return args.notApplicable(notCheckedReason(env.problem));
      }
      check(env.site, report, args.getConfig<Record<string, unknown>>() ?? {});
    },
    { __pulumiType: CONFIGMAP_TYPE },
  );
  // Stack analysis: the envelope's content was checked per resource; here only whether there is exactly one.
  const validateStack = (args: StackValidationArgs, report: ReportViolation) => {
    const count = envelopeCountProblem(args.resources);
    if (count === undefined) return;
    if (reporter) return report(`the site's budgets cannot be checked: ${count.problem}.`, count.urn);
    return args.notApplicable(notCheckedReason(count.problem));
  };
  return { ...meta, validateResource, validateStack };
}

export function budgetPolicy(meta: BudgetPolicyMeta): EnvelopePolicy {
  return envelopePolicy(
    { name: meta.name, description: meta.description, enforcementLevel: "mandatory", severity: meta.severity, remediationSteps: meta.remediationSteps },
    (site, report) => {
      // Each broken budget of each moment is reported once, by the one policy the model's table names for it.
      for (const e of evaluatedMoments(site)) {
        for (const b of e.violations) if (policyOf(b, e.scenario.transient) === meta.name) report(violationMessage(site, e.scenario, e.loads, b));
      }
    },
  );
}
