/**
 * pool-matches-spec: each pool as deployed matches its spec.
 *
 * Every resource that admits GPU nodes is found by what it is (see
 * site-context's `admissions`: EKS node groups and launch templates with GPU
 * instance types or GPU AMIs, auto scaling groups, Karpenter NodePools whose
 * requirements admit GPU instances, SSM activations, NodeFeatureRules, Nodes
 * and NodePatches that label or taint GPU nodes). Each must admit nodes into
 * a pool the site declares, of its SKU, no more than the active phase states,
 * and must depend on the envelope ConfigMap (so that, during `pulumi up`, the
 * budget policies' check of that ConfigMap runs before it is created). A pool
 * whose budgets assume a power cap has it enforced (power-cap-enforcement.ts).
 *
 * Without an envelope to read (missing, doubled or unreadable) it checks
 * nothing and says so as not applicable: that cause is reported once, by
 * site-context's ENVELOPE_REPORTER.
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { activePhase, ENVELOPE_CONFIGMAP, type Site } from "../components/model";
import { unknownMessage } from "./known";
import { checkPowerCaps } from "./power-cap-enforcement";
import { admissions, stackEnvelope, type Admission } from "./site-context";

const label = (a: Admission) => `${a.what()} (${a.resource.name})`;

/** True when `r` depends on `envelope`, directly or through a property. */
function dependsOn(r: PolicyResource, envelope: PolicyResource): boolean {
  if (r.dependencies.some((d) => d.urn === envelope.urn)) return true;
  return Object.values(r.propertyDependencies ?? {}).some((ds) => ds.some((d) => d.urn === envelope.urn));
}

function checkAdmissions(site: Site, list: Admission[], envelope: PolicyResource, report: ReportViolation): void {
  const phase = activePhase(site);
  const perPool = new Map<string, Admission[]>();
  const pools = new Map(site.gpuPools.map((p) => [p.name, p]));
  const planned = site.gpuPools.filter((p) => (phase.gpu[p.name] ?? 0) > 0).map((p) => p.name);
  for (const a of list) {
    if (a.unknown !== undefined) {
      report(unknownMessage(`How many GPU nodes ${a.resource.name} admits, and into which pool,`, a.unknown), a.resource.urn);
      continue;
    }
    if (!dependsOn(a.resource, envelope)) {
      report(
        `${label(a)} admits GPU nodes but does not depend on the ${ENVELOPE_CONFIGMAP} ConfigMap: during pulumi up it could be created before the site's budgets are checked. Give it dependsOn the SitePowerEnvelope (as the GpuNodePool component does).`,
        a.resource.urn,
      );
    }
    if (a.pool === undefined) {
      report(
        `${label(a)} admits GPU nodes (${a.why}) outside every planned pool of phase ${phase.name}${planned.length ? ` (${planned.join(", ")})` : " (which plans none)"}: their power is in no budget. Declare the pool in repower:site and make its nodes with the GpuNodePool component, or remove the resource.`,
        a.resource.urn,
      );
      continue;
    }
    const pool = pools.get(a.pool);
    if (pool === undefined) {
      report(`${label(a)} admits GPU nodes into pool ${JSON.stringify(a.pool)}, which the site does not declare.`, a.resource.urn);
      continue;
    }
    if (a.sku !== undefined && !(a.sku in site.catalog.gpuSystems)) {
      report(`${label(a)} labels its nodes with SKU ${JSON.stringify(a.sku)}, which the catalog does not know: their power cannot be counted.`, a.resource.urn);
    } else if (a.sku !== undefined && a.sku !== pool.sku) {
      report(`${label(a)} labels pool ${pool.name}'s nodes ${a.sku}, but the site declares ${pool.sku}.`, a.resource.urn);
    }
    const declaredType = pool.backend.instanceType;
    const otherTypes = (a.instanceTypes ?? []).filter((t) => t !== declaredType);
    if (declaredType !== undefined && otherTypes.length > 0) {
      report(`${label(a)} launches ${otherTypes.join(", ")} into pool ${pool.name}, which the site declares as ${declaredType}: the budgets were not checked for that hardware.`, a.resource.urn);
    }
    const items = perPool.get(a.pool);
    if (items) items.push(a);
    else perPool.set(a.pool, [a]);
  }
  for (const [poolName, items] of perPool) {
    const stated = phase.gpu[poolName] ?? 0;
    const admitted = items.reduce((n, a) => n + a.nodes, 0);
    if (admitted <= stated) continue;
    const what =
      items.length <= 3
        ? items.map(label).join(", ")
        : `${items.length} resources (${[...new Set(items.map((a) => a.resource.type.split(":").pop()))].join(", ")}, the last ${items[items.length - 1].resource.name})`;
    const finite = Number.isFinite(admitted);
    const extra = finite ? `${admitted - stated} more than` : "an unbounded number beyond";
    const one = items.length === 1 && finite;
    report(
      `pool ${poolName}: ${what} admit${items.length === 1 ? "s" : ""} ${finite ? admitted : "unboundedly many"} nodes, ${extra} the ${stated} phase ${phase.name} states.${one ? ` Set it back to ${stated}, or raise gpu.${poolName} in phase ${phase.name} so every budget is checked for ${admitted}.` : ` Reduce them to ${stated} in all.`}`,
      items[items.length - 1].resource.urn,
    );
  }
}

export const poolMatchesSpec: StackValidationPolicy = {
  name: "pool-matches-spec",
  description:
    "Each pool as deployed matches its spec: every resource that admits GPU nodes (node groups, launch templates, Karpenter NodePools, SSM activations, NodeFeatureRules, NodePatches) admits them only into planned pools of known SKUs, no more than the active phase states, after the envelope is checked; planned power caps are enforced.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Change the phase's node count in repower:site (so every budget is checked for it) instead of editing the deployed resource, or set the resource back to the phase's count.",
  validateStack: (args, report) => {
    const env = stackEnvelope(args);
    const envelope = args.resources.find((r) => r.urn === env.resource.urn)!;
    checkPowerCaps(env.site, args.resources, env.resource.urn, report);
    checkAdmissions(env.site, admissions(args.resources), envelope, report);
  },
};
