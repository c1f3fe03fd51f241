/**
 * device-plugin-config-valid, MIG half: on a pool's nodes the device plugin's
 * MIG strategy and the partitions MIG Manager creates must agree (NVIDIA's
 * rules: NVIDIA/k8s-device-plugin v0.20.0 internal/rm/device_map.go;
 * NVIDIA/mig-parted v0.15.0). The real program runs under mocks; each
 * disagreement is made by editing what the engine would send, and the pack,
 * started as the engine starts it, answers over gRPC.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { boundarySite } from "../helpers/boundary-site";
import { diagnose, policyClient, type Diagnostic, type PolicyPackProcess } from "../helpers/policy-pack";
import { runStack, type RegisteredResource } from "../helpers/program";
import { exampleText, replaceOnce, ROOT, tempDir, writeStack } from "../helpers/stacks";

let pack: PolicyPackProcess;
beforeAll(async () => {
  pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
});
afterAll(async () => {
  await pack?.close();
});

const POLICY = "device-plugin-config-valid";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SINGLE = { migStrategy: "single", migProfile: "all-1g.10gb" };
const MIXED = { migStrategy: "mixed", migProfile: { "3g.40gb": 1, "1g.10gb": 4 } };
type Mode = "device-plugin" | "gpu-operator";

const cache = new Map<string, RegisteredResource[]>();
async function program(devicePlugin: Record<string, unknown>, mode: Mode): Promise<RegisteredResource[]> {
  const key = `${JSON.stringify(devicePlugin)}\n${mode}`;
  if (!cache.has(key)) cache.set(key, (await runStack(writeStack(tempDir(), "boundary", boundarySite({ devicePlugin })), { "repower:devicePluginMode": mode })).resources);
  return structuredClone(cache.get(key)!);
}
/** The pack's diagnostics of this policy for the program's resources after `tamper`. */
async function check(devicePlugin: Record<string, unknown>, tamper: (rs: RegisteredResource[]) => RegisteredResource[] | void = () => {}, mode: Mode = "device-plugin"): Promise<Diagnostic[]> {
  let rs = await program(devicePlugin, mode);
  rs = tamper(rs) ?? rs;
  return (await diagnose(pack, "boundary", rs)).filter((d) => d.policyName === POLICY);
}
const messages = (ds: Diagnostic[]) => ds.map((d) => d.message);

const props = (r: RegisteredResource) => r.properties as any;
const release = (rs: RegisteredResource[]) => props(rs.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && ["nvidia-device-plugin", "gpu-operator"].includes(props(r).chart))!);
const migConfigMap = (rs: RegisteredResource[]) => props(rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && props(r).metadata?.name === "repower-mig-parted-config")!);
const nodeRule = (rs: RegisteredResource[]) => props(rs.find((r) => r.type.endsWith(":NodeFeatureRule") && props(r).spec.rules[0].labels?.["repower.io/pool"] === "gpu")!).spec.rules[0];
const setStrategy = (rs: RegisteredResource[], s: string, pool = "gpu") => {
  const map = release(rs).values.config.map;
  map[pool] = map[pool].replace(/migStrategy: \w+/, `migStrategy: ${s}`);
};
const setMigConfig = (rs: RegisteredResource[], configs: Record<string, unknown>) => {
  migConfigMap(rs).data["config.yaml"] = stringify({ version: "v1", "mig-configs": { "all-disabled": [{ devices: "all", "mig-enabled": false }], ...configs } });
};

describe("what the components deploy agrees", () => {
  for (const mode of ["device-plugin", "gpu-operator"] as const) {
    for (const [what, dp] of [["all-1g.10gb, single", SINGLE], ["a layout of two profiles, mixed", MIXED]] as const) {
      it(`${what} (${mode} mode)`, async () => {
        expect(messages(await check(dp, undefined, mode))).toEqual([]);
      });
    }
  }
});

