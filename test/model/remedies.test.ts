/**
 * Remedies are claims; each is tested here. For every broken budget of each
 * site below, every remedy with spec edits is applied to the spec, the spec
 * re-validated and re-evaluated: that budget passes at that moment, the spec's
 * own rules still hold (it validates; caps in range and at most TDP; a
 * rack-scale pool keeps its nodesPerRack and whole racks). The sentences and
 * figures are worked out by hand in each test.
 */
import { describe, expect, it } from "vitest";
import { applyChanges, budgetViolations, siteEnvelope, validateSite, type BudgetViolation, type Site } from "../../components/model";
import { siteOf } from "../helpers/sites";

type Json = Record<string, any>;

/** A site like the policy tests' boundary site: dgx-h100 nodes of 10.2 kW, miners of 3 kW, PUE 1.0. */
function spec(o: { interconnectMW?: number; phases?: Json[]; overlap?: boolean; hall?: Json; pool?: Json; zones?: Json[] } = {}): Json {
  return {
    name: "remedy",
    grid: { interconnectMW: o.interconnectMW ?? 5 },
    coolingZones: [{ name: "yard", type: "air", capacityMW: 5, pue: 1.0 }, { name: "hall", type: "direct-to-chip", capacityMW: 5, pue: 1.0, ...(o.hall ?? {}) }, ...(o.zones ?? [])],
    mining: [{ name: "miners", wattsPerUnit: 3000, units: 100, coolingZone: "yard" }],
    gpuPools: [{ name: "gpu", sku: "dgx-h100", coolingZone: "hall", backend: { type: "static", nodeNamePrefix: "gpu-" }, ...(o.pool ?? {}) }],
    rollout: { activePhase: "p1", overlap: o.overlap ?? false, phases: o.phases ?? [{ name: "p1", mining: { miners: 100 }, gpu: { gpu: 99 } }] },
  };
}

const key = (v: Pick<BudgetViolation, "budget">) => `${v.budget.kind}|${v.budget.name}|${v.budget.part ?? ""}`;

/** Applies every remedy of every violation and checks that it is feasible; returns the violations. */
function checkEveryRemedy(s: Json): BudgetViolation[] {
  const site = siteOf(s);
  const violations = budgetViolations(site);
  for (const v of violations) {
    expect(v.remedies.length, v.message).toBeGreaterThan(0);
    for (const r of v.fixes) {
      expect(r.text, v.message).not.toMatch(/\bor or\b|;\s*or\s*;|^\s*or\b/);
      if (r.changes.length === 0) continue; // advice: no edit of the spec (checked by the tests that expect it)
      const fixed = applyChanges(s, r.changes);
      const result = validateSite(fixed);
      expect(result.ok, `${r.text}: ${result.ok ? "" : JSON.stringify(result.issues)}`).toBe(true);
      if (!result.ok) continue;
      feasibleSpec(result.site, site);
      const moment = siteEnvelope(result.site).find((e) => e.scenario.phase === v.phase && e.scenario.transient === v.transient);
      if (moment === undefined) {
        // Only `overlap: false` may remove the moment itself.
        expect(r.changes.map((c) => c.kind), r.text).toContain("noOverlap");
        continue;
      }
      const after = moment.budgets.find((b) => key({ budget: { kind: b.kind, name: b.subject, part: (b as { part?: string }).part } as any }) === key(v));
      expect(after?.ok ?? true, `${v.message}\n  remedy "${r.text}" leaves ${JSON.stringify(after)}`).toBe(true);
    }
  }
  return violations;
}

/** The spec's own rules beyond validation: caps a remedy sets are in range and at most TDP; rack-scale pools keep nodesPerRack and whole racks. */
function feasibleSpec(site: Site, before: Site) {
  for (const p of site.gpuPools) {
    const s = p.system;
    // A cap the remedy set (one already out of range is power-cap-range's, not the remedy's).
    if (p.powerCapWatts !== undefined && p.powerCapWatts !== before.gpuPools.find((x) => x.name === p.name)!.powerCapWatts) {
      expect(p.powerCapWatts).toBeGreaterThanOrEqual(s.powerCapMinW.value);
      expect(p.powerCapWatts).toBeLessThanOrEqual(Math.min(s.powerCapMaxW.value, s.gpuTdpW.value));
    }
    if (s.rackScale) {
      expect(p.nodesPerRack).toBe(before.gpuPools.find((x) => x.name === p.name)!.nodesPerRack);
      for (const ph of site.rollout.phases) expect((ph.gpu[p.name] ?? 0) % p.nodesPerRack, `${p.name} in ${ph.name}`).toBe(0);
    }
  }
}

