/**
 * The version 2 arithmetic, worked out by hand: phases that change the grid,
 * equipment in service, substations, generation, itLoads, the liquid/air
 * split of direct-to-chip heat, transients that check cooling, and one
 * policy per broken budget.
 */
import { describe, expect, it } from "vitest";
import {
  envelopeRows,
  evaluate,
  loadStackFile,
  phaseChanges,
  phaseScenario,
  policyOf,
  scenarios,
  siteAt,
  siteEnvelope,
  violationMessage,
  type Budget,
  type Envelope,
  type Site,
} from "../../components/model";
import { baseSpec, edited, siteOf } from "../helpers/sites";
import { ROOT } from "../helpers/stacks";
import * as path from "node:path";

const find = (env: Envelope, kind: Budget["kind"], subject?: string, part?: string): Budget | undefined =>
  env.budgets.find((b) => b.kind === kind && (subject === undefined || b.subject === subject) && (part === undefined || b.part === part));
const must = (b: Budget | undefined): Budget => {
  expect(b).toBeDefined();
  return b as Budget;
};
const atPhase = (site: Site, name: string) => evaluate(site, phaseScenario(site.rollout.phases.find((p) => p.name === name)!));

/** baseSpec with phases p1..pn (each `{}` unless given). */
const phased = (phases: Record<string, unknown>[], edit?: (s: any) => void) =>
  siteOf(
    edited(baseSpec(), (s) => {
      s.rollout = { activePhase: "p1", phases: phases.map((p, i) => ({ name: `p${i + 1}`, ...p })) };
      edit?.(s);
    }),
  );

describe("phases change the grid", () => {
  it("grid fields carry over; firmMW follows interconnectMW until some grid gives it, then carries over", () => {
    const site = phased([{}, { grid: { interconnectMW: 30 } }, { grid: { firmMW: 12 } }, { grid: { interconnectMW: 40, auxMW: 0 } }]);
    expect(site.rollout.phases.map((p) => [p.grid.interconnectMW, p.grid.firmMW, p.grid.auxMW])).toEqual([
      [20, 20, 0.5],
      [30, 30, 0.5],
      [30, 12, 0.5],
      [40, 12, 0],
    ]);
    expect(siteAt(site, "p4").siteLimitMW).toBe(40);
    expect(siteAt(site, "p4").firmLimitMW).toBe(12);
  });

  it("a phase is checked against its own grid: 4.261 MW break 4.2 MW in p1 and fit 4.3 MW in p2", () => {
    // 0.5 + 500 × 3.5 × 1.1 / 1000 + 150 × 10.2 × 1.2 / 1000 = 0.5 + 1.925 + 1.836 = 4.261 MW
    const site = phased([{ mining: { block: 500 }, gpu: { h100: 150 } }, { grid: { interconnectMW: 4.3 } }], (s) => (s.grid.interconnectMW = 4.2));
    expect(must(find(atPhase(site, "p1"), "site", "site")).ok).toBe(false);
    expect(must(find(atPhase(site, "p2"), "site", "site"))).toMatchObject({ ok: true, limit: 4.3 });
    expect(atPhase(site, "p2").facilityMW).toBeCloseTo(4.261, 9);
  });

  it("per-phase overlap overrides rollout.overlap for the transient into that phase", () => {
    const site = phased([{}, { overlap: false }, {}], (s) => (s.rollout.overlap = true));
    expect(scenarios(site).map((x) => `${x.phase}${x.transient ? "~" : ""}`)).toEqual(["p1~", "p1", "p2", "p3~", "p3"]);
    const off = phased([{}, { overlap: true }]);
    expect(scenarios(off).map((x) => `${x.phase}${x.transient ? "~" : ""}`)).toEqual(["p1", "p2~", "p2"]);
  });
});

