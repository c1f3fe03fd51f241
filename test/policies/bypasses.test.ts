/**
 * The ways around the pack a reviewer tried (issue 13), each sent to the
 * pack over gRPC as the engine would send it: capacity recognised by what it
 * is, device-plugin configs wherever they are deployed, the alert set read
 * with a PromQL parser, the power-cap DaemonSet that would really run, and
 * the envelope gate.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundarySite } from "../helpers/boundary-site";
import { diagnose, policyClient, type Diagnostic, type PolicyPackProcess } from "../helpers/policy-pack";
import { ofType, runStack, type RegisteredResource } from "../helpers/program";
import { exampleText, ROOT, tempDir, writeStack } from "../helpers/stacks";

let pack: PolicyPackProcess;
beforeAll(async () => {
  pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
});
afterAll(async () => {
  await pack?.close();
});

const of = (ds: Diagnostic[], policy: string) => ds.filter((d) => d.policyName === policy);
const mandatory = (ds: Diagnostic[]) => ds.filter((d) => d.enforcementLevel === "mandatory");
const cache = new Map<string, RegisteredResource[]>();
async function program(text: string, stack = "boundary", config: Record<string, string> = {}): Promise<RegisteredResource[]> {
  const key = `${stack}\n${text}\n${JSON.stringify(config)}`;
  if (!cache.has(key)) cache.set(key, (await runStack(writeStack(tempDir(), stack, text), config)).resources);
  return structuredClone(cache.get(key)!);
}
const isEnvelope = (r: RegisteredResource) => r.type === "kubernetes:core/v1:ConfigMap" && (r.properties as any).metadata?.name === "repower-site-envelope";

/** A custom resource added to the stack by hand, as the engine would register it. */
function added(rs: RegisteredResource[], type: string, name: string, properties: Record<string, unknown>, opts: { dependsOnEnvelope?: boolean; stack?: string } = {}): RegisteredResource {
  const stack = opts.stack ?? "boundary";
  const envelope = rs.find(isEnvelope)!;
  return {
    urn: `urn:pulumi:${stack}::repower::${type}::${name}`,
    type,
    name,
    custom: true,
    dependencies: opts.dependsOnEnvelope ? [envelope.urn] : [],
    properties,
    propertyDependencies: {},
    protect: false,
    deleteBeforeReplace: false,
    ignoreChanges: [],
    additionalSecretOutputs: [],
  };
}

async function withExtra(text: string, extra: (rs: RegisteredResource[]) => RegisteredResource[], stack = "boundary"): Promise<Diagnostic[]> {
  const rs = await program(text, stack);
  return diagnose(pack, stack, [...rs, ...extra(rs)]);
}

const BOUNDARY = boundarySite({});
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const nodeGroup = (props: Record<string, unknown>) => ({ clusterName: "c", nodeRoleArn: "arn:aws:iam::000000000000:role/n", subnetIds: ["subnet-1"], scalingConfig: { minSize: 0, desiredSize: 2, maxSize: 4 }, ...props });

