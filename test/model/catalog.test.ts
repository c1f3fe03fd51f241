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

  it("GB200 NVL72 is a liquid-cooled rack-scale system of 18 trays with per-rack overhead", () => {
    const g = GPU_SYSTEMS["gb200-nvl72"];
    expect([g.cooling, g.rackScale, g.nodesPerRack.value, g.gpusPerNode.value, g.vendor]).toEqual(["liquid", true, 18, 4, "nvidia"]);
    expect(g.rackOverheadKW.value).toBeGreaterThan(0);
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
