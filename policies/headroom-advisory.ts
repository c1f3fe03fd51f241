/**
 * headroom-advisory: any budget of any moment more than the threshold used
 * (90 % unless the pack's config says otherwise), with how many more nodes of
 * each pool drawing on it still fit (in whole racks for a rack-scale pool).
 */
import { budgetName, momentName, moreNodesFit, poolDrawsOn, usedName } from "../components/model";
import { envelopePolicy } from "./budget-policy";
import { evaluatedMoments } from "./site-context";

export interface HeadroomConfig {
  /** Percent of a budget above which the advisory is raised. */
  thresholdPercent: number;
}

export const headroomAdvisory = envelopePolicy(
  {
    name: "headroom-advisory",
    description: "Flags any budget more than thresholdPercent (default 90 %) used in any phase, with how many more nodes of each pool still fit.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Plan the next phase with the headroom in mind; a site that runs near a limit trips on a hot day or a bad PUE.",
    configSchema: { properties: { thresholdPercent: { type: "number", minimum: 1, maximum: 100, default: 90 } } },
  },
  (site, report, config) => {
    const threshold = (Number((config as Partial<HeadroomConfig>).thresholdPercent ?? 90) || 90) / 100;
    for (const e of evaluatedMoments(site)) {
      const s = e.scenario;
      for (const b of e.budgets) {
        if (!b.ok || b.utilisation <= threshold) continue;
        const fits = site.gpuPools
          .filter((p) => p.placement === "on-site" && b.kind !== "rack" && poolDrawsOn(p, b))
          .map((p) => {
            const n = moreNodesFit(site, s, p.name, e);
            // A rack-scale pool grows in whole racks only (contract, "Arithmetic").
            if (n === null || !p.system.rackScale) return `${n} more ${p.name}`;
            const racks = Math.floor(((s.gpu[p.name] ?? 0) + n) / p.nodesPerRack) - Math.ceil((s.gpu[p.name] ?? 0) / p.nodesPerRack);
            return `${Math.max(0, racks) * p.nodesPerRack} more ${p.name} (${Math.max(0, racks)} whole rack${racks === 1 ? "" : "s"})`;
          });
        const more = fits.length > 0 ? ` Still fits: ${fits.join(", ")}.` : "";
        report(`${momentName(s)}: ${usedName(b)} is ${(b.utilisation * 100).toFixed(1)} % of ${budgetName(site, b)}.${more}`);
      }
    }
  },
);
