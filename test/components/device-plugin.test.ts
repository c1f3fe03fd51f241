/**
 * The device plugin as the program deploys it, checked against what the
 * pinned chart and NVIDIA's config loader really do (issue 12, items 1–4):
 * it schedules on the GPU nodes repower makes, before any NFD or GFD label;
 * MPS gets GFD's `mps.capable` label; `rename` and bad resource names are
 * refused; gpu-operator mode restricts its operands with values the chart
 * reads, checked against the plugin the operator ships.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { one, ofType, runStack, runner, type ProgramRun } from "../helpers/program";
import { affinityAdmits, DEVICE_PLUGIN_CHART_DEFAULT_AFFINITY, type TestNode } from "../helpers/node-affinity";
import { exampleText, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

const props = (r: { properties: Record<string, unknown> }) => runner.revealOrMask(r.properties) as Record<string, any>;
/** The affinity the chart's DaemonSets get: the values' own, else the chart's default. */
const effectiveAffinity = (values: Record<string, any>) => values.affinity ?? DEVICE_PLUGIN_CHART_DEFAULT_AFFINITY;
const tolerated = (tolerations: { key: string; operator: string; effect?: string }[], taint: { key: string; effect: string }) =>
  tolerations.some((t) => t.key === taint.key && t.operator === "Exists" && (t.effect === undefined || t.effect === taint.effect));

/** The GPU nodes a run makes, as they first register: labels and taints repower gives them, no NFD or GFD label yet. */
function gpuNodes(run: ProgramRun): (TestNode & { taints: { key: string; effect: string }[] })[] {
  const nodes: (TestNode & { taints: { key: string; effect: string }[] })[] = [];
  for (const r of ofType(run.resources, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule")) {
    const rule = props(r).spec.rules[0];
    for (const name of rule.matchFeatures[0].matchExpressions.nodename.value.slice(0, 3)) nodes.push({ name, labels: rule.labels, taints: rule.taints });
  }
  for (const r of ofType(run.resources, "aws:eks/nodeGroup:NodeGroup")) {
    const ng = props(r);
    if (ng.labels?.["repower.io/pool"] === undefined) continue; // the system node group
    nodes.push({ name: `${ng.nodeGroupName}-1`, labels: ng.labels, taints: ng.taints.map((t: any) => ({ key: t.key, effect: "NoSchedule" })) });
  }
  const rendered = (run.outputs.nodeConfigsRendered ?? {}) as Record<string, string>;
  for (const [pool, text] of Object.entries(rendered)) {
    const flags: string[] = parse(text.split("---\n")[0]).spec.kubelet.flags;
    const labels = Object.fromEntries(flags.find((f) => f.startsWith("--node-labels="))!.slice(14).split(",").map((kv) => kv.split("=")));
    const taints = flags
      .find((f) => f.startsWith("--register-with-taints="))!
      .slice(23)
      .split(",")
      .map((t) => ({ key: t.split("=")[0], effect: t.split(":")[1] }));
    nodes.push({ name: `mi-${pool}`, labels: { ...labels, "eks.amazonaws.com/compute-type": "hybrid" }, taints });
  }
  return nodes;
}

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  for (const stack of ["pecos-yard", "prairie-burst"]) runs[stack] = await runStack(stack);
  const mps = replaceOnce(exampleText("prairie-burst"), "sharing: time-slicing", "sharing: mps");
  runs.mps = await runStack(writeStack(tempDir(), "prairie-mps", mps));
  runs.operator = await runStack("pecos-yard", { "repower:devicePluginMode": "gpu-operator" });
});

describe("the device plugin schedules on repower's GPU nodes (items 1, 2)", () => {
  for (const stack of ["pecos-yard", "prairie-burst"]) {
    it(`${stack}: static, hybrid and managed nodes are admitted by the plugin's affinity and tolerations, with no NFD or GFD label`, () => {
      const values = props(one(runs[stack].resources, "kubernetes:helm.sh/v3:Release", "device-plugin-release")).values;
      const nodes = gpuNodes(runs[stack]);
      expect(nodes.length).toBeGreaterThan(0);
      for (const node of nodes) {
        expect(affinityAdmits(effectiveAffinity(values), node), `${stack}: ${node.name}`).toBe(true);
        for (const taint of node.taints) expect(tolerated(values.tolerations, taint), `${stack}: ${node.name} taint ${taint.key}`).toBe(true);
      }
    });
  }

  it("the chart's default affinity would admit none of them (the harness can fail)", () => {
    for (const node of gpuNodes(runs["prairie-burst"])) expect(affinityAdmits(DEVICE_PLUGIN_CHART_DEFAULT_AFFINITY, node)).toBe(false);
  });

  it("keeps the plugin off nodes of other sites", () => {
    const values = props(one(runs["pecos-yard"].resources, "kubernetes:helm.sh/v3:Release", "device-plugin-release")).values;
    const other = { name: "x", labels: { "repower.io/site": "red-hills", "repower.io/pool": "h100-a" } };
    expect(affinityAdmits(effectiveAffinity(values), other)).toBe(false);
  });

  it("runs GPU feature discovery, the only writer of nvidia.com/mps.capable, and NFD whose local source carries GFD's labels", () => {
    for (const run of [runs.mps, runs["pecos-yard"]]) {
      const values = props(one(run.resources, "kubernetes:helm.sh/v3:Release", "device-plugin-release")).values;
      expect(values.gfd.enabled).toBe(true);
      expect(values.nfd.enabled).toBe(true);
      expect(values.nfd.master.config.enableTaints).toBe(true);
      expect(values.nfd.master.config.extraLabelNs).toContain("nvidia.com");
    }
    const values = props(one(runs.mps.resources, "kubernetes:helm.sh/v3:Release", "device-plugin-release")).values;
    expect(values.config.map["h200-c"]).toMatch(/mps:\n\s+resources:/);
  });
});

