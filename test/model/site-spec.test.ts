/**
 * Invalid site specs: each kind of error names the file, the field path and
 * the line (and column), suggests the nearest valid name where one fits, and
 * never throws anything but a SiteSpecError.
 */
import { describe, expect, it } from "vitest";
import { parseStackText, SiteSpecError, GPU_SYSTEMS, MINERS, siteCatalog } from "../../components/model";
import { exampleText, EXAMPLES, lineOf, replaceOnce } from "../helpers/stacks";
import { errorsOf, FILE } from "../helpers/spec-errors";


interface Case {
  name: string;
  stack?: string;
  from: string;
  to: string;
  /** The text on the line the error must point at. */
  at: string;
  path: string;
  message: RegExp;
}

const cases: Case[] = [
  { name: "unknown key, with the nearest valid one", from: "reservePercent: 5", to: "reservePercnt: 5", at: "reservePercnt", path: "repower:site.grid.reservePercnt", message: /unknown key "reservePercnt"; did you mean "reservePercent"\?/ },
  { name: "unknown key in a list item", from: "        coolingZone: hall-b\n", to: "        coolingZone: hall-b\n        colour: red\n", at: "colour: red", path: "repower:site.gpuPools[1].colour", message: /unknown key "colour"/ },
  { name: "wrong type", from: "ratingMVA: 50", to: 'ratingMVA: "50"', at: 'ratingMVA: "50"', path: "repower:site.transformers[0].ratingMVA", message: /must be a number, found the string "50"/ },
  { name: "negative number", from: "interconnectMW: 150        #", to: "interconnectMW: -150        #", at: "interconnectMW: -150", path: "repower:site.grid.interconnectMW", message: /must be more than 0/ },
  { name: "zero where positive", from: "capacityMW: 24", to: "capacityMW: 0", at: "capacityMW: 0", path: "repower:site.coolingZones[1].capacityMW", message: /must be more than 0/ },
  { name: "NaN", from: "auxMW: 0.8", to: "auxMW: .nan", at: "auxMW: .nan", path: "repower:site.grid.auxMW", message: /must be a number.*finite/ },
  { name: "fractional count", from: "units: 16000", to: "units: 16000.5", at: "units: 16000.5", path: "repower:site.mining[0].units", message: /whole number/ },
  { name: "enum typo", from: "type: direct-to-chip\n        capacityMW: 24", to: "type: direct-to-chp\n        capacityMW: 24", at: "direct-to-chp", path: "repower:site.coolingZones[1].type", message: /must be one of .*did you mean "direct-to-chip"/ },
  { name: "dangling cooling zone, with suggestion", from: "coolingZone: hall-a\n", to: "coolingZone: hal-a\n", at: "coolingZone: hal-a", path: "repower:site.gpuPools[0].coolingZone", message: /unknown cooling zone "hal-a"; did you mean "hall-a"\?/ },
  { name: "dangling feed", from: "feeds: [hall-b-1, hall-b-2]", to: "feeds: [hall-b-1, hall-b-22]", at: "hall-b-22", path: "repower:site.gpuPools[1].feeds[1]", message: /unknown feed "hall-b-22"; did you mean "hall-b-2"\?/ },
  { name: "unknown SKU", from: "sku: dgx-b200", to: "sku: dgx-b20", at: "sku: dgx-b20", path: "repower:site.gpuPools[1].sku", message: /unknown GPU system "dgx-b20"; nearest known: "dgx-b200"/ },
  { name: "unknown miner model", from: "model: antminer-s19-xp", to: "model: antminer-s19-xq", at: "antminer-s19-xq", path: "repower:site.mining[1].model", message: /unknown miner model "antminer-s19-xq"; nearest known: "antminer-s19-xp"/ },
  { name: "duplicate names", from: "- name: yard-south", to: "- name: yard-north", at: "- name: yard-north\n        model: antminer-s19-xp", path: "repower:site.mining[1].name", message: /duplicate mining block name "yard-north"/ },
  { name: "phase names an unknown pool", from: "gpu: { b200-b: 1600 }", to: "gpu: { b200: 1600 }", at: "gpu: { b200: 1600 }", path: "repower:site.rollout.phases[2].gpu.b200", message: /unknown GPU pool "b200"; did you mean "b200-b"\?/ },
  { name: "phase names an unknown mining block", from: "mining: { yard-north: 8000 }", to: "mining: { yard-nort: 8000 }", at: "{ yard-nort: 8000 }", path: "repower:site.rollout.phases[2].mining.yard-nort", message: /unknown mining block "yard-nort"; did you mean "yard-north"\?/ },
  { name: "activePhase unknown", from: "activePhase: phase-1", to: "activePhase: phase-4", at: "activePhase: phase-4", path: "repower:site.rollout.activePhase", message: /unknown phase "phase-4"/ },
  { name: "2N with an odd number of units", stack: "red-hills", from: "units: 4\n        redundancy: 2N", to: "units: 3\n        redundancy: 2N", at: "units: 3", path: "repower:site.transformers[0].units", message: /2N redundancy needs an even number of units, got 3/ },
  { name: "more miners than the fleet", from: "mining: { yard-north: 8000 }", to: "mining: { yard-north: 18000 }", at: "yard-north: 18000", path: "repower:site.rollout.phases[2].mining.yard-north", message: /runs 18000 miners but the fleet "yard-north" has 16000/ },
  { name: "firm above the interconnect", from: "firmMW: 60                 #", to: "firmMW: 160                 #", at: "firmMW: 160", path: "repower:site.grid.firmMW", message: /more than interconnectMW/ },
  { name: "eks-hybrid without an EKS cluster", stack: "prairie-burst", from: "type: eks\n", to: "type: existing\n", at: "type: eks-hybrid", path: "repower:site.gpuPools[0].backend.type", message: /eks-hybrid needs cluster.type: eks/ },
  { name: "cloud pool with a cooling zone", stack: "prairie-burst", from: "placement: cloud\n", to: "placement: cloud\n        coolingZone: hall-c\n", at: "coolingZone: hall-c\n        backend", path: "repower:site.gpuPools[1].coolingZone", message: /cloud pool is not cooled by the site/ },
  { name: "site name not a DNS label", from: "name: pecos-yard", to: "name: Pecos_Yard", at: "name: Pecos_Yard", path: "repower:site.name", message: /DNS-1123 label/ },
];

