/**
 * Rack-scale (NVL72) and MIG pools, through the site program under the SDK's
 * mocks: NVIDIA's DRA driver with ComputeDomains on the rack-scale pools only,
 * a rack label on every static tray, MIG Manager with a mig-parted config that
 * holds each MIG pool's layout, and `nvidia.com/mig.config` on the pool's nodes,
 * in both device-plugin modes; and none of it on a site without such pools.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { one, ofType, runStack, runner, type ProgramRun } from "../helpers/program";
import { ROOT } from "../helpers/stacks";
import { createRequire } from "node:module";
import * as path from "node:path";

const props = (r: { properties: unknown }) => runner.revealOrMask(r.properties) as Record<string, any>;
const model = createRequire(path.join(ROOT, "package.json"))(path.join(ROOT, "dist", "components", "model", "index.js")) as typeof import("../../components/model");
const components = createRequire(path.join(ROOT, "package.json"))(path.join(ROOT, "dist", "components", "index.js")) as typeof import("../../components");

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  runs.redHills = await runStack("red-hills");
  runs.redHillsOperator = await runStack("red-hills", { "repower:devicePluginMode": "gpu-operator" });
  runs.pecos = await runStack("pecos-yard");
  runs.pecosOperator = await runStack("pecos-yard", { "repower:devicePluginMode": "gpu-operator" });
});

const release = (run: ProgramRun, chart: string) => ofType(run.resources, "kubernetes:helm.sh/v3:Release").map(props).filter((r) => String(r.chart).endsWith(chart));

describe("rack-scale pools: NVIDIA's DRA driver for ComputeDomains", () => {
  it("deploys dra-driver-nvidia-gpu 0.4.1 from the Kubernetes OCI registry, ComputeDomains on and GPU allocation left to the device plugin", () => {
    const [rel] = release(runs.redHills, "dra-driver-nvidia-gpu");
    expect(rel.chart).toBe("oci://registry.k8s.io/dra-driver-nvidia/charts/dra-driver-nvidia-gpu");
    expect(rel.version).toBe("0.4.1");
    expect(rel.repositoryOpts).toBeUndefined();
    expect(rel.namespace).toBe("nvidia-dra-driver-gpu-red-hills");
    expect(rel.values.resources).toEqual({ gpus: { enabled: false }, computeDomains: { enabled: true } });
    expect(rel.values.gpuResourcesEnabledOverride).toBeUndefined();
    // The host driver at / (the chart's default) in device-plugin mode; no DRA version pinned for an existing cluster.
    expect(rel.values.nvidiaDriverRoot).toBeUndefined();
    expect(rel.values.resourceApiVersion).toBeUndefined();
    const ns = props(one(runs.redHills.resources, "kubernetes:core/v1:Namespace", "compute-domains-ns"));
    expect(ns.metadata.name).toBe("nvidia-dra-driver-gpu-red-hills");
    expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
  });

  it("runs the kubelet plugin only on the rack-scale pools' nodes, replacing the chart's NFD affinity, and tolerates the GPU taints", () => {
    const [rel] = release(runs.redHills, "dra-driver-nvidia-gpu");
    const kp = rel.values.kubeletPlugin;
    expect(kp.nodeSelector).toEqual({ "repower.io/site": "red-hills" });
    expect(kp.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "repower.io/pool", operator: "In", values: ["gb200"] }] },
    ]);
    expect(kp.tolerations).toContainEqual({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" });
  });

  it("points the driver at the GPU Operator's driver root in gpu-operator mode", () => {
    const [rel] = release(runs.redHillsOperator, "dra-driver-nvidia-gpu");
    expect(rel.values.nvidiaDriverRoot).toBe("/run/nvidia/driver");
  });

  it("makes no DRA driver for a site without rack-scale pools", () => {
    expect(release(runs.pecos, "dra-driver-nvidia-gpu")).toEqual([]);
    expect(release(runs.pecosOperator, "dra-driver-nvidia-gpu")).toEqual([]);
  });

  it("labels every static tray with its rack: 18 trays a rack, in order, <pool>-rack-<NN>", () => {
    const rules = props(one(runs.redHills.resources, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule")).spec.rules as any[];
    const racks = rules.filter((r) => r.labels["repower.io/rack"] !== undefined);
    expect(racks).toHaveLength(32);
    expect(racks[0].labels).toEqual({ "repower.io/rack": "gb200-rack-00" });
    expect(racks[0].matchFeatures[0].matchExpressions.nodename).toEqual({
      op: "In",
      value: Array.from({ length: 18 }, (_, i) => `gb200-tray-${String(i + 1).padStart(4, "0")}`),
    });
    expect(racks[31].labels).toEqual({ "repower.io/rack": "gb200-rack-31" });
    expect(racks[31].matchFeatures[0].matchExpressions.nodename.value[17]).toBe("gb200-tray-0576");
    // Every tray in exactly one rack.
    const trays = racks.flatMap((r) => r.matchFeatures[0].matchExpressions.nodename.value);
    expect(new Set(trays).size).toBe(576);
    // No rack labels on a pool that is not rack-scale.
    for (const r of ofType(runs.pecos.resources, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule")) {
      for (const rule of props(r).spec.rules) expect(rule.labels["repower.io/rack"]).toBeUndefined();
    }
  });

  it("puts a partly filled last rack's trays in their own rack", () => {
    const pool = { name: "gb", nodesPerRack: 18, system: { rackScale: true } } as any;
    const names = Array.from({ length: 20 }, (_, i) => `t${i}`);
    expect(model.trayRacks(pool, names).map((r) => [r.rack, r.nodes.length])).toEqual([
      ["gb-rack-00", 18],
      ["gb-rack-01", 2],
    ]);
    expect(model.traysPerRack(pool, 20)).toEqual([
      { rack: "gb-rack-00", trays: 18 },
      { rack: "gb-rack-01", trays: 2 },
    ]);
    expect(model.rackFeatureRules("s", { ...pool, system: { rackScale: false } }, names)).toEqual([]);
  });

  it("chooses the DRA API of an EKS cluster's Kubernetes version: beta in 1.32 and 1.33, v1 from 1.34", () => {
    const v = (kubernetesVersion?: string) => components.draResourceApiVersion({ cluster: { type: "eks", ...(kubernetesVersion ? { kubernetesVersion } : {}) } } as any);
    expect(v("1.32")).toBe("resource.k8s.io/v1beta1");
    expect(v("1.33")).toBe("resource.k8s.io/v1beta2");
    expect(v("1.34")).toBe("resource.k8s.io/v1");
    expect(v("1.35")).toBe("resource.k8s.io/v1");
    expect(v()).toBeUndefined();
  });
});

describe("MIG pools: MIG Manager and nvidia.com/mig.config", () => {
  it("labels the MIG pool's nodes with its mig-parted config, and no other pool's", () => {
    const rules = props(one(runs.redHills.resources, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule")).spec.rules as any[];
    expect(rules[0].labels["nvidia.com/mig.config"]).toBe("all-1g.23gb");
    for (const r of ofType(runs.pecos.resources, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule")) {
      expect(props(r).spec.rules[0].labels["nvidia.com/mig.config"]).toBeUndefined();
    }
  });

  it("device-plugin mode: a ConfigMap holding each MIG pool's layout, and NVIDIA's MIG Manager DaemonSet on the MIG pools' nodes only", () => {
    const cm = props(one(runs.redHills.resources, "kubernetes:core/v1:ConfigMap", "mig-config"));
    expect(cm.metadata).toMatchObject({ name: "repower-mig-parted-config", namespace: "nvidia-device-plugin-red-hills" });
    expect(parse(cm.data["config.yaml"])).toEqual({
      version: "v1",
      "mig-configs": {
        "all-disabled": [{ devices: "all", "mig-enabled": false }],
        "all-1g.23gb": [{ devices: "all", "mig-enabled": true, "mig-devices": { "1g.23gb": 7 } }],
      },
    });
    const ds = props(one(runs.redHills.resources, "kubernetes:apps/v1:DaemonSet", "mig-daemonset"));
    const spec = ds.spec.template.spec;
    expect(spec.containers[0].image).toBe("nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.15.0");
    expect(spec.containers[0].env).toContainEqual({ name: "CONFIG_FILE", value: "/mig-parted-config/config.yaml" });
    expect(spec.containers[0].env).toContainEqual({ name: "DEFAULT_GPU_CLIENTS_NAMESPACE", value: "nvidia-device-plugin-red-hills" });
    expect(spec.volumes).toContainEqual({ name: "mig-parted-config", configMap: { name: "repower-mig-parted-config" } });
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: "repower.io/site", operator: "In", values: ["red-hills"] },
      { key: "repower.io/pool", operator: "In", values: ["gb200"] },
    ]);
    expect(spec.serviceAccountName).toBe("nvidia-mig-manager");
    const role = props(one(runs.redHills.resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "mig-clusterrole"));
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch", "update", "patch"] }]);
  });

  it("gpu-operator mode: the operator's own MIG Manager, pointed at our ConfigMap in its namespace; no DaemonSet of ours", () => {
    const [rel] = release(runs.redHillsOperator, "gpu-operator");
    expect(rel.values.migManager).toEqual({ enabled: true, config: { name: "repower-mig-parted-config", default: "all-disabled" } });
    const cm = props(one(runs.redHillsOperator.resources, "kubernetes:core/v1:ConfigMap", "mig-config"));
    expect(cm.metadata.namespace).toBe(rel.namespace);
    expect(ofType(runs.redHillsOperator.resources, "kubernetes:apps/v1:DaemonSet").filter((d) => d.name.endsWith("mig-daemonset"))).toEqual([]);
  });

  it("makes no MIG Manager for a site without MIG pools, and leaves the operator's MIG values at the chart's defaults", () => {
    for (const run of [runs.pecos, runs.pecosOperator]) {
      expect(run.resources.filter((r) => r.name.includes("-mig-"))).toEqual([]);
    }
    expect(release(runs.pecosOperator, "gpu-operator")[0].values.migManager).toBeUndefined();
  });

  it("gives a custom layout its own config, named after the pool", () => {
    const pools = [{ name: "mixed", sku: "dgx-h100", devicePlugin: { migProfile: { "3g.40gb": 1, "1g.10gb": 4 } } }] as any;
    expect(model.siteMigPartedConfig({ gpuPools: pools })["mig-configs"]["repower-mixed"]).toEqual([
      { devices: "all", "mig-enabled": true, "mig-devices": { "3g.40gb": 1, "1g.10gb": 4 } },
    ]);
    expect(model.migConfigLabel(pools[0])).toEqual({ "nvidia.com/mig.config": "repower-mixed" });
  });
});
