/**
 * Invalid input for the fields and rules of site model version 2: each is
 * rejected with the file, the field path and the line (edits of the
 * pecos-yard and red-hills examples, which use every v2 field).
 */
import { describe, expect, it } from "vitest";
import { parseStackText, SiteSpecError } from "../../components/model";
import { exampleText, lineOf, replaceOnce } from "../helpers/stacks";
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

const P = "repower:site.";
const cases: Case[] = [
  // phases: start, grid, overlap, it
  { name: "start: a date that does not exist", from: "start: 2026-09-01", to: "start: 2026-02-30", at: "start: 2026-02-30", path: `${P}rollout.phases[1].start`, message: /must be a date written YYYY-MM-DD \(no time\) that exists, found the string "2026-02-30"/ },
  { name: "start: a time included", from: "start: 2026-09-01", to: "start: 2026-09-01T08:00:00Z", at: "start: 2026-09-01T08", path: `${P}rollout.phases[1].start`, message: /YYYY-MM-DD \(no time\)/ },
  { name: "start: another format", from: "start: 2026-09-01", to: "start: 09/01/2026", at: "start: 09/01/2026", path: `${P}rollout.phases[1].start`, message: /YYYY-MM-DD/ },
  { name: "start: a number", from: "start: 2026-09-01", to: "start: 20260901", at: "start: 20260901", path: `${P}rollout.phases[1].start`, message: /must be a string, found number 20260901/ },
  { name: "start: dates going backwards", from: "start: 2027-06-01", to: "start: 2026-08-31", at: "start: 2026-08-31", path: `${P}rollout.phases[2].start`, message: /2026-08-31 is before 2026-09-01, the start of phase-2; phase dates never go backwards/ },
  { name: "phase grid: firmMW above the carried interconnect", from: "grid: { interconnectMW: 200, firmMW: 90 }", to: "grid: { firmMW: 160 }", at: "grid: { firmMW: 160 }", path: `${P}rollout.phases[2].grid.firmMW`, message: /firmMW 160 is more than interconnectMW 150 from this phase on/ },
  { name: "phase grid: a carried firmMW above a lowered interconnect", from: "grid: { interconnectMW: 200, firmMW: 90 }", to: "grid: { interconnectMW: 50 }", at: "grid: { interconnectMW: 50 }", path: `${P}rollout.phases[2].grid.interconnectMW`, message: /firmMW 60 is more than interconnectMW 50 from this phase on \(firmMW 60 carries over/ },
  { name: "phase grid: unknown field", from: "grid: { interconnectMW: 200, firmMW: 90 }", to: "grid: { interconnectMW: 200, firmMw: 90 }", at: "grid: { interconnectMW: 200, firmMw", path: `${P}rollout.phases[2].grid.firmMw`, message: /unknown key "firmMw"; did you mean "firmMW"\?/ },
  { name: "phase grid: reserve of 100 %", from: "grid: { interconnectMW: 200, firmMW: 90 }", to: "grid: { reservePercent: 100 }", at: "grid: { reservePercent: 100 }", path: `${P}rollout.phases[2].grid.reservePercent`, message: /must be less than 100/ },
  { name: "phase overlap: not a boolean", from: "overlap: false         #", to: "overlap: no-thanks         #", at: "overlap: no-thanks", path: `${P}rollout.phases[1].overlap`, message: /must be true or false/ },
  { name: "phase it: an unknown itLoad", from: "it: { fabric-a: 0.3 }", to: "it: { fabric-b: 0.3 }", at: "it: { fabric-b: 0.3 }", path: `${P}rollout.phases[0].it.fabric-b`, message: /unknown itLoad "fabric-b"; did you mean "fabric-a"\?/ },
  { name: "phase it: negative MW", from: "it: { fabric-a: 0.3 }", to: "it: { fabric-a: -0.3 }", at: "it: { fabric-a: -0.3 }", path: `${P}rollout.phases[0].it.fabric-a`, message: /must not be negative/ },
  // inService
  { name: "inService: from an unknown phase", from: "firmMW: 30\n        inService: { from: phase-3 }", to: "firmMW: 30\n        inService: { from: phase-4 }", at: "inService: { from: phase-4 }", path: `${P}substations[1].inService.from`, message: /unknown phase "phase-4"; did you mean "phase-\d"\?/ },
  { name: "inService: until an unknown phase", stack: "red-hills", from: "inService: { until: decommission }", to: "inService: { until: decomission }", at: "inService: { until: decomission }", path: `${P}coolingZones[0].inService.until`, message: /unknown phase "decomission"; did you mean "decommission"\?/ },
  { name: "inService: from after until", stack: "red-hills", from: "inService: { until: decommission }", to: "inService: { from: rebuild, until: decommission }", at: "inService: { from: rebuild, until", path: `${P}coolingZones[0].inService.from`, message: /phase "rebuild" comes after "decommission"/ },
  { name: "inService: an unknown key", from: "firmMW: 30\n        inService: { from: phase-3 }", to: "firmMW: 30\n        inService: { since: phase-3 }", at: "inService: { since: phase-3 }", path: `${P}substations[1].inService.since`, message: /unknown key "since"/ },
  { name: "inService on a feed: unknown phase", from: "amperage: 1500, inService: { from: phase-3 } }\n      - { name: hall-b-2", to: "amperage: 1500, inService: { from: phase-9 } }\n      - { name: hall-b-2", at: "from: phase-9", path: `${P}feeds[2].inService.from`, message: /unknown phase "phase-9"/ },
  // substations
  { name: "substation: voltage above 800 kV", from: "voltageKV: 345", to: "voltageKV: 1100", at: "voltageKV: 1100", path: `${P}substations[0].voltageKV`, message: /must be at most 800/ },
  { name: "substation: voltage below 1 kV", from: "voltageKV: 345", to: "voltageKV: 0.48", at: "voltageKV: 0.48", path: `${P}substations[0].voltageKV`, message: /must be at least 1/ },
  { name: "substation: firmMW without interconnectMW", from: "interconnectMW: 50\n        firmMW: 30", to: "firmMW: 30", at: "firmMW: 30", path: `${P}substations[1].firmMW`, message: /needs this substation's interconnectMW/ },
  { name: "substation: firmMW above its interconnectMW", from: "interconnectMW: 50\n        firmMW: 30", to: "interconnectMW: 50\n        firmMW: 55", at: "firmMW: 55", path: `${P}substations[1].firmMW`, message: /firmMW 55 is more than this substation's interconnectMW 50/ },
  { name: "substation: duplicate name", from: "- name: south              #", to: "- name: north              #", at: "north              # the transmission", path: `${P}substations[1].name`, message: /duplicate substation name "north"/ },
  { name: "transformer: no substation where substations are declared", from: "        substation: north\n      - name: south-1", to: "      - name: south-1", at: "- name: main", path: `${P}transformers[0].substation`, message: /required: the site declares substations \("north", "south"\)/ },
  { name: "cooling zone: an unknown substation", from: "pue: 1.15\n        substation: south", to: "pue: 1.15\n        substation: sout", at: "substation: sout\n", path: `${P}coolingZones[2].substation`, message: /unknown substation "sout"; did you mean "south"\?/ },
  { name: "a substation where none are declared", stack: "red-hills", from: "redundancy: 2N           #", to: "substation: north\n        redundancy: 2N           #", at: "substation: north", path: `${P}transformers[0].substation`, message: /unknown substation "north"; none are declared/ },
  // generation
  { name: "generation: an unknown type", from: "type: gas", to: "type: fusion", at: "type: fusion", path: `${P}generation[0].type`, message: /must be one of gas \| diesel \| solar \| wind \| battery \| other, found the string "fusion"/ },
  { name: "generation: capacity 0", from: "capacityMW: 20\n        substation: south", to: "capacityMW: 0\n        substation: south", at: "capacityMW: 0", path: `${P}generation[0].capacityMW`, message: /must be more than 0/ },
  { name: "generation: no substation where substations are declared", from: "standby: true\n        substation: north", to: "standby: true", at: "- name: gensets-north", path: `${P}generation[1].substation`, message: /required: the site declares substations/ },
  { name: "generation: standby not a boolean", from: "standby: true", to: "standby: sometimes", at: "standby: sometimes", path: `${P}generation[1].standby`, message: /must be true or false/ },
  // feeds
  { name: "a feed above 100 kV is transmission", from: "{ name: hall-a-1, voltage: 13800", to: "{ name: hall-a-1, voltage: 345000", at: "voltage: 345000", path: `${P}feeds[0].voltage`, message: /345000 V is transmission, not a feed.*declare the line in `substations` \(voltageKV: 345\)/ },
  // itLoads
  { name: "itLoad: an unknown cooling zone", from: "coolingZone: hall-a, feeds", to: "coolingZone: hall-c, feeds", at: "coolingZone: hall-c", path: `${P}itLoads[0].coolingZone`, message: /unknown cooling zone "hall-c"/ },
  { name: "itLoad: more than two feeds", from: "coolingZone: hall-a, feeds: [hall-a-1, hall-a-2] }", to: "coolingZone: hall-a, feeds: [hall-a-1, hall-a-2, hall-b-1] }", at: "feeds: [hall-a-1, hall-a-2, hall-b-1]", path: `${P}itLoads[0].feeds`, message: /takes at most 2 entries/ },
  { name: "itLoad: an unknown feed", from: "coolingZone: hall-a, feeds: [hall-a-1, hall-a-2] }", to: "coolingZone: hall-a, feeds: [hall-a-1, hall-a-3] }", at: "hall-a-3", path: `${P}itLoads[0].feeds[1]`, message: /unknown feed "hall-a-3"/ },
  { name: "itLoad: liquidFraction above 1", from: "coolingZone: hall-a, feeds", to: "coolingZone: hall-a, liquidFraction: 1.5, feeds", at: "liquidFraction: 1.5", path: `${P}itLoads[0].liquidFraction`, message: /must be at most 1/ },
  { name: "itLoad: no cooling zone", from: "{ name: fabric-a, coolingZone: hall-a, feeds", to: "{ name: fabric-a, feeds", at: "{ name: fabric-a, feeds", path: `${P}itLoads[0].coolingZone`, message: /missing; a string is required here/ },
  // cooling: the air side
  { name: "air side on an air zone", from: "pue: 1.08\n        substation: north", to: "pue: 1.08\n        air: { capacityMW: 4 }\n        substation: north", at: "air: { capacityMW: 4 }", path: `${P}coolingZones[0].air`, message: /an air side applies only to direct-to-chip zones, not air/ },
  { name: "air side: N+1 with one unit", from: "pue: 1.18\n        substation: north", to: "pue: 1.18\n        air: { capacityMW: 4, redundancy: N+1 }\n        substation: north", at: "air: { capacityMW: 4, redundancy", path: `${P}coolingZones[1].air.units`, message: /N\+1 redundancy needs at least 2 units, got 1/ },
  { name: "air side: no capacity", from: "pue: 1.18\n        substation: north", to: "pue: 1.18\n        air: { units: 4 }\n        substation: north", at: "air: { units: 4 }", path: `${P}coolingZones[1].air.capacityMW`, message: /missing; a number is required here/ },
  // pools: rack-scale systems and rack overhead
  { name: "rack-scale pool: a partial rack", stack: "red-hills", from: "gpu: { gb200: 576 }", to: "gpu: { gb200: 580 }", at: "gpu: { gb200: 580 }", path: `${P}rollout.phases[1].gpu.gb200`, message: /580 nodes is not a whole number of gb200-nvl72 racks \(18 nodes each\); use 576 or 594/ },
  { name: "rack-scale pool: nodesPerRack given", stack: "red-hills", from: "sku: gb200-nvl72", to: "sku: gb200-nvl72\n        nodesPerRack: 16", at: "nodesPerRack: 16", path: `${P}gpuPools[0].nodesPerRack`, message: /not allowed: gb200-nvl72 is a rack-scale system of 18 nodes a rack/ },
  { name: "pool: rackOverheadKW below its system's", stack: "red-hills", from: "sku: gb200-nvl72", to: "sku: gb200-nvl72\n        rackOverheadKW: 5", at: "rackOverheadKW: 5", path: `${P}gpuPools[0].rackOverheadKW`, message: /5 kW is below gb200-nvl72's own 12 kW a rack/ },
  { name: "pool: negative rackOverheadKW", from: "powerCapWatts: 850", to: "powerCapWatts: 850\n        rackOverheadKW: -2", at: "rackOverheadKW: -2", path: `${P}gpuPools[1].rackOverheadKW`, message: /must not be negative/ },
];

describe("invalid version 2 site specs", () => {
  for (const c of cases) {
    it(c.name, () => {
      const text = replaceOnce(exampleText(c.stack ?? "pecos-yard"), c.from, c.to);
      const err = errorsOf(text);
      const line = lineOf(text, c.at);
      const hit = err.message.split("\n").find((l) => l.includes(`${c.path}:`));
      expect(hit, err.message).toBeDefined();
      expect(hit).toMatch(c.message);
      expect(hit!.startsWith(`${FILE}:${line}:`), `${hit} should be at line ${line}`).toBe(true);
      expect(err.message).not.toMatch(/\n\s+at /);
    });
  }

  it("a start date may be quoted or not, and equal dates are allowed", () => {
    let text = replaceOnce(exampleText("pecos-yard"), "start: 2026-09-01", 'start: "2026-03-01"');
    text = replaceOnce(text, "start: 2027-06-01", "start: 2026-03-01");
    const site = parseStackText(text, FILE).site;
    expect(site.rollout.phases.map((p) => p.start)).toEqual(["2026-03-01", "2026-03-01", "2026-03-01"]);
  });

  it("undated phases are not compared", () => {
    let text = replaceOnce(exampleText("pecos-yard"), "          start: 2026-09-01\n", "");
    text = replaceOnce(text, "start: 2027-06-01", "start: 2026-03-02");
    expect(() => parseStackText(text, FILE)).not.toThrow();
  });

  it("a leap day exists in a leap year only", () => {
    expect(() => parseStackText(replaceOnce(exampleText("pecos-yard"), "start: 2026-03-01", "start: 2024-02-29"), FILE)).not.toThrow();
    expect(errorsOf(replaceOnce(exampleText("pecos-yard"), "start: 2026-03-01", "start: 2025-02-29")).message).toMatch(/rollout\.phases\[0\]\.start: must be a date/);
  });

  it("substations may be 800 kV; a substation of unknown rating is valid", () => {
    let text = replaceOnce(exampleText("pecos-yard"), "voltageKV: 345", "voltageKV: 800");
    text = replaceOnce(text, "        interconnectMW: 50\n        firmMW: 30\n", "");
    expect(() => parseStackText(text, FILE)).not.toThrow();
  });
});
