/**
 * The MIG half of device-plugin-config-valid (stack analysis): on each pool's
 * nodes, the device plugin's MIG strategy and the MIG partitions MIG Manager
 * creates must agree. Everything is recomputed from the resources the engine
 * sends; the envelope's spec only says which pools want a `migProfile`, and
 * gives the labels of hybrid nodes (their nodeadm NodeConfig is rendered from
 * it and is not a resource).
 *
 * What runs on a pool's nodes, as NVIDIA's software decides it:
 * - the device-plugin config: the one the node's
 *   `nvidia.com/device-plugin.config` label names (else the deployment's
 *   `config.default`), in the nvidia-device-plugin chart's `config.map` (or
 *   the ConfigMap its `config.name` names), or the ConfigMap the gpu-operator
 *   chart's `devicePlugin.config.name` names;
 * - its MIG strategy: the config's `flags.migStrategy` (default none), unless
 *   the plugin's `MIG_STRATEGY` environment variable is set, which wins
 *   (NVIDIA/k8s-device-plugin v0.20.0 api/config/v1 flags.go
 *   `UpdateFromCLIFlags`, cmd/nvidia-device-plugin/main.go flag
 *   `mig-strategy`). The nvidia-device-plugin chart 0.20.0 sets it from its
 *   `migStrategy` value when that is a string (templates/daemonset-device-plugin.yml);
 *   the GPU Operator v25.3.0 sets it from ClusterPolicy `mig.strategy`
 *   (controllers/object_controls.go `applyMIGConfiguration`), which its chart
 *   fills from `mig.strategy`, `single` by default (values.yaml), for every
 *   node at once;
 * - the partitions: MIG Manager applies the mig-parted config the node's
 *   `nvidia.com/mig.config` label names, from the file it reads (NVIDIA's
 *   example DaemonSet: `CONFIG_FILE` from a ConfigMap volume, mig-parted
 *   v0.15.0 deployments/; the GPU Operator: `migManager.config.name`, key
 *   `config.yaml`). No label: nothing is applied. A name the file does not
 *   hold: nothing is applied (mig-parted v0.15.0 cmd/nvidia-mig-parted/assert
 *   `GetSelectedMigConfig`: "selected mig-config not present"). Entries with a
 *   `device-filter` apply only to GPUs of those PCI ids (api/spec/v1).
 *
 * NVIDIA's rules (NVIDIA/k8s-device-plugin v0.20.0 internal/rm/device_map.go,
 * `buildDeviceMapFromConfigResources`):
 * - `none`: MIG devices are ignored and every GPU is advertised whole, MIG
 *   mode or not: partitions on a `none` node are never advertised;
 * - `single`: every MIG device of the node must be of one profile ("more
 *   than one MIG device type present on node") and MIG on every GPU or none
 *   ("all devices on the node must be configured with the same migEnabled
 *   value"), else the plugin fails;
 * - `mixed`: any layout; each profile is its own resource.
 *
 * Each cause is reported once, naming the pool and the resources; what the
 * pack cannot read or see fails closed. Cost: one pass over the resources,
 * and one YAML parse a config.
 */
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { parse } from "yaml";
import {
  activePhase,
  LABEL_DEVICE_PLUGIN_CONFIG,
  LABEL_MIG_CONFIG,
  LABEL_POOL,
  MIG_GPUS,
  migConfigName,
  OPERATOR_CONFIGMAP,
  poolLabels,
  staticNodeNames,
  SYSTEM_MIG_GPU,
  type GpuPool,
  type Site,
} from "../components/model";
import { chartName, HELM_TYPES } from "./helm-charts";
import { isUnknown, raw, unknownMessage, unknownPaths } from "./known";

type Props = Record<string, any>;
type Strategy = "none" | "single" | "mixed";
const STRATEGIES: readonly string[] = ["none", "single", "mixed"];

/** The gpu-operator chart's default `mig.strategy` (NVIDIA/gpu-operator v25.3.0 deployments/gpu-operator/values.yaml). */
export const OPERATOR_DEFAULT_MIG_STRATEGY: Strategy = "single";
/** The key the GPU Operator's MIG Manager reads from its config ConfigMap (v25.3.0 assets/state-mig-manager). */
const OPERATOR_MIG_KEY = "config.yaml";
/** MIG Manager's image (nvcr.io/nvidia/cloud-native/k8s-mig-manager), from any registry. */
const MIG_MANAGER_IMAGE = /(^|\/)k8s-mig-manager([:@]|$)/;

