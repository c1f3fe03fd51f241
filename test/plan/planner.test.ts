/**
 * The planner against the model: hand-worked optima, a brute-force search of
 * every rollout of small sites, the "never below a hand-written plan"
 * property on generated sites, bounds, and the infeasibility diagnosis.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { siteEnvelope, type Site } from "../../components/model";
import {
  objectiveValue,
  phaseWeights,
  planSite,
  resolvePlanInput,
  unitValues,
  withCounts,
  type Plan,
  type PhaseCounts,
  type PlanResult,
} from "../../components/model/plan";
import { planSite as generatedSite } from "../../bench/plan-sites";
import { baseSpec, edited, siteOf } from "../helpers/sites";

async function plan(site: Site, objective: "gpu-mw" | "value" = "gpu-mw"): Promise<PlanResult> {
  const input = resolvePlanInput(site, site.spec as { plan?: unknown; economics?: unknown });
  if (!input.ok) throw new Error(input.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  const w = phaseWeights(site);
  if (!w.ok) throw new Error("weights");
  return planSite(site, input.input, w.weights, { objective });
}

function feasiblePlan(r: PlanResult): Plan {
  if (!r.feasible) throw new Error(`no plan: ${r.message}`);
  return r;
}

/** Every moment of the planned rollout within every budget, by the model. */
function expectWithinEveryBudget(site: Site, p: Plan) {
  const envs = siteEnvelope(withCounts(site, p.phases));
  const broken = envs.filter((e) => e.violations.length > 0).map((e) => `${e.scenario.phase}${e.scenario.transient ? " (transient)" : ""}: ${e.violations.map((b) => `${b.kind} ${b.subject}`).join(", ")}`);
  expect(broken).toEqual([]);
}

describe("hand-worked optima", () => {
  it("one pool fills the tighter of its hall's cooling and its A/B feeds, exactly", async () => {
    // baseSpec: dgx-h100 at 10.2 kW a node on feeds a and b (480 V, 3000 A, three-phase, 80 %, PF 0.95):
    // each feed carries 480 × 3000 × √3 × 0.8 × 0.95 / 1000 = 1895.556 kW, so floor(1895.556 / 10.2) = 185 nodes.
    // The hall's 4 MW cooling would take 392; the site (20 MW) far more. 185 it is, and the feed binds.
    const site = siteOf(baseSpec());
    const p = feasiblePlan(await plan(site));
    expect(p.phases[0].gpu.h100).toBe(185);
    expect(p.phases[0].binding).toBe("feed a");
    expectWithinEveryBudget(site, p);
    // One more node breaks the feed.
    const more = siteEnvelope(withCounts(site, [{ gpu: { h100: 186 }, mining: p.phases[0].mining }]));
    expect(more.some((e) => e.violations.some((b) => b.kind === "feed"))).toBe(true);
    // gpu-mw: 185 × 10.2 kW = 1.887 MW, one phase of weight 1; the bound is the optimum.
    expect(p.objective.value).toBeCloseTo(1.887, 9);
    expect(p.objective.gapPercent).toBeLessThanOrEqual(1);
  });

  it("a transient runs the GPUs of phase k beside the miners of phase k−1", async () => {
    // Site limit 5 MW, aux 0.5; 1000 S21 miners (3.5 kW) in an air yard with pue 1.1: 3.85 MW of facility power.
    // Two phases with overlap: phase 1's transient runs the whole fleet, leaving (5 − 0.5 − 3.85) / (10.2 × 1.2 / 1000)
    // = 53.1 → 53 nodes of h100 (pue 1.2). Phase 2's transient runs phase 1's miners beside phase 2's GPUs.
    const spec = edited(baseSpec(), (s) => {
      s.grid = { interconnectMW: 5, auxMW: 0.5 };
      s.rollout = { activePhase: "p1", overlap: true, phases: [{ name: "p1" }, { name: "p2" }] };
    });
    const site = siteOf(spec);
    const p = feasiblePlan(await plan(site));
    expect(p.phases[0].gpu.h100).toBe(53);
    expectWithinEveryBudget(site, p);
    // Without overlap the first phase may retire the miners first: the feeds (185 nodes) bind instead.
    const noOverlap = siteOf(edited(spec, (s) => (s.rollout.overlap = false)));
    const q = feasiblePlan(await plan(noOverlap));
    expect(q.phases[0].gpu.h100).toBe(185);
    expectWithinEveryBudget(noOverlap, q);
  });
});

