/**
 * Edge cases of the envelope chart, as stack files edited from the
 * examples: many phases with long names, a substation over its limits,
 * five substations (one without a limit of its own, one retired during the
 * rollout, generation at two of them).
 */
import { parse, stringify } from "yaml";
import { exampleText, replaceOnce } from "./stacks";

/** pecos-yard with its rollout replaced by `n` phases named by `nameOf`, hall A filling step by step. */
export function manyPhases(n: number, nameOf: (i: number) => string): string {
  const doc = parse(exampleText("pecos-yard"));
  const site = doc.config["repower:site"];
  site.rollout.phases = Array.from({ length: n }, (_, i) => ({
    name: nameOf(i),
    mining: { "yard-south": Math.max(0, 14000 - (i + 1) * 1400) },
    gpu: { "h100-a": Math.min(1700, (i + 1) * 150) },
  }));
  site.rollout.activePhase = nameOf(Math.floor(n / 2));
  // What came into service in phase-3 now comes in with the third of these phases.
  for (const list of Object.values(site)) {
    if (!Array.isArray(list)) continue;
    for (const item of list) if (item?.inService?.from === "phase-3") item.inService.from = nameOf(2);
  }
  return stringify(doc);
}

/** pecos-yard with hall A over its cooling from phase 2 on (1,800 H100 nodes instead of 1,536). */
export function hallOver(): string {
  return replaceOnce(exampleText("pecos-yard"), "gpu: { h100-a: 1536 }", "gpu: { h100-a: 1800 }");
}

/** pecos-yard with the interconnect before the upgrade at 100 MW instead of 150 (site limit 95 MW): the site is over in → phase-1. */
export function siteOver(): string {
  return replaceOnce(exampleText("pecos-yard"), "interconnectMW: 150        # the utility's", "interconnectMW: 100        # the utility's");
}

/** pecos-yard with substation south over its transformers (and hall B over its cooling) in phase 3: 2,600 B200 nodes instead of 1,600. */
export function substationOver(): string {
  return replaceOnce(exampleText("pecos-yard"), "gpu: { b200-b: 1600 }", "gpu: { b200-b: 2600 }");
}

/**
 * pecos-yard on five substations: north and south as in the example; east
 * (hall A's, with a solar farm behind its meter), west (no limit of its own,
 * a new air yard for the S19 XPs) and central (retired after phase-2).
 */
export function fiveSubstations(): string {
  const doc = parse(exampleText("pecos-yard"));
  const site = doc.config["repower:site"];
  site.substations.push(
    { name: "east", voltageKV: 138, interconnectMW: 40, firmMW: 20 },
    { name: "west", voltageKV: 69 },
    { name: "central", voltageKV: 69, interconnectMW: 30, inService: { until: "phase-2" } },
  );
  site.generation.push({ name: "solar-east", type: "solar", capacityMW: 10, substation: "east" });
  site.transformers.push(
    { name: "east-1", ratingMVA: 25, units: 2, substation: "east" },
    { name: "west-1", ratingMVA: 30, units: 2, redundancy: "N+1", substation: "west" },
    { name: "central-1", ratingMVA: 20, units: 1, substation: "central", inService: { until: "phase-2" } },
  );
  site.coolingZones.find((z: { name: string }) => z.name === "hall-a").substation = "east";
  site.coolingZones.push({ name: "yard-west", type: "air", capacityMW: 60, units: 12, redundancy: "N+1", pue: 1.08, substation: "west" });
  site.mining.find((p: { name: string }) => p.name === "yard-south").coolingZone = "yard-west";
  return stringify(doc);
}

/**
 * `manyPhases` with too little of everything: the interconnect at 90 MW
 * (site over in the first moments), yard and hall A with less cooling (both
 * over at once in most moments): OVER labels in narrow bands.
 */
export function manyPhasesOver(n: number, nameOf: (i: number) => string): string {
  const doc = parse(manyPhases(n, nameOf));
  const site = doc.config["repower:site"];
  site.grid.interconnectMW = 90;
  site.grid.firmMW = 10;
  for (const z of site.coolingZones) {
    if (z.name === "yard") z.capacityMW = 60;
    if (z.name === "hall-a") z.capacityMW = 12;
  }
  return stringify(doc);
}

/** pecos-yard with nine more cooling zones of long names (three built in phase-2): a legend that wraps, many zone labels. */
export function manyZones(): string {
  const doc = parse(exampleText("pecos-yard"));
  const site = doc.config["repower:site"];
  for (let i = 0; i < 9; i++) {
    site.coolingZones.push({
      name: `liquid-hall-extension-${i + 1}`,
      type: "direct-to-chip",
      capacityMW: 10 + i * 3,
      pue: 1.15,
      substation: i % 2 ? "north" : "south",
      ...(i % 3 === 0 ? { inService: { from: "phase-2" } } : {}),
    });
  }
  return stringify(doc);
}
