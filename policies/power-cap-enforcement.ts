/**
 * Part of pool-matches-spec: a pool whose budgets assume a power cap has it
 * enforced on its nodes, by a DaemonSet that would really run there (its node
 * selector and node affinity match the pool's labels, it tolerates the GPU
 * taint, it runs the published image and a command that applies the cap) and
 * that sets exactly the planned cap.
 *
 * A planned cap outside the SKU's range is power-cap-range's violation alone
 * (contract, "One cause, one violation": a spec value that is itself wrong is
 * not reported again as drift); a DaemonSet that sets that same value is then
 * not drift either.
 */
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { activePhase, GPU_TAINT, LABEL_POOL, poolLabels, POWER_CAP_ENV, POWER_CAP_IMAGE, type GpuPool, type Site } from "../components/model";
import { raw, unknownMessage, unknownPaths } from "./known";
import { capInRange, capRange } from "./power-cap-range";

type Props = Record<string, any>;

/** Kubernetes NodeSelectorRequirement semantics against a node's labels. */
function matches(labels: Record<string, string>, e: { key?: string; operator?: string; values?: unknown[] }): boolean {
  const v = e.key === undefined ? undefined : labels[e.key];
  const values = (e.values ?? []).map(String);
  switch (e.operator) {
    case "In":
      return v !== undefined && values.includes(v);
    case "NotIn":
      return v === undefined || !values.includes(v);
    case "Exists":
      return v !== undefined;
    case "DoesNotExist":
      return v === undefined;
    case "Gt":
      return v !== undefined && Number(v) > Number(values[0]);
    case "Lt":
      return v !== undefined && Number(v) < Number(values[0]);
    default:
      return false;
  }
}

/** Why a pod spec would not run on the pool's nodes (labels and GPU taint), or undefined when it would. */
export function wouldNotRunOn(spec: Props, labels: Record<string, string>, pool: string): string | undefined {
  const selector = (spec.nodeSelector ?? {}) as Record<string, unknown>;
  if (selector[LABEL_POOL] !== pool) return `its nodeSelector does not select ${LABEL_POOL}=${pool}`;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return `its nodeSelector ${k}=${String(v)} matches none of the pool's nodes`;
  if (spec.nodeName !== undefined) return `it is pinned to node ${spec.nodeName}`;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (Array.isArray(terms) && terms.length > 0) {
    const ok = terms.some((t: Props) => (t.matchExpressions ?? []).every((e: Props) => matches(labels, e)) && (t.matchFields ?? []).length === 0);
    if (!ok) return "its required node affinity excludes the pool's nodes";
  }
  const tolerated = ((spec.tolerations ?? []) as Props[]).some(
    (t) =>
      (t.key === GPU_TAINT.key || (t.key === undefined && t.operator === "Exists")) &&
      (t.operator === "Exists" || t.value === GPU_TAINT.value) &&
      (t.effect === undefined || t.effect === "" || t.effect === GPU_TAINT.effect),
  );
  if (!tolerated) return `it does not tolerate the GPU taint ${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect} every node of the pool carries`;
  return undefined;
}

/** Why a container would not apply the cap, or undefined. */
function wouldNotApply(c: Props): string | undefined {
  if (c.image !== POWER_CAP_IMAGE) return `its container runs image ${JSON.stringify(c.image)}, not ${POWER_CAP_IMAGE}`;
  const cmd = [...(c.command ?? []), ...(c.args ?? [])].map(String).join(" ");
  if (!/nvidia-smi\b/.test(cmd) || !/\s-pl\s/.test(cmd) || !cmd.includes(POWER_CAP_ENV)) {
    return `its container's command does not apply ${POWER_CAP_ENV} with nvidia-smi -pl`;
  }
  return undefined;
}

/** The power caps deployed by DaemonSets, checked against the spec; every planned cap must be enforced. */
export function checkPowerCaps(site: Site, resources: readonly PolicyResource[], envelopeUrn: string, report: ReportViolation): void {
  const phase = activePhase(site);
  const enforced = new Set<string>();
  for (const r of resources) {
    if (r.type !== "kubernetes:apps/v1:DaemonSet") continue;
    const props = raw(r.props) as Props;
    const spec = props.spec?.template?.spec ?? {};
    const containers = (Array.isArray(spec.containers) ? spec.containers : []) as Props[];
    const container = containers.find((c) => (c.env ?? []).some((e: Props) => e?.name === POWER_CAP_ENV));
    if (container === undefined) continue;
    const unknown = unknownPaths({ nodeSelector: spec.nodeSelector, affinity: spec.affinity, tolerations: spec.tolerations, container: { image: container.image, command: container.command, args: container.args, env: container.env } });
    if (unknown.length > 0) {
      report(unknownMessage(`Whether DaemonSet ${r.name} enforces the planned power cap`, unknown), r.urn);
      continue;
    }
    const cap = (container.env as Props[]).find((e) => e.name === POWER_CAP_ENV)!;
    const poolName = spec.nodeSelector?.[LABEL_POOL];
    const pool = site.gpuPools.find((p) => p.name === poolName);
    if (pool === undefined) {
      report(`DaemonSet ${r.name} caps GPUs of pool ${JSON.stringify(poolName)}, which the site does not declare.`, r.urn);
      continue;
    }
    const watts = Number(cap.value);
    const planned = pool.powerCapWatts;
    const why = wouldNotRunOn(spec, poolLabels(site, pool), pool.name) ?? wouldNotApply(container);
    if (why !== undefined) {
      report(`DaemonSet ${r.name} would not cap pool ${pool.name}'s GPUs: ${why}.`, r.urn);
      continue;
    }
    enforced.add(pool.name);
    if (planned === undefined) {
      report(`DaemonSet ${r.name} caps pool ${pool.name} at ${cap.value} W per GPU, but the site plans no cap for it: set powerCapWatts in repower:site so the budgets are checked at the cap, or remove the DaemonSet.`, r.urn);
    } else if (watts !== planned) {
      const range = Number.isFinite(watts) && !capInRange(pool, watts) ? `, outside ${pool.sku}'s range ${capRange(pool)}` : "";
      report(`DaemonSet ${r.name} caps pool ${pool.name} at ${cap.value} W per GPU${range}, not the ${planned} W the budgets were checked at. Set it to ${planned} W, or plan the new cap in repower:site.`, r.urn);
    }
  }
  for (const pool of site.gpuPools) {
    if (!needsCap(pool) || (phase.gpu[pool.name] ?? 0) === 0) continue;
    if (!enforced.has(pool.name)) {
      report(`pool ${pool.name}: the budgets assume a ${pool.powerCapWatts} W cap per GPU, but no power-cap DaemonSet enforces it on the pool's nodes.`, envelopeUrn);
    }
  }
}

/** On-site pools with a planned cap in range (one out of range is power-cap-range's alone). */
function needsCap(pool: GpuPool): boolean {
  return pool.powerCapWatts !== undefined && pool.placement === "on-site" && capInRange(pool, pool.powerCapWatts);
}