/** Every rollout of a small site: pools never shrink, blocks never grow; the best within every budget. */
function bruteForce(site: Site, maxNodes: number, weights: number[]): number {
  const values = unitValues(site, "gpu-mw", undefined);
  const units = site.mining[0].units;
  let best = 0;
  const phases = site.rollout.phases.length;
  const rec = (k: number, x: number, y: number, acc: PhaseCounts[]) => {
    if (k === phases) {
      if (siteEnvelope(withCounts(site, acc)).every((e) => e.violations.length === 0)) best = Math.max(best, objectiveValue(site, acc, weights, values));
      return;
    }
    for (let nx = x; nx <= maxNodes; nx++) for (let ny = 0; ny <= y; ny++) rec(k + 1, nx, ny, [...acc, { gpu: { h100: nx }, mining: { block: ny } }]);
  };
  rec(0, 0, units, []);
  return best;
}

describe("exact against a brute-force search", () => {
  it("matches the best of every rollout on small generated sites", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          interconnect: fc.integer({ min: 30, max: 120 }),
          yard: fc.integer({ min: 20, max: 90 }),
          hall: fc.integer({ min: 40, max: 150 }),
          units: fc.integer({ min: 5, max: 12 }),
          overlap: fc.boolean(),
        }),
        async (g) => {
          // Limits in tens of kW so that a handful of nodes and miners fill them.
          const spec = edited(baseSpec(), (s) => {
            s.grid = { interconnectMW: g.interconnect / 1000, auxMW: 0 };
            s.coolingZones = [
              { name: "yard", type: "air", capacityMW: g.yard / 1000, pue: 1.1 },
              { name: "hall", type: "direct-to-chip", capacityMW: g.hall / 1000, pue: 1.2 },
            ];
            s.mining[0].units = g.units;
            s.rollout = { activePhase: "p1", overlap: g.overlap, phases: [{ name: "p1" }, { name: "p2" }] };
          });
          const site = siteOf(spec);
          const p = await plan(site);
          const best = bruteForce(site, Math.floor(g.hall / 10.2) + 1, [1, 1]);
          if (!p.feasible) {
            expect(best).toBe(0);
            return;
          }
          expectWithinEveryBudget(site, p);
          expect(p.objective.value).toBeCloseTo(best, 9);
        },
      ),
      { numRuns: 12, seed: 18 },
    );
  });
});

describe("generated sites", () => {
  it("the plan holds every budget, keeps its bounds, and is never below a hand-written plan that is valid", async () => {
    for (const seed of [1, 2, 3, 4]) {
      const spec = generatedSite({ name: `gen-${seed}`, phases: 3 + (seed % 3), pools: 3 + seed, blocks: 2 + seed, seed, bounds: seed % 2 === 0, overlap: seed !== 3 });
      const site = siteOf(spec);
      const p = feasiblePlan(await plan(site));
      expectWithinEveryBudget(site, p);
      expect(p.objective.gapPercent).toBeLessThanOrEqual(1);
      p.phases.forEach((ph, k) => {
        expect(Object.keys(ph.gpu).sort()).toEqual(site.gpuPools.map((x) => x.name).sort());
        expect(Object.keys(ph.mining).sort()).toEqual(site.mining.map((x) => x.name).sort());
        if (k > 0) {
          for (const [n, c] of Object.entries(ph.gpu)) expect(c).toBeGreaterThanOrEqual(p.phases[k - 1].gpu[n]);
          for (const [n, c] of Object.entries(ph.mining)) expect(c).toBeLessThanOrEqual(p.phases[k - 1].mining[n]);
        }
      });
      if (p.current.feasible) expect(p.current.value).toBeLessThanOrEqual(p.objective.value * (1 + 1e-12));
      const planned = spec.plan as { mining?: Record<string, { minUnits: Record<string, number> }> } | undefined;
      for (const [block, b] of Object.entries(planned?.mining ?? {})) {
        expect(p.phases[0].mining[block]).toBeGreaterThanOrEqual(b.minUnits["phase-1"]);
      }
    }
  });

  it("takes a valid hand-written plan over its own when the hand-written one is better (never reports less)", async () => {
    // A site with room for exactly the hand-written counts: the planner finds the same optimum.
    const spec = edited(baseSpec(), (s) => (s.rollout.phases[0].gpu.h100 = 185));
    const site = siteOf(spec);
    const p = feasiblePlan(await plan(site));
    expect(p.current.feasible).toBe(true);
    expect(p.current.value).toBeCloseTo(p.objective.value, 12);
  });
});