describe("capacity is recognised by what it is (pool-matches-spec)", () => {
  it("the examples' own admitting resources all depend on the envelope ConfigMap", async () => {
    for (const stack of ["pecos-yard", "prairie-burst"]) {
      const rs = await program(exampleText(stack), stack);
      const envelope = rs.find(isEnvelope)!;
      // The EKS cluster's untainted system node group (m6i, no GPU, no pool) admits no GPU node.
      const admitting = rs.filter((r) => /NodeFeatureRule|NodeGroup|ssm\/activation/.test(r.type) && (r.properties as any).labels?.["repower.io/role"] !== "system");
      expect(admitting.length, stack).toBeGreaterThan(0);
      for (const r of admitting) expect(r.dependencies, r.name).toContain(envelope.urn);
    }
  });

  it("an EKS node group with a GPU instance type and no repower labels", async () => {
    const ds = of(await withExtra(BOUNDARY, (rs) => [added(rs, NODE_GROUP, "side-door", nodeGroup({ instanceTypes: ["p5.48xlarge"] }), { dependsOnEnvelope: true })]), "pool-matches-spec");
    expect(ds.map((d) => d.message)).toEqual([
      "node group maxSize 4 (side-door) admits GPU nodes (instance type p5.48xlarge) outside every planned pool of phase p1 (gpu): their power is in no budget. Declare the pool in repower:site and make its nodes with the GpuNodePool component, or remove the resource.",
    ]);
    expect(ds[0].urn).toMatch(/::side-door$/);
  });

  it("each GPU family of the documented list, a GPU AMI, and a node group of CPUs (which passes)", async () => {
    for (const t of ["p4d.24xlarge", "p5e.48xlarge", "p5en.48xlarge", "p6-b200.48xlarge", "g5.xlarge", "g6.2xlarge", "g6e.12xlarge"]) {
      const ds = of(await withExtra(BOUNDARY, (rs) => [added(rs, NODE_GROUP, "ng", nodeGroup({ instanceTypes: ["m5.large", t] }), { dependsOnEnvelope: true })]), "pool-matches-spec");
      expect(ds.map((d) => d.message), t).toEqual([expect.stringContaining(`(instance type ${t}) outside every planned pool`)]);
    }
    const ami = of(await withExtra(BOUNDARY, (rs) => [added(rs, NODE_GROUP, "ng", nodeGroup({ amiType: "AL2023_x86_64_NVIDIA" }), { dependsOnEnvelope: true })]), "pool-matches-spec");
    expect(ami.map((d) => d.message)).toEqual([expect.stringContaining("(AMI type AL2023_x86_64_NVIDIA) outside every planned pool")]);
    const cpu = of(await withExtra(BOUNDARY, (rs) => [added(rs, NODE_GROUP, "ng", nodeGroup({ instanceTypes: ["m5.large", "c7i.2xlarge"] }))]), "pool-matches-spec");
    expect(cpu).toEqual([]);
  });

  it("a launch template with a GPU instance type: unused, or used by an unlabelled node group", async () => {
    const lt = (rs: RegisteredResource[]) => added(rs, "aws:ec2/launchTemplate:LaunchTemplate", "gpu-lt", { name: "gpu-lt", instanceType: "g6e.48xlarge" }, { dependsOnEnvelope: true });
    const unused = of(await withExtra(BOUNDARY, (rs) => [lt(rs)]), "pool-matches-spec");
    expect(unused.map((d) => d.message)).toEqual([expect.stringMatching(/^launch template with instance type g6e\.48xlarge \(gpu-lt\) admits GPU nodes \(instance type g6e\.48xlarge, used by no node group of a planned pool in this stack\) outside every planned pool/)]);
    const used = of(
      await withExtra(BOUNDARY, (rs) => [lt(rs), added(rs, NODE_GROUP, "lt-group", nodeGroup({ launchTemplate: { name: "gpu-lt", version: "1" } }), { dependsOnEnvelope: true })]),
      "pool-matches-spec",
    );
    expect(used.map((d) => d.message)).toEqual([expect.stringMatching(/^node group maxSize 4 \(lt-group\) admits GPU nodes \(instance type g6e\.48xlarge\) outside every planned pool/)]);
  });

  it("a Karpenter NodePool whose requirements admit GPU instances; one that excludes them passes", async () => {
    const nodePool = (requirements: unknown[], name = "karp") => (rs: RegisteredResource[]) => [
      added(rs, "kubernetes:karpenter.sh/v1:NodePool", name, { apiVersion: "karpenter.sh/v1", kind: "NodePool", metadata: { name }, spec: { template: { spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" }, requirements } } } }, { dependsOnEnvelope: true }),
    ];
    const admitting: [string, unknown[]][] = [
      ["category p", [{ key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["p"] }]],
      ["instance type p5", [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["p5.48xlarge"] }]],
      ["gpu count > 0", [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }]],
      ["nvidia", [{ key: "karpenter.k8s.aws/instance-gpu-manufacturer", operator: "In", values: ["nvidia"] }]],
      ["no requirement at all", []],
    ];
    for (const [what, reqs] of admitting) {
      const ds = of(await withExtra(BOUNDARY, nodePool(reqs)), "pool-matches-spec");
      expect(ds.map((d) => d.message), what).toEqual([expect.stringMatching(/^Karpenter NodePool without an nvidia\.com\/gpu limit \(karp\) admits GPU nodes \(its requirements admit GPU instances \(.+\)\) outside every planned pool/)]);
    }
    const excluding: [string, unknown[]][] = [
      ["no GPU", [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }]],
      ["CPU categories", [{ key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] }]],
      ["families", [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m7i", "c7i"] }]],
      ["not p or g", [{ key: "karpenter.k8s.aws/instance-category", operator: "NotIn", values: ["p", "g", "gr"] }]],
    ];
    for (const [what, reqs] of excluding) expect(of(await withExtra(BOUNDARY, nodePool(reqs)), "pool-matches-spec"), what).toEqual([]);
  });

  it("an SSM activation, a NodeFeatureRule and a NodePatch that mark GPU nodes outside a pool", async () => {
    const ssm = of(await withExtra(BOUNDARY, (rs) => [added(rs, "aws:ssm/activation:Activation", "act", { iamRole: "r", registrationLimit: 50 }, { dependsOnEnvelope: true })]), "pool-matches-spec");
    expect(ssm.map((d) => d.message)).toEqual([expect.stringMatching(/^SSM activation registrationLimit 50 \(act\) admits GPU nodes \(an SSM activation registers hybrid nodes\) outside every planned pool/)]);
    const nfr = of(
      await withExtra(BOUNDARY, (rs) => [
        added(rs, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule", "nv", {
          apiVersion: "nfd.k8s-sigs.io/v1alpha1",
          kind: "NodeFeatureRule",
          metadata: { name: "nv" },
          spec: { rules: [{ name: "nvidia", taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }], matchFeatures: [{ feature: "pci.device", matchExpressions: { vendor: { op: "In", value: ["10de"] } } }] }] },
        }, { dependsOnEnvelope: true }),
      ]),
      "pool-matches-spec",
    );
    expect(nfr.map((d) => d.message)).toEqual([expect.stringMatching(/^NodeFeatureRule matching nodes by more than their names \(nv\) admits GPU nodes \(it sets taint nvidia\.com\/gpu on the nodes it matches\) outside every planned pool/)]);
    const patch = of(
      await withExtra(BOUNDARY, (rs) => [added(rs, "kubernetes:core/v1:NodePatch", "np", { metadata: { name: "gpu-9999", labels: { "nvidia.com/gpu.present": "true" } } }, { dependsOnEnvelope: true })]),
      "pool-matches-spec",
    );
    expect(patch.map((d) => d.message)).toEqual([expect.stringMatching(/^NodePatch of gpu-9999 \(np\) admits GPU nodes \(it sets labels nvidia\.com\/gpu\.present on node gpu-9999\)/)]);
  });

  it("a resource that admits nodes into a planned pool without depending on the envelope ConfigMap", async () => {
    const ds = of(
      await check(BOUNDARY, (rs) => {
        for (const r of ofType(rs, "NodeFeatureRule")) r.dependencies = [];
      }),
      "pool-matches-spec",
    );
    expect(ds.map((d) => d.message)).toEqual([expect.stringMatching(/^NodeFeatureRule naming 10 nodes \(boundary-gpu-nodes\) admits GPU nodes but does not depend on the repower-site-envelope ConfigMap/)]);
  });
});

