/**
 * What the policies know of a site, read only from the resources the engine
 * sends: the `repower-site-envelope` ConfigMap (the validated spec), and the
 * resources that admit GPU nodes (EKS node groups, SSM activations,
 * NodeFeatureRules, NodePatches). Anything missing or unreadable is reported
 * as a problem, so that policies fail closed.
 */
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { ENVELOPE_CONFIGMAP, ENVELOPE_SCHEMA, LABEL_POOL, LABEL_SKU, SITE_SPEC_VERSION, siteEnvelope, specVersionReadable, UNVERSIONED_SPEC, validateSite, type Envelope as Moment, type Site } from "../components/model";
import { gpuMarking, isGpuAmiType, isGpuInstanceType, karpenterGpuFamilies, type Requirement } from "./gpu-capacity";
import { isUnknown, raw, unknownMessage, unknownPaths } from "./known";

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

export type Envelope = { ok: true; site: Site; stack: string; resource: SeenResource } | { ok: false; problem: string; resource?: SeenResource; missing?: boolean };

/**
 * One cause, one violation. A problem of the envelope itself is reported
 * once, by one envelope policy, as a mandatory violation:
 * - missing or doubled: in stack analysis (no per-resource call can see that
 *   a resource is absent, or that there is a second one);
 * - present but unreadable: when the engine analyzes that ConfigMap (before
 *   anything that depends on it is created), and not again in stack analysis.
 * Every other policy that reads the envelope checks nothing then and says so
 * as not applicable, naming the cause and this reporter; none passes.
 */
export const ENVELOPE_REPORTER = "site-power-budget";

/** What a policy that could not read the envelope says (not applicable): the cause, and who reported it. */
export function notCheckedReason(problem: string): string {
  return `could not be checked: ${problem}; reported once, by ${ENVELOPE_REPORTER}`;
}

/** How to give a stack its envelope: said with a missing one. */
const ADD_ENVELOPE = `Add the SitePowerEnvelope component for the site (it publishes ${ENVELOPE_CONFIGMAP}; infra/program.ts does), and give every resource that admits GPU nodes dependsOn it (GpuNodePool does)`;

/**
 * Why the stack does not have exactly one envelope ConfigMap, or undefined
 * when it does (whether that one can be read is the per-resource check's).
 */
export function envelopeCountProblem(resources: readonly PolicyResource[]): { problem: string; urn?: string } | undefined {
  let first: PolicyResource | undefined;
  let count = 0;
  const urns: string[] = [];
  for (const r of resources) {
    // The type first: one string compare for every resource that is not a ConfigMap.
    if (r.type !== CONFIGMAP_TYPE || !isEnvelope(r.type, r.props)) continue;
    count++;
    first ??= r;
    urns.push(r.urn);
  }
  if (count === 1) return undefined;
  if (count === 0) {
    return { problem: `no ${ENVELOPE_CONFIGMAP} ConfigMap among the stack's ${resources.length} resources, so no budget of the site can be checked. ${ADD_ENVELOPE}` };
  }
  return {
    problem: `${count} ${ENVELOPE_CONFIGMAP} ConfigMaps in one stack (${urns.map((u) => u.split("::").pop()).join(", ")}), expected exactly one: the policies cannot tell which one the site is. Keep one SitePowerEnvelope per stack`,
    urn: urns[1],
  };
}

/**
 * The stack's envelope for a stack policy that reads it. When there is none
 * to use (missing, doubled or unreadable), the policy is not applicable:
 * `args.notApplicable` says why and who reported it (and does not return).
 */
export function stackEnvelope(args: StackValidationArgs): Extract<Envelope, { ok: true }> {
  const env = envelopeOf(args.resources);
  if (!env.ok) return args.notApplicable(notCheckedReason(env.problem));
  return env;
}

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
  return type === CONFIGMAP_TYPE && (raw(props) as Props)?.metadata?.name === ENVELOPE_CONFIGMAP;
}

