/**
 * `repower plan` as a user runs it: the JSON shape and exit statuses of the
 * contract, the terminal report at 80 columns, bad input, and `--write`:
 * the written stack file keeps every other byte, and `repower preview` of
 * every written example and generated site passes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { planSite as generatedSite } from "../../bench/plan-sites";
import { hasStackTrace, repower } from "../helpers/cli";
import { projectWith } from "../helpers/project";
import { EXAMPLES, exampleText, lineOf, replaceOnce, tempDir } from "../helpers/stacks";

function stackIn(dir: string, name: string, text: string): string {
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

describe("repower plan --json", () => {
  it("prints the contract's shape for an example, with the gap met and the hand-written plan compared", () => {
    const r = repower(["plan", "--stack", "pecos-yard", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stack).toBe("pecos-yard");
    expect(out.objective.kind).toBe("gpu-mw");
    expect(out.objective.bound).toBeGreaterThanOrEqual(out.objective.value);
    expect(out.objective.gapPercent).toBeCloseTo(((out.objective.bound - out.objective.value) / Math.abs(out.objective.bound)) * 100, 9);
    expect(out.objective.gapPercent).toBeLessThanOrEqual(1);
    expect(out.current.feasible).toBe(true);
    expect(out.current.value).toBeLessThanOrEqual(out.objective.value);
    expect(out.phases.map((p: { name: string }) => p.name)).toEqual(["phase-1", "phase-2", "phase-3"]);
    for (const p of out.phases) {
      expect(Object.keys(p.gpu).sort()).toEqual(["b200-b", "h100-a"]);
      expect(Object.keys(p.mining).sort()).toEqual(["yard-north", "yard-south"]);
      expect(typeof p.binding).toBe("string");
    }
  });

  it("exits 1 with the conflict when no plan exists", () => {
    const dir = tempDir();
    // 1000 S21 miners at 3.5 kW × pue 1.1 = 3.85 MW, with 0.5 MW aux, on a 4 MW grid: a contract keeping all
    // 1000 hashing at the end of p1 puts the site 0.35 MW over, whatever the GPUs do.
    const text = [
      "config:",
      "  repower:site:",
      "    name: tight",
      "    grid: { interconnectMW: 4, auxMW: 0.5 }",
      "    coolingZones:",
      "      - { name: yard, type: air, capacityMW: 10, pue: 1.1 }",
      "      - { name: hall, type: direct-to-chip, capacityMW: 4, pue: 1.2 }",
      "    mining:",
      "      - { name: block, model: antminer-s21, units: 1000, coolingZone: yard }",
      "    gpuPools:",
      "      - { name: h100, sku: dgx-h100, coolingZone: hall, backend: { type: static, nodeNamePrefix: h100- } }",
      "    plan:",
      "      mining:",
      "        block: { minUnits: { p1: 1000 } }",
      "    rollout:",
      "      activePhase: p1",
      "      phases:",
      "        - { name: p1, gpu: { h100: 10 } }",
      "",
    ].join("\n");
    const file = stackIn(dir, "tight", text);
    const r = repower(["plan", "--config-file", file, "--json"]);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ stack: "tight", feasible: false, conflict: { phase: "p1", budget: "site", bound: "plan.mining.block.minUnits.p1" } });
    expect(out.conflict.over).toBeCloseTo(0.35, 6);
    expect(out.message).toContain("plan.mining.block.minUnits.p1");
  });
});

describe("repower plan in a terminal", () => {
  it("fits 80 columns and says how far the hand-written plan is from the best", () => {
    for (const stack of EXAMPLES) {
      const r = repower(["plan", "--stack", stack]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/your plan .*reaches \d+ % of the best/);
      for (const line of r.stdout.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    }
  });
});

describe("bad input", () => {
  it("exits 2 naming the file, the field path and the line of a bad plan: block", () => {
    const dir = tempDir();
    const text = replaceOnce(exampleText("pecos-yard"), "    cluster:\n", "    plan:\n      pools:\n        h100-b: { maxNodes: { phase-1: 10 } }\n    cluster:\n");
    const file = stackIn(dir, "bad", text);
    const r = repower(["plan", "--config-file", file]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stderr).toContain(`${file}:${lineOf(text, "h100-b:")}:`);
    expect(r.stderr).toContain('repower:site.plan.pools.h100-b: unknown GPU pool "h100-b"; did you mean');
  });

  it("exits 2 for --objective value without economics, and for an unknown objective", () => {
    const a = repower(["plan", "--stack", "pecos-yard", "--objective", "value"]);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain("repower:site.economics: --objective value needs the economics block");
    const b = repower(["plan", "--stack", "pecos-yard", "--objective", "profit"]);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain("--objective: must be one of gpu-mw | value");
  });
});

describe("repower plan --write", () => {
  it("changes only the phases' counts; preview of every written example and generated site passes", () => {
    const texts: Record<string, string> = {};
    for (const stack of EXAMPLES) texts[stack] = exampleText(stack);
    for (const seed of [11, 12, 13]) {
      const site = generatedSite({ name: `gen-${seed}`, phases: 3, pools: 4, blocks: 3, seed, bounds: seed !== 12 });
      texts[`gen-${seed}`] = `# generated for the planner's tests\n${stringify({ config: { "repower:site": site } })}`;
    }
    const dir = projectWith(texts);
    for (const stack of Object.keys(texts)) {
      const file = path.join(dir, "stacks", `Pulumi.${stack}.yaml`);
      const before = fs.readFileSync(file, "utf8");
      const r = repower(["plan", "--config-file", file, "--write"], { cwd: dir });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("wrote the plan into");
      const after = fs.readFileSync(file, "utf8");
      // Outside rollout.phases the file is byte for byte what it was (comments and alignment kept).
      const head = (t: string) => t.slice(0, t.indexOf("phases:"));
      expect(head(after)).toBe(head(before));
      // The planner's JSON now reports the file's own phases as the best plan.
      const again = JSON.parse(repower(["plan", "--config-file", file, "--json"], { cwd: dir }).stdout);
      expect(again.current.feasible).toBe(true);
      expect(again.current.value).toBeCloseTo(again.objective.value, 6);
    }
    const preview = repower(["preview", "--all", "--json"], { cwd: dir, timeoutMs: 600_000 });
    const report = JSON.parse(preview.stdout);
    const failing = report.stacks.filter((s: { ok: boolean }) => !s.ok).map((s: { stack: string; violations: unknown[] }) => ({ stack: s.stack, violations: s.violations }));
    expect(failing).toEqual([]);
    expect(preview.status).toBe(0);
  }, 900_000);
});