async function check(text: string, tamper: (rs: RegisteredResource[]) => RegisteredResource[] | void, stack = "boundary", config: Record<string, string> = {}): Promise<Diagnostic[]> {
  let rs = await program(text, stack, config);
  rs = tamper(rs) ?? rs;
  return diagnose(pack, stack, rs);
}

describe("the device-plugin config wherever it is deployed (device-plugin-config-valid)", () => {
  const text = boundarySite({ devicePlugin: { sharing: "time-slicing", replicas: 2 } });
  const release = (rs: RegisteredResource[]) => rs.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && (r.properties as any).chart === "nvidia-device-plugin")!;
  const oneReplica = (values: any) => {
    values.config.map.gpu = values.config.map.gpu.replace("replicas: 2", "replicas: 1");
  };

  for (const chart of ["oci://ghcr.io/nvidia/k8s-device-plugin/nvidia-device-plugin:0.17.0", "nvdp/nvidia-device-plugin", "https://nvidia.github.io/k8s-device-plugin/nvidia-device-plugin-0.17.0.tgz"]) {
    it(`a release of ${chart}`, async () => {
      const ds = of(
        await check(text, (rs) => {
          const r = release(rs);
          (r.properties as any).chart = chart;
          oneReplica((r.properties as any).values);
        }),
        "device-plugin-config-valid",
      );
      expect(ds.map((d) => d.message)).toEqual([expect.stringMatching(/config gpu: sharing\.timeSlicing\.resources\[0\]\.replicas must be a whole number of at least 2, found 1/)]);
    });
  }

  it("a Helm v4 Chart", async () => {
    const ds = of(
      await check(text, (rs) => {
        const r = release(rs);
        r.type = "kubernetes:helm.sh/v4:Chart";
        r.urn = r.urn.replace("helm.sh/v3:Release", "helm.sh/v4:Chart");
        oneReplica((r.properties as any).values);
      }),
      "device-plugin-config-valid",
    );
    expect(ds.map((d) => d.message)).toEqual([expect.stringMatching(/^chart nvidia-device-plugin-boundary: config gpu: sharing\.timeSlicing\.resources\[0\]\.replicas must be/)]);
  });

  it("the GPU Operator's config ConfigMap, and the operator chart's own config data", async () => {
    const ds = of(
      await check(
        text,
        (rs) => {
          const cm = rs.find((r) => (r.properties as any).metadata?.name === "repower-device-plugin-configs")!;
          (cm.properties as any).data.gpu = (cm.properties as any).data.gpu.replace("replicas: 2", "replicas: 1");
        },
        "boundary",
        { "repower:devicePluginMode": "gpu-operator" },
      ),
      "device-plugin-config-valid",
    );
    expect(ds.map((d) => d.message)).toEqual([expect.stringMatching(/^ConfigMap repower-device-plugin-configs: config gpu: sharing\.timeSlicing\.resources\[0\]\.replicas must be/)]);
    const data = of(
      await check(
        text,
        (rs) => {
          const op = rs.find((r) => (r.properties as any).chart === "gpu-operator")!;
          (op.properties as any).values.devicePlugin.config = { create: true, name: "other", data: { x: "version: v1\nsharing:\n  mps:\n    resources:\n      - name: nvidia.com/gpu\n        replicas: 1\n" } };
        },
        "boundary",
        { "repower:devicePluginMode": "gpu-operator" },
      ),
      "device-plugin-config-valid",
    );
    expect(data.map((d) => d.message)).toEqual([expect.stringMatching(/^release gpu-operator-boundary: config x: sharing\.mps\.resources\[0\]\.replicas must be/)]);
  });

  it("any other ConfigMap holding a device-plugin config", async () => {
    const ds = of(
      await withExtra(text, (rs) => [added(rs, "kubernetes:core/v1:ConfigMap", "dp", { metadata: { name: "my-dp-config" }, data: { a: "version: v2\nflags:\n  migStrategy: none\n", readme: "hello" } })]),
      "device-plugin-config-valid",
    );
    expect(ds.map((d) => d.message)).toEqual(['ConfigMap my-dp-config: config a: version must be "v1", found "v2"']);
  });
});

