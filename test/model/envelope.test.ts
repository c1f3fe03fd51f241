/**
 * The contract's arithmetic, checked against figures worked out by hand in
 * each test (the expected numbers are never computed by the code under test).
 */
import { describe, expect, it } from "vitest";
import {
  evaluate,
  feedCapacityKW,
  moreNodesFit,
  nodeKW,
  rackKW,
  scenarios,
  siteEnvelope,
  transformerCapacityMW,
  usableCoolingMW,
} from "../../components/model";
import { baseSpec, edited, siteOf } from "../helpers/sites";

const budgetOf = (env: ReturnType<typeof evaluate>, kind: string, subject?: string) => {
  const b = env.budgets.find((x) => x.kind === kind && (subject === undefined || x.subject === subject));
  if (!b) throw new Error(`no ${kind} ${subject ?? ""} budget`);
  return b;
};

describe("feeds", () => {
  it("three-phase: V × A × √3 × 80 % × PF", () => {
    // 480 × 3000 = 1,440,000 VA per phase-to-phase; × 1.7320508 = 2,494,153 VA; × 0.8 × 0.95 = 1,895,556 W
    expect(feedCapacityKW({ name: "f", voltage: 480, amperage: 3000, phase: "three", maxUtilizationPercent: 80, powerFactor: 0.95 })).toBeCloseTo(1895.556, 2);
  });
  it("single-phase has no √3", () => {
    // 240 × 100 × 0.8 × 1.0 = 19,200 W
    expect(feedCapacityKW({ name: "f", voltage: 240, amperage: 100, phase: "single", maxUtilizationPercent: 80, powerFactor: 1 })).toBeCloseTo(19.2, 6);
  });
  it("A/B feeds each carry the pool's whole IT load", () => {
    const site = siteOf(baseSpec());
    const env = evaluate(site, scenarios(site)[0]);
    // 100 nodes × 10.2 kW = 1020 kW on feed a AND on feed b
    expect(budgetOf(env, "feed", "a").used).toBeCloseTo(1020, 6);
    expect(budgetOf(env, "feed", "b").used).toBeCloseTo(1020, 6);
  });
  it("a pool on one feed puts its load on that feed only", () => {
    const site = siteOf(edited(baseSpec(), (s) => (s.gpuPools[0].feeds = ["a"])));
    const env = evaluate(site, scenarios(site)[0]);
    expect(budgetOf(env, "feed", "a").used).toBeCloseTo(1020, 6);
    expect(budgetOf(env, "feed", "b").used).toBe(0);
  });
  it("fails when the IT load exceeds the continuous capacity", () => {
    // 186 nodes × 10.2 = 1897.2 kW > 1895.556 kW; 185 nodes = 1887 kW fits
    const over = siteOf(edited(baseSpec(), (s) => (s.rollout.phases[0].gpu.h100 = 186)));
    const fits = siteOf(edited(baseSpec(), (s) => (s.rollout.phases[0].gpu.h100 = 185)));
    expect(budgetOf(evaluate(over, scenarios(over)[0]), "feed", "a").ok).toBe(false);
    expect(budgetOf(evaluate(fits, scenarios(fits)[0]), "feed", "a").ok).toBe(true);
  });
});

describe("redundancy", () => {
  it("cooling: N uses all, N+1 holds one unit back, 2N half", () => {
    expect(usableCoolingMW({ capacityMW: 30, units: 10, redundancy: "N" })).toBeCloseTo(30, 9);
    expect(usableCoolingMW({ capacityMW: 30, units: 10, redundancy: "N+1" })).toBeCloseTo(27, 9);
    expect(usableCoolingMW({ capacityMW: 40, units: 4, redundancy: "2N" })).toBeCloseTo(20, 9);
  });
  it("transformers: Σ (units − spare) × MVA × PF", () => {
    const t = (units: number, redundancy: "N" | "N+1" | "2N", ratingMVA: number, powerFactor: number) => ({ name: "t", units, redundancy, ratingMVA, powerFactor });
    // 3 × 40 MVA, N+1 at 0.95: 2 × 40 × 0.95 = 76 MW
    expect(transformerCapacityMW([t(3, "N+1", 40, 0.95)])).toBeCloseTo(76, 9);
    // 4 × 10 MVA, 2N at 0.9: 2 × 10 × 0.9 = 18 MW; plus 1 × 5 MVA N at 1.0 = 5 MW
    expect(transformerCapacityMW([t(4, "2N", 10, 0.9), t(1, "N", 5, 1)])).toBeCloseTo(23, 9);
  });
  it("cooling budget of a zone: heat against usable cooling", () => {
    // hall: 4 MW in 4 units N+1 → 3 MW usable; 100 × 10.2 kW = 1.02 MW of heat
    const site = siteOf(edited(baseSpec(), (s) => Object.assign(s.coolingZones[1], { units: 4, redundancy: "N+1" })));
    const b = budgetOf(evaluate(site, scenarios(site)[0]), "cooling", "hall");
    expect(b.limit).toBeCloseTo(3, 9);
    expect(b.used).toBeCloseTo(1.02, 9);
  });
  it("transformer budget fails when the facility draws more than the transformers carry", () => {
    // facility at p1: 0.5 + 500 × 3.5 × 1.1 / 1000 + 100 × 10.2 × 1.2 / 1000 = 0.5 + 1.925 + 1.224 = 3.649 MW
    const small = siteOf(edited(baseSpec(), (s) => (s.transformers = [{ name: "t", ratingMVA: 2, units: 3, redundancy: "N+1", powerFactor: 0.9 }])));
    // 2 × 2 × 0.9 = 3.6 MW < 3.649
    const b = budgetOf(evaluate(small, scenarios(small)[0]), "transformer");
    expect(b.limit).toBeCloseTo(3.6, 9);
    expect(b.used).toBeCloseTo(3.649, 9);
    expect(b.ok).toBe(false);
  });
});

