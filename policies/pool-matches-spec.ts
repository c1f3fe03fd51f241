/**
 * pool-matches-spec: each pool as deployed matches its spec. No resource
 * admits more GPU nodes into a pool than the active phase states, none admits
 * nodes into a pool or of a SKU the site does not know, and a pool whose
 * budgets assume a power cap has it enforced on its nodes, at no more than
 * the planned value and within the SKU's range.
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { activePhase, POWER_CAP_ENV, type Site } from "../components/model";
import { failClosed } from "./budget-policy";
import { capInRange, capRange } from "./power-cap-range";
import { admissions } from "./site-context";

/** The power caps deployed by DaemonSets, checked against the spec; every planned cap must be enforced. */
function checkPowerCaps(site: Site, resources: readonly PolicyResource[], envelopeUrn: string, report: ReportViolation): void {
  const phase = activePhase(site);
  const enforced = new Set<string>();
  for (const r of resources) {
    if (r.type !== "kubernetes:apps/v1:DaemonSet") continue;
    const spec = (r.props as Record<string, any>).spec?.template?.spec;
    const env = (spec?.containers ?? []).flatMap((c: { env?: { name: string; value?: string }[] }) => c.env ?? []);
    const cap = env.find((e: { name: string }) => e.name === POWER_CAP_ENV);
    if (cap === undefined) continue;
    const poolName = spec?.nodeSelector?.["repower.io/pool"];
    const pool = site.gpuPools.find((p) => p.name === poolName);
    const watts = Number(cap.value);
    if (pool === undefined) {
      report(`DaemonSet ${r.name} caps GPUs of pool ${JSON.stringify(poolName)}, which the site does not declare.`, r.urn);
      continue;
    }
    enforced.add(pool.name);
    if (!Number.isFinite(watts) || !capInRange(pool, watts)) {
      report(`DaemonSet ${r.name} caps pool ${pool.name} at ${cap.value} W per GPU, outside ${pool.sku}'s range ${capRange(pool)}.`, r.urn);
    } else if (pool.powerCapWatts !== undefined && watts > pool.powerCapWatts) {
      report(`DaemonSet ${r.name} caps pool ${pool.name} at ${watts} W per GPU, above the ${pool.powerCapWatts} W the budgets were checked at. Set it to ${pool.powerCapWatts} W or plan the higher cap.`, r.urn);
    }
  }
  for (const pool of site.gpuPools) {
    if (pool.powerCapWatts === undefined || pool.placement !== "on-site" || (phase.gpu[pool.name] ?? 0) === 0) continue;
    if (!enforced.has(pool.name)) {
      report(`pool ${pool.name}: the budgets assume a ${pool.powerCapWatts} W cap per GPU, but no power-cap DaemonSet enforces it on the pool's nodes.`, envelopeUrn);
    }
  }
}

export const poolMatchesSpec: StackValidationPolicy = {
  name: "pool-matches-spec",
  description: "Each pool as deployed matches its spec: node groups, SSM activations, NodeFeatureRules and NodePatches admit no more GPU nodes than the active phase states, only into declared pools of known SKUs, and planned power caps are enforced.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Change the phase's node count in repower:site (so every budget is checked for it) instead of editing the deployed resource, or set the resource back to the phase's count.",
  validateStack: (args, report) => {
    const env = failClosed("pool-matches-spec", args.resources, report);
    if (!env.ok) return;
    const { site } = env;
    const phase = activePhase(site);
    checkPowerCaps(site, args.resources, env.resource.urn, report);
    const list = admissions(args.resources);
    const perPool = new Map<string, typeof list>();
    const pools = new Map(site.gpuPools.map((p) => [p.name, p]));
    for (const a of list) {
      const pool = pools.get(a.pool);
      if (pool === undefined) {
        report(`${a.what()} (${a.resource.name}) admits GPU nodes into pool ${JSON.stringify(a.pool)}, which the site does not declare.`, a.resource.urn);
        continue;
      }
      if (a.sku !== undefined && !(a.sku in site.catalog.gpuSystems)) {
        report(`${a.what()} (${a.resource.name}) labels its nodes with SKU ${JSON.stringify(a.sku)}, which the catalog does not know: their power cannot be counted.`, a.resource.urn);
      } else if (a.sku !== undefined && a.sku !== pool.sku) {
        report(`${a.what()} (${a.resource.name}) labels pool ${pool.name}'s nodes ${a.sku}, but the site declares ${pool.sku}.`, a.resource.urn);
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
          ? items.map((a) => `${a.what()} (${a.resource.name})`).join(", ")
          : `${items.length} resources (${[...new Set(items.map((a) => a.resource.type.split(":").pop()))].join(", ")}, the last ${items[items.length - 1].resource.name})`;
      const extra = Number.isFinite(admitted) ? `${admitted - stated} more than` : "an unbounded number beyond";
      const fix = items.length === 1 && Number.isFinite(admitted) ? ` Set it back to ${stated}, or` : " Reduce them to";
      report(
        `pool ${poolName}: ${what} admit${items.length === 1 ? "s" : ""} ${Number.isFinite(admitted) ? admitted : "unboundedly many"} nodes, ${extra} the ${stated} phase ${phase.name} states.${fix} ${items.length === 1 && Number.isFinite(admitted) ? `raise gpu.${poolName} in phase ${phase.name} so every budget is checked for ${admitted}.` : `${stated} in all.`}`,
        items[items.length - 1].resource.urn,
      );
    }
  },
};
