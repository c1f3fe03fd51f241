/**
 * The built-in catalog obeys the contract's rules: every figure has a source,
 * the floors hold, the air/liquid and rack-scale rules of "The catalog (v2)".
 */
import { describe, expect, it } from "vitest";
import { GPU_SYSTEMS, MINERS, systemFloorKW, type Figure } from "../../components/model";

const systems = Object.values(GPU_SYSTEMS);
const miners = Object.values(MINERS);

const figuresOf = (o: object): [string, Figure][] =>
  Object.entries(o).filter((e): e is [string, Figure] => typeof e[1] === "object" && e[1] !== null && "value" in e[1]);

describe("the built-in catalog", () => {
  it("has every id the contract lists", () => {
    const systems = ["dgx-h100", "dgx-h200", "dgx-b200", "dgx-b300", "gb200-nvl72", "gb300-nvl72", "hgx-h100", "hgx-h200", "hgx-b200", "h100-pcie", "l40s", "mi300x"];
    const miners = ["antminer-s19j-pro", "antminer-s19k-pro", "antminer-s19-xp", "antminer-s21", "antminer-s21-pro", "antminer-s21-xp", "antminer-s21-hyd", "antminer-t21", "whatsminer-m50s", "whatsminer-m60s"];
    for (const id of systems) expect(GPU_SYSTEMS[id]?.id, id).toBe(id);
    for (const id of miners) expect(MINERS[id]?.id, id).toBe(id);
  });

  it("keys every entry by its own id", () => {
    for (const [k, v] of Object.entries(GPU_SYSTEMS)) expect(v.id).toBe(k);
    for (const [k, v] of Object.entries(MINERS)) expect(v.id).toBe(k);
  });

  it("gives every figure a finite value and a source", () => {
    for (const e of [...systems, ...miners]) {
      const figs = figuresOf(e);
      expect(figs.length, e.id).toBeGreaterThanOrEqual(e.id in GPU_SYSTEMS ? 8 : 2);
      for (const [name, f] of figs) {
        expect(Number.isFinite(f.value), `${e.id}.${name}`).toBe(true);
        expect(f.source.trim().length, `${e.id}.${name}`).toBeGreaterThan(0);
        if (f.uncertain !== undefined) expect(f.uncertain, `${e.id}.${name}`).toBe(true);
      }
    }
  });

  it("obeys the floors: systemKW ≥ gpusPerNode × gpuTdpW / 1000, wattsPerUnit ≥ 100", () => {
    for (const s of systems) expect(s.systemKW.value, s.id).toBeGreaterThanOrEqual(systemFloorKW(s));
    for (const m of miners) expect(m.wattsPerUnit.value, m.id).toBeGreaterThanOrEqual(100);
  });

  it("keeps cap ranges ordered and counts whole", () => {
    for (const s of systems) {
      expect(s.powerCapMinW.value, s.id).toBeLessThanOrEqual(s.powerCapMaxW.value);
      expect(Number.isInteger(s.gpusPerNode.value) && Number.isInteger(s.nodesPerRack.value), s.id).toBe(true);
      expect(s.liquidFraction.value, s.id).toBeGreaterThanOrEqual(0);
      expect(s.liquidFraction.value, s.id).toBeLessThanOrEqual(1);
    }
  });

  it("air systems take no liquid; liquid systems give their share", () => {
    for (const s of systems) {
      if (s.cooling === "air") expect(s.liquidFraction.value, s.id).toBe(0);
      else expect(s.liquidFraction.value, s.id).toBeGreaterThan(0);
    }
  });

  it("the contract's air-cooled ids are air, with liquidFraction 0", () => {
    for (const id of Object.keys(GPU_SYSTEMS).filter((x) => /^(dgx-|hgx-)/.test(x) || ["h100-pcie", "l40s", "mi300x"].includes(x))) {
      expect([GPU_SYSTEMS[id].cooling, GPU_SYSTEMS[id].liquidFraction.value, GPU_SYSTEMS[id].rackScale], id).toEqual(["air", 0, false]);
    }
  });

  for (const id of ["gb200-nvl72", "gb300-nvl72"]) {
    it(`${id} is a liquid-cooled rack-scale system of 18 trays with per-rack overhead`, () => {
      const g = GPU_SYSTEMS[id];
      expect([g.cooling, g.rackScale, g.nodesPerRack.value, g.gpusPerNode.value, g.vendor]).toEqual(["liquid", true, 18, 4, "nvidia"]);
      expect(g.rackOverheadKW.value).toBeGreaterThan(0);
      expect(g.liquidFraction.value).toBeGreaterThan(0.5);
      expect(g.liquidFraction.value).toBeLessThan(1);
    });
  }

  it("only the NVL72 systems are rack-scale or liquid", () => {
    for (const s of systems) expect([s.id, s.rackScale, s.cooling === "liquid"]).toEqual([s.id, /nvl72$/.test(s.id), /nvl72$/.test(s.id)]);
  });

  it("keeps the version 1 figures of the version 1 ids", () => {
    const v1: Record<string, [number, number, number, number, number, number]> = {
      "dgx-h100": [8, 700, 200, 700, 10.2, 4],
      "dgx-h200": [8, 700, 200, 700, 10.2, 4],
      "dgx-b200": [8, 1000, 200, 1000, 14.3, 4],
      "gb200-nvl72": [4, 1200, 200, 1200, 6.667, 18],
      "h100-pcie": [8, 350, 200, 350, 5.0, 4],
      l40s: [8, 350, 200, 350, 4.8, 4],
      mi300x: [8, 750, 300, 750, 10.0, 4],
    };
    for (const [id, want] of Object.entries(v1)) {
      const s = GPU_SYSTEMS[id];
      expect([s.gpusPerNode, s.gpuTdpW, s.powerCapMinW, s.powerCapMaxW, s.systemKW, s.nodesPerRack].map((f) => f.value), id).toEqual(want);
    }
    const miners: Record<string, [number, number]> = {
      "antminer-s19j-pro": [100, 3050],
      "antminer-s19-xp": [140, 3010],
      "antminer-s21": [200, 3500],
      "antminer-s21-xp": [270, 3645],
      "antminer-s21-hyd": [335, 5360],
      "whatsminer-m50s": [126, 3276],
      "whatsminer-m60s": [180, 3420],
    };
    for (const [id, want] of Object.entries(miners)) expect([MINERS[id].hashrateTHs.value, MINERS[id].wattsPerUnit.value], id).toEqual(want);
  });

  it("version 1 servers keep rackOverheadKW 0", () => {
    for (const id of ["dgx-h100", "dgx-h200", "dgx-b200", "h100-pcie", "l40s", "mi300x"]) expect(GPU_SYSTEMS[id].rackOverheadKW.value, id).toBe(0);
  });

  it("mi300x is AMD's; the others NVIDIA's", () => {
    for (const s of systems) expect(s.vendor, s.id).toBe(s.id === "mi300x" ? "amd" : "nvidia");
  });

  it("the hydro miner is hydro-cooled, the others air", () => {
    expect(MINERS["antminer-s21-hyd"].cooling).toBe("hydro");
    for (const m of miners) if (!/-hyd/.test(m.id)) expect(m.cooling, m.id).toBe("air");
  });
});
