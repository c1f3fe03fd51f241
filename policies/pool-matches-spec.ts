/**
 * pool-matches-spec: no deployed resource admits more GPU nodes into a pool
 * than the active phase states, none admits nodes into a pool or of a SKU the
 * site does not know.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { activePhase } from "../components/model";
import { failClosed } from "./budget-policy";
import { admissions } from "./site-context";

export const poolMatchesSpec: StackValidationPolicy = {
  name: "pool-matches-spec",
  description: "Node groups, SSM activations, NodeFeatureRules and NodePatches admit no more GPU nodes into a pool than the active phase states, and only into declared pools of known SKUs.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Change the phase's node count in repower:site (so every budget is checked for it) instead of editing the deployed resource, or set the resource back to the phase's count.",
  validateStack: (args, report) => {
    const env = failClosed("pool-matches-spec", args.resources, report);
    if (!env.ok) return;
    const { site } = env;
    const phase = activePhase(site);
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