describe("one lever alone", () => {
  it("site power 9.8 kW over: one node, four miners, or a 687 W cap", () => {
    // 100 × 3 + 99 × 10.2 = 1,309.8 kW against 1,300: remove 1 node (10.2 kW), or 4 miners (12 kW);
    // each watt off the cap saves 99 × 8 W = 0.792 kW: 13 W → 687 W
    const vs = checkEveryRemedy(spec({ interconnectMW: 1.3 }));
    expect(vs.map((v) => v.budget)).toEqual([{ kind: "site", name: "site", used: 1.3098, limit: 1.3, unit: "MW" }]);
    expect(vs[0].remedies).toEqual(["remove 1 node of gpu (99 → 98)", "run 4 fewer miners of miners (100 → 96)", "cap gpu at 687 W per GPU"]);
    expect(vs[0].fixes[2].changes).toEqual([{ kind: "cap", pool: "gpu", watts: 687 }]);
    expect(vs[0].message).toMatch(/To fit: remove 1 node of gpu \(99 → 98\); or run 4 fewer miners of miners \(100 → 96\); or cap gpu at 687 W per GPU\.$/);
  });

  it("a cap already out of range is counted at its clamp, and no remedy proposes a cap out of range or above TDP", () => {
    // 2,000 W is counted at 700 W (no saving); the same 9.8 kW over, so the same 687 W cap, within 200–700 W
    const vs = checkEveryRemedy(spec({ interconnectMW: 1.3, pool: { powerCapWatts: 2000 } }));
    expect(vs[0].remedies).toContain("cap gpu at 687 W per GPU");
  });
});

describe("no lever alone: a combination, said so", () => {
  // p1 runs all 100 miners and 80 nodes; p2 retires the miners and runs 99 nodes; overlap.
  const phases = [
    { name: "p1", mining: { miners: 100 }, gpu: { gpu: 80 } },
    { name: "p2", mining: { miners: 0 }, gpu: { gpu: 99 } },
  ];
  it("the transient into p2: retire the miners already in p1 and remove nodes, or cap; or no overlap", () => {
    // transient into p2: 100 × 3 + 99 × 10.2 = 1,309.8 kW against 900: 409.8 kW over.
    // Alone: the miners give 300, the nodes down to p1's 80 give 19 × 10.2 = 193.8, a 200 W cap 99 × 8 × 0.5 = 396: none enough.
    // Miners and 11 nodes: 88 × 10.2 = 897.6 ≤ 900 (10 nodes: 908.2). Miners and a cap: 99 × (10.2 − 8 × 0.139) = 899.712 at 561 W (562 W: 900.504).
    const vs = checkEveryRemedy(spec({ interconnectMW: 0.9, overlap: true, phases }));
    const into2 = vs.find((v) => v.phase === "p2" && v.transient)!;
    expect(into2.budget).toEqual({ kind: "site", name: "site", used: 1.3098, limit: 0.9, unit: "MW" });
    expect(into2.remedies).toEqual([
      "no single change is enough: run 100 fewer miners of miners already in p1 (100 → 0) and remove 11 nodes of gpu in p2 (99 → 88)",
      "run 100 fewer miners of miners already in p1 (100 → 0) and cap gpu at 561 W per GPU",
      "set overlap: false so that p1's retirements finish before p2's GPUs draw power",
    ]);
    expect(into2.message).not.toMatch(/or or/);
    expect(into2.message).toMatch(/To fit: no single change is enough: .*; or run 100 fewer .* cap gpu at 561 W per GPU; or set overlap: false so that /);
  });
  it("the transient into p1: the fleet before the rollout cannot be retired earlier; fewer nodes in p1 can", () => {
    // transient into p1: 100 × 3 + 80 × 10.2 = 1,116 kW against 900: remove 22 nodes (58 × 10.2 + 300 = 891.6; 21 nodes: 901.8)
    // or cap: 216 kW / (80 × 8 W) = 337.5 → 338 W off → 362 W
    const vs = checkEveryRemedy(spec({ interconnectMW: 0.9, overlap: true, phases }));
    const into1 = vs.find((v) => v.phase === "p1" && v.transient)!;
    expect(into1.remedies).toEqual([
      "remove 22 nodes of gpu in p1 (80 → 58)",
      "cap gpu at 362 W per GPU",
      "set overlap: false so that the fleet is retired before p1's GPUs draw power",
    ]);
  });
  it("when nothing that runs can make room, it says the limit must rise and proposes no edit", () => {
    // aux alone (1.2 MW) is over the 1.0 MW site limit
    const s = spec({ interconnectMW: 1.0 });
    s.grid.auxMW = 1.2;
    const vs = checkEveryRemedy(s);
    const site = vs.find((v) => v.budget.kind === "site")!;
    expect(site.fixes.at(-1)).toEqual({ text: expect.stringMatching(/^no change of counts or caps at this moment is enough: raise the limit/), changes: [] });
  });
});

