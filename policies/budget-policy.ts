/**
 * The shape shared by the budget policies. They decide from the envelope
 * ConfigMap the engine sends (the validated spec of the site): evaluate
 * every moment of the rollout with the envelope model and report each broken
 * budget of one kind with the moment, what was found, the limit and the fix.
 *
 * They are resource policies on that ConfigMap, so the engine's per-resource
 * Analyze call runs them as soon as the ConfigMap is planned, and stack
 * analysis of a large site does not pay for them. Whether deployed resources
 * admit more nodes than the spec (which would make these figures too low) is
 * pool-matches-spec's check; a missing envelope is reported by the stack
 * policies (fail closed).
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity } from "@pulumi/policy";
import { violationMessage, type BudgetKind, type Site } from "../components/model";
import { CONFIGMAP_TYPE, envelopeOf, evaluatedMoments, isEnvelope, readEnvelope, UNREADABLE_ENVELOPE_REPORTER, type Envelope } from "./site-context";

export interface BudgetPolicyMeta {
  name: string;
  description: string;
  severity: Severity;
  remediationSteps: string;
  /** The budget kinds this policy reports. */
  kinds: readonly BudgetKind[];
  /** True: check the transients between phases (overlap: true); false: the end of each phase. */
  transient: boolean;
}

/** Reports the envelope's problem when the site cannot be read: a mandatory violation, never a pass. */
export function failClosed(name: string, resources: readonly PolicyResource[], report: ReportViolation): Envelope {
  const env = envelopeOf(resources);
  if (!env.ok) report(`${name} cannot be checked: ${env.problem}.`, env.resource?.urn);
  return env;
}

/**
 * A resource policy that runs `check` on the envelope ConfigMap only (the
 * SDK skips other resource types without deserializing them), failing closed
 * when the envelope cannot be read.
 */
export function envelopePolicy(
  meta: Omit<ResourceValidationPolicy, "validateResource">,
  check: (site: Site, report: ReportViolation, config: Record<string, unknown>) => void,
): ResourceValidationPolicy {
  const validate = Object.assign(
    (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!isEnvelope(args.type, args.props)) return;
      const env = readEnvelope(args);
      if (!env.ok) {
        // Reported once, by one policy (site-context.ts, UNREADABLE_ENVELOPE_REPORTER).
        if (meta.name === UNREADABLE_ENVELOPE_REPORTER) report(`the site's budgets cannot be checked: ${env.problem}.`);
        return;
      }
      check(env.site, report, args.getConfig<Record<string, unknown>>() ?? {});
    },
    { __pulumiType: CONFIGMAP_TYPE },
  );
  return { ...meta, validateResource: validate };
}

export function budgetPolicy(meta: BudgetPolicyMeta): ResourceValidationPolicy {
  return envelopePolicy(
    { name: meta.name, description: meta.description, enforcementLevel: "mandatory", severity: meta.severity, remediationSteps: meta.remediationSteps },
    (site, report) => {
      for (const e of evaluatedMoments(site)) {
        if (e.scenario.transient !== meta.transient) continue;
        for (const b of e.violations) if (meta.kinds.includes(b.kind)) report(violationMessage(site, e.scenario, e.loads, b));
      }
    },
  );
}
