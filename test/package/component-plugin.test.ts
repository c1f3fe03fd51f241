/**
 * The component package as the engine runs it: the plugin started with
 * run-plugin, GetSchema and Construct over gRPC, the children registered
 * with a resource monitor served here.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseSpec, edited } from "../helpers/sites";
import { ROOT, tempDir } from "../helpers/stacks";
import { EngineServer, PluginProcess, SECRET_SIG, SIG_KEY, STACK, typeOfUrn, type Registered } from "../helpers/plugin-host";
import { stringify } from "yaml";

const TIMEOUT = 300_000;

/** A type as the table below writes it: string, number, boolean, Any, ref:<Type>, array:<t>, map:<t>. */
function typeOf(p: any): string {
  if (p.$ref) return p.$ref === "pulumi.json#/Any" ? "Any" : `ref:${String(p.$ref).replace("#/types/repower:index:", "")}`;
  if (p.type === "array") return `array:${typeOf(p.items)}`;
  if (p.type === "object" && p.additionalProperties) return `map:${typeOf(p.additionalProperties)}`;
  return p.type;
}

const SITE_INPUTS = { site: "Any", stackYaml: "string", stackFileLabel: "string", stackFile: "string" };

/** Every component with its inputs and outputs (a `?` suffix: optional). */
const COMPONENTS: Record<string, { inputs: Record<string, string>; outputs: Record<string, string> }> = {
  SitePowerEnvelope: {
    inputs: { ...SITE_INPUTS, "createNamespace?": "boolean" },
    outputs: {
      namespace: "string",
      configMapName: "string",
      siteName: "string",
      activePhase: "string",
      specVersion: "string",
      budgets: "array:ref:EnvelopeBudget",
      headroom: "array:ref:EnvelopePoolHeadroom",
      phases: "array:ref:EnvelopePhase",
    },
  },
  GpuNodePool: {
    inputs: { ...SITE_INPUTS, pool: "string", "cluster?": "ref:EksClusterRef" },
    outputs: {
      nodeCount: "number",
      backend: "string",
      labels: "map:string",
      taints: "array:ref:NodeTaint",
      "nodeConfig?": "string",
      "nodeConfigRendered?": "string",
    },
  },
  NvidiaDevicePlugin: {
    inputs: { ...SITE_INPUTS, "mode?": "string", "nodeFeatureDiscovery?": "boolean" },
    outputs: { namespace: "string", configNames: "array:string" },
  },
  GpuMonitoring: {
    inputs: { ...SITE_INPUTS, "prometheusLabels?": "map:string", "warnAt?": "number" },
    outputs: { namespace: "string", ruleName: "string" },
  },
  GpuPowerCap: {
    inputs: { ...SITE_INPUTS, "runtimeClassName?": "string" },
    outputs: { caps: "map:number" },
  },
  EksSiteCluster: {
    inputs: { ...SITE_INPUTS, region: "string" },
    outputs: { clusterName: "string", clusterArn: "string", region: "string", subnetIds: "array:string", kubeconfig: "string" },
  },
};
// The site inputs are all optional: exactly one is needed, which the schema cannot say.
for (const c of Object.values(COMPONENTS)) {
  for (const k of Object.keys(SITE_INPUTS)) {
    c.inputs[`${k}?`] = c.inputs[k];
    delete c.inputs[k];
  }
}

const TYPES: Record<string, Record<string, string>> = {
  EnvelopeBudget: {
    kind: "string",
    subject: "string",
    unit: "string",
    "used?": "number",
    "limit?": "number",
    "utilisationPercent?": "number",
    ok: "boolean",
    binding: "boolean",
  },
  EnvelopePoolHeadroom: { pool: "string", nodes: "number", "moreNodesFit?": "number" },
  EnvelopePhase: {
    name: "string",
    transient: "boolean",
    "from?": "string",
    active: "boolean",
    itMW: "number",
    facilityMW: "number",
    siteLimitMW: "number",
    budgets: "array:ref:EnvelopeBudget",
    pools: "array:ref:EnvelopePoolHeadroom",
  },
  EksClusterRef: { name: "string", arn: "string", region: "string", "subnetIds?": "array:string" },
  NodeTaint: { key: "string", value: "string", effect: "string" },
};

