/** `repower envelope` as a subprocess: exit status, JSON, and clean errors. */
import { describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { exampleText, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

describe("repower envelope", () => {
  it("prints the envelope of an example per phase and exits 0", () => {
    const r = repower(["envelope", "--stack", "pecos-yard"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/→ transient into phase-1, while the fleet before the rollout still runs:\n {4}site power +113\.31 MW \/ 142\.50 MW {2}79\.5 % {2}ok\n {4}substation north +112\.51 MW \/ 142\.50 MW {2}79\.0 % {2}ok\n(?: .*\n)*? {4}cooling yard +98\.14 MW \/ 115\.00 MW {2}85\.3 % {2}ok {2}◀ binding/);
    // v2: each substation's budgets carry its name, equipment not yet in service is named on one line
    // (not a row of zeros), and no two rows of a phase read the same.
    expect(r.stdout).toMatch(/\n {2}not in service {2}substation south, feed hall-b-1, feed hall-b-2, cooling hall-b\n {2}site power +87\.30 MW/);
    expect(r.stdout).not.toMatch(/\(offline\)/);
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

  it("shows each phase's start date, its grid step, the equipment commissioned and the load diff against the phase before", () => {
    const r = repower(["envelope", "--stack", "pecos-yard"]);
    expect(r.status).toBe(0);
    const block = (name: string) => r.stdout.slice(r.stdout.indexOf(`\n${name}  `) + 1).split("\n\n")[0].split("\n");
    // phase-1 against the fleet before the rollout: 8,000 S19 XPs × 3.01 kW, 512 H100 nodes × 10.2 kW, fabric-a 0.3 MW.
    expect(block("phase-1").slice(0, 7)).toEqual([
      "phase-1  from 2026-03-01  [active]",
      "  grid            interconnect 150 MW, firm 60 MW, reserve 5 %, aux 0.80 MW",
      "  load            retires 24.08 MW of antminer-s19-xp (8,000 units), adds",
      "                  5.22 MW IT in hall-a (h100-a, 512 nodes), fabric-a",
      "                  0.00 → 0.30 MW IT",
      "  standby         gensets-north 4 MW diesel (never counted)",
      "  not in service  substation south, feed hall-b-1, feed hall-b-2, cooling hall-b",
    ]);
    // phase-2: no grid step, so no grid line; the last 6,000 S19 XPs off, 1,024 more H100 nodes.
    expect(block("phase-2").slice(0, 3)).toEqual([
      "phase-2  from 2026-09-01",
      "  load            retires 18.06 MW of antminer-s19-xp (6,000 units), adds",
      "                  10.44 MW IT in hall-a (h100-a, 1,024 nodes)",
    ]);
    // phase-3: the grid step, the second substation and its equipment, 8,000 S21s × 3.5 kW off, 1,600 B200s × 13.1 kW in.
    expect(block("phase-3").slice(0, 10)).toEqual([
      "phase-3  from 2027-06-01",
      "  grid          interconnect 150 → 200 MW, firm 60 → 90 MW",
      "  commissioned  substation south; generation gas-south (20 MW gas, firm);",
      "                transformers south-1; feeds hall-b-1, hall-b-2; cooling zone",
      "                hall-b",
      "  load          retires 28.00 MW of antminer-s21 (8,000 units), adds 20.96 MW IT",
      "                in hall-b (b200-b, 1,600 nodes)",
      "  generation    gas-south 20 MW gas, firm",
      "  standby       gensets-north 4 MW diesel (never counted)",
      expect.stringMatching(/^ {2}site power +73\.99 MW \/ 209\.00 MW {2}35\.4 % {2}ok$/),
    ]);
    // A pool whose hall is not in service yet has no room, and says why.
    expect(block("phase-1")).toContain("  b200-b: 0 nodes, no room: hall-b is not in service");
    expect(block("phase-3")).toContain("  b200-b: 1,600 nodes, room for 308 more (≈ 4.04 MW IT)");
    for (const line of r.stdout.split("\n")) expect([...line].length, line).toBeLessThanOrEqual(80);
  });

  it("names equipment retired once, and keeps the row of equipment not in service that carries a load", () => {
    const red = repower(["envelope", "--stack", "red-hills"]);
    const rebuild = red.stdout.slice(red.stdout.indexOf("\nrebuild  ") + 1).split("\n");
    // 576 trays × 6.667 kW + 32 racks × 12 kW = 4.224 MW; storage 0 → 0.15 MW. Sheds: retired, not listed again as "not in service".
    expect(rebuild.slice(0, 6)).toEqual([
      "rebuild  from 2026-04-01  [active]",
      "  commissioned  cooling zone hall",
      "  retired       cooling zone sheds",
      "  load          adds 4.22 MW IT in hall (gb200, 576 nodes), storage",
      "                0.00 → 0.15 MW IT",
      "  site power              5.00 MW / 12.00 MW  41.7 %  ok",
    ]);
    // B200 nodes in hall-b during phase-1, before hall-b, its feeds and substation south are in service.
    const early = replaceOnce(exampleText("pecos-yard"), "gpu: { h100-a: 512 }", "gpu: { h100-a: 512, b200-b: 4 }");
    const r = repower(["envelope", "--config-file", writeStack(tempDir(), "early", early)]);
    expect(r.status).toBe(1);
    const phase1 = r.stdout.slice(r.stdout.indexOf("\nphase-1  "), r.stdout.indexOf("\nphase-2  "));
    expect(phase1).toMatch(/\n {2}cooling hall-b \(offline\) +0\.05 MW \/ +0\.00 MW +∞ % +OVER/);
    // 4 capped B200 nodes × 13.1 kW = 0.0524 MW
    expect(phase1.replace(/\s+/g, " ")).toContain("adds 5.22 MW IT in hall-a (h100-a, 512 nodes), adds 0.05 MW IT in hall-b (b200-b, 4 nodes)");
    expect(phase1).not.toMatch(/not in service .*cooling hall-b/);
  });

  it("--json carries each phase's load diff, in MW worked out from the catalog", () => {
    const r = repower(["envelope", "--stack", "pecos-yard", "--json"]);
    const ends = JSON.parse(r.stdout).phases.filter((p: { transient: boolean }) => !p.transient);
    expect(ends.map((p: { start: string }) => p.start)).toEqual(["2026-03-01", "2026-09-01", "2027-06-01"]);
    expect(ends[0].diff).toMatchObject({
      from: "before-rollout",
      mining: [{ model: "antminer-s19-xp", blocks: ["yard-south"], retiredUnits: 8000, retiredMW: 24.08, addedUnits: 0, addedMW: 0 }],
      gpu: [{ zone: "hall-a", pools: ["h100-a"], addedNodes: 512, addedMW: 5.2224, removedNodes: 0, removedMW: 0 }],
      it: [{ name: "fabric-a", zone: "hall-a", fromMW: 0, toMW: 0.3 }],
      cloud: [],
      retiredItMW: 24.08,
      addedItMW: 5.5224,
    });
    expect(ends[2].diff.gpu).toEqual([{ zone: "hall-b", pools: ["b200-b"], addedNodes: 1600, addedMW: 20.96, removedNodes: 0, removedMW: 0 }]);
    expect(ends[2].changes.grid).toEqual([
      { field: "interconnectMW", from: 150, to: 200 },
      { field: "firmMW", from: 60, to: 90 },
    ]);
    // A transient has no diff of its own: it is the two phases side by side.
    expect(JSON.parse(r.stdout).phases.filter((p: { transient: boolean; diff?: unknown }) => p.transient && p.diff !== undefined)).toEqual([]);
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
