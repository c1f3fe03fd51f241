/**
 * `repower preview --policy-pack-config <file>`: the settings reach the pack
 * through the Analyzer `Configure` call, as `pulumi preview` sends them; a
 * file that would lower a mandatory policy, or is otherwise invalid, is
 * invalid input (exit 2, naming the file, the path and the line).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { boundarySite } from "../helpers/boundary-site";
import { hasStackTrace, repower } from "../helpers/cli";
import { policyClient, type PolicyPackProcess } from "../helpers/policy-pack";
import { ROOT, tempDir, writeStack } from "../helpers/stacks";

const load = createRequire(path.join(ROOT, "package.json"));
const { loadPolicyPackConfig } = load(path.join(ROOT, "dist", "cli", "policy-pack-config.js")) as typeof import("../../cli/policy-pack-config");

const dir = tempDir();
// 300 + 86 × 10.2 = 1,177.2 kW of 1,300 kW: 90.6 %, above the default 90 % and below 95 %.
const stack = writeStack(dir, "near", boundarySite({ interconnectMW: 1.3, nodes: 86 }));
function configFile(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as { ok: boolean; violations: { policy: string; enforcementLevel: string }[] };

describe("through the command", () => {
  it("a threshold set in the file reaches the pack (Configure); without the file the default holds", () => {
    const plain = repower(["preview", "--config-file", stack, "--json"]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(json(plain).violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["headroom-advisory", "advisory"]]);
    const f = configFile("threshold.json", JSON.stringify({ "headroom-advisory": { thresholdPercent: 95 } }, null, 2));
    const set = repower(["preview", "--config-file", stack, "--json", "--policy-pack-config", f]);
    expect(set.status, set.stderr).toBe(0);
    expect(json(set).violations).toEqual([]);
  });

  it("raising an advisory policy to mandatory is allowed and fails the preview", () => {
    const f = configFile("raise.json", '{ "headroom-advisory": "mandatory" }\n');
    const r = repower(["preview", "--config-file", stack, "--json", "--policy-pack-config", f]);
    expect(r.status, r.stderr).toBe(1);
    expect(json(r).violations.map((v) => [v.policy, v.enforcementLevel])).toEqual([["headroom-advisory", "mandatory"]]);
  });

  it("lowering a mandatory policy is invalid input: exit 2 with file, path and line", () => {
    const f = configFile("lower.json", '{\n  "headroom-advisory": { "thresholdPercent": 95 },\n  "site-power-budget": { "enforcementLevel": "advisory" }\n}\n');
    const r = repower(["preview", "--config-file", stack, "--policy-pack-config", f]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `repower: invalid policy pack config\n${f}:3:46: site-power-budget.enforcementLevel: "advisory" would lower the mandatory policy site-power-budget: the config may set thresholds but never lower a mandatory policy's level\n`,
    );
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe("what the file may say (checked against the real pack's GetAnalyzerInfo)", () => {
  let pack: PolicyPackProcess;
  let policies: Awaited<ReturnType<PolicyPackProcess["info"]>>["policies"];
  beforeAll(async () => {
    pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
    policies = (await pack.info()).policies;
  });
  afterAll(async () => {
    await pack?.close();
  });
  const problems = (text: string) => {
    const f = configFile("c.json", text);
    try {
      loadPolicyPackConfig(f, policies);
    } catch (e) {
      return (e as Error).message.split("\n").map((l) => l.slice(f.length + 1));
    }
    return [];
  };

  it("rejects every way of lowering a mandatory policy", () => {
    const mandatoryCount = policies.filter((p) => p.enforcementLevel === "mandatory").length;
    expect(mandatoryCount).toBeGreaterThan(10);
    expect(problems('{ "all": "advisory" }')).toEqual([expect.stringMatching(new RegExp(`^1:10: all: "advisory" would lower ${mandatoryCount} mandatory policies \\(site-power-budget, `))]);
    expect(problems('{ "pool-matches-spec": "disabled" }')).toEqual([expect.stringMatching(/^1:24: pool-matches-spec: "disabled" would lower the mandatory policy pool-matches-spec/)]);
    expect(problems('{ "all": "mandatory", "headroom-advisory": "disabled" }')).toEqual([]);
  });

  it("rejects an unknown policy, an unknown level, a setting of the wrong type or name, and text that is not JSON", () => {
    expect(problems('{ "headroom": { "thresholdPercent": 95 } }')).toEqual([expect.stringMatching(/^1:3: headroom: no policy "headroom" in the pack \(did you mean headroom-advisory\?\)/)]);
    expect(problems('{ "headroom-advisory": "loud" }')).toEqual(['1:24: headroom-advisory: "loud" is not an enforcement level (advisory, mandatory, remediate, disabled)']);
    expect(problems('{ "headroom-advisory": { "thresholdPercent": "high" } }')).toEqual(['1:46: headroom-advisory.thresholdPercent: thresholdPercent must be number, found "high"']);
    expect(problems('{ "headroom-advisory": { "thresholdPercent": 150 } }')).toEqual(["1:46: headroom-advisory.thresholdPercent: thresholdPercent must be <= 100, found 150"]);
    expect(problems('{ "headroom-advisory": { "threshold": 95 } }')).toEqual([expect.stringMatching(/^1:39: headroom-advisory\.threshold: unknown setting "threshold" \(settings: thresholdPercent\)/)]);
    expect(problems('{ "site-power-budget": { "limit": 2 } }')).toEqual([expect.stringMatching(/^1:24: site-power-budget\.limit: policy site-power-budget takes no settings/)]);
    expect(problems('{ "headroom-advisory": ')[0]).toMatch(/^1:\d+: \(document\): not JSON/);
  });

  it("sends every policy with its level and defaults, the file's settings on top (as Pulumi reconciles)", () => {
    const f = configFile("ok.json", '{ "headroom-advisory": { "thresholdPercent": 95 } }');
    const config = loadPolicyPackConfig(f, policies);
    expect(Object.keys(config).sort()).toEqual(policies.map((p) => p.name).sort());
    expect(config["headroom-advisory"]).toEqual({ enforcementLevel: "advisory", thresholdPercent: 95 });
    expect(config["site-power-budget"]).toEqual({ enforcementLevel: "mandatory" });
  });
});
