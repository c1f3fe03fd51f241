/**
 * The site program under the SDK's mocks: for each example stack, the
 * resource graph the contract asks for; determinism; secrets.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { one, ofType, runStack, runner, type ProgramRun, type RegisteredResource } from "../helpers/program";

const LABELS = (site: string, pool: string, sku: string) => ({
  "repower.io/site": site,
  "repower.io/pool": pool,
  "repower.io/sku": sku,
  "nvidia.com/device-plugin.config": pool,
});
const TAINT = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };

const parentName = (r: RegisteredResource) => r.parent?.split("::").pop();
const props = (r: RegisteredResource) => runner.revealOrMask(r.properties) as Record<string, any>;

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  for (const stack of ["pecos-yard", "red-hills", "prairie-burst"]) runs[stack] = await runStack(stack);
});

describe("every example", () => {
  it("parents each custom resource to a repower component, each component to the stack", () => {
    for (const [stack, run] of Object.entries(runs)) {
      const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
      for (const r of run.resources) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        const parent = byUrn.get(r.parent ?? "");
        expect(parent, `${stack}: ${r.name}`).toBeDefined();
        if (r.type.startsWith("repower:")) expect(parent!.type).toBe("pulumi:pulumi:Stack");
        else expect(parent!.type, `${stack}: ${r.name}`).toMatch(/^repower:/);
      }
    }
  });

  it("publishes the envelope ConfigMap in the stack's restricted repower-system namespace", () => {
    for (const [stack, run] of Object.entries(runs)) {
      const cm = props(one(run.resources, "kubernetes:core/v1:ConfigMap", "envelope-configmap"));
      expect(cm.metadata.name).toBe("repower-site-envelope");
      expect(cm.metadata.namespace).toBe(`repower-system-${stack}`);
      expect(cm.data.stack).toBe(stack);
      expect(JSON.parse(cm.data["site.json"]).name).toBe(stack);
      const phases = JSON.parse(cm.data["envelope.json"]);
      expect(phases.filter((p: { active: boolean }) => p.active)).toHaveLength(1);
      const ns = props(one(run.resources, "kubernetes:core/v1:Namespace", "envelope-ns"));
      expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    }
  });

  it("deploys the device plugin chart at a pinned version with one config per pool", () => {
    for (const [stack, run] of Object.entries(runs)) {
      const rel = props(one(run.resources, "kubernetes:helm.sh/v3:Release", "device-plugin-release"));
      expect(rel.chart).toBe("nvidia-device-plugin");
      expect(rel.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(rel.namespace).toBe(`nvidia-device-plugin-${stack}`);
      expect(rel.name).toBe(`nvidia-device-plugin-${stack}`);
      const site = JSON.parse(props(one(run.resources, "kubernetes:core/v1:ConfigMap", "envelope-configmap")).data["site.json"]);
      expect(Object.keys(rel.values.config.map).sort()).toEqual(site.gpuPools.map((p: { name: string }) => p.name).sort());
      for (const text of Object.values(rel.values.config.map)) expect(text).toMatch(/^version: v1\n/);
      const ns = props(one(run.resources, "kubernetes:core/v1:Namespace", "device-plugin-ns"));
      expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
    }
  });

  it("monitors GPUs: dcgm-exporter, a ServiceMonitor, alert rules and a dashboard", () => {
    for (const run of Object.values(runs)) {
      expect(props(one(run.resources, "kubernetes:helm.sh/v3:Release", "dcgm-exporter")).chart).toBe("dcgm-exporter");
      expect(ofType(run.resources, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor")).toHaveLength(1);
      const rule = props(one(run.resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule"));
      const alerts = rule.spec.groups.flatMap((g: { rules: { alert?: string }[] }) => g.rules.map((r) => r.alert).filter(Boolean));
      expect(alerts).toEqual(expect.arrayContaining(["RepowerSitePowerOverBudget", "RepowerSitePowerNearBudget", "RepowerGpuTelemetryMissing", "RepowerGpuTooHot", "RepowerGpuXidError", "RepowerPoolOverAllocation"]));
      const dash = props(one(run.resources, "kubernetes:core/v1:ConfigMap", "dashboard"));
      expect(dash.metadata.labels.grafana_dashboard).toBe("1");
    }
  });
});

describe("pecos-yard: static pools", () => {
  it("labels and taints the active phase's 512 H100 nodes with one NodeFeatureRule", () => {
    const rules = ofType(runs["pecos-yard"].resources, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule");
    expect(rules).toHaveLength(1); // b200-b has no nodes in phase-1
    const rule = props(rules[0]).spec.rules[0];
    expect(rule.labels).toEqual(LABELS("pecos-yard", "h100-a", "dgx-h100"));
    expect(rule.taints).toEqual([TAINT]);
    const names: string[] = rule.matchFeatures[0].matchExpressions.nodename.value;
    expect(rule.matchFeatures[0].feature).toBe("system.name");
    expect(names).toHaveLength(512);
    expect(names[0]).toBe("h100-a-0001");
    expect(names[511]).toBe("h100-a-0512");
    expect(parentName(rules[0])).toBe("pecos-yard-h100-a");
  });

  it("caps the B200 pool's GPUs with a DaemonSet on exactly that pool's nodes", () => {
    const ds = props(one(runs["pecos-yard"].resources, "kubernetes:apps/v1:DaemonSet", "power-cap-b200-b"));
    expect(ds.spec.template.spec.nodeSelector).toEqual({ "repower.io/site": "pecos-yard", "repower.io/pool": "b200-b" });
    expect(ds.spec.template.spec.containers[0].env).toContainEqual({ name: "POWER_CAP_WATTS", value: "850" });
    expect(ds.spec.template.spec.tolerations).toContainEqual({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" });
  });

  it("makes no AWS resources for an existing cluster", () => {
    expect(runs["pecos-yard"].resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
  });
});

describe("red-hills: GB200 trays", () => {
  it("names 576 trays and makes no power-cap DaemonSet (its one DaemonSet is MIG Manager's)", () => {
    const rule = props(one(runs["red-hills"].resources, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule")).spec.rules[0];
    expect(rule.matchFeatures[0].matchExpressions.nodename.value).toHaveLength(576);
    expect(rule.labels["repower.io/sku"]).toBe("gb200-nvl72");
    expect(ofType(runs["red-hills"].resources, "kubernetes:apps/v1:DaemonSet").map((d) => d.name)).toEqual(["red-hills-device-plugin-mig-daemonset"]);
  });
});

describe("prairie-burst: EKS hybrid and managed pools", () => {
  const res = () => runs["prairie-burst"].resources;
  it("makes the EKS control plane with API authentication and the site's remote networks", () => {
    const c = props(one(res(), "aws:eks/cluster:Cluster"));
    expect(c.accessConfig.authenticationMode).toBe("API");
    expect(c.version).toBe("1.33");
    expect(c.remoteNetworkConfig).toEqual({ remoteNodeNetworks: { cidrs: ["10.80.0.0/16"] }, remotePodNetworks: { cidrs: ["10.90.0.0/16"] } });
    expect(ofType(res(), "pulumi:providers:kubernetes")).toHaveLength(1);
    // Kubernetes objects go to the cluster's provider.
    const cm = one(res(), "kubernetes:core/v1:ConfigMap", "envelope-configmap");
    expect(cm.provider).toMatch(/pulumi:providers:kubernetes::prairie-burst-cluster-k8s::/);
  });

  it("registers the hybrid pool's nodes through SSM, limited to the active phase's 256", () => {
    expect(props(one(res(), "aws:ssm/activation:Activation")).registrationLimit).toBe(256);
    expect(props(one(res(), "aws:eks/accessEntry:AccessEntry")).type).toBe("HYBRID_LINUX");
    const role = props(one(res(), "aws:iam/role:Role", "hybrid-role"));
    expect(JSON.parse(role.assumeRolePolicy).Statement[0].Principal.Service).toBe("ssm.amazonaws.com");
    const policies = ofType(res(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((r) => r.name.includes("h200-c-hybrid"))
      .map((r) => props(r).policyArn);
    expect(policies.sort()).toEqual(["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
  });

  it("sizes the cloud pool's managed node group to the active phase, on an NVIDIA AMI", () => {
    const ng = props(one(res(), "aws:eks/nodeGroup:NodeGroup", "burst-p5-nodegroup"));
    expect(ng.scalingConfig).toEqual({ minSize: 0, desiredSize: 8, maxSize: 8 });
    expect(ng.amiType).toBe("AL2023_x86_64_NVIDIA");
    expect(ng.instanceTypes).toEqual(["p5.48xlarge"]);
    expect(ng.labels).toEqual(LABELS("prairie-burst", "burst-p5", "dgx-h100"));
    expect(ng.taints).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
  });

  it("exports the NodeConfig and kubeconfig as secrets, and a rendered NodeConfig without the code", () => {
    const out = runs["prairie-burst"].outputs;
    expect(runner.isSecretValue(out.nodeConfigs)).toBe(true);
    expect(runner.isSecretValue(out.kubeconfig)).toBe(true);
    const secret = JSON.stringify(runner.revealOrMask(out.nodeConfigs));
    expect(secret).toContain("MOCK-ACTIVATION-CODE-prairie-burst-h200-c-activation");
    const rendered = (out.nodeConfigsRendered as Record<string, string>)["h200-c"];
    expect(rendered).toContain("--register-with-taints=nvidia.com/gpu=present:NoSchedule");
    expect(rendered).toContain("repower.io/pool=h200-c");
    expect(rendered).not.toContain("MOCK-ACTIVATION-CODE");
  });

  it("never carries the activation code in a resource input, except as a secret", () => {
    for (const r of res()) expect(JSON.stringify(runner.revealOrMask(r.properties, "[secret]"))).not.toContain("MOCK-ACTIVATION-CODE");
  });
});

describe("determinism", () => {
  it("two runs give identical resource names and inputs", async () => {
    for (const stack of ["pecos-yard", "prairie-burst"]) {
      const again = await runStack(stack);
      const key = (run: ProgramRun) => run.resources.map((r) => [r.urn, r.properties, r.dependencies.slice().sort(), r.parent]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(key(again)).toEqual(key(runs[stack]));
    }
  });
});
