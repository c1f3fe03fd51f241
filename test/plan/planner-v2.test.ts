/**
 * The planner on what version 2 of the model adds: rack-scale pools in whole
 * racks with their overhead, rack overhead counted per started rack, gates
 * (rack density, cooling compatibility), equipment in service, itLoads,
 * dated phases, and the value objective. Expected figures are worked out by
 * hand in each test.
 */
import { describe, expect, it } from "vitest";
import { siteEnvelope, type Site } from "../../components/model";
import { phaseWeights, planSite, resolvePlanInput, withCounts, type Plan, type PlanResult } from "../../components/model/plan";
import { baseSpec, edited, siteOf } from "../helpers/sites";

async function plan(site: Site, objective: "gpu-mw" | "value" = "gpu-mw"): Promise<PlanResult> {
  const input = resolvePlanInput(site, site.spec as { plan?: unknown; economics?: unknown });
  if (!input.ok) throw new Error(input.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  const w = phaseWeights(site);
  if (!w.ok) throw new Error(w.issues[0].message);
  return planSite(site, input.input, w.weights, { objective });
}

function ok(r: PlanResult, site: Site): Plan {
  if (!r.feasible) throw new Error(`no plan: ${r.message}`);
  const broken = siteEnvelope(withCounts(site, r.phases)).flatMap((e) => e.violations.map((b) => `${e.scenario.phase}: ${b.kind} ${b.subject}`));
  expect(broken).toEqual([]);
  return r;
}

const nvl = { name: "nvl", sku: "gb200-nvl72", coolingZone: "hall", backend: { type: "static", nodeNamePrefix: "nvl-" } };

describe("racks", () => {
  it("plans a rack-scale pool in whole racks, each with its overhead", async () => {
    // gb200-nvl72: 18 trays of 6.667 kW and 12 kW of overhead a rack = 132.006 kW a rack. A hall of 1 MW takes
    // floor(1000 / 132.006) = 7 racks (924.042 kW; 8 would be 1056.048 kW): 126 nodes. maxRackKW 140 admits the rack.
    const spec = edited(baseSpec(), (s) => {
      s.coolingZones[1] = { name: "hall", type: "direct-to-chip", capacityMW: 1, pue: 1.2, maxRackKW: 140 };
      s.gpuPools = [nvl];
      s.rollout = { activePhase: "p1", phases: [{ name: "p1" }] };
    });
    const site = siteOf(spec);
    const p = ok(await plan(site), site);
    expect(p.phases[0].gpu.nvl).toBe(126);
    expect(p.objective.value).toBeCloseTo(0.924042, 9);
  });

  it("counts a pool's rack overhead once per started rack", async () => {
    // dgx-h100 with 2 kW of overhead a rack of 4, on feeds of 1895.556 kW each: 177 nodes in 45 racks draw
    // 1805.4 + 90 = 1895.4 kW; 178 nodes would be 1815.6 + 90 = 1905.6 kW. (176 in 44 racks: 1883.2 kW.)
    const spec = edited(baseSpec(), (s) => {
      s.gpuPools[0].rackOverheadKW = 2;
      s.rollout = { activePhase: "p1", phases: [{ name: "p1" }] };
    });
    const site = siteOf(spec);
    const p = ok(await plan(site), site);
    expect(p.phases[0].gpu.h100).toBe(177);
    expect(p.objective.value).toBeCloseTo(1.8954, 9);
  });
});

describe("gates", () => {
  it("holds a pool at 0 where its rack is denser than the zone allows, and says why", async () => {
    // 132.006 kW a rack against direct-to-chip's default of 130 kW.
    const spec = edited(baseSpec(), (s) => {
      s.coolingZones[1] = { name: "hall", type: "direct-to-chip", capacityMW: 1, pue: 1.2 };
      s.coolingZones.push({ name: "hall-2", type: "direct-to-chip", capacityMW: 1, pue: 1.2 });
      s.gpuPools = [nvl, { name: "h100", sku: "dgx-h100", coolingZone: "hall-2", backend: { type: "static", nodeNamePrefix: "h100-" } }];
      s.rollout = { activePhase: "p1", phases: [{ name: "p1" }] };
    });
    const site = siteOf(spec);
    const p = ok(await plan(site), site);
    expect(p.phases[0].gpu.nvl).toBe(0);
    expect(p.phases[0].gpu.h100).toBe(98); // floor(1000 / 10.2)
    expect(p.held).toHaveLength(1);
    expect(p.held[0]).toMatchObject({ kind: "pool", name: "nvl", phases: ["p1"] });
    expect(p.held[0].reason).toContain("rack-density");
  });

  it("holds a liquid-cooled pool in an air zone at 0 (cooling-compatibility)", async () => {
    const spec = edited(baseSpec(), (s) => {
      s.coolingZones[1] = { name: "hall", type: "air", capacityMW: 4, pue: 1.2, maxRackKW: 200 };
      s.gpuPools = [nvl];
      s.rollout = { activePhase: "p1", phases: [{ name: "p1" }] };
    });
    const site = siteOf(spec);
    const p = ok(await plan(site), site);
    expect(p.phases[0].gpu.nvl).toBe(0);
    expect(p.held[0].reason).toContain("cooling-compatibility");
  });

  it("has no plan when a hydro miner in an air yard still runs into the first transient", async () => {
    const spec = edited(baseSpec(), (s) => {
      s.mining[0].model = "antminer-s21-hyd";
      s.rollout = { activePhase: "p1", overlap: true, phases: [{ name: "p1" }] };
    });
    const r = await plan(siteOf(spec));
    expect(r.feasible).toBe(false);
    if (!r.feasible) expect(r.conflict).toMatchObject({ phase: "p1", transient: true, budget: "cooling-compatibility block", bound: null });
  });
});

describe("equipment in service and itLoads", () => {
  it("names the zone leaving service and the contract that keeps its miners (a step too late)", async () => {
    // The yard is in service until p1; a contract keeps 100 miners hashing through p2.
    const spec = edited(baseSpec(), (s) => {
      s.coolingZones[0].inService = { until: "p1" };
      s.rollout = { activePhase: "p1", phases: [{ name: "p1" }, { name: "p2" }] };
      s.plan = { mining: { block: { minUnits: { p2: 100 } } } };
    });
    const r = await plan(siteOf(spec));
    expect(r.feasible).toBe(false);
    if (r.feasible) return;
    expect(r.conflict).toMatchObject({ phase: "p2", transient: false, budget: "cooling yard", bound: "plan.mining.block.minUnits.p2" });
    // Without the contract the block retires by p2.
    const free = siteOf(edited(spec, (s) => delete s.plan));
    const q = ok(await plan(free), free);
    expect(q.phases[1].mining.block).toBe(0);
  });

  it("leaves room for an itLoad on a shared feed", async () => {
    // 1 MW of fabric on feed a leaves 1895.556 − 1000 = 895.556 kW: floor(895.556 / 10.2) = 87 nodes.
    const spec = edited(baseSpec(), (s) => {
      s.itLoads = [{ name: "fabric", coolingZone: "hall", feeds: ["a"] }];
      s.rollout = { activePhase: "p1", phases: [{ name: "p1", it: { fabric: 1 } }] };
    });
    const site = siteOf(spec);
    const p = ok(await plan(site), site);
    expect(p.phases[0].gpu.h100).toBe(87);
  });
});

describe("objectives", () => {
  it("weighs phases by their days, 365 for the last", async () => {
    // 2026-01-01 to 2026-03-01 is 59 days. No overlap: 185 nodes (the feeds) in both phases, 1.887 MW each.
    const spec = edited(baseSpec(), (s) => {
      s.rollout = { activePhase: "p1", phases: [{ name: "p1", start: "2026-01-01" }, { name: "p2", start: "2026-03-01" }] };
    });
    const site = siteOf(spec);
    const w = phaseWeights(site);
    expect(w).toEqual({ ok: true, weights: [59, 365] });
    const p = ok(await plan(site), site);
    expect(p.objective.value).toBeCloseTo((59 + 365) * 1.887, 6);
    const partly = siteOf(edited(spec, (s) => delete s.rollout.phases[1].start));
    const bad = phaseWeights(partly);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0].path).toEqual(["rollout", "phases", 1, "start"]);
  });

  it("value: retires miners whose power costs more than they earn, keeps them otherwise", async () => {
    const withPrices = (power: number) =>
      siteOf(
        edited(baseSpec(), (s) => {
          s.rollout = { activePhase: "p1", phases: [{ name: "p1" }] };
          s.economics = { hostingUSDPerKWMonth: 130, hashpriceUSDPerPHDay: 50, powerPriceUSDPerMWh: power };
        }),
      );
    // An S21 earns its PH/s × 50 USD a day; at 1000 USD/MWh its 3.5 kW × 1.1 × 24 h cost 92.4 USD a day: retired.
    const dear = withPrices(1000);
    const a = ok(await plan(dear, "value"), dear);
    expect(a.phases[0].mining.block).toBe(0);
    // Free power: every miner earns; the yard and the site hold all 1000 beside the 185 nodes.
    const free = withPrices(0);
    const b = ok(await plan(free, "value"), free);
    expect(b.phases[0].mining.block).toBe(1000);
    expect(b.phases[0].gpu.h100).toBe(185);
  });
});