describe("NVIDIA's own config rules (item 3)", () => {
  it("refuses rename with the file, the field path and the line: the plugin drops it at start-up", async () => {
    const text = replaceOnce(exampleText("prairie-burst"), "replicas: 2", "replicas: 2\n          rename: gpu-shared");
    const file = writeStack(tempDir(), "rename", text);
    await expect(runStack(file)).rejects.toThrow(/Pulumi\.rename\.yaml:\d+:\d+: repower:site\.gpuPools\[0\]\.devicePlugin\.rename: NVIDIA device plugin: .*DisableResourceNamingInConfig.*renameByDefault/);
  });

  it("accepts only lowercase RFC 1123 resource names of at most 63 characters in full", async () => {
    const { devicePluginConfigProblems } = await import("../../components/model/device-plugin-config");
    const config = (name: string, renameByDefault?: boolean) => ({
      version: "v1",
      flags: { migStrategy: "none" },
      sharing: { timeSlicing: { ...(renameByDefault === undefined ? {} : { renameByDefault }), resources: [{ name, replicas: 2 }] } },
    });
    expect(devicePluginConfigProblems(config("nvidia.com/gpu"))).toEqual([]);
    expect(devicePluginConfigProblems(config("nvidia.com/gpu", true))).toEqual([]);
    expect(devicePluginConfigProblems(config(`nvidia.com/${"a".repeat(52)}`))).toEqual([]); // 63 in full
    expect(devicePluginConfigProblems(config(`nvidia.com/${"a".repeat(53)}`)).join()).toMatch(/longer than 63 characters in full \(64\)/);
    expect(devicePluginConfigProblems(config("nvidia.com/GPU")).join()).toMatch(/not a lowercase RFC 1123 subdomain/);
    expect(devicePluginConfigProblems(config("nvidia.com/my_gpu")).join()).toMatch(/not a lowercase RFC 1123 subdomain/);
    // renameByDefault adds ".shared": the shared name must fit too.
    expect(devicePluginConfigProblems(config(`nvidia.com/${"a".repeat(50)}`, true)).join()).toMatch(/with renameByDefault: .*longer than 63/);
  });
});

describe("gpu-operator mode (item 4)", () => {
  const values = () => props(one(runs.operator.resources, "kubernetes:helm.sh/v3:Release", "device-plugin-release")).values;

  it("sets only values the v25.3.0 chart reads: no node.selector", () => {
    expect(values().node).toBeUndefined();
    expect(Object.keys(values()).sort()).toEqual(["daemonsets", "dcgmExporter", "devicePlugin", "driver", "mig", "nfd", "node-feature-discovery", "toolkit"]);
  });

  it("leaves the operator's mig.strategy empty, so each node's config decides (the chart's default single would override every pool's)", () => {
    expect(values().mig).toEqual({ strategy: "" });
  });

  it("keeps node-feature-discovery's worker, hence the operator's GPU labels and operands, on the site's GPU nodes", () => {
    const affinity = values()["node-feature-discovery"].worker.affinity;
    for (const node of gpuNodes(runs.operator)) expect(affinityAdmits(affinity, node), node.name).toBe(true);
    expect(affinityAdmits(affinity, { name: "someone-elses-gpu-node", labels: { "feature.node.kubernetes.io/pci-10de.present": "true" } })).toBe(false);
  });

  it("checks configs against the device plugin the operator ships (v0.17.1)", async () => {
    const { devicePluginConfigProblems, DEVICE_PLUGIN_VERSIONS } = await import("../../components/model/device-plugin-config");
    expect(DEVICE_PLUGIN_VERSIONS.gpuOperator).toBe("v0.17.1");
    const relaxed = { version: "v1", flags: { migStrategy: "none" }, sharing: { mps: { failRequestsGreaterThanOne: false, resources: [{ name: "nvidia.com/gpu", replicas: 2 }] } } };
    expect(devicePluginConfigProblems(relaxed, DEVICE_PLUGIN_VERSIONS.chart)).toEqual([]);
    expect(devicePluginConfigProblems(relaxed, DEVICE_PLUGIN_VERSIONS.gpuOperator).join()).toMatch(/forced back to true by the device plugin v0\.17\.1/);
  });
});
