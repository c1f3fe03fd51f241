/**
 * cooling-compatibility's rules in the model (contract v2, "Policies"), each
 * with a site worked out by hand: which loads are judged, at which moments,
 * and what the message and the fix say.
 */
import { describe, expect, it } from "vitest";
import { applyChanges, coolingFindings, coolingMessage, coolingMismatches, coolingRemedies, validateSite } from "../../components/model";
import { baseSpec, edited, siteOf } from "../helpers/sites";

/** baseSpec with a hydro and an immersion zone besides the air yard and the direct-to-chip hall. */
function zoned(edit: (s: any) => void = () => {}) {
  return edited(baseSpec(), (s) => {
    s.coolingZones.push({ name: "hyd", type: "hydro", capacityMW: 10, pue: 1.05 }, { name: "tank", type: "immersion", capacityMW: 10, pue: 1.05 });
    edit(s);
  });
}
const nvl = (zone: string) => (s: any) => {
  s.gpuPools[0].sku = "gb200-nvl72";
  s.gpuPools[0].coolingZone = zone;
  s.rollout.phases[0].gpu.h100 = 36;
};
const judged = (spec: Record<string, unknown>) => coolingMismatches(siteOf(spec)).map((m) => `${m.name}@${m.zone}`);

describe("liquid-cooled GPU systems", () => {
  it("need a direct-to-chip or immersion zone", () => {
    expect(judged(zoned(nvl("yard")))).toEqual(["h100@yard"]);
    expect(judged(zoned(nvl("hyd")))).toEqual(["h100@hyd"]);
    expect(judged(zoned(nvl("hall")))).toEqual([]);
    expect(judged(zoned(nvl("tank")))).toEqual([]);
  });
  it("an air-cooled system is not judged, in any zone", () => {
    for (const zone of ["yard", "hall", "hyd", "tank"]) expect(judged(zoned((s) => (s.gpuPools[0].coolingZone = zone)))).toEqual([]);
  });
  it("the message names the moment, the load, the zone and where it fits", () => {
    const site = siteOf(zoned(nvl("yard")));
    const f = coolingFindings(site);
    expect(f).toHaveLength(1);
    expect(coolingMessage(site, f[0])).toBe(
      "phase p1: pool h100 (gb200-nvl72, liquid-cooled) runs 36 nodes in zone yard (air); it needs liquid cooling (a direct-to-chip or immersion zone). " +
        "To fit: move h100 to zone hall (direct-to-chip); or move h100 to zone tank (immersion).",
    );
  });
  it("with no zone that fits, the fix is a new zone", () => {
    const site = siteOf(edited(baseSpec(), nvl("yard")));
    const noHall = siteOf(
      edited(baseSpec(), (s) => {
        nvl("yard")(s);
        s.coolingZones = s.coolingZones.filter((z: any) => z.name !== "hall");
      }),
    );
    expect(coolingMessage(site, coolingFindings(site)[0])).toMatch(/To fit: move h100 to zone hall \(direct-to-chip\)\.$/);
    expect(coolingMessage(noHall, coolingFindings(noHall)[0])).toMatch(/To fit: add a zone of type direct-to-chip or immersion \(a retrofit is a new zone, in service from its phase\) and move h100 there\.$/);
  });
});

describe("miners", () => {
  const block = (model: string, zone: string) => (s: any) => Object.assign(s.mining[0], { model, coolingZone: zone });
  it("a hydro miner needs a hydro zone", () => {
    expect(judged(zoned(block("antminer-s21-hyd", "yard")))).toEqual(["block@yard"]);
    expect(judged(zoned(block("antminer-s21-hyd", "tank")))).toEqual(["block@tank"]);
    expect(judged(zoned(block("antminer-s21-hyd", "hyd")))).toEqual([]);
  });
  it("an air-cooled miner may not run in a hydro zone, and may elsewhere", () => {
    expect(judged(zoned(block("antminer-s21", "hyd")))).toEqual(["block@hyd"]);
    for (const zone of ["yard", "hall", "tank"]) expect(judged(zoned(block("antminer-s21", zone)))).toEqual([]);
  });
  it("a block given by wattsPerUnit alone is not judged", () => {
    const spec = zoned((s) => {
      delete s.mining[0].model;
      Object.assign(s.mining[0], { wattsPerUnit: 3500, coolingZone: "hyd" });
    });
    expect(judged(spec)).toEqual([]);
  });
});

