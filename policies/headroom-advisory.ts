/**
 * headroom-advisory: any budget of any moment more than the threshold used
 * (90 % unless the pack's config says otherwise).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { budgetName, evaluate, momentName, poolDrawsOn, moreNodesFit, scenarios, usedName } from "../components/model";
import { admissions, deployedSite, envelopeOf } from "./site-context";

export interface HeadroomConfig {
  /** Percent of a budget above which the advisory is raised. */
  thresholdPercent: number;
}

export const headroomAdvisory: StackValidationPolicy = {
  name: "headroom-advisory",
  description: "Flags any budget more than thresholdPercent (default 90 %) used in any phase, with how many more nodes of each pool still fit.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps: "Plan the next phase with the headroom in mind; a site that runs near a limit trips on a hot day or a bad PUE.",
  configSchema: {
    properties: { thresholdPercent: { type: "number", minimum: 1, maximum: 100, default: 90 } },
  },
  validateStack: (args, report) => {
    const env = envelopeOf(args.resources);
    if (!env.ok) {
      report(`headroom-advisory cannot be checked: ${env.problem}.`, env.resource?.urn);
      return;
    }
    const threshold = (args.getConfig<HeadroomConfig>().thresholdPercent ?? 90) / 100;
    const site = deployedSite(env.site, admissions(args.resources));
    for (const s of scenarios(site)) {
      const e = evaluate(site, s);
      for (const b of e.budgets) {
        if (!b.ok || b.utilisation <= threshold) continue;
        const fits = site.gpuPools
          .filter((p) => p.placement === "on-site" && b.kind !== "rack" && poolDrawsOn(p, b))
          .map((p) => `${moreNodesFit(site, s, p.name)} more ${p.name}`);
        const more = fits.length > 0 ? ` Still fits: ${fits.join(", ")}.` : "";
        report(`${momentName(s)}: ${usedName(b)} is ${(b.utilisation * 100).toFixed(1)} % of ${budgetName(site, b)}.${more}`, env.resource.urn);
      }
    }
  },
};