describe("facility and firm power", () => {
  it("facility = aux + Σ IT × PUE of the zone", () => {
    const site = siteOf(baseSpec());
    const env = evaluate(site, scenarios(site)[0]);
    // 0.5 + 500 × 3.5 kW × 1.1 + 100 × 10.2 kW × 1.2 = 0.5 + 1.925 + 1.224
    expect(env.facilityMW).toBeCloseTo(3.649, 9);
    expect(budgetOf(env, "site").limit).toBeCloseTo(20, 9);
  });
  it("firm power counts only loads that are not curtailable, plus aux", () => {
    const site = siteOf(baseSpec());
    const env = evaluate(site, scenarios(site)[0]);
    // miners are curtailable by default, GPUs are not: 0.5 + 1.224
    expect(env.firmFacilityMW).toBeCloseTo(1.724, 9);
    const firmMiners = siteOf(edited(baseSpec(), (s) => (s.mining[0].curtailable = false)));
    expect(evaluate(firmMiners, scenarios(firmMiners)[0]).firmFacilityMW).toBeCloseTo(3.649, 9);
    const curtailableGpus = siteOf(edited(baseSpec(), (s) => (s.gpuPools[0].curtailable = true)));
    expect(evaluate(curtailableGpus, scenarios(curtailableGpus)[0]).firmFacilityMW).toBeCloseTo(0.5, 9);
  });
  it("the reserve comes off both limits", () => {
    const site = siteOf(edited(baseSpec(), (s) => Object.assign(s.grid, { interconnectMW: 20, firmMW: 10, reservePercent: 5 })));
    const env = evaluate(site, scenarios(site)[0]);
    expect(budgetOf(env, "site").limit).toBeCloseTo(19, 9);
    expect(budgetOf(env, "firm").limit).toBeCloseTo(9.5, 9);
  });
  it("firm budget fails when firm load passes firmMW less the reserve", () => {
    // firm 1.724 MW against 1.8 × 0.95 = 1.71 MW
    const site = siteOf(edited(baseSpec(), (s) => Object.assign(s.grid, { firmMW: 1.8, reservePercent: 5 })));
    const b = budgetOf(evaluate(site, scenarios(site)[0]), "firm");
    expect(b.limit).toBeCloseTo(1.71, 9);
    expect(b.ok).toBe(false);
  });
  it("power caps lower node power: systemKW − GPUs × (TDP − cap)", () => {
    const site = siteOf(edited(baseSpec(), (s) => (s.gpuPools[0].powerCapWatts = 500)));
    // 10.2 − 8 × (700 − 500) / 1000 = 8.6 kW; 100 nodes = 860 kW; × 1.2 = 1.032 MW
    expect(nodeKW(site.gpuPools[0])).toBeCloseTo(8.6, 9);
    expect(evaluate(site, scenarios(site)[0]).facilityMW).toBeCloseTo(0.5 + 1.925 + 1.032, 9);
  });
  it("cloud pools are never charged to the site", () => {
    const spec = edited(baseSpec(), (s) => {
      s.cluster = { type: "eks", kubernetesVersion: "1.33", subnetIds: ["s-1", "s-2"] };
      s.gpuPools.push({ name: "burst", sku: "dgx-h100", placement: "cloud", backend: { type: "eks-managed", instanceType: "p5.48xlarge" } });
      s.rollout.phases[0].gpu.burst = 5000;
    });
    const site = siteOf(spec);
    const env = evaluate(site, scenarios(site)[0]);
    expect(env.facilityMW).toBeCloseTo(3.649, 9);
    expect(env.loads.map((l) => l.name)).not.toContain("burst");
    expect(moreNodesFit(site, scenarios(site)[0], "burst")).toBeNull();
  });
});