describe("the moments a load is judged at", () => {
  const rollout = (overlap: boolean) => (s: any) => {
    s.mining[0].model = "antminer-s21";
    s.mining[0].coolingZone = "hyd"; // air miners in a hydro zone
    s.rollout = {
      activePhase: "p1",
      overlap,
      phases: [
        { name: "p1", mining: { block: 500 }, gpu: { h100: 0 } },
        { name: "p2", mining: { block: 0 }, gpu: { h100: 10 } },
        { name: "p3", mining: { block: 0 }, gpu: { h100: 20 } },
      ],
    };
  };
  const moments = (spec: Record<string, unknown>) =>
    coolingFindings(siteOf(spec)).map((f) => `${f.scenario.transient ? "into " : ""}${f.scenario.phase}:${f.count}`);
  it("each phase end where it runs; never the site before the rollout", () => {
    // the 1,000 units before the rollout are not a checked moment; p1 runs 500; p2 and p3 none
    expect(moments(zoned(rollout(false)))).toEqual(["p1:500"]);
  });
  it("with overlap, each transient where it runs too, at the larger count", () => {
    // into p1: max(1000, 500) = 1000; p1: 500; into p2: max(500, 0) = 500; p2, into p3, p3: 0
    expect(moments(zoned(rollout(true)))).toEqual(["into p1:1000", "p1:500", "into p2:500"]);
  });
  it("the transient's message names the transient", () => {
    const site = siteOf(zoned(rollout(true)));
    const msgs = coolingFindings(site).map((f) => coolingMessage(site, f));
    expect(msgs[2]).toMatch(/^the transient into p2 \(.*\): mining block block \(antminer-s21, air-cooled\) runs 500 units in zone hyd \(hydro\); it needs air cooling \(not a hydro zone\)\. To fit: move block to zone yard \(air\); or move block to zone hall \(direct-to-chip\); or move block to zone tank \(immersion\)\.$/);
  });
});

describe("bad input", () => {
  it("a zone type that is not one of the five is rejected, naming the field", () => {
    const r = validateSite(zoned((s) => (s.coolingZones[2].type = "liquid")));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path.join("."))).toContain("coolingZones.2.type");
  });
});

describe("site catalog entries", () => {
  it("an immersion miner of the site's catalog needs an immersion zone", () => {
    const spec = (zone: string) =>
      zoned((s) => {
        s.catalog = { gpuSystems: [], miners: [{ id: "dip-miner", wattsPerUnit: 5500, cooling: "immersion" }] };
        Object.assign(s.mining[0], { model: "dip-miner", coolingZone: zone });
      });
    expect(judged(spec("yard"))).toEqual(["block@yard"]);
    expect(judged(spec("hyd"))).toEqual(["block@hyd"]);
    expect(judged(spec("tank"))).toEqual([]);
  });
  it("a liquid system of the site's catalog needs a liquid zone; one without cooling is air", () => {
    const sys = { id: "oem-8", gpusPerNode: 8, gpuTdpW: 700, powerCapMinW: 200, powerCapMaxW: 700, systemKW: 10, nodesPerRack: 4 };
    const spec = (extra: Record<string, unknown>) =>
      zoned((s) => {
        s.catalog = { gpuSystems: [{ ...sys, ...extra }], miners: [] };
        Object.assign(s.gpuPools[0], { sku: "oem-8", coolingZone: "yard" });
      });
    expect(judged(spec({ cooling: "liquid", liquidFraction: 0.8 }))).toEqual(["h100@yard"]);
    expect(judged(spec({}))).toEqual([]);
  });
  it("a miner's cooling that is not air, hydro or immersion is rejected, naming the field", () => {
    const r = validateSite(zoned((s) => (s.catalog = { gpuSystems: [], miners: [{ id: "x", wattsPerUnit: 3000, cooling: "water" }] })));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path.join("."))).toContain("catalog.miners.0.cooling");
  });
});

describe("remedies are feasible", () => {
  it("every move it proposes, applied to the spec, validates and leaves that load judged fine", () => {
    const specs = [zoned(nvl("yard")), zoned(nvl("hyd")), zoned((s) => Object.assign(s.mining[0], { model: "antminer-s21-hyd", coolingZone: "yard" })), zoned((s) => (s.mining[0].coolingZone = "hyd"))];
    let applied = 0;
    for (const spec of specs) {
      const site = siteOf(spec);
      const findings = coolingFindings(site);
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) {
        for (const r of coolingRemedies(site, f)) {
          expect(r.changes.length, r.text).toBeGreaterThan(0);
          const fixed = validateSite(applyChanges(spec, r.changes));
          expect(fixed.ok, r.text).toBe(true);
          if (fixed.ok) expect(coolingMismatches(fixed.site).filter((m) => m.name === f.mismatch.name), r.text).toEqual([]);
          applied++;
        }
      }
    }
    // 2 + 2 moves for the NVL72 (hall, tank), 1 for the hydro miner (hyd), 3 for the air miner (yard, hall, tank)
    expect(applied).toBe(8);
  });
});