const str = (v: unknown): v is string => typeof v === "string";
const list = (xs: Iterable<string>, most = 3) => {
  const a = [...xs];
  return a.length <= most ? a.join(", ") : `${a.slice(0, most).join(", ")} and ${a.length - most} more`;
};

/** A device-plugin deployment: its configs (by name) and what overrides their strategy. */
interface Plugin {
  what: string;
  urn: string;
  /** The configs, or why the pack cannot read them (undefined: reported by validateResource). */
  configs: Map<string, Strategy | undefined> | { problem: string } | undefined;
  default?: string;
  /** MIG_STRATEGY set on the plugin, and by what. */
  override?: { strategy: Strategy; by: string };
}

/** A MIG Manager and the mig-parted config it reads. */
interface Manager {
  what: string;
  urn: string;
  /** `namespace/name` of the ConfigMap and its key, or why there is none to read. */
  source: { configMap: string; key: string } | { problem: string };
}

/** Where a pool's nodes get their labels. */
interface LabelSource {
  pool: string;
  what: string;
  urn: string;
  labels: Record<string, unknown>;
}

/** A mig-parted config as applied to one GPU model: MIG on or off per entry, and the profiles it makes. */
interface Applied {
  enabled: boolean[];
  profiles: Set<string>;
}

function strategyOf(text: unknown): Strategy | undefined {
  if (!str(text)) return undefined;
  try {
    const m = (parse(text) as Props)?.flags?.migStrategy ?? "none";
    return STRATEGIES.includes(m) ? (m as Strategy) : undefined;
  } catch {
    return undefined; // not YAML: reported where the config is analyzed
  }
}

function configsOf(data: unknown): Map<string, Strategy | undefined> {
  const out = new Map<string, Strategy | undefined>();
  for (const [k, v] of Object.entries((data ?? {}) as Record<string, unknown>)) out.set(k, strategyOf(v));
  return out;
}

/** The mig-parted configs (api/spec/v1) in a ConfigMap entry, or why it is not one. */
function migPartedConfigs(text: unknown): Map<string, Props[]> | string {
  if (!str(text)) return "it is not text";
  let spec: Props;
  try {
    spec = parse(text) as Props;
  } catch (e) {
    return `it is not YAML (${(e as Error).message.split("\n")[0]})`;
  }
  if (spec === null || typeof spec !== "object") return "it is not a map";
  if (spec.version !== "v1") return `its version is ${JSON.stringify(spec.version)}, not v1`;
  const configs = spec["mig-configs"];
  if (configs === null || typeof configs !== "object" || Array.isArray(configs)) return "it has no mig-configs";
  const out = new Map<string, Props[]>();
  for (const [name, entries] of Object.entries(configs as Record<string, unknown>)) {
    if (!Array.isArray(entries) || entries.length === 0) return `mig-configs.${name} is not a list of entries`;
    out.set(name, entries as Props[]);
  }
  return out;
}

/** The entries of a mig-parted config that apply to a pool's GPUs (by `device-filter`), and what they make. */
function applied(entries: Props[], pool: GpuPool): Applied {
  const gpu = SYSTEM_MIG_GPU[pool.sku];
  const ids = gpu ? MIG_GPUS[gpu].deviceIds.map((x) => x.toLowerCase()) : undefined;
  const out: Applied = { enabled: [], profiles: new Set() };
  for (const e of entries) {
    const filter = e?.["device-filter"];
    const filters = str(filter) ? [filter] : Array.isArray(filter) ? filter.filter(str) : undefined;
    // A GPU outside the catalog's ids: every entry may apply (fail closed).
    if (filters !== undefined && ids !== undefined && !filters.some((f) => ids.includes(f.toLowerCase()))) continue;
    const on = e?.["mig-enabled"] === true;
    out.enabled.push(on);
    if (on) for (const [profile, n] of Object.entries((e["mig-devices"] ?? {}) as Record<string, unknown>)) if (typeof n === "number" && n > 0) out.profiles.add(profile);
  }
  return out;
}