describe("invalid site specs", () => {
  for (const c of cases) {
    it(c.name, () => {
      const text = replaceOnce(exampleText(c.stack ?? "pecos-yard"), c.from, c.to);
      const err = errorsOf(text);
      const line = lineOf(text, c.at);
      const lines = err.message.split("\n");
      const hit = lines.find((l) => l.includes(`${c.path}:`));
      expect(hit, err.message).toBeDefined();
      expect(hit).toMatch(c.message);
      expect(hit!.startsWith(`${FILE}:${line}:`), `${hit} should be at line ${line}`).toBe(true);
      expect(err.message).not.toMatch(/\n\s+at /);
    });
  }

  it("reports every problem at once, in line order", () => {
    let text = replaceOnce(exampleText("pecos-yard"), "coolingZone: hall-a\n", "coolingZone: hal-a\n");
    text = replaceOnce(text, "activePhase: phase-1", "activePhase: phase-9");
    const err = errorsOf(text);
    expect(err.issues.length).toBe(2);
    expect(err.issues[0].line!).toBeLessThan(err.issues[1].line!);
  });

  const fileCases: [string, string, RegExp, number][] = [
    ["broken YAML", "config:\n  repower:site: [\n", /invalid YAML/, 3],
    ["an empty file", "", /the file is empty/, 1],
    ["a non-map root", "- a\n- b\n", /top level must be a map/, 1],
    ["the wrong config key", "config:\n  repower:sites:\n    name: x\n", /missing repower:site; did you mean "repower:sites"\?/, 2],
    ["no config key", "confg:\n  repower:site: {}\n", /missing the config key; did you mean "confg"\?/, 1],
    ["duplicate keys", "config:\n  repower:site:\n    name: a\n    name: b\n", /invalid YAML.*unique/, 4],
  ];
  for (const [name, text, message, line] of fileCases) {
    it(`file-level: ${name}`, () => {
      const err = errorsOf(text);
      expect(err.message).toMatch(message);
      expect(err.message).toMatch(new RegExp(`^${FILE.replace(/\./g, "\\.")}:${line}:\\d+: `));
    });
  }
});

describe("the example stacks", () => {
  for (const stack of EXAMPLES) {
    it(`${stack} is valid`, () => {
      expect(() => parseStackText(exampleText(stack), `stacks/Pulumi.${stack}.yaml`)).not.toThrow();
    });
  }
});

describe("the catalog", () => {
  it("marks uncertain figures and gives every figure a source", () => {
    for (const g of Object.values(GPU_SYSTEMS)) {
      for (const f of [g.gpusPerNode, g.gpuTdpW, g.powerCapMinW, g.powerCapMaxW, g.systemKW, g.nodesPerRack]) {
        expect(f.source.length).toBeGreaterThan(0);
      }
    }
    expect(GPU_SYSTEMS["dgx-b200"].gpuTdpW.uncertain).toBe(true);
    expect(GPU_SYSTEMS["dgx-h100"].systemKW.uncertain).toBeUndefined();
    expect(MINERS["antminer-s21"].wattsPerUnit.uncertain).toBe(true);
    expect(MINERS["antminer-s19-xp"].wattsPerUnit.value).toBe(3010);
  });
  it("a site adds entries and overrides built-in ones field by field", () => {
    const c = siteCatalog({
      catalog: {
        gpuSystems: [
          { id: "dgx-b200", systemKW: 15 },
          { id: "my-server", gpusPerNode: 4, gpuTdpW: 400, powerCapMinW: 150, powerCapMaxW: 400, systemKW: 3, nodesPerRack: 8 },
        ],
        miners: [{ id: "antminer-s21", wattsPerUnit: { value: 3600, source: "metered at our site" } }],
      },
    });
    expect(c.gpuSystems["dgx-b200"].systemKW).toEqual({ value: 15, source: "site catalog (repower:site.catalog)" });
    expect(c.gpuSystems["dgx-b200"].gpusPerNode.value).toBe(8);
    expect(c.gpuSystems["my-server"].nodesPerRack.value).toBe(8);
    expect(c.miners["antminer-s21"].wattsPerUnit).toEqual({ value: 3600, source: "metered at our site" });
  });
  it("a new catalog entry must give every figure", () => {
    const text = replaceOnce(
      exampleText("pecos-yard"),
      "    cluster:\n",
      "    catalog:\n      gpuSystems:\n        - id: half-server\n          systemKW: 3\n    cluster:\n",
    );
    const err = errorsOf(text);
    expect(err.message).toMatch(/catalog\.gpuSystems\[0\]\.gpuTdpW: required for a new GPU system "half-server"/);
  });
});
