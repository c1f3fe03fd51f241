/**
 * What the policies know of a site, read only from the resources the engine
 * sends: the `repower-site-envelope` ConfigMap (the validated spec), and the
 * resources that admit GPU nodes (EKS node groups, SSM activations,
 * NodeFeatureRules, NodePatches). Anything missing or unreadable is reported
 * as a problem, so that policies fail closed.
 */
import type { PolicyResource } from "@pulumi/policy";
import { ENVELOPE_CONFIGMAP, ENVELOPE_SCHEMA, SITE_SPEC_VERSION, siteEnvelope, specVersionReadable, UNVERSIONED_SPEC, validateSite, type Envelope as Moment, type Site } from "../components/model";

type Props = Record<string, any>;

/** The stack a URN belongs to: `urn:pulumi:<stack>::<project>::...`. */
export function stackOfUrn(urn: string): string {
  return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** A resource as a policy sees it: enough to read it and to report on it. */
export interface SeenResource {
  urn: string;
  props: unknown;
}

export type Envelope = { ok: true; site: Site; stack: string; resource: SeenResource } | { ok: false; problem: string; resource?: SeenResource };

const parsed = new Map<string, ReturnType<typeof validateSite>>();
function validateCached(text: string) {
  let r = parsed.get(text);
  if (r === undefined) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { ok: false as const, issues: [{ path: [], message: `site.json is not JSON: ${(e as Error).message}` }] };
    }
    r = validateSite(value);
    if (parsed.size > 32) parsed.clear();
    parsed.set(text, r);
  }
  return r;
}

const moments = new WeakMap<Site, Moment[]>();
/**
 * Every moment of the rollout evaluated, once per site: the envelope policies
 * each read the same ConfigMap, and the validated site is cached by its text.
 */
export function evaluatedMoments(site: Site): Moment[] {
  let m = moments.get(site);
  if (m === undefined) {
    m = siteEnvelope(site);
    moments.set(site, m);
  }
  return m;
}

/** The engine's type token of the envelope ConfigMap. */
export const CONFIGMAP_TYPE = "kubernetes:core/v1:ConfigMap";

/** True for the envelope ConfigMap's properties. */
export function isEnvelope(type: string, props: unknown): boolean {
  return type === CONFIGMAP_TYPE && (props as Props)?.metadata?.name === ENVELOPE_CONFIGMAP;
}

/** The site one envelope ConfigMap publishes, or why it cannot be used. */
export function readEnvelope(resource: SeenResource): Envelope {
  const cm = resource;
  const stack = stackOfUrn(cm.urn);
  const data = ((cm.props as Props).data ?? {}) as Record<string, unknown>;
  if (data.schema !== ENVELOPE_SCHEMA) {
    return { ok: false, problem: `${ENVELOPE_CONFIGMAP} has schema ${JSON.stringify(data.schema)}, expected "${ENVELOPE_SCHEMA}"`, resource: cm };
  }
  const specVersion = data.specVersion === undefined ? UNVERSIONED_SPEC : String(data.specVersion);
  if (!specVersionReadable(specVersion)) {
    return {
      ok: false,
      problem: `${ENVELOPE_CONFIGMAP} publishes site spec version ${JSON.stringify(specVersion)}, but this policy pack understands site spec version ${SITE_SPEC_VERSION} and older; use a pack that reads version ${specVersion}`,
      resource: cm,
    };
  }
  if (typeof data["site.json"] !== "string") return { ok: false, problem: `${ENVELOPE_CONFIGMAP} has no site.json`, resource: cm };
  if (data.stack !== stack) {
    return { ok: false, problem: `${ENVELOPE_CONFIGMAP} belongs to stack ${JSON.stringify(data.stack)}, not to this stack (${stack})`, resource: cm };
  }
  const r = validateCached(data["site.json"]);
  if (!r.ok) {
    const issues = r.issues.slice(0, 5).map((i) => `${i.path.join(".") || "site"}: ${i.message}`).join("; ");
    return { ok: false, problem: `${ENVELOPE_CONFIGMAP}'s site.json cannot be evaluated: ${issues}`, resource: cm };
  }
  if (data.site !== r.site.name) {
    return { ok: false, problem: `${ENVELOPE_CONFIGMAP} names site ${JSON.stringify(data.site)} but its site.json is site "${r.site.name}"`, resource: cm };
  }
  return { ok: true, site: r.site, stack, resource: cm };
}

/** The site the stack's envelope ConfigMap publishes, or why there is none to use. */
export function envelopeOf(resources: readonly PolicyResource[]): Envelope {
  const found = resources.filter((r) => isEnvelope(r.type, r.props));
  if (found.length === 0) {
    return { ok: false, problem: `no ${ENVELOPE_CONFIGMAP} ConfigMap among the stack's ${resources.length} resources (the SitePowerEnvelope component publishes it); the site's budgets cannot be checked` };
  }
  if (found.length > 1) return { ok: false, problem: `${found.length} ${ENVELOPE_CONFIGMAP} ConfigMaps in one stack; expected exactly one`, resource: found[1] };
  return readEnvelope(found[0]);
}

/** One resource that admits GPU nodes into a pool. */
export interface Admission {
  resource: PolicyResource;
  pool: string;
  sku?: string;
  /** Nodes it admits at most. */
  nodes: number;
  /** What it is, for a message (made only when a message needs it). */
  what(): string;
}

const POOL = "repower.io/pool";
const SKU = "repower.io/sku";

/** Every resource that admits GPU nodes, with the pool it admits them into and how many. */
export function admissions(resources: readonly PolicyResource[]): Admission[] {
  const out: Admission[] = [];
  for (const r of resources) {
    const p = r.props as Props;
    switch (r.type) {
      case "aws:eks/nodeGroup:NodeGroup": {
        const pool = p.labels?.[POOL] ?? p.tags?.[POOL];
        if (pool === undefined) break;
        out.push({ resource: r, pool, sku: p.labels?.[SKU], nodes: Number(p.scalingConfig?.maxSize ?? 0), what: () => `node group maxSize ${p.scalingConfig?.maxSize}` });
        break;
      }
      case "aws:ssm/activation:Activation": {
        const pool = p.tags?.[POOL];
        if (pool === undefined) break;
        const limit = p.registrationLimit;
        out.push({ resource: r, pool, nodes: limit === undefined ? Infinity : Number(limit), what: () => `SSM activation registrationLimit ${limit ?? "(none: unlimited)"}` });
        break;
      }
      case "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule": {
        for (const rule of (p.spec?.rules ?? []) as Props[]) {
          const pool = rule.labels?.[POOL];
          if (pool === undefined) continue;
          let names = 0;
          let unbounded = false;
          for (const mf of (rule.matchFeatures ?? []) as Props[]) {
            const nodename = mf.matchExpressions?.nodename;
            if (mf.feature === "system.name" && nodename?.op === "In" && Array.isArray(nodename.value)) names += nodename.value.length;
            else unbounded = true;
          }
          const nodes = unbounded || names === 0 ? Infinity : names;
          out.push({ resource: r, pool, sku: rule.labels?.[SKU], nodes, what: () => (unbounded ? "NodeFeatureRule matching nodes by more than their names" : `NodeFeatureRule naming ${names} nodes`) });
        }
        break;
      }
      case "kubernetes:core/v1:NodePatch": {
        const metadata = p.metadata;
        const labels = metadata?.labels;
        const pool = labels?.[POOL];
        if (pool === undefined) break;
        out.push({ resource: r, pool, sku: labels[SKU], nodes: 1, what: () => `NodePatch of ${metadata.name}` });
        break;
      }
    }
  }
  return out;
}
