/**
 * Versions: the package, the policy pack and the envelope ConfigMap each say
 * which site spec version they understand, and a pack older than the spec it
 * reads fails closed, naming both versions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SITE_SPEC_VERSION, specVersionReadable } from "../../components/model";
import { diagnose, policyClient, type PolicyPackProcess } from "../helpers/policy-pack";
import { one, runStack, type RegisteredResource } from "../helpers/program";
import { ROOT } from "../helpers/stacks";
import { ENVELOPE_REPORTER } from "../../policies/site-context";

const json = (file: string) => JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));

/** Policies that read the envelope ConfigMap: none may pass or judge what it cannot read. */
const ENVELOPE_POLICIES = [
  "site-power-budget",
  "firm-power-budget",
  "transformer-capacity",
  "feed-continuous-load",
  "cooling-capacity",
  "rack-density",
  "rollout-transient-budget",
  "power-cap-range",
  "cooling-compatibility",
];

describe("declared versions", () => {
  it("package.json and the policy pack's package.json declare the model's site spec version", () => {
    expect(json("package.json").repower.siteSpecVersion).toBe(SITE_SPEC_VERSION);
    expect(json("policies/package.json").repower.siteSpecVersion).toBe(SITE_SPEC_VERSION);
  });

  it("reads the same or an older spec, never a newer or malformed one", () => {
    expect(specVersionReadable("1", "1")).toBe(true);
    expect(specVersionReadable("1", "2")).toBe(true);
    expect(specVersionReadable("2.0", "2")).toBe(true);
    expect(specVersionReadable("2.1", "2")).toBe(false);
    expect(specVersionReadable("2", "1.9")).toBe(false);
    expect(specVersionReadable("10", "9")).toBe(false);
    expect(specVersionReadable("v2", "2")).toBe(false);
    expect(specVersionReadable("", "2")).toBe(false);
  });
});

describe("the pack and the envelope's spec version", () => {
  let pack: PolicyPackProcess;
  let resources: RegisteredResource[];
  beforeAll(async () => {
    pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
    resources = (await runStack("pecos-yard")).resources;
  });
  afterAll(async () => {
    await pack?.close();
  });

  function withSpecVersion(v: string | undefined): RegisteredResource[] {
    return resources.map((r) => {
      if (r !== one(resources, "kubernetes:core/v1:ConfigMap", "-envelope-configmap")) return r;
      const data = { ...(r.properties as any).data };
      if (v === undefined) delete data.specVersion;
      else data.specVersion = v;
      return { ...r, properties: { ...r.properties, data } };
    });
  }

  it("the components publish the version they understand", () => {
    const cm = one(resources, "kubernetes:core/v1:ConfigMap", "-envelope-configmap");
    expect((cm.properties as any).data.specVersion).toBe(SITE_SPEC_VERSION);
  });

  it("a pack older than the spec fails closed, once, naming both versions", async () => {
    const newer = `${Number(SITE_SPEC_VERSION.split(".")[0]) + 1}`;
    const ds = await diagnose(pack, "pecos-yard", withSpecVersion(newer));
    const found = ds.filter((d) => d.message.includes("site spec version"));
    // One cause, one violation: the pack reports an unreadable envelope from one policy.
    expect(found.map((d) => [d.policyName, d.enforcementLevel])).toEqual([[ENVELOPE_REPORTER, "mandatory"]]);
    expect(found[0].message).toContain(`publishes site spec version "${newer}"`);
    expect(found[0].message).toContain(`understands site spec version ${SITE_SPEC_VERSION} and older`);
    // Nothing was evaluated from a spec the pack cannot read.
    expect(ds.filter((d) => ENVELOPE_POLICIES.includes(d.policyName) && d !== found[0])).toEqual([]);
  });

  it("reads its own version, and an envelope published before versions existed", async () => {
    for (const v of [SITE_SPEC_VERSION, undefined]) {
      const ds = await diagnose(pack, "pecos-yard", withSpecVersion(v));
      expect(ds.filter((d) => d.enforcementLevel === "mandatory"), String(v)).toEqual([]);
    }
  });
});