describe("the alerts, read with a PromQL parser (gpu-monitoring-present)", () => {
  const editRules = (f: (rules: any[]) => any[] | void) => (rs: RegisteredResource[]) => {
    const rule = rs.find((r) => r.type.endsWith(":PrometheusRule"))!;
    const g = (rule.properties as any).spec.groups[0];
    g.rules = f(g.rules) ?? g.rules;
  };
  const alert = (rules: any[], name: string) => rules.find((r) => r.alert === name);

  it("deleting the telemetry-missing or the firm-power alert fails", async () => {
    for (const name of ["RepowerGpuTelemetryMissing", "RepowerFirmPowerOverBudget"]) {
      const ds = of(await check(BOUNDARY, editRules((rules) => rules.filter((r) => r.alert !== name))), "gpu-monitoring-present");
      expect(ds.map((d) => d.message), name).toEqual([expect.stringContaining(`run without the ${name} alert for site boundary`)]);
    }
  });

  it("a threshold off the envelope, a neutralised comparison, a bool modifier or another site fails", async () => {
    const edits: [string, (e: string) => string][] = [
      ["threshold", (e) => e.replace("> 5", "> 6")],
      ["never fires", (e) => `${e} < 0`],
      ["bool", (e) => e.replace("> 5", "> bool 5")],
      ["other site", (e) => e.replace('site="boundary"', 'site="elsewhere"')],
      ["regex matcher", (e) => e.replace('site="boundary"', 'site=~"boundary|x"')],
    ];
    for (const [what, edit] of edits) {
      const ds = of(
        await check(BOUNDARY, editRules((rules) => {
          const a = alert(rules, "RepowerSitePowerOverBudget");
          a.expr = edit(a.expr);
        })),
        "gpu-monitoring-present",
      );
      expect(ds.map((d) => d.message), what).toEqual([expect.stringMatching(/run without the RepowerSitePowerOverBudget alert for site boundary as the envelope of phase p1 requires: expected repower:site_facility_power_mw\{site="boundary"\} > 5 \(found: /)]);
    }
  });

  it("an alert whose record no rule writes can never fire; a rule that does not parse is refused", async () => {
    const noRecord = of(await check(BOUNDARY, editRules((rules) => rules.filter((r) => r.record !== "repower:pool_gpu_power_watts"))), "gpu-monitoring-present");
    expect(noRecord.map((d) => d.message)).toEqual([
      "the RepowerSitePowerOverBudget alert reads repower:site_facility_power_mw, but no recording rule chain from DCGM_FI_DEV_POWER_USAGE writes it: the alert can never fire.",
      "the RepowerSitePowerNearBudget alert reads repower:site_facility_power_mw, but no recording rule chain from DCGM_FI_DEV_POWER_USAGE writes it: the alert can never fire.",
      "the RepowerFirmPowerOverBudget alert reads repower:site_firm_power_mw, but no recording rule chain from DCGM_FI_DEV_POWER_USAGE writes it: the alert can never fire.",
    ]);
    const noCount = of(await check(BOUNDARY, editRules((rules) => rules.filter((r) => r.record !== "repower:pool_gpu_count"))), "gpu-monitoring-present");
    expect(noCount.map((d) => d.message)).toEqual([
      "the RepowerGpuTelemetryMissing alert reads repower:pool_gpu_count, but no recording rule chain from DCGM_FI_DEV_POWER_USAGE writes it: the alert can never fire.",
    ]);
    const broken = of(
      await check(BOUNDARY, editRules((rules) => {
        alert(rules, "RepowerGpuXidError").expr = "DCGM_FI_DEV_XID_ERRORS >> 0";
      })),
      "gpu-monitoring-present",
    );
    expect(broken.map((d) => d.message)).toEqual([expect.stringMatching(/group repower-boundary: the expression of alert RepowerGpuXidError does not parse \(syntax error at character \d+\)/)]);
  });
});

describe("the power-cap DaemonSet would really cap the pool (pool-matches-spec)", () => {
  const capped = boundarySite({ powerCapWatts: 500 });
  const editDs = (f: (spec: any) => void) => (rs: RegisteredResource[]) => {
    const ds = rs.find((r) => r.type === "kubernetes:apps/v1:DaemonSet")!;
    f((ds.properties as any).spec.template.spec);
  };
  const cases: [string, (spec: any) => void, RegExp][] = [
    ["toleration removed", (s) => (s.tolerations = []), /would not cap pool gpu's GPUs: it does not tolerate the GPU taint nvidia\.com\/gpu=present:NoSchedule/],
    ["selector of another pool", (s) => (s.nodeSelector["repower.io/pool"] = "gpu2"), /caps GPUs of pool "gpu2", which the site does not declare/],
    ["selector no node has", (s) => (s.nodeSelector["kubernetes.io/hostname"] = "nowhere"), /would not cap pool gpu's GPUs: its nodeSelector kubernetes\.io\/hostname=nowhere matches none of the pool's nodes/],
    ["affinity excluding the pool", (s) => (s.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "repower.io/pool", operator: "NotIn", values: ["gpu"] }] }] } } }), /its required node affinity excludes the pool's nodes/],
    ["image", (s) => (s.containers[0].image = "busybox:1.36"), /its container runs image "busybox:1\.36", not nvcr\.io\/nvidia\/cuda/],
    ["command", (s) => (s.containers[0].command = ["/bin/sh", "-c", "sleep infinity"]), /its container's command does not apply POWER_CAP_WATTS with nvidia-smi -pl/],
    ["lowered cap", (s) => (s.containers[0].env[0].value = "450"), /caps pool gpu at 450 W per GPU, not the 500 W the budgets were checked at/],
  ];
  for (const [what, edit, message] of cases) {
    it(what, async () => {
      const ds = of(await check(capped, editDs(edit)), "pool-matches-spec");
      const msgs = ds.map((d) => d.message);
      expect(msgs.some((m) => message.test(m)), msgs.join("\n")).toBe(true);
      // A DaemonSet that does not enforce the cap leaves the pool uncapped: that is said as well, once.
      expect(msgs.length).toBeLessThanOrEqual(2);
    });
  }
  it("the program's DaemonSet passes", async () => {
    expect(of(await check(capped, () => undefined), "pool-matches-spec")).toEqual([]);
  });
});

describe("one cause, one violation", () => {
  it("a cap out of range is power-cap-range's alone", async () => {
    const ds = mandatory(await check(boundarySite({ powerCapWatts: 800 }), () => undefined));
    expect(ds.map((d) => d.policyName)).toEqual(["power-cap-range"]);
  });
  it("a missing envelope is one violation, whatever else the stack holds", async () => {
    const ds = mandatory(await check(exampleText("prairie-burst"), (rs) => rs.filter((r) => !isEnvelope(r)), "prairie-burst"));
    expect(ds.map((d) => d.policyName)).toEqual(["site-power-budget"]);
  });
});