describe("each disagreement is one violation naming the pool and the resources", () => {
  it("none with partitions: the plugin advertises whole GPUs only", async () => {
    const ds = await check(SINGLE, (rs) => setStrategy(rs, "none"));
    expect(messages(ds)).toEqual([
      "pool gpu: config gpu: migStrategy none in release nvidia-device-plugin-boundary, but nvidia.com/mig.config=all-1g.10gb on its nodes (NodeFeatureRule boundary-gpu-nodes; ConfigMap nvidia-device-plugin-boundary/repower-mig-parted-config, applied by DaemonSet nvidia-mig-manager) partitions its GPUs into 1g.10gb: with none the device plugin advertises whole GPUs only and never the partitions (NVIDIA/k8s-device-plugin v0.20.0 internal/rm/device_map.go). Set migStrategy single or mixed in repower:site, or leave migProfile out.",
    ]);
    expect(ds[0].enforcementLevel).toBe("mandatory");
    expect(ds[0].urn).toMatch(/NodeFeatureRule::boundary-gpu-nodes$/);
  });

  it("single with a layout of several profiles: the plugin fails on the node", async () => {
    const ds = await check(MIXED, (rs) => setStrategy(rs, "single"));
    expect(messages(ds)).toEqual([expect.stringMatching(/^pool gpu: config gpu: migStrategy single in release nvidia-device-plugin-boundary, but nvidia\.com\/mig\.config=repower-gpu on its nodes \(NodeFeatureRule boundary-gpu-nodes; .*\) makes MIG devices of several profiles \(1g\.10gb, 3g\.40gb\) on one node: with single the device plugin fails there \("more than one MIG device type present on node".*Use migStrategy mixed, or one profile/)]);
  });

  it("single with MIG on some GPUs and off on others", async () => {
    const ds = await check(SINGLE, (rs) =>
      setMigConfig(rs, { "all-1g.10gb": [{ devices: [0, 1, 2, 3], "mig-enabled": true, "mig-devices": { "1g.10gb": 7 } }, { devices: [4, 5, 6, 7], "mig-enabled": false }] }),
    );
    expect(messages(ds)).toEqual([expect.stringMatching(/^pool gpu: config gpu: migStrategy single .* turns MIG on for some GPUs and off for others: .*"all devices on the node must be configured with the same migEnabled value"/)]);
  });

  it("a migProfile whose nodes carry no nvidia.com/mig.config label: nothing is created", async () => {
    const ds = await check(SINGLE, (rs) => {
      delete nodeRule(rs).labels["nvidia.com/mig.config"];
    });
    expect(messages(ds)).toEqual([
      "pool gpu: config gpu: migStrategy single in release nvidia-device-plugin-boundary, but its nodes (NodeFeatureRule boundary-gpu-nodes) carry no nvidia.com/mig.config label: MIG Manager creates nothing there, so the pool's migProfile all-1g.10gb is never made and the plugin advertises whole GPUs. Label them nvidia.com/mig.config=all-1g.10gb (the GpuNodePool component does).",
    ]);
  });

  it("a label naming a config the mig-parted ConfigMap does not hold: nothing is created", async () => {
    const ds = await check(SINGLE, (rs) => {
      nodeRule(rs).labels["nvidia.com/mig.config"] = "all-2g.20gb";
    });
    expect(messages(ds)).toEqual([
      'pool gpu: its nodes (NodeFeatureRule boundary-gpu-nodes) are labelled nvidia.com/mig.config=all-2g.20gb, which ConfigMap nvidia-device-plugin-boundary/repower-mig-parted-config (read by DaemonSet nvidia-mig-manager) does not hold (it holds all-disabled, all-1g.10gb): MIG Manager creates nothing ("selected mig-config not present", NVIDIA/mig-parted v0.15.0), so migStrategy single in release nvidia-device-plugin-boundary finds whole GPUs. Label them with a config it holds (all-1g.10gb).',
    ]);
  });

  it("a label selecting a config with MIG off, or whose entries are all for another GPU (device-filter)", async () => {
    const off = await check(SINGLE, (rs) => {
      nodeRule(rs).labels["nvidia.com/mig.config"] = "all-disabled";
    });
    expect(messages(off)).toEqual([expect.stringMatching(/^pool gpu: config gpu: migStrategy single .*nvidia\.com\/mig\.config=all-disabled .* turns MIG off on its GPUs: the pool's migProfile all-1g\.10gb is never made/)]);
    // 0x20B010DE is an A100's PCI id: the entry does not apply to the pool's H100s.
    const a100 = { "all-1g.10gb": [{ "device-filter": ["0x20B010DE"], devices: "all", "mig-enabled": true, "mig-devices": { "1g.10gb": 7 } }] };
    expect(messages(await check(SINGLE, (rs) => setMigConfig(rs, a100)))).toEqual([expect.stringContaining("turns MIG off on its GPUs (none of its entries applies to them)")]);
    const h100 = { "all-1g.10gb": [{ "device-filter": ["0x233010DE"], devices: "all", "mig-enabled": true, "mig-devices": { "1g.10gb": 7 } }] };
    expect(messages(await check(SINGLE, (rs) => setMigConfig(rs, h100)))).toEqual([]);
  });

  it("a strategy forced on every node: the chart's migStrategy value, the operator's mig.strategy (default single)", async () => {
    const chart = await check(SINGLE, (rs) => {
      release(rs).values.migStrategy = "none";
    });
    expect(messages(chart)).toEqual([
      expect.stringMatching(/^pool gpu: config gpu: migStrategy none in release nvidia-device-plugin-boundary \(forced by release nvidia-device-plugin-boundary's migStrategy value \(MIG_STRATEGY\)\), but .* Leave release nvidia-device-plugin-boundary's migStrategy value \(MIG_STRATEGY\) unset/),
    ]);
    const operator = await check(
      MIXED,
      (rs) => {
        delete release(rs).values.mig;
      },
      "gpu-operator",
    );
    expect(messages(operator)).toEqual([
      expect.stringMatching(/^pool gpu: config gpu: migStrategy single in release gpu-operator-boundary \(forced by release gpu-operator-boundary's mig\.strategy \(ClusterPolicy, MIG_STRATEGY\), the chart's default single\), but .* makes MIG devices of several profiles \(1g\.10gb, 3g\.40gb\)/),
    ]);
  });

  it("the same cause from two resources is one violation naming both", async () => {
    const ds = await check(SINGLE, (rs) => {
      nodeRule(rs).labels["nvidia.com/mig.config"] = "all-7g.80gb";
      const envelope = rs.find((r) => props(r).metadata?.name === "repower-site-envelope")!;
      rs.push({ ...structuredClone(envelope), urn: "urn:pulumi:boundary::repower::kubernetes:core/v1:NodePatch::gpu-3", type: "kubernetes:core/v1:NodePatch", name: "gpu-3", properties: { metadata: { name: "gpu-0003", labels: { "nvidia.com/mig.config": "all-7g.80gb" } } } });
    });
    expect(messages(ds)).toEqual([expect.stringMatching(/^pool gpu: its nodes \(NodeFeatureRule boundary-gpu-nodes, NodePatch gpu-0003\) are labelled nvidia\.com\/mig\.config=all-7g\.80gb, which ConfigMap .* does not hold/)]);
  });
});

describe("what the pack cannot read or see fails closed", () => {
  it("the mig-parted config: not YAML, another version, missing, or unknown during preview", async () => {
    const cases: [string, (rs: RegisteredResource[]) => RegisteredResource[] | void, RegExp][] = [
      ["not YAML", (rs) => void (migConfigMap(rs).data["config.yaml"] = "version: v1\nmig-configs: [unclosed"), /^MIG Manager \(DaemonSet nvidia-mig-manager\) cannot be read: config\.yaml of ConfigMap nvidia-device-plugin-boundary\/repower-mig-parted-config: it is not YAML/],
      ["version", (rs) => void (migConfigMap(rs).data["config.yaml"] = "version: v2\nmig-configs: {}\n"), /: its version is "v2", not v1\. What it creates on pool gpu cannot be checked/],
      ["missing", (rs) => rs.filter((r) => props(r).metadata?.name !== "repower-mig-parted-config"), /cannot be read: ConfigMap nvidia-device-plugin-boundary\/repower-mig-parted-config is not in the stack/],
      ["unknown", (rs) => void (migConfigMap(rs).data["config.yaml"] = UNKNOWN), /cannot be read: ConfigMap nvidia-device-plugin-boundary\/repower-mig-parted-config's config\.yaml cannot be decided during preview: data\.config\.yaml is unknown/],
    ];
    for (const [what, tamper, re] of cases) expect(messages(await check(SINGLE, tamper)), what).toEqual([expect.stringMatching(re)]);
  });

  it("no MIG Manager applies the label; the operator's MIG Manager reading its built-in config", async () => {
    const none = await check(SINGLE, (rs) => rs.filter((r) => r.type !== "kubernetes:apps/v1:DaemonSet" || props(r).metadata?.name !== "nvidia-mig-manager"));
    expect(messages(none)).toEqual([expect.stringMatching(/^pool gpu: its nodes \(NodeFeatureRule boundary-gpu-nodes\) are labelled nvidia\.com\/mig\.config=all-1g\.10gb, but no MIG Manager in the stack applies it/)]);
    const builtIn = await check(
      SINGLE,
      (rs) => {
        release(rs).values.migManager.config.name = "";
      },
      "gpu-operator",
    );
    expect(messages(builtIn)).toEqual([expect.stringMatching(/^MIG Manager \(release gpu-operator-boundary's MIG Manager\) cannot be read: it reads the operator's built-in default-mig-parted-config, which is not in the stack/)]);
  });

  it("no device plugin, or nodes selecting a device-plugin config that is not deployed", async () => {
    const noPlugin = await check(SINGLE, (rs) => rs.filter((r) => props(r).chart !== "nvidia-device-plugin"));
    expect(messages(noPlugin)).toEqual([expect.stringMatching(/^pool gpu: no NVIDIA device plugin .* is deployed in the stack, so whether its MIG strategy agrees with its MIG partitions \(repower:site gives migProfile all-1g\.10gb\) cannot be checked/)]);
    const other = await check(SINGLE, (rs) => {
      nodeRule(rs).labels["nvidia.com/device-plugin.config"] = "other";
    });
    expect(messages(other)).toEqual([expect.stringMatching(/^pool gpu: its nodes \(NodeFeatureRule boundary-gpu-nodes\) select device-plugin config other, which release nvidia-device-plugin-boundary does not hold \(it holds gpu\)/)]);
  });
});

describe("every kind of node labelling: a managed node group, and hybrid nodes (labelled from the spec)", () => {
  // prairie-burst with MIG on both pools: h200-c (eks-hybrid, its kubelet labels come from the spec) and burst-p5 (an EKS node group).
  const text = replaceOnce(
    replaceOnce(exampleText("prairie-burst"), "          sharing: time-slicing\n          replicas: 2\n", "          sharing: time-slicing\n          replicas: 2\n          migStrategy: single\n          migProfile: all-1g.18gb\n"),
    "          instanceType: p5.48xlarge\n",
    '          instanceType: p5.48xlarge\n        devicePlugin:\n          migStrategy: mixed\n          migProfile: { "3g.40gb": 1, "1g.10gb": 4 }\n',
  );
  let base: RegisteredResource[];
  const run = async (tamper: (rs: RegisteredResource[]) => void) => {
    base ??= (await runStack(writeStack(tempDir(), "prairie-burst", text))).resources;
    const rs = structuredClone(base);
    tamper(rs);
    return messages((await diagnose(pack, "prairie-burst", rs)).filter((d) => d.policyName === POLICY));
  };

  it("as deployed, both agree", async () => {
    expect(await run(() => {})).toEqual([]);
  });

  it("a node group without the label; hybrid nodes whose plugin config says none", async () => {
    const ng = await run((rs) => {
      delete props(rs.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && props(r).labels?.["repower.io/pool"] === "burst-p5")!).labels["nvidia.com/mig.config"];
    });
    expect(ng).toEqual([expect.stringMatching(/^pool burst-p5: config burst-p5: migStrategy mixed in release nvidia-device-plugin-prairie-burst, but its nodes \(node group \S+\) carry no nvidia\.com\/mig\.config label/)]);
    const hybrid = await run((rs) => setStrategy(rs, "none", "h200-c"));
    expect(hybrid).toEqual([expect.stringMatching(/^pool h200-c: config h200-c: migStrategy none .* on its nodes \(pool h200-c's hybrid nodes \(kubelet labels from the spec\); .* partitions its GPUs into 1g\.18gb/)]);
  });
});