/** Device-plugin deployments in the stack, with the ConfigMaps they name resolved. */
function plugins(resources: readonly PolicyResource[], configMaps: Map<string, PolicyResource>): Plugin[] {
  const out: Plugin[] = [];
  for (const r of resources) {
    if (!HELM_TYPES.has(r.type)) continue;
    const p = raw(r.props) as Props;
    const chart = chartName(p.chart);
    const ns = str(p.namespace) ? p.namespace : "default";
    const what = `${r.type.endsWith(":Release") ? "release" : "chart"} ${str(p.name) ? p.name : r.name}`;
    const fromConfigMap = (name: unknown): Plugin["configs"] => {
      const cm = str(name) ? configMaps.get(`${ns}/${name}`) : undefined;
      if (cm === undefined) return { problem: `ConfigMap ${ns}/${String(name)}, which ${what} reads its device-plugin configs from, is not in the stack` };
      const data = (raw(cm.props) as Props).data;
      const unknown = unknownPaths({ data });
      // Our own operator ConfigMap is checked, unknowns included, by validateResource.
      if (unknown.length > 0) return name === OPERATOR_CONFIGMAP ? undefined : { problem: unknownMessage(`The device-plugin configs of ConfigMap ${name}`, unknown) };
      return configsOf(data);
    };
    if (chart === "nvidia-device-plugin") {
      const config = p.values?.config;
      if (unknownPaths({ config, migStrategy: p.values?.migStrategy }).length > 0) {
        out.push({ what, urn: r.urn, configs: undefined }); // reported by validateResource
        continue;
      }
      const map = config?.map;
      const hasMap = map !== null && typeof map === "object" && Object.keys(map).length > 0;
      const ms = p.values?.migStrategy;
      out.push({
        what,
        urn: r.urn,
        configs: hasMap ? configsOf(map) : str(config?.name) && config.name !== "" ? fromConfigMap(config.name) : undefined,
        default: str(config?.default) && config.default !== "" ? config.default : undefined,
        ...(str(ms) && STRATEGIES.includes(ms) ? { override: { strategy: ms as Strategy, by: `${what}'s migStrategy value (MIG_STRATEGY)` } } : {}),
      });
    } else if (chart === "gpu-operator") {
      const v = p.values ?? {};
      if (v.devicePlugin?.enabled === false) continue;
      const config = v.devicePlugin?.config;
      if (unknownPaths({ config, mig: v.mig }).length > 0) {
        out.push({ what, urn: r.urn, configs: undefined });
        continue;
      }
      // The chart writes ClusterPolicy mig.strategy only when the value is non-empty; the operator then sets MIG_STRATEGY.
      const ms = v.mig === undefined || v.mig === null || !("strategy" in v.mig) ? OPERATOR_DEFAULT_MIG_STRATEGY : v.mig.strategy;
      const configs = config?.create === true && config?.data && typeof config.data === "object" ? configsOf(config.data) : str(config?.name) && config.name !== "" ? fromConfigMap(config.name) : new Map<string, Strategy | undefined>();
      out.push({
        what,
        urn: r.urn,
        configs,
        default: str(config?.default) && config.default !== "" ? config.default : undefined,
        ...(str(ms) && STRATEGIES.includes(ms) ? { override: { strategy: ms as Strategy, by: `${what}'s mig.strategy (ClusterPolicy, MIG_STRATEGY)${v.mig?.strategy === undefined ? `, the chart's default ${OPERATOR_DEFAULT_MIG_STRATEGY}` : ""}` } } : {}),
      });
    }
  }
  return out;
}

/** MIG Managers in the stack: NVIDIA's DaemonSet (any registry), or the GPU Operator's own. */
function managers(resources: readonly PolicyResource[]): Manager[] {
  const out: Manager[] = [];
  for (const r of resources) {
    const p = raw(r.props) as Props;
    if (r.type === "kubernetes:apps/v1:DaemonSet") {
      const spec = p.spec?.template?.spec;
      const containers: Props[] = Array.isArray(spec?.containers) ? spec.containers : [];
      const c = containers.find((x) => str(x?.image) && MIG_MANAGER_IMAGE.test(x.image));
      if (c === undefined) continue;
      const what = `DaemonSet ${p.metadata?.name ?? r.name}`;
      const ns = str(p.metadata?.namespace) ? p.metadata.namespace : "default";
      const file = (Array.isArray(c.env) ? c.env : []).find((e: Props) => e?.name === "CONFIG_FILE")?.value;
      const mount = str(file) ? (Array.isArray(c.volumeMounts) ? c.volumeMounts : []).find((m: Props) => str(m?.mountPath) && file.startsWith(m.mountPath.replace(/\/?$/, "/"))) : undefined;
      const volume = mount ? (Array.isArray(spec.volumes) ? spec.volumes : []).find((v: Props) => v?.name === mount.name) : undefined;
      const cm = volume?.configMap;
      if (!str(file) || mount === undefined || !str(cm?.name)) {
        out.push({ what, urn: r.urn, source: { problem: `its CONFIG_FILE ${str(file) ? file : "(not set)"} is not a file of a ConfigMap volume` } });
        continue;
      }
      const rel = file.slice(mount.mountPath.replace(/\/?$/, "/").length);
      const item = (Array.isArray(cm.items) ? cm.items : []).find((i: Props) => i?.path === rel);
      out.push({ what, urn: r.urn, source: { configMap: `${ns}/${cm.name}`, key: item?.key ?? rel } });
    } else if (HELM_TYPES.has(r.type) && chartName(p.chart) === "gpu-operator") {
      const mm = p.values?.migManager;
      if (mm?.enabled === false) continue;
      const what = `${r.type.endsWith(":Release") ? "release" : "chart"} ${str(p.name) ? p.name : r.name}'s MIG Manager`;
      const ns = str(p.namespace) ? p.namespace : "default";
      const name = mm?.config?.name;
      if (isUnknown(name) || isUnknown(p.namespace)) {
        out.push({ what, urn: r.urn, source: { problem: unknownMessage("Its config ConfigMap", ["values.migManager.config.name"]) } });
      } else if (!str(name) || name === "") {
        out.push({ what, urn: r.urn, source: { problem: "it reads the operator's built-in default-mig-parted-config, which is not in the stack" } });
      } else {
        out.push({ what, urn: r.urn, source: { configMap: `${ns}/${name}`, key: OPERATOR_MIG_KEY } });
      }
    }
  }
  return out;
}

/** Each pool's label sources: resources that label its nodes, else (hybrid pools) the spec's labels. */
function labelSources(site: Site, resources: readonly PolicyResource[], envelopeUrn: string): Map<string, LabelSource[]> {
  const phase = activePhase(site);
  // The static pools' node names, built only if a resource labels nodes by name without a pool label.
  let names: Map<string, string> | undefined;
  const nodePool = {
    get(node: string): string | undefined {
      if (names === undefined) {
        names = new Map();
        for (const pool of site.gpuPools) if (pool.backend.type === "static") for (const n of staticNodeNames(site, pool, phase.gpu[pool.name] ?? 0)) names.set(n, pool.name);
      }
      return names.get(node);
    },
  };
  const out = new Map<string, LabelSource[]>();
  const add = (pool: unknown, what: string, urn: string, labels: unknown) => {
    if (!str(pool) || labels === null || typeof labels !== "object" || unknownPaths(labels).length > 0) return; // unknown labels: pool-matches-spec reports them
    const l = labels as Record<string, unknown>;
    if (!(LABEL_MIG_CONFIG in l) && !(LABEL_DEVICE_PLUGIN_CONFIG in l) && !(LABEL_POOL in l)) return;
    const s = out.get(pool) ?? [];
    s.push({ pool, what, urn, labels: l });
    out.set(pool, s);
  };
  const patches: [string, string, string, Record<string, unknown>][] = [];
  for (const r of resources) {
    const p = raw(r.props) as Props;
    switch (r.type) {
      case "aws:eks/nodeGroup:NodeGroup":
        add(p.labels?.[LABEL_POOL], `node group ${r.name}`, r.urn, p.labels);
        break;
      case "kubernetes:karpenter.sh/v1:NodePool":
      case "kubernetes:karpenter.sh/v1beta1:NodePool": {
        const labels = p.spec?.template?.metadata?.labels;
        add(labels?.[LABEL_POOL], `Karpenter NodePool ${r.name}`, r.urn, labels);
        break;
      }
      case "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule":
        for (const rule of (Array.isArray(p.spec?.rules) ? p.spec.rules : []) as Props[]) {
          const labels = rule?.labels;
          if (labels === undefined || labels === null || !(LABEL_MIG_CONFIG in labels || LABEL_DEVICE_PLUGIN_CONFIG in labels || LABEL_POOL in labels)) continue;
          let pool = labels[LABEL_POOL];
          if (pool === undefined) {
            const names = (rule.matchFeatures ?? []).flatMap((mf: Props) => (Array.isArray(mf?.matchExpressions?.nodename?.value) ? mf.matchExpressions.nodename.value : []));
            pool = [...new Set(names.map((n: string) => nodePool.get(n)).filter(str))][0];
          }
          add(pool, `NodeFeatureRule ${r.name}`, r.urn, labels);
        }
        break;
      case "kubernetes:core/v1:Node":
      case "kubernetes:core/v1:NodePatch": {
        const labels = p.metadata?.labels;
        const name = p.metadata?.name;
        const pool = labels?.[LABEL_POOL] ?? (str(name) ? nodePool.get(name) : undefined);
        if (str(pool) && labels && typeof labels === "object") patches.push([pool, `${r.type.endsWith("NodePatch") ? "NodePatch" : "Node"} ${name}`, r.urn, labels]);
        break;
      }
    }
  }
  // A Node or NodePatch changes the labels the pool's other sources give its node.
  for (const [pool, what, urn, labels] of patches) add(pool, what, urn, { ...(out.get(pool)?.[0]?.labels ?? {}), ...labels });
  for (const pool of site.gpuPools) {
    if (out.has(pool.name) || (phase.gpu[pool.name] ?? 0) === 0) continue;
    if (pool.backend.type === "eks-hybrid") add(pool.name, `pool ${pool.name}'s hybrid nodes (kubelet labels from the spec)`, envelopeUrn, poolLabels(site, pool));
  }
  return out;
}

/** The remedy: the spec's strategy, or, where the deployment forces one on every node, to stop forcing it. */
const fix = (d: Plugin, spec: string) => (d.override ? `Leave ${d.override.by} unset, so that each node's config decides (the NvidiaDevicePlugin component does).` : spec);

/** Causes, each reported once with every pool and resource it concerns. */
class Causes {
  private readonly byKey = new Map<string, { urn: string; message: (whats: string) => string; whats: Set<string> }>();
  add(key: string, urn: string, what: string, message: (whats: string) => string): void {
    const c = this.byKey.get(key);
    if (c) c.whats.add(what);
    else this.byKey.set(key, { urn, message, whats: new Set([what]) });
  }
  report(report: ReportViolation): void {
    for (const c of this.byKey.values()) report(c.message(list(c.whats)), c.urn);
  }
}

/** Reports every pool whose device-plugin MIG strategy and MIG partitions disagree. */
export function checkMigAgreement(site: Site, resources: readonly PolicyResource[], envelopeUrn: string, report: ReportViolation): void {
  const sources = labelSources(site, resources, envelopeUrn);
  const pools = site.gpuPools.filter((p) => p.devicePlugin?.migProfile !== undefined || (sources.get(p.name) ?? []).some((s) => s.labels[LABEL_MIG_CONFIG] !== undefined));
  if (pools.length === 0) return; // no MIG anywhere: one pass over the resources in all
  const configMaps = new Map<string, PolicyResource>();
  for (const r of resources) {
    if (r.type !== "kubernetes:core/v1:ConfigMap") continue;
    const m = (raw(r.props) as Props).metadata;
    if (str(m?.name)) configMaps.set(`${str(m.namespace) ? m.namespace : "default"}/${m.name}`, r);
  }
  const deployed = plugins(resources, configMaps);
  const mms = managers(resources);
  const causes = new Causes();
  const parsed = new Map<string, Map<string, Props[]> | string>();
  const migConfigsOf = (m: Manager): Map<string, Props[]> | string => {
    if ("problem" in m.source) return m.source.problem;
    const { configMap, key } = m.source;
    let v = parsed.get(`${configMap}\n${key}`);
    if (v === undefined) {
      const cm = configMaps.get(configMap);
      const data = cm ? (raw(cm.props) as Props).data : undefined;
      const unknown = unknownPaths({ data: { [key]: data?.[key] } });
      v = cm === undefined ? `ConfigMap ${configMap} is not in the stack` : unknown.length > 0 ? unknownMessage(`ConfigMap ${configMap}'s ${key}`, unknown) : data?.[key] === undefined ? `ConfigMap ${configMap} has no ${key}` : migPartedConfigs(data[key]);
      if (typeof v === "string" && cm !== undefined && unknown.length === 0 && data?.[key] !== undefined) v = `${key} of ConfigMap ${configMap}: ${v}`;
      parsed.set(`${configMap}\n${key}`, v);
    }
    return v;
  };

  for (const pool of pools) {
    const wanted = pool.devicePlugin?.migProfile;
    const wantedName = wanted === undefined ? undefined : migConfigName(pool.name, wanted);
    const profile = wanted === undefined ? "" : `migProfile ${typeof wanted === "string" ? wanted : JSON.stringify(wanted)}`;
    const spec = wanted === undefined ? "" : ` (repower:site gives ${profile})`;
    const srcs = sources.get(pool.name) ?? [];
    if (srcs.length === 0) continue; // no node in the active phase, or admitted by nothing pool-matches-spec accepts
    if (deployed.length === 0) {
      causes.add(`no-plugin\n${pool.name}`, envelopeUrn, srcs[0].what, () => `pool ${pool.name}: no NVIDIA device plugin (the nvidia-device-plugin or gpu-operator chart) is deployed in the stack, so whether its MIG strategy agrees with its MIG partitions${spec} cannot be checked. Deploy the NvidiaDevicePlugin component.`);
      continue;
    }
    for (const src of srcs) {
      const migLabel = src.labels[LABEL_MIG_CONFIG];
      const dpLabel = src.labels[LABEL_DEVICE_PLUGIN_CONFIG];
      for (const d of deployed) {
        if (d.configs === undefined) continue; // validateResource reports what hides them
        if ("problem" in d.configs) {
          const problem = d.configs.problem;
          causes.add(`dp-unreadable\n${d.urn}`, d.urn, `pool ${pool.name}`, (whats) => `${problem}: the MIG strategy of ${whats} cannot be checked against its MIG partitions.`);
          continue;
        }
        const name = str(dpLabel) ? dpLabel : d.default ?? (d.configs.size === 1 ? [...d.configs.keys()][0] : undefined);
        let strategy: Strategy | undefined;
        let via = "";
        if (d.override) {
          strategy = d.override.strategy;
          via = ` (forced by ${d.override.by})`;
        } else if (name === undefined || !d.configs.has(name)) {
          const held = [...d.configs.keys()];
          causes.add(`dp-missing\n${d.urn}\n${pool.name}\n${String(name)}`, src.urn, src.what, (whats) =>
            `pool ${pool.name}: its nodes (${whats}) ${name === undefined ? "name no device-plugin config and there is no default" : `select device-plugin config ${name}`}, which ${d.what} does not hold (${held.length ? `it holds ${list(held, 6)}` : "it holds none"}): the MIG strategy on them cannot be checked against their MIG partitions${spec}. Label them ${LABEL_DEVICE_PLUGIN_CONFIG}=${pool.name} (the GpuNodePool component does).`,
          );
          continue;
        } else {
          strategy = d.configs.get(name);
          if (strategy === undefined) continue; // an invalid or unreadable config: reported by validateResource
        }
        const cfg = name === undefined ? "" : `config ${name}: `;
        const head = `pool ${pool.name}: ${cfg}migStrategy ${strategy} in ${d.what}${via}`;
        if (migLabel === undefined) {
          if (wanted !== undefined) {
            causes.add(`no-label\n${d.urn}\n${pool.name}`, src.urn, src.what, (whats) =>
              `${head}, but its nodes (${whats}) carry no ${LABEL_MIG_CONFIG} label: MIG Manager creates nothing there, so the pool's ${profile} is never made${strategy === "none" ? "" : " and the plugin advertises whole GPUs"}. Label them ${LABEL_MIG_CONFIG}=${wantedName} (the GpuNodePool component does).`,
            );
          }
          continue;
        }
        if (!str(migLabel)) continue;
        if (mms.length === 0) {
          causes.add(`no-manager\n${pool.name}\n${migLabel}`, src.urn, src.what, (whats) =>
            `pool ${pool.name}: its nodes (${whats}) are labelled ${LABEL_MIG_CONFIG}=${migLabel}, but no MIG Manager in the stack applies it (no k8s-mig-manager DaemonSet, no gpu-operator release with migManager enabled): nothing is partitioned, and whether migStrategy ${strategy} in ${d.what} agrees cannot be checked. Deploy MIG Manager (the NvidiaDevicePlugin component does for pools with a migProfile).`,
          );
          continue;
        }
        for (const m of mms) {
          const configs = migConfigsOf(m);
          if (typeof configs === "string") {
            causes.add(`mm-unreadable\n${m.urn}`, m.urn, `pool ${pool.name}`, (whats) => `MIG Manager (${m.what}) cannot be read: ${configs}. What it creates on ${whats} cannot be checked against their device plugin's MIG strategy.`);
            continue;
          }
          const where = `ConfigMap ${"configMap" in m.source ? m.source.configMap : "?"}`;
          const entries = configs.get(migLabel);
          if (entries === undefined) {
            causes.add(`mm-missing\n${m.urn}\n${pool.name}\n${migLabel}`, src.urn, src.what, (whats) =>
              `pool ${pool.name}: its nodes (${whats}) are labelled ${LABEL_MIG_CONFIG}=${migLabel}, which ${where} (read by ${m.what}) does not hold (it holds ${list(configs.keys(), 6)}): MIG Manager creates nothing ("selected mig-config not present", NVIDIA/mig-parted v0.15.0), so ${strategy === "none" ? "no partition is made" : `migStrategy ${strategy} in ${d.what} finds whole GPUs`}. Label them with a config it holds${wantedName ? ` (${wantedName})` : ""}.`,
            );
            continue;
          }
          const a = applied(entries, pool);
          const on = a.enabled.some((x) => x);
          const layout = [...a.profiles].sort().join(", ");
          const made = (whats: string) => `${LABEL_MIG_CONFIG}=${migLabel} on its nodes (${whats}; ${where}, applied by ${m.what})`;
          if (strategy === "none" && on) {
            causes.add(`none\n${d.urn}\n${m.urn}\n${pool.name}\n${migLabel}`, src.urn, src.what, (whats) =>
              `${head}, but ${made(whats)} partitions its GPUs into ${layout || "MIG instances"}: with none the device plugin advertises whole GPUs only and never the partitions (NVIDIA/k8s-device-plugin v0.20.0 internal/rm/device_map.go). ${fix(d, `Set migStrategy ${a.profiles.size > 1 ? "mixed" : "single or mixed"} in repower:site, or leave migProfile out.`)}`,
            );
          } else if (strategy === "single" && a.profiles.size > 1) {
            causes.add(`single-many\n${d.urn}\n${m.urn}\n${pool.name}\n${migLabel}`, src.urn, src.what, (whats) =>
              `${head}, but ${made(whats)} makes MIG devices of several profiles (${layout}) on one node: with single the device plugin fails there ("more than one MIG device type present on node", NVIDIA/k8s-device-plugin v0.20.0 internal/rm/device_map.go) and advertises nothing. ${fix(d, "Use migStrategy mixed, or one profile (all-<profile>).")}`,
            );
          } else if (strategy === "single" && on && a.enabled.some((x) => !x)) {
            causes.add(`single-mode\n${d.urn}\n${m.urn}\n${pool.name}\n${migLabel}`, src.urn, src.what, (whats) =>
              `${head}, but ${made(whats)} turns MIG on for some GPUs and off for others: with single the device plugin fails there ("all devices on the node must be configured with the same migEnabled value", NVIDIA/k8s-device-plugin v0.20.0 internal/rm/device_map.go). ${fix(d, "Use migStrategy mixed, or MIG on every GPU.")}`,
            );
          } else if (!on && wanted !== undefined) {
            causes.add(`off\n${m.urn}\n${pool.name}\n${migLabel}`, src.urn, src.what, (whats) =>
              `${head}, but ${made(whats)} turns MIG off on its GPUs${a.enabled.length === 0 ? " (none of its entries applies to them)" : ""}: the pool's ${profile} is never made. Label them ${LABEL_MIG_CONFIG}=${wantedName}.`,
            );
          }
        }
      }
    }
  }
  causes.report(report);
}