/** The table of a property map: name (with `?` unless `required` names it) to type, and every description. */
function table(props: Record<string, any>, required: string[] | undefined) {
  const types: Record<string, string> = {};
  const undescribed: string[] = [];
  for (const [name, p] of Object.entries(props ?? {})) {
    types[required?.includes(name) ? name : `${name}?`] = typeOf(p);
    if (typeof p.description !== "string" || p.description.trim().length < 10) undescribed.push(name);
  }
  return { types, undescribed };
}

/** A secret as the SDK serializes it in a Struct. */
function unsecret(v: any): { secret: boolean; value: any } {
  if (v && typeof v === "object" && v[SIG_KEY] === SECRET_SIG) return { secret: true, value: v.value };
  return { secret: false, value: v };
}

/** Fields of outputs that a cloud provider computes, for the resources that need them. */
function providerOutputs(type: string, name: string): Record<string, any> {
  switch (type) {
    case "aws:ssm/activation:Activation":
      return { activationCode: `code-of-${name}` };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::123456789012:role/${name}` };
    case "aws:eks/cluster:Cluster":
      return { arn: `arn:aws:eks:us-east-2:123456789012:cluster/${name}`, endpoint: "https://example.eks", certificateAuthority: { data: "Q0E=" } };
    default:
      return {};
  }
}

function eksSpec() {
  return edited(baseSpec(), (s) => {
    s.gpuPools[0].backend = { type: "eks-hybrid" };
    s.gpuPools.push({ name: "burst", sku: "dgx-h100", placement: "cloud", backend: { type: "eks-managed", instanceType: "p5.48xlarge" } });
    s.rollout.phases[0].gpu.burst = 4;
    s.cluster = {
      type: "eks",
      kubernetesVersion: "1.33",
      subnetIds: ["subnet-1", "subnet-2"],
      remoteNodeCIDRs: ["10.80.0.0/16"],
      remotePodCIDRs: ["10.90.0.0/16"],
    };
  });
}

let engine: EngineServer;
let plugin: PluginProcess;
let schema: any;

beforeAll(async () => {
  engine = new EngineServer(providerOutputs, {
    // EksSiteCluster checks the remote networks against the VPC of its subnets.
    "aws:ec2/getSubnet:getSubnet": (args) => ({ id: args.id, vpcId: "vpc-1", availabilityZone: "us-east-2a" }),
    "aws:ec2/getVpc:getVpc": (args) => ({ id: args.id, cidrBlock: "10.0.0.0/16", cidrBlockAssociations: [] }),
  });
  await engine.start();
  plugin = await PluginProcess.start(ROOT, engine.address);
  schema = await plugin.getSchema();
}, TIMEOUT);

afterAll(async () => {
  plugin?.stop();
  await engine?.stop();
});

function children(urn: string): Registered[] {
  return engine.under(urn);
}

function ofType(rs: Registered[], type: string): Registered[] {
  return rs.filter((r) => r.type === type);
}

describe("GetSchema", () => {
  it("names the package after package.json, with its version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(schema.name).toBe("repower");
    expect(schema.version).toBe(pkg.version);
    expect(schema.description).toBe(pkg.description);
  });

  it("has every component, each described, with exactly the inputs and outputs of the table", () => {
    expect(Object.keys(schema.resources).sort()).toEqual(Object.keys(COMPONENTS).map((c) => `repower:index:${c}`).sort());
    for (const [name, want] of Object.entries(COMPONENTS)) {
      const r = schema.resources[`repower:index:${name}`];
      expect(r.isComponent, name).toBe(true);
      expect(r.description?.length ?? 0, `${name} has a description`).toBeGreaterThan(40);
      const inputs = table(r.inputProperties, r.requiredInputs);
      const outputs = table(r.properties, r.required);
      expect(inputs.types, `${name} inputs`).toEqual(want.inputs);
      expect(outputs.types, `${name} outputs`).toEqual(want.outputs);
      expect(inputs.undescribed, `${name} inputs without a description`).toEqual([]);
      expect(outputs.undescribed, `${name} outputs without a description`).toEqual([]);
    }
  });

  it("has every object type, each property typed and described", () => {
    expect(Object.keys(schema.types).sort()).toEqual(Object.keys(TYPES).map((t) => `repower:index:${t}`).sort());
    for (const [name, want] of Object.entries(TYPES)) {
      const t = schema.types[`repower:index:${name}`];
      expect(t.type).toBe("object");
      // (The SDK's generateSchema at 3.248 drops an object type's own description; its properties keep theirs.)
      const props = table(t.properties, t.required);
      expect(props.types, name).toEqual(want);
      expect(props.undescribed, `${name} properties without a description`).toEqual([]);
    }
  });

  it("is the committed schema.json (run `npm run schema` after changing provider/)", () => {
    const committed = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"));
    expect(schema).toEqual(committed);
  });
});

describe("Construct", () => {
  it("SitePowerEnvelope from the site as data publishes the envelope ConfigMap and returns the active phase's budgets", async () => {
    const { urn, state } = await plugin.construct(engine.address, "repower:index:SitePowerEnvelope", "env", { site: baseSpec() });
    expect(urn).toBe(`urn:pulumi:${STACK}::consumer::repower:index:SitePowerEnvelope::env`);
    const kids = children(urn);
    expect(ofType(kids, "repower:envelope:SitePowerEnvelope")).toHaveLength(1);
    // The system namespace is scoped by stack (components/naming.ts namespaceFor).
    expect(ofType(kids, "kubernetes:core/v1:Namespace").map((r) => r.inputs.metadata.name)).toEqual([`repower-system-${STACK}`]);
    expect(state.namespace).toBe(`repower-system-${STACK}`);
    const [cm] = ofType(kids, "kubernetes:core/v1:ConfigMap");
    expect(cm.inputs.metadata.name).toBe("repower-site-envelope");
    expect(cm.inputs.data.stack).toBe(STACK);
    expect(cm.inputs.data.specVersion).toBe(state.specVersion);
    expect(JSON.parse(cm.inputs.data["site.json"]).name).toBe("test-site");
    expect(state.siteName).toBe("test-site");
    expect(state.activePhase).toBe("p1");
    expect(state.configMapName).toBe("repower-site-envelope");
    expect(state.budgets.length).toBeGreaterThan(0);
    for (const b of state.budgets) expect(Object.keys(b)).toEqual(expect.arrayContaining(["kind", "subject", "unit", "ok", "binding"]));
    expect(state.budgets.filter((b: any) => b.binding)).toHaveLength(1);
    expect(state.headroom).toEqual([expect.objectContaining({ pool: "h100", nodes: 100 })]);
    expect(state.phases.map((p: any) => p.name)).toEqual(["p1"]);
  }, TIMEOUT);

  it("SitePowerEnvelope from a stack file's text, without its namespace", async () => {
    const text = stringify({ config: { "repower:site": baseSpec() } });
    const { urn, state } = await plugin.construct(engine.address, "repower:index:SitePowerEnvelope", "env-yaml", {
      stackYaml: text,
      createNamespace: false,
    });
    const kids = children(urn);
    expect(ofType(kids, "kubernetes:core/v1:Namespace")).toEqual([]);
    expect(ofType(kids, "kubernetes:core/v1:ConfigMap")).toHaveLength(1);
    expect(state.namespace).toBe(`repower-system-${STACK}`);
  }, TIMEOUT);

  it("SitePowerEnvelope from a stack file's path", async () => {
    const dir = tempDir();
    const file = path.join(dir, "Pulumi.site.yaml");
    fs.writeFileSync(file, stringify({ config: { "repower:site": baseSpec() } }));
    const { state } = await plugin.construct(engine.address, "repower:index:SitePowerEnvelope", "env-file", { stackFile: file });
    expect(state.siteName).toBe("test-site");
  }, TIMEOUT);

  it("rejects an invalid site with the input, the field path and the line", async () => {
    const bad = stringify({ config: { "repower:site": edited(baseSpec(), (s) => (s.gpuPools[0].coolingZone = "hal")) } });
    const line = bad.split("\n").findIndex((l) => l.includes("coolingZone: hal")) + 1;
    await expect(
      plugin.construct(engine.address, "repower:index:SitePowerEnvelope", "env-bad", { stackYaml: bad, stackFileLabel: "Pulumi.bad.yaml" }),
    ).rejects.toThrow(new RegExp(`Pulumi\\.bad\\.yaml:${line}:\\d+: repower:site\\.gpuPools\\[0\\]\\.coolingZone: .*"hall"`));
    await expect(
      plugin.construct(engine.address, "repower:index:SitePowerEnvelope", "env-bad-data", {
        site: edited(baseSpec(), (s) => (s.grid.interconnectMW = -1)),
      }),
    ).rejects.toThrow(/site\.grid\.interconnectMW/);
    await expect(plugin.construct(engine.address, "repower:index:SitePowerEnvelope", "env-none", {})).rejects.toThrow(/give the site as one of site, stackYaml, stackFile/);
    await expect(
      plugin.construct(engine.address, "repower:index:SitePowerEnvelope", "env-two", { site: baseSpec(), stackFile: "x.yaml" }),
    ).rejects.toThrow(/only one of .*found site and stackFile/);
  }, TIMEOUT);

  it("GpuNodePool (static) labels and taints the phase's nodes with one NodeFeatureRule", async () => {
    const { urn, state } = await plugin.construct(engine.address, "repower:index:GpuNodePool", "h100", { site: baseSpec(), pool: "h100" });
    const kids = children(urn);
    expect(ofType(kids, "repower:nodes:GpuNodePool")).toHaveLength(1);
    const rules = ofType(kids, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule");
    expect(rules).toHaveLength(1);
    const names = rules[0].inputs.spec.rules[0].matchFeatures[0].matchExpressions.nodename.value;
    expect(names).toHaveLength(100);
    expect(state.nodeCount).toBe(100);
    expect(state.backend).toBe("static");
    expect(state.labels["repower.io/pool"]).toBe("h100");
    expect(state.taints).toEqual([expect.objectContaining({ effect: "NoSchedule" })]);
    expect(state.nodeConfig).toBeUndefined();
  }, TIMEOUT);

  it("GpuNodePool (eks-hybrid) limits the SSM activation to the phase and returns the NodeConfig as a secret", async () => {
    const cluster = { name: "site-eks", arn: "arn:aws:eks:us-east-2:123456789012:cluster/site-eks", region: "us-east-2" };
    const { urn, state } = await plugin.construct(engine.address, "repower:index:GpuNodePool", "hybrid", { site: eksSpec(), pool: "h100", cluster });
    const kids = children(urn);
    const [activation] = ofType(kids, "aws:ssm/activation:Activation");
    expect(activation.inputs.registrationLimit).toBe(100);
    expect(ofType(kids, "aws:eks/accessEntry:AccessEntry")[0].inputs).toMatchObject({ clusterName: "site-eks", type: "HYBRID_LINUX" });
    expect(ofType(kids, "aws:iam/role:Role")).toHaveLength(1);
    const config = unsecret(state.nodeConfig);
    expect(config.secret).toBe(true);
    expect(config.value).toContain(`code-of-hybrid-activation`);
    const rendered = unsecret(state.nodeConfigRendered);
    expect(rendered.secret).toBe(false);
    expect(rendered.value).not.toContain("code-of-");
    expect(rendered.value).toContain("region: us-east-2");
  }, TIMEOUT);

  it("GpuNodePool (eks-managed) makes a node group of the phase's size", async () => {
    const cluster = { name: "site-eks", arn: "arn:aws:eks:us-east-2:123456789012:cluster/site-eks", region: "us-east-2", subnetIds: ["subnet-1"] };
    const { urn, state } = await plugin.construct(engine.address, "repower:index:GpuNodePool", "burst", { site: eksSpec(), pool: "burst", cluster });
    const [group] = ofType(children(urn), "aws:eks/nodeGroup:NodeGroup");
    expect(group.inputs.scalingConfig).toMatchObject({ desiredSize: 4, maxSize: 4 });
    expect(group.inputs.subnetIds).toEqual(["subnet-1"]);
    expect(state.nodeCount).toBe(4);
  }, TIMEOUT);

  it("GpuNodePool rejects a pool the site does not have, naming its pools", async () => {
    await expect(plugin.construct(engine.address, "repower:index:GpuNodePool", "nope", { site: baseSpec(), pool: "h200" })).rejects.toThrow(
      /pool.*no GPU pool "h200" in site "test-site"; its pools are h100/s,
    );
  }, TIMEOUT);

  it("NvidiaDevicePlugin deploys the pinned chart with one config per pool", async () => {
    const { urn, state } = await plugin.construct(engine.address, "repower:index:NvidiaDevicePlugin", "dp", { site: baseSpec() });
    const kids = children(urn);
    expect(ofType(kids, "repower:nvidia:NvidiaDevicePlugin")).toHaveLength(1);
    expect(ofType(kids, "kubernetes:helm.sh/v3:Release").length).toBeGreaterThan(0);
    expect(state.configNames.length).toBeGreaterThan(0);
    await expect(plugin.construct(engine.address, "repower:index:NvidiaDevicePlugin", "dp-bad", { site: baseSpec(), mode: "operator" })).rejects.toThrow(
      /mode.*must be one of device-plugin, gpu-operator/s,
    );
  }, TIMEOUT);

  it("GpuMonitoring makes the alert rules with the site's thresholds", async () => {
    const { urn, state } = await plugin.construct(engine.address, "repower:index:GpuMonitoring", "mon", {
      site: baseSpec(),
      prometheusLabels: { release: "kube-prometheus-stack" },
    });
    const kids = children(urn);
    const rules = ofType(kids, "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(rules).toHaveLength(1);
    expect(rules[0].inputs.metadata.labels.release).toBe("kube-prometheus-stack");
    expect(state.ruleName).toBe(rules[0].inputs.metadata.name);
  }, TIMEOUT);

  it("GpuPowerCap runs one DaemonSet per capped pool", async () => {
    const spec = edited(baseSpec(), (s) => (s.gpuPools[0].powerCapWatts = 600));
    const { urn, state } = await plugin.construct(engine.address, "repower:index:GpuPowerCap", "cap", { site: spec });
    expect(ofType(children(urn), "kubernetes:apps/v1:DaemonSet")).toHaveLength(1);
    expect(state.caps).toEqual({ h100: 600 });
  }, TIMEOUT);

  it("EksSiteCluster makes the control plane and returns its kubeconfig as a secret", async () => {
    const { urn, state } = await plugin.construct(engine.address, "repower:index:EksSiteCluster", "eks", { site: eksSpec(), region: "us-east-2" });
    expect(ofType(children(urn), "aws:eks/cluster:Cluster")).toHaveLength(1);
    expect(state.region).toBe("us-east-2");
    expect(unsecret(state.kubeconfig).secret).toBe(true);
    expect(typeOfUrn(urn)).toBe("repower:index:EksSiteCluster");
  }, TIMEOUT);
});
