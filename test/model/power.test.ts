/**
 * The power arithmetic of components/model/power.ts (contract, "Arithmetic"),
 * against figures worked out by hand in each test.
 */
import { describe, expect, it } from "vitest";
import { GPU_SYSTEMS, effectiveCapW, evaluate, nodeKW, poolItKW, rackKW, rackOverheadKW, racksOf, scenarios, validateSite, type GpuSystem } from "../../components/model";
import { baseSpec, edited, siteOf } from "../helpers/sites";

const fig = (value: number) => ({ value, source: "test" });
/** A system with a cap range that reaches above its TDP (200–1,100 W on a 1,000 W GPU). */
const wide: GpuSystem = {
  ...GPU_SYSTEMS["dgx-h100"],
  id: "wide",
  gpusPerNode: fig(4),
  gpuTdpW: fig(1000),
  powerCapMinW: fig(200),
  powerCapMaxW: fig(1100),
  systemKW: fig(6),
  nodesPerRack: fig(18),
};
const pool = (system: GpuSystem, o: { powerCapWatts?: number; nodesPerRack?: number; rackOverheadKW?: number } = {}) => ({
  system,
  nodesPerRack: o.nodesPerRack ?? system.nodesPerRack.value,
  ...(o.powerCapWatts !== undefined ? { powerCapWatts: o.powerCapWatts } : {}),
  ...(o.rackOverheadKW !== undefined ? { rackOverheadKW: o.rackOverheadKW } : {}),
});
const h100 = GPU_SYSTEMS["dgx-h100"];
const b200 = GPU_SYSTEMS["dgx-b200"];

describe("nodeKW", () => {
  it("without a cap: systemKW", () => {
    expect(nodeKW(pool(h100))).toBe(10.2);
  });
  it("a cap in range: systemKW − gpusPerNode × (TDP − cap) / 1000", () => {
    // 10.2 − 8 × (700 − 500) / 1000 = 8.6
    expect(nodeKW(pool(h100, { powerCapWatts: 500 }))).toBeCloseTo(8.6, 12);
    expect(effectiveCapW(pool(h100, { powerCapWatts: 500 }))).toBe(500);
  });
  it("a cap above the range (1,200 W on a 1,000 W B200) never charges more than systemKW", () => {
    // clamped to powerCapMaxW 1,000 = TDP: 14.3 − 8 × 0 = 14.3 (the unclamped formula gave 15.9)
    expect(effectiveCapW(pool(b200, { powerCapWatts: 1200 }))).toBe(1000);
    expect(nodeKW(pool(b200, { powerCapWatts: 1200 }))).toBeCloseTo(14.3, 12);
  });
  it("a cap below the range is counted at the range's floor", () => {
    // 100 W → 200 W: 10.2 − 8 × (700 − 200) / 1000 = 6.2 (never the 5.4 that 100 W would give)
    expect(effectiveCapW(pool(h100, { powerCapWatts: 100 }))).toBe(200);
    expect(nodeKW(pool(h100, { powerCapWatts: 100 }))).toBeCloseTo(6.2, 12);
  });
  it("a cap within a range that reaches above TDP is still held to TDP", () => {
    // 1,100 W is within 200–1,100 W but above the 1,000 W TDP: counted at 1,000 W → 6 kW
    expect(effectiveCapW(pool(wide, { powerCapWatts: 1100 }))).toBe(1000);
    expect(nodeKW(pool(wide, { powerCapWatts: 1100 }))).toBeCloseTo(6, 12);
    // 900 W: 6 − 4 × 100 / 1000 = 5.6
    expect(nodeKW(pool(wide, { powerCapWatts: 900 }))).toBeCloseTo(5.6, 12);
  });
});

describe("racks and rack overhead", () => {
  it("racks = ceil(nodes / nodesPerRack)", () => {
    expect(racksOf({ nodesPerRack: 18 }, 0)).toBe(0);
    expect(racksOf({ nodesPerRack: 18 }, 1)).toBe(1);
    expect(racksOf({ nodesPerRack: 18 }, 18)).toBe(1);
    expect(racksOf({ nodesPerRack: 18 }, 37)).toBe(3);
  });
  it("pool IT power: nodes × nodeKW + racks × rackOverheadKW", () => {
    // 37 nodes × 6 kW = 222 kW; 3 racks × 10 kW = 30 kW; 252 kW
    expect(poolItKW(pool(wide, { rackOverheadKW: 10 }), 37)).toBeCloseTo(252, 12);
    expect(poolItKW(pool(wide, { rackOverheadKW: 10 }), 0)).toBe(0);
    // without overhead anywhere: 37 × 6 = 222
    expect(poolItKW(pool(wide), 37)).toBeCloseTo(222, 12);
  });
  it("rack power: nodesPerRack × nodeKW + rackOverheadKW; the cap never reduces the overhead", () => {
    // 18 × 6 + 10 = 118 kW; capped at 500 W: 18 × (6 − 4 × 0.5) + 10 = 18 × 4 + 10 = 82 kW
    expect(rackKW(pool(wide, { rackOverheadKW: 10 }))).toBeCloseTo(118, 12);
    expect(rackKW(pool(wide, { rackOverheadKW: 10, powerCapWatts: 500 }))).toBeCloseTo(82, 12);
  });
  it("the pool's rackOverheadKW wins over its system's; without either, 0", () => {
    const withOverhead = { ...wide, rackOverheadKW: fig(12) } as GpuSystem;
    expect(rackOverheadKW(pool(withOverhead))).toBe(12);
    expect(rackOverheadKW(pool(withOverhead, { rackOverheadKW: 15 }))).toBe(15);
    expect(rackOverheadKW(pool(wide))).toBe(0);
    // 18 × 6 + 12 = 120 kW
    expect(rackKW(pool(withOverhead))).toBeCloseTo(120, 12);
  });
});

describe("in the envelope", () => {
  it("a B200 pool capped at 1,200 W is charged at 14.3 kW a node", () => {
    const spec = edited(baseSpec(), (s) => {
      s.gpuPools[0].sku = "dgx-b200";
      s.gpuPools[0].powerCapWatts = 1200;
    });
    const site = siteOf(spec);
    const env = evaluate(site, scenarios(site)[0]);
    // 100 nodes × 14.3 kW = 1,430 kW (not 1,590 kW)
    expect(env.loads.find((l) => l.name === "h100")!.itKW).toBeCloseTo(1430, 9);
  });
  it("rejects a cap that is not a positive number, naming the field", () => {
    for (const bad of ["600", 0, -5]) {
      const r = validateSite(edited(baseSpec(), (s) => (s.gpuPools[0].powerCapWatts = bad)));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.issues.map((i) => i.path.join("."))).toContain("gpuPools.0.powerCapWatts");
    }
  });
});