describe("bounds of plan:", () => {
  it("maxNodes carries over, notBefore holds a pool at 0, minUnits keeps miners hashing", async () => {
    const spec = edited(baseSpec(), (s) => {
      s.rollout = { activePhase: "p1", overlap: false, phases: [{ name: "p1" }, { name: "p2" }, { name: "p3" }] };
      s.gpuPools.push({ name: "late", sku: "dgx-h100", coolingZone: "hall", backend: { type: "static", nodeNamePrefix: "late-" } });
      s.plan = {
        pools: { h100: { maxNodes: { p1: 40, p3: 120 } }, late: { notBefore: "p3" } },
        mining: { block: { minUnits: { p1: 800, p2: 300 } } },
      };
    });
    const site = siteOf(spec);
    const p = feasiblePlan(await plan(site));
    expectWithinEveryBudget(site, p);
    expect(p.phases.map((x) => x.gpu.h100)).toEqual([40, 40, 120]);
    expect(p.phases[0].gpu.late).toBe(0);
    expect(p.phases[1].gpu.late).toBe(0);
    expect(p.phases[2].gpu.late).toBeGreaterThan(0);
    expect(p.phases[0].mining.block).toBeGreaterThanOrEqual(800);
    expect(p.phases[2].mining.block).toBeGreaterThanOrEqual(300);
  });

  it("rejects references to unknown pools, blocks and phases, and minUnits above the fleet", () => {
    const spec = edited(baseSpec(), (s) => {
      s.plan = { pools: { h10: { notBefore: "p9" } }, mining: { block: { minUnits: { p1: 5000 } } } };
    });
    const site = siteOf(spec);
    const r = resolvePlanInput(site, site.spec as { plan?: unknown });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(text).toContain('plan.pools.h10: unknown GPU pool "h10"; did you mean "h100"?');
    expect(text).toContain("plan.mining.block.minUnits.p1: must be at most the block's units (1000), found 5000");
  });

  it("rejects unknown keys in plan: with the nearest known one", () => {
    const site = siteOf(edited(baseSpec(), (s) => (s.plan = { pools: { h100: { maxNode: { p1: 3 } } } })));
    const r = resolvePlanInput(site, site.spec as { plan?: unknown });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].message).toBe('unknown key "maxNode"; did you mean "maxNodes"?');
  });
});

describe("no plan", () => {
  it("names the transient, the budget and no bound when the fleet before the rollout already breaks it", async () => {
    // 1000 S21 at 3.5 kW × pue 1.1 = 3.85 MW, with 0.5 MW aux, on a 4 MW site: the transient into p1
    // runs the whole fleet, 0.35 MW over, whatever the plan does.
    const spec = edited(baseSpec(), (s) => {
      s.grid = { interconnectMW: 4, auxMW: 0.5 };
      s.rollout.overlap = true;
    });
    const r = await plan(siteOf(spec));
    expect(r.feasible).toBe(false);
    if (r.feasible) return;
    expect(r.conflict).toMatchObject({ phase: "p1", transient: true, budget: "site", bound: null });
    expect(r.conflict.over).toBeCloseTo(0.35, 6);
    expect(r.message).toContain("the transient into p1");
  });

  it("names the bound that keeps miners running past what a budget allows", async () => {
    // Without overlap the yard must hold the miners only at phase ends; minUnits 900 (3.15 MW) of a 3 MW yard cannot.
    const spec = edited(baseSpec(), (s) => {
      s.coolingZones[0].capacityMW = 3;
      s.rollout = { activePhase: "p1", overlap: false, phases: [{ name: "p1" }, { name: "p2" }] };
      s.plan = { mining: { block: { minUnits: { p2: 900 } } } };
    });
    const r = await plan(siteOf(spec));
    expect(r.feasible).toBe(false);
    if (r.feasible) return;
    expect(r.conflict).toMatchObject({ phase: "p1", budget: "cooling yard", bound: "plan.mining.block.minUnits.p2" });
    expect(r.conflict.over).toBeCloseTo(0.15, 6);
  });
});