describe("rack density", () => {
  it("nodesPerRack × nodeKW against the zone's maxRackKW (default by type)", () => {
    const site = siteOf(baseSpec());
    // 4 × 10.2 = 40.8 kW against direct-to-chip's default 130 kW
    expect(rackKW(site.gpuPools[0])).toBeCloseTo(40.8, 9);
    const b = budgetOf(evaluate(site, scenarios(site)[0]), "rack", "h100");
    expect(b.limit).toBe(130);
    const air = siteOf(edited(baseSpec(), (s) => (s.gpuPools[0].coolingZone = "yard")));
    const r = budgetOf(evaluate(air, scenarios(air)[0]), "rack", "h100");
    expect(r.limit).toBe(20);
    expect(r.ok).toBe(false);
  });
  it("a hydro zone takes no racks until given a maxRackKW", () => {
    const spec = edited(baseSpec(), (s) => (s.coolingZones[1].type = "hydro"));
    const site = siteOf(spec);
    expect(budgetOf(evaluate(site, scenarios(site)[0]), "rack", "h100").ok).toBe(false);
    const retrofitted = siteOf(edited(spec, (s) => (s.coolingZones[1].maxRackKW = 45)));
    expect(budgetOf(evaluate(retrofitted, scenarios(retrofitted)[0]), "rack", "h100").ok).toBe(true);
  });
});

describe("phases and the transient", () => {
  const twoPhases = () =>
    edited(baseSpec(), (s) => {
      s.grid.interconnectMW = 5;
      s.rollout.phases = [
        { name: "p1", mining: { block: 500 }, gpu: { h100: 100 } },
        { name: "p2", gpu: { h100: 150 } },
      ];
    });
  it("what a phase leaves out carries over", () => {
    const site = siteOf(twoPhases());
    const [p1, p2] = siteEnvelope(site);
    expect(p2.scenario.mining.block).toBe(500);
    // p2: 0.5 + 1.925 + 150 × 10.2 × 1.2 / 1000 = 0.5 + 1.925 + 1.836
    expect(p2.facilityMW).toBeCloseTo(4.261, 9);
    expect(p1.facilityMW).toBeCloseTo(3.649, 9);
  });
  it("without overlap there is no transient", () => {
    expect(scenarios(siteOf(twoPhases())).every((s) => !s.transient)).toBe(true);
  });
  it("with overlap, the new GPUs run beside the previous phase's miners", () => {
    const site = siteOf(edited(twoPhases(), (s) => (s.rollout.overlap = true)));
    const envs = siteEnvelope(site);
    expect(envs.map((e) => `${e.scenario.phase}${e.scenario.transient ? "~" : ""}`)).toEqual(["p1~", "p1", "p2~", "p2"]);
    // into p1: 1000 miners (before the rollout) + 100 nodes: 0.5 + 3.85 + 1.224 = 5.574 MW > 5 MW
    const into1 = envs[0];
    expect(into1.facilityMW).toBeCloseTo(5.574, 9);
    expect(into1.violations.map((v) => v.kind)).toEqual(["site"]);
    // the phase itself fits: 3.649 MW
    expect(envs[1].violations).toEqual([]);
    // the transient is checked against the power and cooling budgets (and rack density where a pool runs);
    // firmMW follows interconnectMW here, so the firm limit is the site limit and only the site budget checks it
    expect(new Set(into1.budgets.map((b) => b.kind))).toEqual(new Set(["site", "feed", "cooling", "rack"]));
  });
});

describe("more nodes fit", () => {
  it("stops at the first budget the pool draws on", () => {
    const site = siteOf(baseSpec());
    // feeds bind: 1895.556 kW / 10.2 kW = 185.8 → 185 nodes in all, 85 more than 100
    expect(moreNodesFit(site, scenarios(site)[0], "h100")).toBe(85);
  });
  it("is 0 when a budget the pool draws on is already broken", () => {
    const site = siteOf(edited(baseSpec(), (s) => (s.rollout.phases[0].gpu.h100 = 200)));
    expect(moreNodesFit(site, scenarios(site)[0], "h100")).toBe(0);
  });
});