/** The site one envelope ConfigMap publishes, or why it cannot be used. */
export function readEnvelope(resource: SeenResource): Envelope {
  const cm = resource;
  const stack = stackOfUrn(cm.urn);
  const data = ((raw(cm.props) as Props).data ?? {}) as Record<string, unknown>;
  const unknown = unknownPaths({ data });
  if (unknown.length > 0) return { ok: false, problem: unknownMessage(`${ENVELOPE_CONFIGMAP}'s content`, unknown).replace(/\.$/, ""), resource: cm };
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
  const count = envelopeCountProblem(resources);
  if (count !== undefined) return { ok: false, missing: true, problem: count.problem };
  return readEnvelope(resources.find((r) => r.type === CONFIGMAP_TYPE && isEnvelope(r.type, r.props))!);
}

/** One resource that admits GPU nodes: into a pool (by the repower labels it gives them) or into none. */
export interface Admission {
  resource: PolicyResource;
  /** The pool its nodes are labelled into; undefined: GPU capacity outside every pool. */
  pool?: string;
  sku?: string;
  /** Nodes it admits at most (Infinity: unbounded). */
  nodes: number;
  /** What it is, for a message (made only when a message needs it). */
  what(): string;
  /** Why it is GPU capacity, when it has no pool (e.g. "instance type p5.48xlarge"). */
  why?: string;
  /** Instance types it launches (node groups), to compare with the pool's. */
  instanceTypes?: string[];
  /** Properties the check needs that are unknown during preview. */
  unknown?: string[];
}

type Res = PolicyResource;
const str = (v: unknown): v is string => typeof v === "string";

/** Launch templates with a GPU instance type, and which node groups or auto scaling groups use each. */
function launchTemplates(resources: readonly Res[]) {
  const lts = resources.filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate");
  const gpu = new Map<Res, string>();
  for (const lt of lts) {
    const t = (raw(lt.props) as Props).instanceType;
    // An unknown instance type may be a GPU one: counted as GPU capacity, and reported as unknown.
    if (isGpuInstanceType(t) || isUnknown(t)) gpu.set(lt, isUnknown(t) ? "(unknown)" : t);
  }
  /** The launch template a `launchTemplate` reference ({ id | name, version }) of `user` points at. */
  const resolve = (user: Res, ref: Props | undefined, key: string): Res | undefined => {
    if (ref === undefined || ref === null) return undefined;
    const byDep = (user.propertyDependencies?.[key] ?? []).find((d) => d.type === "aws:ec2/launchTemplate:LaunchTemplate");
    if (byDep) return byDep;
    return lts.find((lt) => {
      const p = raw(lt.props) as Props;
      return (str(ref.name) && ref.name === p.name) || (str(ref.id) && ref.id === (p as Props).id);
    });
  };
  return { gpu, resolve };
}

/**
 * Every resource in the stack that admits GPU nodes, recognised by what it is
 * (instance types, Karpenter requirements, SSM activations, the labels and
 * taints it puts on nodes), with the pool it labels them into (if any) and how many.
 */
