/** `repower envelope` as a subprocess: exit status, JSON, and clean errors. */
import { describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { exampleText, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

describe("repower envelope", () => {
  it("prints the envelope of an example per phase and exits 0", () => {
    const r = repower(["envelope", "--stack", "pecos-yard"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/→ transient into phase-1, while the fleet before the rollout still runs:\n {4}site power +112\.95 MW \/ 142\.50 MW {2}79\.3 % {2}ok {2}◀ binding/);
    expect(r.stdout).toMatch(/site power\s+86\.95 MW \/\s+142\.50 MW\s+61\.0 %/);
    // Feeds in MW beside the other budgets, thousands separated; the room left per pool in nodes and MW.
    expect(r.stdout).toMatch(/feed hall-a-1 +5\.22 MW \/ +21\.80 MW/);
    expect(r.stdout).toMatch(/h100-a: 512 nodes, room for 1,252 more \(≈ 12\.77 MW IT\)/);
    expect(r.stdout).toMatch(/h100-a: 1,536 nodes, room for 228 more/);
    expect(r.stdout).not.toMatch(/ kW \/ .* MW|\d{4,}\.\d+ kW/);
    expect(r.stdout).toMatch(/\n\n✓ pecos-yard: every budget holds in 3 phases and 3 transients\n$/);
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
    const text = repower(["envelope", "--config-file", file]);
    expect(text.stdout).toMatch(/cooling hall-a +18\.36 MW \/ +18\.00 MW +102\.0 % +OVER/);
    expect(text.stdout).toMatch(/\n✗ over: 2 budgets broken, in phase-2, phase-3\n$/);
  });

  it("exits 2 on invalid input, naming file, path and line, without a stack trace", () => {
    const dir = tempDir();
    const file = writeStack(dir, "bad", replaceOnce(exampleText("pecos-yard"), "coolingZone: hall-a\n", "coolingZone: hal-a\n"));
    const r = repower(["envelope", "--config-file", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:57:22: repower:site.gpuPools[0].coolingZone: unknown cooling zone "hal-a"; did you mean "hall-a"?`);
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
