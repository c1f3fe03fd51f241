/**
 * Checks of `repower:site` that one field cannot make alone: names are unique,
 * references (zones, feeds, pools, mining blocks, SKUs, phases) exist, and
 * settings agree with each other (backends, redundancy, fleet sizes).
 *
 * Runs after the zod schema, on its output. Pure: no Pulumi here.
 */
import type { Catalog } from "./catalog";
import { catalogIssues, unknownCatalogIdMessage } from "./catalog-spec";
import { devicePluginConfig, devicePluginConfigProblems } from "./device-plugin-config";
import { migProblems } from "./mig-profiles";
import { unsupportedVendorIssues } from "./gpu-vendor";
import { remoteNetworkIssues } from "./remote-networks";
import type { SiteSpec } from "./site-spec";
import { suggestion, type FieldPath, type SpecIssue } from "./spec-errors";

const spareOk = (units: number, redundancy: string): string | undefined => {
  if (redundancy === "2N" && units % 2 !== 0) return `2N redundancy needs an even number of units, got ${units}`;
  if (redundancy === "N+1" && units < 2) return `N+1 redundancy needs at least 2 units, got ${units}`;
  return undefined;
};

/** Every cross-field problem of a structurally valid spec; empty when there are none. */
export function checkReferences(spec: SiteSpec, catalog: Catalog): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add = (path: FieldPath, message: string) => issues.push({ path, message });

  const unique = (list: readonly { name: string }[], field: string, what: string) => {
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
      const first = seen.get(item.name);
      if (first !== undefined) add([field, i, "name"], `duplicate ${what} name "${item.name}" (also ${field}[${first}])`);
      else seen.set(item.name, i);
    });
  };
  unique(spec.transformers, "transformers", "transformer");
  unique(spec.feeds, "feeds", "feed");
  unique(spec.coolingZones, "coolingZones", "cooling zone");
  unique(spec.mining, "mining", "mining block");
  unique(spec.gpuPools, "gpuPools", "GPU pool");

  const zones = spec.coolingZones.map((z) => z.name);
  const feeds = spec.feeds.map((f) => f.name);
  const pools = spec.gpuPools.map((p) => p.name);
  const blocks = spec.mining.map((m) => m.name);
  const skus = Object.keys(catalog.gpuSystems);
  const minerModels = Object.keys(catalog.miners);

  if (spec.grid.firmMW !== undefined && spec.grid.firmMW > spec.grid.interconnectMW) {
    add(["grid", "firmMW"], `firmMW ${spec.grid.firmMW} is more than interconnectMW ${spec.grid.interconnectMW}`);
  }

  spec.transformers.forEach((t, i) => {
    const bad = spareOk(t.units, t.redundancy);
    if (bad) add(["transformers", i, "units"], bad);
  });
  spec.coolingZones.forEach((z, i) => {
    const bad = spareOk(z.units, z.redundancy);
    if (bad) add(["coolingZones", i, "units"], bad);
  });

  spec.mining.forEach((m, i) => {
    if (!zones.includes(m.coolingZone)) {
      add(["mining", i, "coolingZone"], `unknown cooling zone "${m.coolingZone}"${suggestion(m.coolingZone, zones)}`);
    }
    if (m.feed !== undefined && !feeds.includes(m.feed)) {
      add(["mining", i, "feed"], `unknown feed "${m.feed}"${suggestion(m.feed, feeds)}`);
    }
    if (m.model === undefined && m.wattsPerUnit === undefined) {
      add(["mining", i], "needs a catalog `model` or `wattsPerUnit`");
    }
    if (m.model !== undefined && !minerModels.includes(m.model) && m.wattsPerUnit === undefined) {
      add(["mining", i, "model"], unknownCatalogIdMessage(m.model, "miner", catalog));
    }
  });

  const eks = spec.cluster.type === "eks";
  spec.gpuPools.forEach((p, i) => {
    const at = (...rest: (string | number)[]): FieldPath => ["gpuPools", i, ...rest];
    if (!skus.includes(p.sku)) add(at("sku"), unknownCatalogIdMessage(p.sku, "gpuSystem", catalog));
    const b = p.backend;
    if (p.placement === "on-site") {
      if (p.coolingZone === undefined) add(at("coolingZone"), "required for an on-site pool");
      else if (!zones.includes(p.coolingZone)) {
        add(at("coolingZone"), `unknown cooling zone "${p.coolingZone}"${suggestion(p.coolingZone, zones)}`);
      }
      (p.feeds ?? []).forEach((f, j) => {
        if (!feeds.includes(f)) add(at("feeds", j), `unknown feed "${f}"${suggestion(f, feeds)}`);
      });
      if (p.feeds?.length === 2 && p.feeds[0] === p.feeds[1]) add(at("feeds", 1), `A and B feeds are both "${p.feeds[0]}"`);
      if (b.type === "eks-managed") add(at("backend", "type"), 'eks-managed is only for pools with placement: cloud');
    } else {
      if (p.coolingZone !== undefined) add(at("coolingZone"), "a cloud pool is not cooled by the site; remove it");
      if (p.feeds !== undefined) add(at("feeds"), "a cloud pool draws no site power; remove it");
      if (p.powerCapWatts !== undefined) add(at("powerCapWatts"), "a cloud pool is not charged to the site; a cap has no effect there");
      if (b.type !== "eks-managed") add(at("backend", "type"), `a cloud pool needs backend eks-managed, got ${b.type}`);
    }

    const only = (field: keyof typeof b, types: readonly string[]) => {
      if (b[field] !== undefined && !types.includes(b.type)) {
        add(at("backend", field), `applies only to backend ${types.join(" or ")}, not ${b.type}`);
      }
    };
    only("nodeNamePrefix", ["static"]);
    only("nodeNames", ["static"]);
    only("indexWidth", ["static"]);
    only("firstIndex", ["static"]);
    only("instanceType", ["eks-managed"]);
    only("amiType", ["eks-managed"]);
    only("subnetIds", ["eks-managed"]);
    if (b.type === "static") {
      if (b.nodeNamePrefix === undefined && b.nodeNames === undefined) {
        add(at("backend"), "static backend needs nodeNamePrefix or nodeNames");
      }
      if (b.nodeNamePrefix !== undefined && b.nodeNames !== undefined) {
        add(at("backend", "nodeNames"), "give nodeNamePrefix or nodeNames, not both");
      }
      if (b.nodeNames !== undefined) {
        const seen = new Set<string>();
        b.nodeNames.forEach((n, j) => {
          if (seen.has(n)) add(at("backend", "nodeNames", j), `duplicate node name "${n}"`);
          seen.add(n);
        });
        if (b.nodeNames.length === 0) add(at("backend", "nodeNames"), "must name at least one node");
      }
    }
    if (b.type === "eks-managed" && b.instanceType === undefined) add(at("backend", "instanceType"), "required for eks-managed");
    if ((b.type === "eks-hybrid" || b.type === "eks-managed") && !eks) {
      add(at("backend", "type"), `${b.type} needs cluster.type: eks`);
    }

    const dp = p.devicePlugin;
    if (dp !== undefined) {
      if (dp.sharing === "none" && dp.replicas !== undefined) {
        add(at("devicePlugin", "replicas"), "replicas apply only with sharing time-slicing or mps");
      }
      if (dp.sharing !== "none" && dp.replicas === undefined) {
        add(at("devicePlugin", "replicas"), `required with sharing ${dp.sharing}`);
      }
      if (dp.sharing === "none" && dp.rename !== undefined) {
        add(at("devicePlugin", "rename"), "rename applies only with sharing time-slicing or mps");
      }
      // MIG: the profile exists on the pool's GPU, the layout fits it, and the strategy agrees with it.
      for (const problem of migProblems(p.sku, dp.migStrategy, dp.migProfile)) {
        add(at("devicePlugin", /^migStrategy|needs migStrategy/.test(problem) ? "migStrategy" : "migProfile"), `MIG: ${problem}`);
      }
      // NVIDIA's own rules for the config this pool will get.
      if (dp.sharing === "none" || dp.replicas !== undefined) {
        for (const problem of devicePluginConfigProblems(devicePluginConfig(p))) {
          const field = /replicas/.test(problem) ? "replicas" : /migStrategy|MPS/.test(problem) ? "migStrategy" : /rename/.test(problem) ? "rename" : undefined;
          add(field ? at("devicePlugin", field) : at("devicePlugin"), `NVIDIA device plugin: ${problem}`);
        }
      }
    }
  });

  const c = spec.cluster;
  if (eks) {
    if (c.kubernetesVersion === undefined) add(["cluster", "kubernetesVersion"], 'required with cluster.type: eks (e.g. "1.33")');
    if (c.subnetIds === undefined || c.subnetIds.length < 2) {
      add(["cluster", "subnetIds"], "cluster.type: eks needs at least two subnets, in different availability zones");
    }
    const hybrid = spec.gpuPools.some((p) => p.backend.type === "eks-hybrid");
    if (hybrid && (c.remoteNodeCIDRs ?? []).length === 0) add(["cluster", "remoteNodeCIDRs"], "required with eks-hybrid pools");
    if (hybrid && (c.remotePodCIDRs ?? []).length === 0) add(["cluster", "remotePodCIDRs"], "required with eks-hybrid pools");
  } else {
    for (const f of ["kubernetesVersion", "subnetIds", "remoteNodeCIDRs", "remotePodCIDRs"] as const) {
      if (c[f] !== undefined) add(["cluster", f], "applies only to cluster.type: eks");
    }
  }

  issues.push(...catalogIssues(spec));
  issues.push(...(eks ? remoteNetworkIssues(c) : []), ...unsupportedVendorIssues(spec, catalog));

  const phases = spec.rollout.phases.map((p) => p.name);
  unique(spec.rollout.phases, "rollout.phases", "phase");
  if (!phases.includes(spec.rollout.activePhase)) {
    add(["rollout", "activePhase"], `unknown phase "${spec.rollout.activePhase}"${suggestion(spec.rollout.activePhase, phases)}`);
  }
  spec.rollout.phases.forEach((ph, i) => {
    for (const [block, units] of Object.entries(ph.mining)) {
      const m = spec.mining.find((x) => x.name === block);
      if (m === undefined) {
        add(["rollout", "phases", i, "mining", block], `unknown mining block "${block}"${suggestion(block, blocks)}`);
      } else if (units > m.units) {
        add(["rollout", "phases", i, "mining", block], `runs ${units} miners but the fleet "${block}" has ${m.units}`);
      }
    }
    for (const [pool, nodes] of Object.entries(ph.gpu)) {
      const p = spec.gpuPools.find((x) => x.name === pool);
      if (p === undefined) {
        add(["rollout", "phases", i, "gpu", pool], `unknown GPU pool "${pool}"${suggestion(pool, pools)}`);
      } else if (p.backend.nodeNames !== undefined && nodes > p.backend.nodeNames.length) {
        add(["rollout", "phases", i, "gpu", pool], `${nodes} nodes, but pool "${pool}" lists only ${p.backend.nodeNames.length} node names`);
      }
    }
  });
  return issues;
}
