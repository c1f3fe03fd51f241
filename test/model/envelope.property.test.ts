/** Properties of the envelope model that must hold for any site (fast-check). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluate, moreNodesFit, poolDrawsOn, scenarios, usableCoolingMW, type Scenario } from "../../components/model";
import { siteOf } from "../helpers/sites";

const redundancy = fc.constantFrom("N" as const, "N+1" as const, "2N" as const);

/** A random but valid two-zone site with a mining block and two pools. */
const siteSpec = fc
  .record({
    interconnectMW: fc.double({ min: 1, max: 500, noNaN: true }),
    firmShare: fc.double({ min: 0.1, max: 1, noNaN: true }),
    reservePercent: fc.double({ min: 0, max: 30, noNaN: true }),
    auxMW: fc.double({ min: 0, max: 2, noNaN: true }),
    withTransformers: fc.boolean(),
    ratingMVA: fc.double({ min: 1, max: 100, noNaN: true }),
    tUnits: fc.integer({ min: 1, max: 6 }).map((n) => n * 2),
    tRedundancy: redundancy,
    hallMW: fc.double({ min: 0.5, max: 50, noNaN: true }),
    hallUnits: fc.integer({ min: 1, max: 5 }).map((n) => n * 2),
    hallRedundancy: redundancy,
    hallPue: fc.double({ min: 1, max: 1.6, noNaN: true }),
    amperage: fc.integer({ min: 100, max: 4000 }),
    miners: fc.integer({ min: 0, max: 20000 }),
    minerWatts: fc.integer({ min: 1000, max: 6000 }),
    curtailable: fc.boolean(),
    nodesA: fc.integer({ min: 0, max: 2000 }),
    nodesB: fc.integer({ min: 0, max: 2000 }),
    cap: fc.option(fc.integer({ min: 200, max: 700 }), { nil: undefined }),
  })
  .map((r) => ({
    name: "prop",
    grid: { interconnectMW: r.interconnectMW, firmMW: r.interconnectMW * r.firmShare, reservePercent: r.reservePercent, auxMW: r.auxMW },
    transformers: r.withTransformers ? [{ name: "t", ratingMVA: r.ratingMVA, units: r.tUnits, redundancy: r.tRedundancy }] : [],
    feeds: [
      { name: "a", voltage: 13800, amperage: r.amperage },
      { name: "b", voltage: 13800, amperage: r.amperage },
    ],
    coolingZones: [
      { name: "yard", type: "air", capacityMW: 200, units: 10, redundancy: "N+1", pue: 1.1 },
      { name: "hall", type: "direct-to-chip", capacityMW: r.hallMW, units: r.hallUnits, redundancy: r.hallRedundancy, pue: r.hallPue },
    ],
    mining: [{ name: "block", wattsPerUnit: r.minerWatts, units: 20000, coolingZone: "yard", curtailable: r.curtailable }],
    gpuPools: [
      { name: "pa", sku: "dgx-h100", coolingZone: "hall", feeds: ["a", "b"], powerCapWatts: r.cap, backend: { type: "static", nodeNamePrefix: "pa-" } },
      { name: "pb", sku: "dgx-b200", coolingZone: "hall", feeds: ["a"], backend: { type: "static", nodeNamePrefix: "pb-" } },
    ],
    rollout: { activePhase: "p", phases: [{ name: "p", mining: { block: r.miners }, gpu: { pa: r.nodesA, pb: r.nodesB } }] },
  }));

const withMore = (s: Scenario, what: "pa" | "pb" | "block", n: number): Scenario =>
  what === "block" ? { ...s, mining: { ...s.mining, block: s.mining.block + n } } : { ...s, gpu: { ...s.gpu, [what]: s.gpu[what] + n } };

describe("envelope properties", () => {
  it("more load never lowers any utilisation", () => {
    fc.assert(
      fc.property(siteSpec, fc.constantFrom("pa" as const, "pb" as const, "block" as const), fc.integer({ min: 1, max: 500 }), (spec, what, n) => {
        const site = siteOf(spec);
        const s = scenarios(site)[0];
        const before = evaluate(site, s).budgets;
        const after = evaluate(site, withMore(s, what, n)).budgets;
        // A pool that had no nodes gains its rack budget; every budget there before stays or rises.
        expect(after.length).toBeGreaterThanOrEqual(before.length);
        for (const b of before) {
          const a = after.find((x) => x.kind === b.kind && x.subject === b.subject)!;
          expect(a.utilisation).toBeGreaterThanOrEqual(b.utilisation);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("N+1 never yields more usable cooling than N, nor 2N more than N+1", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 1000, noNaN: true }), fc.integer({ min: 1, max: 50 }).map((n) => n * 2), (capacityMW, units) => {
        const n = usableCoolingMW({ capacityMW, units, redundancy: "N" });
        const n1 = usableCoolingMW({ capacityMW, units, redundancy: "N+1" });
        const n2 = usableCoolingMW({ capacityMW, units, redundancy: "2N" });
        expect(n1).toBeLessThanOrEqual(n);
        expect(n2).toBeLessThanOrEqual(n1);
      }),
      { numRuns: 500 },
    );
  });

  it("raising the interconnect never adds a violation", () => {
    fc.assert(
      fc.property(siteSpec, fc.double({ min: 0, max: 500, noNaN: true }), (spec, raise) => {
        const low = siteOf(spec);
        const high = siteOf({ ...spec, grid: { ...spec.grid, interconnectMW: spec.grid.interconnectMW + raise } });
        const key = (v: { kind: string; subject: string }) => `${v.kind}:${v.subject}`;
        const lowV = new Set(evaluate(low, scenarios(low)[0]).violations.map(key));
        const highV = evaluate(high, scenarios(high)[0]).violations;
        // A firm budget is checked only where the firm limit is below the site limit: where raising the
        // interconnect separates the two, a firm break that the site budget reported before is now its own.
        for (const v of highV) expect(lowV.has(key(v)) || (v.kind === "firm" && lowV.has("site:site"))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("'more nodes fit' is exact: that many fit, one more breaks a budget", () => {
    fc.assert(
      fc.property(siteSpec, fc.constantFrom("pa", "pb"), (spec, poolName) => {
        const site = siteOf(spec);
        const s = scenarios(site)[0];
        const pool = site.gpuPools.find((p) => p.name === poolName)!;
        const n = moreNodesFit(site, s, poolName);
        expect(n).not.toBeNull();
        const holds = (extra: number) =>
          evaluate(site, withMore(s, poolName as "pa", extra)).budgets.every((b) => b.ok || !poolDrawsOn(pool, b));
        if (holds(0)) expect(holds(n!)).toBe(true);
        else expect(n).toBe(0);
        expect(holds(n! + 1)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
