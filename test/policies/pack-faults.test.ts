/**
 * A policy pack that crashes, hangs or answers garbage: `repower preview`
 * exits 2 with one clear line (no stack trace, no report that looks green),
 * for one stack and for `--all` with worker processes. The faults are real:
 * fixtures/pack-fault.cjs, loaded into the pack's own process through
 * NODE_OPTIONS, makes the real pack misbehave.
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { projectWith } from "../helpers/project";
import { exampleText } from "../helpers/stacks";

const FAULT = path.join(__dirname, "fixtures", "pack-fault.cjs");
const env = (fault: string) => ({ NODE_OPTIONS: `--require ${FAULT}`, REPOWER_TEST_PACK_FAULT: fault, REPOWER_POLICY_PACK_TIMEOUT_MS: "4000" });

const FAULTS: [string, RegExp][] = [
  ["crash", /^repower: the policy pack stopped during (Analyze of .+|AnalyzeStack): it exited \(code 70\) \(its stderr: pack-fault: crashing on purpose\)$/],
  ["hang", /^repower: the policy pack did not answer (Analyze of .+|AnalyzeStack) within 4 s \(REPOWER_POLICY_PACK_TIMEOUT_MS\)$/],
  ["garbage", /^repower: the policy pack failed AnalyzeStack: .*(pars|deserializ).*$/i],
  ["no-port", /^repower: the policy pack printed "ready to serve" instead of the port it serves on$/],
];

function expectOneLine(r: { status: number | null; stdout: string; stderr: string }, line: RegExp) {
  expect(r.status, r.stderr).toBe(2);
  const err = r.stderr.trim();
  expect(err.split("\n"), err).toHaveLength(1);
  expect(err).toMatch(line);
  expect(hasStackTrace(r.stderr)).toBe(false);
  expect(r.stdout).not.toMatch(/no mandatory policy fails/);
}

describe("a faulty policy pack is exit 2 with one clear line", () => {
  const dir = projectWith({ a: exampleText("red-hills"), b: exampleText("pecos-yard") });
  for (const [fault, line] of FAULTS) {
    it(`${fault}: one stack`, () => {
      expectOneLine(repower(["preview", "--stack", "a"], { cwd: dir, env: env(fault) }), line);
    });
    it(`${fault}: --all with two workers`, () => {
      expectOneLine(repower(["preview", "--all", "--jobs", "2"], { cwd: dir, env: env(fault) }), line);
    });
  }

  it("the same fixture without a fault leaves the pack working (the test can fail)", () => {
    const r = repower(["preview", "--stack", "a"], { cwd: dir, env: env("none") });
    expect(r.status, r.stderr).toBe(0);
  });
});