export function admissions(resources: readonly PolicyResource[]): Admission[] {
  const out: Admission[] = [];
  const lt = launchTemplates(resources);
  const usedLts = new Set<Res>();
  for (const r of resources) {
    const p = raw(r.props) as Props;
    switch (r.type) {
      case "aws:eks/nodeGroup:NodeGroup": {
        const labels = (p.labels ?? {}) as Record<string, unknown>;
        const pool = labels[LABEL_POOL];
        const types: string[] = Array.isArray(p.instanceTypes) ? p.instanceTypes.filter(str) : [];
        const template = lt.resolve(r, p.launchTemplate, "launchTemplate");
        if (template) usedLts.add(template);
        const gpuType = types.find(isGpuInstanceType) ?? (template ? lt.gpu.get(template) : undefined);
        const why = gpuType !== undefined ? `instance type ${gpuType}` : isGpuAmiType(p.amiType) ? `AMI type ${p.amiType}` : undefined;
        // What decides whether it is GPU capacity at all: unknown, it cannot be passed over.
        const hidden = unknownPaths({ labels: p.labels, instanceTypes: p.instanceTypes, amiType: p.amiType, launchTemplate: p.launchTemplate });
        if (pool === undefined && why === undefined && hidden.length === 0) break;
        const max = p.scalingConfig?.maxSize;
        const unknown = [...hidden, ...unknownPaths({ scalingConfig: { maxSize: max } })];
        out.push({
          resource: r,
          pool: str(pool) && !isUnknown(pool) ? pool : undefined,
          sku: str(labels[LABEL_SKU]) ? (labels[LABEL_SKU] as string) : undefined,
          nodes: Number(max ?? 0),
          what: () => `node group maxSize ${max}`,
          why,
          instanceTypes: types,
          ...(unknown.length ? { unknown } : {}),
        });
        break;
      }
      case "aws:autoscaling/group:Group": {
        const refs: Res[] = [];
        const a = lt.resolve(r, p.launchTemplate, "launchTemplate");
        if (a) refs.push(a);
        const mixed = p.mixedInstancesPolicy?.launchTemplate;
        const b = lt.resolve(r, mixed?.launchTemplateSpecification, "mixedInstancesPolicy");
        if (b) refs.push(b);
        refs.forEach((x) => usedLts.add(x));
        const overrides: string[] = (Array.isArray(mixed?.overrides) ? mixed.overrides : []).map((o: Props) => o?.instanceType).filter(str);
        const gpuType = overrides.find(isGpuInstanceType) ?? refs.map((x) => lt.gpu.get(x)).find(str);
        const hidden = unknownPaths({ launchTemplate: p.launchTemplate, mixedInstancesPolicy: p.mixedInstancesPolicy });
        if (gpuType === undefined && hidden.length === 0) break;
        out.push({ resource: r, nodes: Number(p.maxSize ?? Infinity), what: () => `auto scaling group maxSize ${p.maxSize}`, why: `instance type ${gpuType}`, ...(hidden.length ? { unknown: hidden } : {}) });
        break;
      }
      case "aws:ssm/activation:Activation": {
        const pool = p.tags?.[LABEL_POOL];
        // RegistrationLimit defaults to 1 (AWS Systems Manager API Reference, CreateActivation).
        const limit = p.registrationLimit ?? 1;
        const unknown = unknownPaths({ registrationLimit: p.registrationLimit, tags: p.tags });
        out.push({
          resource: r,
          pool: str(pool) && !isUnknown(pool) ? pool : undefined,
          nodes: Number(limit),
          what: () => `SSM activation registrationLimit ${limit}`,
          why: "an SSM activation registers hybrid nodes",
          ...(unknown.length ? { unknown } : {}),
        });
        break;
      }
      case "kubernetes:karpenter.sh/v1:NodePool":
      case "kubernetes:karpenter.sh/v1beta1:NodePool": {
        const tmpl = p.spec?.template ?? {};
        const reqs: Requirement[] = Array.isArray(tmpl.spec?.requirements) ? tmpl.spec.requirements : [];
        const labels = (tmpl.metadata?.labels ?? {}) as Record<string, unknown>;
        const pool = labels[LABEL_POOL];
        const unknown = unknownPaths({ requirements: tmpl.spec?.requirements, labels: tmpl.metadata?.labels, limits: p.spec?.limits });
        const families = unknown.length ? ["(unknown)"] : karpenterGpuFamilies(reqs);
        if (families.length === 0 && pool === undefined) break;
        const gpus = Number(p.spec?.limits?.["nvidia.com/gpu"]);
        out.push({
          resource: r,
          pool: str(pool) && !isUnknown(pool) ? pool : undefined,
          sku: str(labels[LABEL_SKU]) ? (labels[LABEL_SKU] as string) : undefined,
          // A NodePool's only bound is its limits; nvidia.com/gpu bounds GPUs, so nodes of at least one GPU.
          nodes: Number.isFinite(gpus) ? gpus : Infinity,
          what: () => `Karpenter NodePool${Number.isFinite(gpus) ? ` limited to ${gpus} GPUs` : " without an nvidia.com/gpu limit"}`,
          why: `its requirements admit GPU instances (${families.slice(0, 6).join(", ")}${families.length > 6 ? ", …" : ""})`,
          ...(unknown.length ? { unknown } : {}),
        });
        break;
      }
      case "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule": {
        const rules = p.spec?.rules;
        if (isUnknown(p.spec) || isUnknown(rules)) {
          out.push({ resource: r, nodes: Infinity, what: () => "NodeFeatureRule", why: "its rules", unknown: unknownPaths({ spec: p.spec }) });
          break;
        }
        for (const rule of (Array.isArray(rules) ? rules : []) as Props[]) {
          const hidden = unknownPaths(rule);
          if (hidden.length > 0) {
            out.push({ resource: r, nodes: Infinity, what: () => "NodeFeatureRule", why: "its rules", unknown: hidden });
            continue;
          }
          const pool = rule.labels?.[LABEL_POOL];
          const template = typeof rule.labelsTemplate === "string" && /nvidia|repower\.io/.test(rule.labelsTemplate) ? "a labelsTemplate writing GPU labels" : undefined;
          const extended = rule.extendedResources && Object.keys(rule.extendedResources).some((k) => k.startsWith("nvidia.com/")) ? "nvidia.com extended resources" : undefined;
          const why = gpuMarking(rule.labels, rule.taints) ?? template ?? extended;
          if (pool === undefined && why === undefined) continue;
          let names = 0;
          let unbounded = false;
          for (const mf of (rule.matchFeatures ?? []) as Props[]) {
            const nodename = mf.matchExpressions?.nodename;
            if (mf.feature === "system.name" && nodename?.op === "In" && Array.isArray(nodename.value)) names += nodename.value.length;
            else unbounded = true;
          }
          if ((rule.matchAny ?? []).length > 0) unbounded = true;
          const nodes = unbounded || names === 0 ? Infinity : names;
          out.push({
            resource: r,
            pool: str(pool) && !isUnknown(pool) ? pool : undefined,
            sku: str(rule.labels?.[LABEL_SKU]) ? rule.labels[LABEL_SKU] : undefined,
            nodes,
            what: () => (unbounded ? "NodeFeatureRule matching nodes by more than their names" : `NodeFeatureRule naming ${names} nodes`),
            why: `it sets ${why} on the nodes it matches`,
          });
        }
        break;
      }
      case "kubernetes:core/v1:NodePatch":
      case "kubernetes:core/v1:Node": {
        const labels = p.metadata?.labels;
        const pool = labels?.[LABEL_POOL];
        const why = gpuMarking(labels, p.spec?.taints);
        const unknown = unknownPaths({ metadata: { labels }, spec: { taints: p.spec?.taints } });
        if (pool === undefined && why === undefined && unknown.length === 0) break;
        out.push({
          resource: r,
          pool: str(pool) && !isUnknown(pool) ? pool : undefined,
          sku: str(labels?.[LABEL_SKU]) ? labels[LABEL_SKU] : undefined,
          nodes: 1,
          what: () => `${r.type.endsWith("NodePatch") ? "NodePatch" : "Node"} of ${p.metadata?.name}`,
          why: `it sets ${why} on node ${p.metadata?.name}`,
          ...(unknown.length ? { unknown } : {}),
        });
        break;
      }
    }
  }
  for (const [template, type] of lt.gpu) {
    if (usedLts.has(template)) continue;
    const unknown = type === "(unknown)" ? ["instanceType"] : undefined;
    out.push({ resource: template, nodes: Infinity, what: () => `launch template with instance type ${type}`, why: `instance type ${type}, used by no node group of a planned pool in this stack`, ...(unknown ? { unknown } : {}) });
  }
  return out;
}