describe("generation", () => {
  const spec = (gen: Record<string, unknown>[]) =>
    phased([{}, {}], (s) => {
      s.grid = { interconnectMW: 20, firmMW: 10, reservePercent: 10, auxMW: 0.5 };
      s.generation = gen;
    });

  it("raises the site limit, and the firm limit where firm; standby adds to neither", () => {
    const site = spec([
      { name: "gas", type: "gas", capacityMW: 5 }, // firm by default
      { name: "pv", type: "solar", capacityMW: 3 }, // not firm by default
      { name: "ups", type: "battery", capacityMW: 4, firm: true, standby: true },
      { name: "dg", type: "diesel", capacityMW: 2, standby: true },
    ]);
    const st = siteAt(site, "p1");
    expect(st.siteLimitMW).toBeCloseTo((20 + 5 + 3) * 0.9, 12); // 25.2
    expect(st.firmLimitMW).toBeCloseTo((10 + 5) * 0.9, 12); // 13.5
    expect(st.standby.map((g) => g.name)).toEqual(["ups", "dg"]);
    const row = envelopeRows(site)[0];
    expect(row.generation.map((g) => g.name)).toEqual(["gas", "pv"]);
    expect(row.standby.map((g) => [g.name, g.capacityMW])).toEqual([["ups", 4], ["dg", 2]]);
    expect(must(find(atPhase(site, "p1"), "site", "site")).basis).toBe("interconnect 20 MW + gas 5 MW + pv 3 MW, less 10 % reserve");
  });

  it("counts only while in service; a solar plant said to be firm counts as firm", () => {
    const site = spec([
      { name: "gas", type: "gas", capacityMW: 5, inService: { from: "p2" } },
      { name: "pv", type: "solar", capacityMW: 3, firm: true },
    ]);
    expect(siteAt(site, "p1").siteLimitMW).toBeCloseTo(23 * 0.9, 12);
    expect(siteAt(site, "p1").firmLimitMW).toBeCloseTo(13 * 0.9, 12);
    expect(siteAt(site, "p2").siteLimitMW).toBeCloseTo(28 * 0.9, 12);
    expect(siteAt(site, "p2").firmLimitMW).toBeCloseTo(18 * 0.9, 12);
  });
});

