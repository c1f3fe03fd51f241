/** `repower envelope` as a subprocess: exit status, JSON, and clean errors. */
import { describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { exampleText, lineOf, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

describe("repower envelope", () => {
  it("prints the envelope of an example per phase and exits 0", () => {
    const r = repower(["envelope", "--stack", "pecos-yard"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/phase-1 \(transient from before-rollout\)/);
    // phase-1: 0.8 + 6000 × 3.01 × 1.08 + 16000 × 3.5 × 1.08 + (512 × 10.2 + 300) × 1.18 kW = 87.30 MW of 142.5
    expect(r.stdout).toMatch(/site power\s+87\.30 MW \/\s+142\.50 MW\s+61\.3 %/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it("--json is valid JSON alone on stdout", () => {
    const r = repower(["envelope", "--stack", "red-hills", "--json"]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.site).toBe("red-hills");
    expect(report.phases.map((p: { name: string }) => p.name)).toEqual(["decommission", "rebuild"]);
  });

  it("exits 1 when a budget breaks", () => {
    const dir = tempDir();
    const file = writeStack(dir, "over", replaceOnce(exampleText("pecos-yard"), "gpu: { h100-a: 1536 }", "gpu: { h100-a: 1800 }"));
    const r = repower(["envelope", "--config-file", file, "--json"]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
  });

  it("exits 2 on invalid input, naming file, path and line, without a stack trace", () => {
    const dir = tempDir();
    const text = replaceOnce(exampleText("pecos-yard"), "coolingZone: hall-a\n", "coolingZone: hal-a\n");
    const file = writeStack(dir, "bad", text);
    const r = repower(["envelope", "--config-file", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:${lineOf(text, "coolingZone: hal-a")}:22: repower:site.gpuPools[0].coolingZone: unknown cooling zone "hal-a"; did you mean "hall-a"?`);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout).toBe("");
  });

  it("exits 2 for a missing stack and for unknown flags", () => {
    const missing = repower(["envelope", "--stack", "no-such-site"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no stack file stacks\/Pulumi\.no-such-site\.yaml; valid: "pecos-yard"/);
    const flag = repower(["envelope", "--stak", "pecos-yard"]);
    expect(flag.status).toBe(2);
    expect(hasStackTrace(flag.stderr)).toBe(false);
  });
});
