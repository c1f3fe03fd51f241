/**
 * The program run as `pulumi preview` runs it (setMocks with preview: true:
 * what providers compute is unknown) and as after an update (every value
 * known), each sent to the pack over gRPC. No mandatory policy may become
 * @pulumi/policy's advisory "can't run during preview": it decides from the
 * known values, or fails saying what is unknown.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundarySite } from "../helpers/boundary-site";
import { diagnose, policyClient, type Diagnostic, type PolicyPackProcess } from "../helpers/policy-pack";
import { runStack, type RegisteredResource } from "../helpers/program";
import { EXAMPLES, ROOT, tempDir, writeStack } from "../helpers/stacks";

/** The sentinel the engine and the Node SDK send for a value unknown during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

let pack: PolicyPackProcess;
beforeAll(async () => {
  pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
});
afterAll(async () => {
  await pack?.close();
});

const hasUnknown = (r: RegisteredResource) => JSON.stringify(r.properties).includes(UNKNOWN);
const cantRun = (ds: Diagnostic[]) => ds.filter((d) => /can't run policy/.test(d.message));
const mandatory = (ds: Diagnostic[]) => ds.filter((d) => d.enforcementLevel === "mandatory");

describe("the examples, in both modes", () => {
  for (const stack of EXAMPLES) {
    for (const preview of [false, true]) {
      it(`${stack} (${preview ? "preview: provider outputs unknown" : "every value known"})`, async () => {
        const run = await runStack(stack, {}, { preview });
        const ds = await diagnose(pack, stack, run.resources);
        expect(cantRun(ds)).toEqual([]);
        expect(mandatory(ds)).toEqual([]);
        if (!preview) expect(run.resources.filter(hasUnknown)).toEqual([]);
      });
    }
  }

  it("the preview run really has unknowns where a provider's would be (ARNs, IDs)", async () => {
    const run = await runStack("prairie-burst", {}, { preview: true });
    const unknownTypes = [...new Set(run.resources.filter((r) => r.custom && hasUnknown(r)).map((r) => r.type))].sort();
    expect(unknownTypes).toEqual(expect.arrayContaining(["aws:eks/accessEntry:AccessEntry", "aws:eks/nodeGroup:NodeGroup", "aws:iam/rolePolicy:RolePolicy"]));
    const ng = run.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")!;
    expect((ng.properties as any).nodeRoleArn).toBe(UNKNOWN);
  });
});

describe("an unknown that hides what must be checked is a mandatory violation saying what is unknown", () => {
  async function previewOf(text: string, stack: string, tamper: (rs: RegisteredResource[]) => void): Promise<Diagnostic[]> {
    const rs = (await runStack(writeStack(tempDir(), stack, text), {}, { preview: true })).resources;
    tamper(rs);
    const ds = await diagnose(pack, stack, rs);
    expect(cantRun(ds)).toEqual([]);
    return mandatory(ds);
  }
  const fs = require("node:fs") as typeof import("node:fs");
  const prairie = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prairie-burst.yaml"), "utf8");

  it("a node group's maxSize computed from another resource's output", async () => {
    const ds = await previewOf(prairie, "prairie-burst", (rs) => {
      (rs.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && (r.properties as any).labels?.["repower.io/pool"] === "burst-p5")!.properties as any).scalingConfig.maxSize = UNKNOWN;
    });
    expect(ds.map((d) => [d.policyName, d.message])).toEqual([
      ["pool-matches-spec", expect.stringMatching(/^How many GPU nodes prairie-burst-burst-p5-nodegroup admits, and into which pool, cannot be decided during preview: scalingConfig\.maxSize is unknown until the update/)],
    ]);
  });

  it("a node group whose instance types and labels are unknown cannot be passed over as CPU capacity", async () => {
    const ds = await previewOf(prairie, "prairie-burst", (rs) => {
      const ng = rs.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && (r.properties as any).labels?.["repower.io/role"] === "system")!;
      (ng.properties as any).instanceTypes = UNKNOWN;
    });
    expect(ds.map((d) => [d.policyName, d.message])).toEqual([["pool-matches-spec", expect.stringMatching(/^How many GPU nodes .+ admits, and into which pool, cannot be decided during preview: instanceTypes is unknown/)]]);
  });

  it("an SSM activation's registration limit", async () => {
    const ds = await previewOf(prairie, "prairie-burst", (rs) => {
      (rs.find((r) => r.type === "aws:ssm/activation:Activation")!.properties as any).registrationLimit = UNKNOWN;
    });
    expect(ds.map((d) => [d.policyName, d.message])).toEqual([["pool-matches-spec", expect.stringContaining("registrationLimit is unknown until the update")]]);
  });

  it("the envelope ConfigMap's content", async () => {
    const ds = await previewOf(boundarySite({}), "boundary", (rs) => {
      const cm = rs.find((r) => (r.properties as any).metadata?.name === "repower-site-envelope")!;
      (cm.properties as any).data["site.json"] = UNKNOWN;
    });
    expect(ds.map((d) => [d.policyName, d.message])).toEqual([["site-power-budget", expect.stringMatching(/repower-site-envelope's content cannot be decided during preview: data\.site\.json is unknown/)]]);
  });

  it("a device-plugin release's config, and a power-cap DaemonSet's cap", async () => {
    const dp = await previewOf(boundarySite({ devicePlugin: { sharing: "time-slicing", replicas: 2 } }), "boundary", (rs) => {
      const rel = rs.find((r) => (r.properties as any).chart === "nvidia-device-plugin")!;
      (rel.properties as any).values.config.map.gpu = UNKNOWN;
    });
    expect(dp.map((d) => [d.policyName, d.message])).toEqual([["device-plugin-config-valid", expect.stringContaining("values.config.map.gpu is unknown")]]);
    const cap = await previewOf(boundarySite({ powerCapWatts: 500 }), "boundary", (rs) => {
      const ds = rs.find((r) => r.type === "kubernetes:apps/v1:DaemonSet")!;
      (ds.properties as any).spec.template.spec.containers[0].env[0].value = UNKNOWN;
    });
    expect(cap.map((d) => d.policyName)).toEqual(["pool-matches-spec", "pool-matches-spec"]);
    expect(cap[0].message).toMatch(/^Whether DaemonSet boundary-power-cap-gpu enforces the planned power cap cannot be decided during preview: container\.env\[0\]\.value is unknown/);
    expect(cap[1].message).toMatch(/no power-cap DaemonSet enforces it/);
  });
});
