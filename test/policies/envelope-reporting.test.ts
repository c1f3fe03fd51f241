/**
 * A stack without its envelope ConfigMap, with two, or with one that cannot
 * be read: one cause, one violation across the whole pack (every Analyze and
 * AnalyzeStack, as the engine calls them over gRPC), reported by the
 * envelope policies themselves; every other policy that reads the envelope
 * says, as not applicable, that it could not check and who reported it.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundarySite } from "../helpers/boundary-site";
import { policyClient, verdicts, type PolicyPackProcess } from "../helpers/policy-pack";
import { runStack, type RegisteredResource } from "../helpers/program";
import { exampleText, ROOT, tempDir, writeStack } from "../helpers/stacks";

let pack: PolicyPackProcess;
/** Every policy that reads the envelope: all but device-plugin-config-valid, which checks deployed configs by NVIDIA's rules alone. */
let readers: string[];
beforeAll(async () => {
  pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
  readers = (await pack.info()).policies.map((p) => p.name).filter((n) => n !== "device-plugin-config-valid");
});
afterAll(async () => {
  await pack?.close();
});

const REPORTER = "site-power-budget";
/** Stack policies that read the envelope; the others are the envelope policies (resource policies on the ConfigMap that also count envelopes in stack analysis). */
const STACK_READERS = ["pool-matches-spec", "gpu-monitoring-present"];
const isEnvelope = (r: RegisteredResource) => r.type === "kubernetes:core/v1:ConfigMap" && (r.properties as any).metadata?.name === "repower-site-envelope";

const runs = new Map<string, RegisteredResource[]>();
async function resources(stack: string, text: string): Promise<RegisteredResource[]> {
  if (!runs.has(stack)) runs.set(stack, (await runStack(writeStack(tempDir(), stack, text))).resources);
  return structuredClone(runs.get(stack)!);
}
const STACKS: [string, () => string][] = [
  ["prairie-burst", () => exampleText("prairie-burst")],
  ["boundary", () => boundarySite({})],
];

/** What the pack says of the stack after `tamper`, and the not-applicable answers that blame the envelope. */
async function judge(stack: string, text: string, tamper: (rs: RegisteredResource[]) => RegisteredResource[]) {
  const v = await verdicts(pack, stack, tamper(await resources(stack, text)));
  const couldNot = v.notApplicable.filter((n) => /^could not be checked: /.test(n.reason));
  return { ...v, couldNot };
}

describe.each(STACKS)("%s", (stack, text) => {
  it("as the program makes it: no violation, and no policy says it could not check", async () => {
    const v = await judge(stack, text(), (rs) => rs);
    expect(v.diagnostics.filter((d) => d.enforcementLevel === "mandatory")).toEqual([]);
    expect(v.couldNot).toEqual([]);
  });

  it("no envelope: one violation in the whole pack, the envelope policy's, naming what is missing and how to add it", async () => {
    const v = await judge(stack, text(), (rs) => rs.filter((r) => !isEnvelope(r)));
    expect(v.diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.at])).toEqual([[REPORTER, "mandatory", "stack"]]);
    expect(v.diagnostics[0].message).toMatch(/^the site's budgets cannot be checked: no repower-site-envelope ConfigMap among the stack's \d+ resources, so no budget of the site can be checked\. Add the SitePowerEnvelope component for the site .*dependsOn it/);
    // Every other reader says it could not check, once, in stack analysis, and who reported it.
    expect(v.couldNot.map((n) => n.policyName).sort()).toEqual(readers.filter((n) => n !== REPORTER).sort());
    for (const n of v.couldNot) {
      expect(n.at, n.policyName).toBe("stack");
      expect(n.reason, n.policyName).toMatch(/^could not be checked: no repower-site-envelope ConfigMap among the stack's \d+ resources.*; reported once, by site-power-budget$/);
    }
  });

  it("two envelopes: one violation, at the second, and the others could not check", async () => {
    const v = await judge(stack, text(), (rs) => {
      const cm = rs.find(isEnvelope)!;
      const copy: RegisteredResource = { ...structuredClone(cm), urn: `${cm.urn}-copy`, name: `${cm.name}-copy` };
      (copy.properties as any).metadata.namespace = "elsewhere";
      return [...rs, copy];
    });
    const mandatory = v.diagnostics.filter((d) => d.enforcementLevel === "mandatory");
    expect(mandatory.map((d) => [d.policyName, d.at])).toEqual([[REPORTER, "stack"]]);
    expect(mandatory[0].message).toMatch(/^the site's budgets cannot be checked: 2 repower-site-envelope ConfigMaps in one stack \(.*-configmap, .*-configmap-copy\), expected exactly one/);
    expect(mandatory[0].urn).toMatch(/-copy$/);
    // No other diagnostic of any level speaks of the envelope ConfigMaps.
    expect(v.diagnostics.filter((d) => /repower-site-envelope/.test(d.message))).toHaveLength(1);
    expect(v.couldNot.map((n) => n.policyName).sort()).toEqual(readers.filter((n) => n !== REPORTER).sort());
    for (const n of v.couldNot) expect(n.reason).toMatch(/^could not be checked: 2 repower-site-envelope ConfigMaps in one stack .*; reported once, by site-power-budget$/);
  });

  it("an unreadable envelope: one violation, when the ConfigMap is analyzed; every other reader could not check, where it reads it", async () => {
    let urn = "";
    const v = await judge(stack, text(), (rs) => {
      const cm = rs.find(isEnvelope)!;
      urn = cm.urn;
      (cm.properties as any).data["site.json"] = "{ not json";
      return rs;
    });
    expect(v.diagnostics.map((d) => [d.policyName, d.enforcementLevel, d.at, d.urn])).toEqual([[REPORTER, "mandatory", "resource", urn]]);
    expect(v.diagnostics[0].message).toMatch(/^the site's budgets cannot be checked: repower-site-envelope's site\.json cannot be evaluated: .*site\.json is not JSON/);
    expect(v.couldNot.map((n) => n.policyName).sort()).toEqual(readers.filter((n) => n !== REPORTER).sort());
    for (const n of v.couldNot) {
      // The envelope policies on the ConfigMap itself; the stack policies in stack analysis.
      if (STACK_READERS.includes(n.policyName)) expect(n.at, n.policyName).toBe("stack");
      else expect([n.at, n.urn], n.policyName).toEqual(["resource", urn]);
      expect(n.reason, n.policyName).toMatch(/^could not be checked: repower-site-envelope's site\.json cannot be evaluated: .*; reported once, by site-power-budget$/);
    }
  });
});
