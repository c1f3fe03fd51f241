/** `repower envelope` as a subprocess: exit status, JSON, and clean errors. */
import { describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { exampleText, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

describe("repower envelope", () => {
  it("prints the envelope of an example per phase and exits 0", () => {
    const r = repower(["envelope", "--stack", "pecos-yard"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/→ transient into phase-1, while the fleet before the rollout still runs:\n {4}site power +113\.31 MW \/ 142\.50 MW {2}79\.5 % {2}ok\n {4}substation north +112\.51 MW \/ 142\.50 MW {2}79\.0 % {2}ok\n(?: .*\n)*? {4}cooling yard +98\.14 MW \/ 115\.00 MW {2}85\.3 % {2}ok {2}◀ binding/);
    // v2: each substation's budgets carry its name, equipment not yet in service says so, and no two rows of a phase read the same.
    expect(r.stdout).toMatch(/\n {2}substation north +86\.50 MW \/ +142\.50 MW +60\.7 %.*\n {2}substation south \(offline\) +0\.00 MW \/ +0\.00 MW/);
    expect(r.stdout).toMatch(/\n {2}firm north +6\.52 MW \/ +57\.00 MW/);
    expect(r.stdout).toMatch(/\n {2}transformers south +24\.10 MW \/ +38\.00 MW/);
    for (const block of r.stdout.split(/\n\n|\n *→ .*\n/)) {
      const labels = block.split("\n").filter((l) => / MW \/ | kW \/ /.test(l)).map((l) => l.replace(/ +[\d.]+ [kM]W \/ .*$/, "").trim());
      expect(new Set(labels).size, block).toBe(labels.length);
    }
    expect(r.stdout).toMatch(/site power\s+87\.30 MW \/\s+142\.50 MW\s+61\.3 %/);
    // Feeds in MW beside the other budgets, thousands separated; the room left per pool in nodes and MW.
    expect(r.stdout).toMatch(/feed hall-a-1 +5\.52 MW \/ +21\.80 MW/);
    expect(r.stdout).toMatch(/h100-a: 512 nodes, room for 1,223 more \(≈ 12\.47 MW IT\)/);
    expect(r.stdout).toMatch(/h100-a: 1,536 nodes, room for 199 more/);
    expect(r.stdout).not.toMatch(/ kW \/ .* MW|\d{4,}\.\d+ kW/);
    expect(r.stdout).toMatch(/\n\n✓ pecos-yard: every budget holds in 3 phases and 2 transients\n$/);
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
    expect(text.stdout).toMatch(/cooling hall-a +18\.66 MW \/ +18\.00 MW +103\.7 % +OVER/);
    expect(text.stdout).toMatch(/\n✗ over: 3 budgets broken, in phase-2, transient into phase-3, phase-3\n$/);
  });

  it("exits 2 on invalid input, naming file, path and line, without a stack trace", () => {
    const dir = tempDir();
    const file = writeStack(dir, "bad", replaceOnce(exampleText("pecos-yard"), "coolingZone: hall-a\n", "coolingZone: hal-a\n"));
    const r = repower(["envelope", "--config-file", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:95:22: repower:site.gpuPools[0].coolingZone: unknown cooling zone "hal-a"; did you mean "hall-a"?`);
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