describe("rack density", () => {
  it("a server pool: fewer nodes a rack, or a cap, or a zone that takes the rack", () => {
    // 4 × 10.2 = 40.8 kW against 40.7: 3 a rack (30.6), or 0.1 kW / 32 GPUs → 4 W off → 696 W
    const vs = checkEveryRemedy(spec({ hall: { maxRackKW: 40.7 }, zones: [{ name: "hall-b", type: "direct-to-chip", capacityMW: 5, pue: 1.0 }] }));
    expect(vs.map((v) => v.budget)).toEqual([{ kind: "rack", name: "gpu", used: 40.8, limit: 40.7, unit: "kW" }]);
    expect(vs[0].remedies).toEqual(["set nodesPerRack of gpu to 3 (from 4)", "cap gpu at 696 W per GPU", "move gpu to zone hall-b (direct-to-chip, 130.0 kW a rack)"]);
  });
  it("neither alone: one node a rack and a 425 W cap", () => {
    // 8 kW a rack: 1 node is 10.2; a 200 W cap leaves 4 × 6.2 = 24.8; 1 node at 425 W: 10.2 − 8 × 0.275 = 8.0
    const vs = checkEveryRemedy(spec({ hall: { maxRackKW: 8 } }));
    expect(vs[0].remedies).toEqual(["no single change is enough: set nodesPerRack of gpu to 1 (from 4) and cap gpu at 425 W per GPU"]);
  });
  it("a rack-scale NVL72: never nodesPerRack; a cap in range, or another liquid zone", () => {
    // 18 × 6.667 + 12 = 132.006 kW against 125: 7.006 kW / (18 × 4 W) = 97.3 → 98 W off → 1,102 W
    const s = spec({
      hall: { maxRackKW: 125 },
      pool: { sku: "gb200-nvl72" },
      zones: [{ name: "air-hall", type: "air", capacityMW: 5, pue: 1.0, maxRackKW: 200 }, { name: "tank", type: "immersion", capacityMW: 5, pue: 1.0 }],
      phases: [{ name: "p1", mining: { miners: 100 }, gpu: { gpu: 36 } }],
    });
    const vs = checkEveryRemedy(s);
    expect(vs.map((v) => v.budget)).toEqual([{ kind: "rack", name: "gpu", used: 132.006, limit: 125, unit: "kW" }]);
    // the air hall takes the rack's power but not its liquid cooling: not proposed
    expect(vs[0].remedies).toEqual(["cap gpu at 1102 W per GPU", "move gpu to zone tank (immersion, 200.0 kW a rack)"]);
  });
  it("a rack-scale NVL72 that no cap brings under: it says so, and never touches nodesPerRack", () => {
    // at the 200 W floor: 18 × (6.667 − 4) + 12 = 60.006 kW, over 50
    const s = spec({ hall: { maxRackKW: 50 }, pool: { sku: "gb200-nvl72" }, phases: [{ name: "p1", mining: { miners: 100 }, gpu: { gpu: 18 } }] });
    const vs = checkEveryRemedy(s);
    expect(vs[0].fixes).toEqual([
      {
        text: "a gb200-nvl72 rack is fixed at 18 nodes and no cap in range brings it under: move gpu to a zone that takes 132.0 kW racks (a retrofit is a new zone, in service from its phase)",
        changes: [],
      },
    ]);
  });
});

describe("rack-scale pools lose whole racks", () => {
  it("cooling 64 kW over: one whole rack of 18, not 10 trays", () => {
    // 2 racks: 36 × 6.667 + 2 × 12 = 264.012 kW of heat in a 0.2 MW hall; 1 rack: 132.006
    const s = spec({ hall: { capacityMW: 0.2 }, pool: { sku: "gb200-nvl72" }, phases: [{ name: "p1", mining: { miners: 100 }, gpu: { gpu: 36 } }] });
    const vs = checkEveryRemedy(s);
    const cooling = vs.find((v) => v.budget.kind === "cooling")!;
    expect(cooling.remedies[0]).toBe("remove 18 nodes of gpu (36 → 18, 1 whole rack)");
  });
});

describe("bad input", () => {
  it("a change that names what the spec lacks is rejected", () => {
    expect(() => applyChanges(spec(), [{ kind: "cap", pool: "nope", watts: 500 }])).toThrow(/no GPU pool named "nope"/);
    expect(() => applyChanges(spec(), [{ kind: "nodes", pool: "gpu", phase: "p9", from: 1, to: 0 }])).toThrow(/no phase named "p9"/);
  });
});
