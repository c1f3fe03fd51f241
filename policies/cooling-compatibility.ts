/**
 * cooling-compatibility (contract v2, "Policies"): a liquid-cooled GPU
 * system outside a direct-to-chip or immersion zone; a hydro or immersion
 * miner outside a zone of its own type; an air-cooled miner in a hydro zone.
 * A block given by `wattsPerUnit` alone is not judged. Each pool or block is
 * judged at every phase end and transient where it runs, and reported in
 * that phase. Decides from the envelope ConfigMap like the budget policies,
 * and fails closed when it cannot be read.
 */
import { coolingFindings, coolingMessage } from "../components/model";
import { envelopePolicy } from "./budget-policy";

export const coolingCompatibility = envelopePolicy(
  {
    name: "cooling-compatibility",
    description: "Each GPU pool and mining block runs in a cooling zone its hardware can use (liquid-cooled systems in direct-to-chip or immersion zones; hydro and immersion miners in zones of their own type; no air-cooled miners in hydro zones).",
    enforcementLevel: "mandatory",
    severity: "critical",
    remediationSteps: "Move the pool or mining block to a zone of a type its hardware needs, or add such a zone (a retrofit is a new zone, in service from its phase).",
  },
  (site, report) => {
    for (const f of coolingFindings(site)) report(coolingMessage(site, f));
  },
);