describe("equipment in service", () => {
  it("a load in a zone not yet in service breaks that zone's cooling (limit 0), and the message says when it is", () => {
    const site = phased([{ gpu: { h100: 10 } }, {}], (s) => (s.coolingZones[1].inService = { from: "p2" }));
    const env = atPhase(site, "p1");
    const b = must(find(env, "cooling", "hall"));
    expect(b).toMatchObject({ used: 0.102, limit: 0, ok: false, outOfService: true });
    expect(b.basis).toBe("not in service at p1: in service from p2");
    expect(violationMessage(site, env.scenario, env.loads, b)).toMatch(/^phase p1: heat in zone hall 0\.10 MW is over zone hall's usable cooling 0\.00 MW \(not in service at p1: in service from p2\) by 0\.10 MW/);
    expect(must(find(atPhase(site, "p2"), "cooling", "hall"))).toMatchObject({ limit: 4, ok: true });
  });

  it("equipment out of service with nothing on it is a budget of 0 that holds", () => {
    const site = phased([{ gpu: { h100: 0 } }, { gpu: { h100: 10 } }], (s) => (s.coolingZones[1].inService = { from: "p2" }));
    expect(must(find(atPhase(site, "p1"), "cooling", "hall"))).toMatchObject({ used: 0, limit: 0, ok: true, outOfService: true });
  });

  it("a feed retired while a pool still uses it breaks that feed", () => {
    const site = phased([{ gpu: { h100: 10 } }, {}], (s) => (s.feeds[1].inService = { until: "p1" }));
    expect(must(find(atPhase(site, "p1"), "feed", "b")).ok).toBe(true);
    const b = must(find(atPhase(site, "p2"), "feed", "b"));
    expect(b).toMatchObject({ used: 102, limit: 0, ok: false, basis: "not in service at p2: in service until p1" });
    expect(must(find(atPhase(site, "p2"), "feed", "a")).ok).toBe(true);
  });

  it("transformers count only while in service", () => {
    const site = phased([{}, {}], (s) => {
      s.transformers = [
        { name: "t1", ratingMVA: 2, units: 1, powerFactor: 1 },
        { name: "t2", ratingMVA: 3, units: 1, powerFactor: 1, inService: { from: "p2" } },
      ];
    });
    // p1: 0.5 + 1.925 = 2.425 MW against t1's 2 MW; p2: against 5 MW
    expect(must(find(atPhase(site, "p1"), "transformer"))).toMatchObject({ limit: 2, ok: false });
    expect(must(find(atPhase(site, "p1"), "transformer")).basis).toBe("t1, spares held back; t2 in service from p2");
    expect(must(find(atPhase(site, "p2"), "transformer"))).toMatchObject({ limit: 5, ok: true });
  });

  it("the transient into phase k uses phase k's equipment: a zone retired in k must stay `until: k` for the loads leaving in k", () => {
    const spec = (until: string) =>
      phased([{ mining: { block: 500 } }, { mining: { block: 0 } }], (s) => {
        s.rollout.overlap = true;
        s.coolingZones[0].inService = { until };
      });
    const early = siteEnvelope(spec("p1"));
    const into2 = early.find((e) => e.scenario.transient && e.scenario.phase === "p2")!;
    // 500 miners at the larger of 500 and 0: 1.75 MW of heat in a yard not in service in p2
    const b = must(find(into2, "cooling", "yard"));
    expect(b).toMatchObject({ used: 1.75, limit: 0, ok: false });
    expect(policyOf(b, true)).toBe("rollout-transient-budget");
    expect(siteEnvelope(spec("p2")).every((e) => e.violations.length === 0)).toBe(true);
  });

  it("transformers and generation are in service only while their substation is", () => {
    const site = phased([{}, {}], (s) => {
      s.substations = [{ name: "n" }, { name: "s", inService: { from: "p2" } }];
      s.coolingZones[0].substation = "n";
      s.coolingZones[1].substation = "n";
      s.transformers = [{ name: "ts", ratingMVA: 2, units: 1, substation: "s" }];
      s.generation = [{ name: "g", type: "gas", capacityMW: 3, substation: "s" }];
    });
    expect(siteAt(site, "p1").transformers).toEqual([]);
    expect(siteAt(site, "p1").siteLimitMW).toBe(20);
    expect(siteAt(site, "p2").transformers.map((t) => t.name)).toEqual(["ts"]);
    expect(siteAt(site, "p2").siteLimitMW).toBe(23);
    expect(phaseChanges(site, "p2").commissioned).toEqual([
      { kind: "substation", name: "s" },
      { kind: "generation", name: "g" },
      { kind: "transformer", name: "ts" },
    ]);
  });
});

describe("substations", () => {
  /**
   * Zone yard on substation n (interconnect 10), zone hall on s (interconnect
   * 5, firm 2, 1 MW of firm gas). Loads: 1000 miners × 3.5 kW × 1.1 = 3.85 MW
   * at n; h100 × 10.2 kW × 1.2 at s; aux 0.5 MW in the site total only.
   */
  const spec = (nodes: number, edit?: (s: any) => void) =>
    phased([{ mining: { block: 1000 }, gpu: { h100: nodes } }, {}], (s) => {
      s.substations = [
        { name: "n", voltageKV: 345, interconnectMW: 10 },
        { name: "s", voltageKV: 138, interconnectMW: 5, firmMW: 2 },
      ];
      s.coolingZones[0].substation = "n";
      s.coolingZones[1].substation = "s";
      s.generation = [{ name: "g", type: "gas", capacityMW: 1, substation: "s" }];
      s.transformers = [
        { name: "tn", ratingMVA: 5, units: 1, powerFactor: 1, substation: "n" },
        { name: "ts", ratingMVA: 2, units: 2, redundancy: "2N", powerFactor: 0.9, substation: "s" },
      ];
      edit?.(s);
    });

  it("each substation is checked on its own beside the site total", () => {
    const env = atPhase(spec(100), "p1");
    expect(must(find(env, "site", "site"))).toMatchObject({ limit: 21, ok: true });
    expect(env.facilityMW).toBeCloseTo(0.5 + 3.85 + 1.224, 9);
    expect(must(find(env, "site", "n"))).toMatchObject({ substation: "n", limit: 10, ok: true });
    expect(must(find(env, "site", "n")).used).toBeCloseTo(3.85, 9);
    expect(must(find(env, "site", "s")).used).toBeCloseTo(1.224, 9);
    expect(must(find(env, "site", "s")).limit).toBe(6);
    // firm at s: (2 + 1) against 6: checked; the site's firm limit is its site limit: not checked
    expect(must(find(env, "firm", "s"))).toMatchObject({ limit: 3, ok: true });
    expect(find(env, "firm", "firm")).toBeUndefined();
    // transformers per substation, aux excluded: ts = (2 − 1) × 2 × 0.9 = 1.8 MW
    expect(must(find(env, "transformer", "s"))).toMatchObject({ limit: 1.8, ok: true });
    expect(must(find(env, "transformer", "n")).used).toBeCloseTo(3.85, 9);
  });

  it("180 nodes break s's transformers (2.2032 > 1.8) and nothing else; with firmMW 0.5 its firm limit (1.5) too", () => {
    const env = atPhase(spec(180), "p1");
    expect(env.violations.map((v) => `${v.kind}:${v.subject}`)).toEqual(["transformer:s"]);
    const m = violationMessage(spec(180), env.scenario, env.loads, env.violations[0]);
    expect(m).toMatch(/^phase p1: facility power 2\.20 MW through substation s's transformers is over substation s's transformers' 1\.80 MW/);
    const lowFirm = spec(180, (s) => (s.substations[1].firmMW = 0.5));
    expect(atPhase(lowFirm, "p1").violations.map((v) => `${v.kind}:${v.subject}`)).toEqual(["firm:s", "transformer:s"]);
    // 147 × 10.2 × 1.2 = 1.79928 MW fits ts's 1.8 MW; 148 (1.81152) does not
    expect(atPhase(spec(147), "p1").violations).toEqual([]);
    expect(atPhase(spec(148), "p1").violations.map((v) => `${v.kind}:${v.subject}`)).toEqual(["transformer:s"]);
  });

  it("520 nodes break s's own limit (6.367 > 6) while the site total holds", () => {
    const env = atPhase(spec(520), "p1");
    const v = env.violations.map((x) => `${x.kind}:${x.subject}`);
    expect(v).toContain("site:s");
    expect(v).not.toContain("site:site");
    const b = must(find(env, "site", "s"));
    expect(violationMessage(spec(520), env.scenario, env.loads, b)).toMatch(/facility power of substation s's zones 6\.36 MW is over substation s's limit 6\.00 MW \(interconnect 5 MW \+ g 1 MW\)/);
  });

  it("a substation of unknown rating has no limit of its own, but its transformers are still checked", () => {
    const env = atPhase(spec(180, (s) => (s.substations[1] = { name: "s" })), "p1");
    expect(find(env, "site", "s")).toBeUndefined();
    expect(find(env, "firm", "s")).toBeUndefined();
    expect(must(find(env, "transformer", "s")).ok).toBe(false);
  });

  it("a load behind a substation not in service breaks that substation's budget once (not also its transformers')", () => {
    const site = spec(10, (s) => (s.substations[1].inService = { from: "p2" }));
    const env = atPhase(site, "p1");
    expect(env.violations.map((v) => `${v.kind}:${v.subject}`)).toEqual(["site:s"]);
    expect(env.violations[0]).toMatchObject({ limit: 0, outOfService: true, basis: "not in service at p1: in service from p2" });
    expect(policyOf(env.violations[0], false)).toBe("site-power-budget");
  });
});

describe("itLoads", () => {
  it("an itLoad's MW go through every budget: site, firm, transformers, feeds and cooling", () => {
    const edit = (it: number) =>
      phased([{ gpu: { h100: 0 }, it: { store: it } }], (s) => {
        s.itLoads = [{ name: "store", coolingZone: "hall", feeds: ["a"] }];
        s.grid.firmMW = 10;
        s.transformers = [{ name: "t", ratingMVA: 10, units: 1, powerFactor: 1 }];
      });
    const without = atPhase(edit(0), "p1");
    const env = atPhase(edit(0.5), "p1");
    const delta = (kind: Budget["kind"], subject: string) => must(find(env, kind, subject)).used - must(find(without, kind, subject)).used;
    expect(delta("site", "site")).toBeCloseTo(0.6, 9); // 0.5 MW × PUE 1.2
    expect(delta("firm", "firm")).toBeCloseTo(0.6, 9); // not curtailable by default
    expect(delta("transformer", "transformers")).toBeCloseTo(0.6, 9);
    expect(delta("feed", "a")).toBeCloseTo(500, 9); // kW
    expect(delta("feed", "b")).toBe(0);
    expect(delta("cooling", "hall")).toBeCloseTo(0.5, 9);
  });

  it("before the rollout and until a phase gives it, an itLoad draws nothing; its MW carry over", () => {
    const site = phased([{}, { it: { store: 1 } }, {}], (s) => (s.itLoads = [{ name: "store", coolingZone: "hall" }]));
    expect(site.rollout.phases.map((p) => p.it.store)).toEqual([0, 1, 1]);
  });

  it("a breach by an itLoad proposes lowering it", () => {
    const site = phased([{ gpu: { h100: 0 }, it: { store: 5 } }], (s) => (s.itLoads = [{ name: "store", coolingZone: "hall" }]));
    const env = atPhase(site, "p1");
    const b = must(find(env, "cooling", "hall"));
    expect(violationMessage(site, env.scenario, env.loads, b)).toMatch(/lower itLoad store by 1 MW \(5 → 4 MW\)/);
  });
});

describe("direct-to-chip heat split", () => {
  /** hall: 4 MW liquid (N), air side 1 MW in 2 units N+1 = 0.5 MW usable. */
  const spec = (nodes: number, dlcMW: number, air = true) =>
    phased([{ gpu: { h100: nodes }, it: { dlc: dlcMW, fan: 0.1 } }], (s) => {
      if (air) s.coolingZones[1].air = { capacityMW: 1, units: 2, redundancy: "N+1" };
      s.itLoads = [
        { name: "dlc", coolingZone: "hall", liquidFraction: 0.8 },
        { name: "fan", coolingZone: "yard", liquidFraction: 0.8 },
      ];
    });

  it("liquid heat Σ IT × liquidFraction against the zone, air heat the rest against the air side", () => {
    // liquid: 1 × 0.8 = 0.8 MW; air: 1 × 0.2 + 30 × 10.2 kW (an air-cooled DGX: all to air) = 0.2 + 0.306 = 0.506 MW
    const env = atPhase(spec(30, 1), "p1");
    expect(must(find(env, "cooling", "hall", "liquid"))).toMatchObject({ limit: 4, ok: true });
    expect(must(find(env, "cooling", "hall", "liquid")).used).toBeCloseTo(0.8, 9);
    const air = must(find(env, "cooling", "hall", "air"));
    expect(air.used).toBeCloseTo(0.506, 9);
    expect(air.limit).toBeCloseTo(0.5, 12);
    expect(air.ok).toBe(false);
    expect(violationMessage(spec(30, 1), env.scenario, env.loads, air)).toMatch(/^phase p1: air heat in zone hall 0\.51 MW is over zone hall's usable air cooling 0\.50 MW/);
    expect(atPhase(spec(29, 1), "p1").violations).toEqual([]);
  });

  it("without an air side all heat is checked against the zone, as in version 1", () => {
    const env = atPhase(spec(30, 1, false), "p1");
    expect(env.budgets.filter((b) => b.kind === "cooling" && b.subject === "hall").map((b) => [b.part, b.used])).toEqual([[undefined, 1.306]]);
  });

  it("an itLoad's liquidFraction counts only in direct-to-chip zones", () => {
    const env = atPhase(spec(0, 0), "p1");
    expect(env.loads.find((l) => l.name === "fan")!.liquidFraction).toBe(0);
    expect(env.loads.find((l) => l.name === "dlc")!.liquidFraction).toBe(0.8);
  });
});

describe("rack-scale pools", () => {
  const site = loadStackFile(path.join(ROOT, "stacks", "Pulumi.red-hills.yaml")).site;
  const pool = site.gpuPools[0];

  it("take the catalog's nodesPerRack, rack overhead and liquid share", () => {
    expect(pool).toMatchObject({ rackScale: true, nodesPerRack: 18, rackOverheadKW: 12, liquidFraction: 0.85 });
  });

  it("split their heat in a direct-to-chip zone with an air side: 85 % to the loop", () => {
    const env = atPhase(site, "rebuild");
    const it = env.loads.find((l) => l.name === "gb200")!.itKW;
    expect(must(find(env, "cooling", "hall", "liquid")).used).toBeCloseTo((it * 0.85) / 1000, 9);
    // the rest of the racks' heat and the air-cooled storage (0.15 MW) to the room air
    expect(must(find(env, "cooling", "hall", "air")).used).toBeCloseTo((it * 0.15) / 1000 + 0.15, 9);
  });

  it("more nodes fit in whole racks only", () => {
    const fit = envelopeRows(site).find((r) => r.name === "rebuild")!.pools[0].moreNodesFit!;
    expect(fit % 18).toBe(0);
    expect(fit).toBeGreaterThan(0);
  });
});

describe("one cause, one violation", () => {
  it("firm-power-budget is checked only where the firm limit is below the site limit", () => {
    const firm = (firmMW?: number) => atPhase(phased([{}], (s) => firmMW !== undefined && (s.grid.firmMW = firmMW)), "p1");
    expect(find(firm(), "firm")).toBeUndefined();
    expect(find(firm(20), "firm")).toBeUndefined();
    expect(must(find(firm(19.9), "firm")).limit).toBe(19.9);
  });

  it("a transient's breaks belong to rollout-transient-budget, a pool's rack density to rack-density at every moment", () => {
    expect(policyOf({ kind: "cooling" }, true)).toBe("rollout-transient-budget");
    expect(policyOf({ kind: "cooling" }, false)).toBe("cooling-capacity");
    expect(policyOf({ kind: "site" }, false)).toBe("site-power-budget");
    expect(policyOf({ kind: "firm" }, false)).toBe("firm-power-budget");
    expect(policyOf({ kind: "transformer" }, false)).toBe("transformer-capacity");
    expect(policyOf({ kind: "feed" }, false)).toBe("feed-continuous-load");
    expect(policyOf({ kind: "rack" }, true)).toBe("rack-density");
    expect(policyOf({ kind: "rack" }, false)).toBe("rack-density");
  });
});

describe("the pecos-yard example, as the reports see it", () => {
  const site = loadStackFile(path.join(ROOT, "stacks", "Pulumi.pecos-yard.yaml")).site;
  const rows = envelopeRows(site);
  const row = (name: string, transient = false) => rows.find((r) => r.name === name && r.transient === transient)!;

  it("phase-3 steps the grid and commissions the south side", () => {
    expect(phaseChanges(site, "phase-3")).toEqual({
      grid: [
        { field: "interconnectMW", from: 150, to: 200 },
        { field: "firmMW", from: 60, to: 90 },
      ],
      commissioned: [
        { kind: "substation", name: "south" },
        { kind: "generation", name: "gas-south" },
        { kind: "transformer", name: "south-1" },
        { kind: "feed", name: "hall-b-1" },
        { kind: "feed", name: "hall-b-2" },
        { kind: "coolingZone", name: "hall-b" },
      ],
      retired: [],
    });
    expect(row("phase-1").changes).toEqual({ grid: [], commissioned: [], retired: [] });
  });

  it("each row carries the moment's date, grid, limits, substations and generation", () => {
    expect(row("phase-1")).toMatchObject({ start: "2026-03-01", siteLimitMW: 142.5, firmLimitMW: 57, grid: { interconnectMW: 150, firmMW: 60 } });
    // phase-3: (200 + 20 gas) × 0.95 = 209; firm (90 + 20) × 0.95 = 104.5
    expect(row("phase-3")).toMatchObject({ start: "2027-06-01", siteLimitMW: 209, firmLimitMW: 104.5 });
    expect(row("phase-3").generation.map((g) => g.name)).toEqual(["gas-south"]);
    expect(row("phase-3").standby.map((g) => g.name)).toEqual(["gensets-north"]);
    expect(row("phase-3").substations.find((s) => s.name === "south")).toMatchObject({ inService: true, limitMW: 66.5, firmLimitMW: 47.5, generationMW: 20 });
    expect(row("phase-1").substations.find((s) => s.name === "south")).toMatchObject({ inService: false, facilityMW: 0 });
    expect(row("phase-1").inService.coolingZone).toEqual(["yard", "hall-a"]);
    // the transient into phase-3 is checked with phase-3's equipment and limits
    expect(row("phase-3", true)).toMatchObject({ from: "phase-2", siteLimitMW: 209 });
    expect(row("phase-3", true).budgets.some((b) => b.kind === "cooling" && b.subject === "hall-b")).toBe(true);
    // per-phase overlap: false for phase-2, so no transient into it
    expect(rows.map((r) => `${r.name}${r.transient ? "~" : ""}`)).toEqual(["phase-1~", "phase-1", "phase-2", "phase-3~", "phase-3"]);
  });

  it("every budget row names the policy that reports it", () => {
    for (const r of rows) for (const b of r.budgets) expect(b.policy).toBe(policyOf(b, r.transient));
  });
});
