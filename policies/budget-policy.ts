/**
 * The shape shared by the budget policies: read the envelope from the
 * resources, raise the active phase to what the resources admit, evaluate
 * every moment of the rollout with the envelope model, and report each broken
 * budget of one kind with the moment, what was found, the limit and the fix.
 */
import type { PolicyResource, ReportViolation, Severity, StackValidationPolicy } from "@pulumi/policy";
import { evaluate, scenarios, violationMessage, type BudgetKind } from "../components/model";
import { admissions, deployedSite, envelopeOf } from "./site-context";

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
export function failClosed(name: string, resources: readonly PolicyResource[], report: ReportViolation): ReturnType<typeof envelopeOf> {
  const env = envelopeOf(resources);
  if (!env.ok) report(`${name} cannot be checked: ${env.problem}.`, env.resource?.urn);
  return env;
}

export function budgetPolicy(meta: BudgetPolicyMeta): StackValidationPolicy {
  return {
    name: meta.name,
    description: meta.description,
    enforcementLevel: "mandatory",
    severity: meta.severity,
    remediationSteps: meta.remediationSteps,
    validateStack: (args, report) => {
      const env = failClosed(meta.name, args.resources, report);
      if (!env.ok) return;
      const site = deployedSite(env.site, admissions(args.resources));
      for (const s of scenarios(site)) {
        if (s.transient !== meta.transient) continue;
        const e = evaluate(site, s);
        for (const b of e.violations) {
          if (meta.kinds.includes(b.kind)) report(violationMessage(site, s, e.loads, b), env.resource.urn);
        }
      }
    },
  };
}
