/**
 * A site's own catalog entries: what a new entry must give and its defaults,
 * what an entry with a built-in id may change (only raise systemKW,
 * rackOverheadKW and wattsPerUnit), the floors, and unknown ids. Every
 * rejection names the file, the field path and the line.
 */
import { describe, expect, it } from "vitest";
import { catalogIssues, GPU_SYSTEMS, MINERS, parseStackText, siteCatalog, type CatalogSpec } from "../../components/model";
import * as fs from "node:fs";
import * as path from "node:path";
import { errorsOf, FILE } from "../helpers/spec-errors";
import { exampleText, lineOf, replaceOnce, ROOT } from "../helpers/stacks";

/** pecos-yard with `block` (YAML, indented as under `repower:site`) as its catalog. */
function withCatalog(block: string): string {
  return replaceOnce(exampleText("pecos-yard"), "    cluster:\n", `    catalog:\n${block}    cluster:\n`);
}

const NEW_SYSTEM = [
  "      gpuSystems:",
  "        - id: my-server",
  "          gpusPerNode: 4",
  "          gpuTdpW: 400",
  "          powerCapMinW: 150",
  "          powerCapMaxW: 400",
  "          systemKW: 2.5",
  "          nodesPerRack: 8",
  "",
].join("\n");

interface Case {
  name: string;
  block: string;
  /** Text on the line the error must point at. */
  at: string;
  path: string;
  message: RegExp;
}

const cases: Case[] = [
  {
    name: "systemKW 0 on a built-in id (the bypass of issue 11)",
    block: "      gpuSystems:\n        - id: dgx-h100\n          systemKW: 0\n",
    at: "systemKW: 0",
    path: "repower:site.catalog.gpuSystems[0].systemKW",
    message: /must be more than 0/,
  },
  {
    name: "a lower systemKW on a built-in id",
    block: "      gpuSystems:\n        - id: dgx-h100\n          systemKW: 8\n",
    at: "systemKW: 8",
    path: "repower:site.catalog.gpuSystems[0].systemKW",
    message: /"dgx-h100" is a built-in id: systemKW may only be raised \(built-in 10\.2 kW, got 8 kW\); .*new entry with an id of its own/,
  },
  {
    name: "a lower systemKW with a source on a built-in id",
    block: "      gpuSystems:\n        - id: dgx-b200\n          systemKW: { value: 12, source: metered }\n",
    at: "systemKW: { value: 12",
    path: "repower:site.catalog.gpuSystems[0].systemKW",
    message: /may only be raised \(built-in 14\.3 kW, got 12 kW\)/,
  },
  {
    name: "a changed gpuTdpW on a built-in id",
    block: "      gpuSystems:\n        - id: dgx-h100\n          gpuTdpW: 500\n",
    at: "gpuTdpW: 500",
    path: "repower:site.catalog.gpuSystems[0].gpuTdpW",
    message: /gpuTdpW may not change \(built-in 700 W, got 500 W\).*new entry/,
  },
  {
    name: "a raised gpusPerNode is still a change",
    block: "      gpuSystems:\n        - id: dgx-h100\n          gpusPerNode: 16\n",
    at: "gpusPerNode: 16",
    path: "repower:site.catalog.gpuSystems[0].gpusPerNode",
    message: /gpusPerNode may not change/,
  },
  {
    name: "a rack-scale system's nodesPerRack",
    block: "      gpuSystems:\n        - id: gb200-nvl72\n          nodesPerRack: 2\n",
    at: "nodesPerRack: 2",
    path: "repower:site.catalog.gpuSystems[0].nodesPerRack",
    message: /nodesPerRack may not change \(built-in 18, got 2\)/,
  },
  {
    name: "a wider cap range on a built-in id",
    block: "      gpuSystems:\n        - id: dgx-h100\n          powerCapMinW: 100\n",
    at: "powerCapMinW: 100",
    path: "repower:site.catalog.gpuSystems[0].powerCapMinW",
    message: /powerCapMinW may not change \(built-in 200 W, got 100 W\)/,
  },
  {
    name: "a lower rackOverheadKW on a built-in id",
    block: "      gpuSystems:\n        - id: gb200-nvl72\n          rackOverheadKW: 0\n",
    at: "rackOverheadKW: 0",
    path: "repower:site.catalog.gpuSystems[0].rackOverheadKW",
    message: /rackOverheadKW may only be raised/,
  },
  {
    name: "air cooling for a liquid built-in",
    block: "      gpuSystems:\n        - id: gb200-nvl72\n          cooling: air\n",
    at: "cooling: air",
    path: "repower:site.catalog.gpuSystems[0].cooling",
    message: /"gb200-nvl72" is a built-in id whose cooling is liquid; it may not change/,
  },
  {
    name: "a different liquidFraction on a built-in id",
    block: "      gpuSystems:\n        - id: gb200-nvl72\n          liquidFraction: 1\n",
    at: "liquidFraction: 1",
    path: "repower:site.catalog.gpuSystems[0].liquidFraction",
    message: /liquidFraction may not change/,
  },
  {
    name: "rackScale off for a rack-scale built-in",
    block: "      gpuSystems:\n        - id: gb200-nvl72\n          rackScale: false\n",
    at: "rackScale: false",
    path: "repower:site.catalog.gpuSystems[0].rackScale",
    message: /whose rackScale is true; it may not change/,
  },
  {
    name: "another vendor for a built-in id",
    block: "      gpuSystems:\n        - id: mi300x\n          vendor: nvidia\n",
    at: "vendor: nvidia",
    path: "repower:site.catalog.gpuSystems[0].vendor",
    message: /whose vendor is amd; it may not change/,
  },
  {
    name: "a lower wattsPerUnit on a built-in miner",
    block: "      miners:\n        - id: antminer-s21\n          wattsPerUnit: 3000\n",
    at: "wattsPerUnit: 3000",
    path: "repower:site.catalog.miners[0].wattsPerUnit",
    message: /"antminer-s21" is a built-in id: wattsPerUnit may only be raised \(built-in 3500 W, got 3000 W\)/,
  },
  {
    name: "a changed hashrate on a built-in miner",
    block: "      miners:\n        - id: antminer-s21\n          hashrateTHs: 150\n",
    at: "hashrateTHs: 150",
    path: "repower:site.catalog.miners[0].hashrateTHs",
    message: /hashrateTHs may not change \(built-in 200 TH\/s, got 150 TH\/s\)/,
  },
  {
    name: "another cooling for a built-in miner",
    block: "      miners:\n        - id: antminer-s21\n          cooling: immersion\n",
    at: "cooling: immersion",
    path: "repower:site.catalog.miners[0].cooling",
    message: /whose cooling is air; it may not change/,
  },
  {
    name: "a new miner below the floor",
    block: "      miners:\n        - id: tiny-miner\n          wattsPerUnit: 50\n",
    at: "wattsPerUnit: 50",
    path: "repower:site.catalog.miners[0].wattsPerUnit",
    message: /50 W is below the floor of 100 W a miner/,
  },
  {
    name: "a new miner without wattsPerUnit",
    block: "      miners:\n        - id: tiny-miner\n          hashrateTHs: 10\n",
    at: "- id: tiny-miner",
    path: "repower:site.catalog.miners[0].wattsPerUnit",
    message: /required for a new miner "tiny-miner"/,
  },
  {
    name: "a new system below the floor",
    block: NEW_SYSTEM.replace("systemKW: 2.5", "systemKW: 1.5"),
    at: "systemKW: 1.5",
    path: "repower:site.catalog.gpuSystems[0].systemKW",
    message: /systemKW 1\.5 kW is below gpusPerNode × gpuTdpW \/ 1000 = 4 × 400 \/ 1000 = 1\.6 kW/,
  },
  {
    name: "a new system missing a figure",
    block: NEW_SYSTEM.replace("          nodesPerRack: 8\n", ""),
    at: "- id: my-server",
    path: "repower:site.catalog.gpuSystems[0].nodesPerRack",
    message: /required for a new GPU system "my-server"/,
  },
  {
    name: "a new liquid system without liquidFraction",
    block: NEW_SYSTEM + "          cooling: liquid\n",
    at: "- id: my-server",
    path: "repower:site.catalog.gpuSystems[0].liquidFraction",
    message: /required for a liquid-cooled GPU system "my-server"/,
  },
  {
    name: "a cap range upside down",
    block: NEW_SYSTEM.replace("powerCapMinW: 150", "powerCapMinW: 450"),
    at: "powerCapMinW: 450",
    path: "repower:site.catalog.gpuSystems[0].powerCapMinW",
    message: /powerCapMinW 450 W is above powerCapMaxW 400 W/,
  },
  {
    name: "liquidFraction above 1",
    block: NEW_SYSTEM + "          cooling: liquid\n          liquidFraction: 1.5\n",
    at: "liquidFraction: 1.5",
    path: "repower:site.catalog.gpuSystems[0].liquidFraction",
    message: /at most 1/,
  },
  {
    name: "a fractional gpusPerNode",
    block: NEW_SYSTEM.replace("gpusPerNode: 4", "gpusPerNode: 4.5"),
    at: "gpusPerNode: 4.5",
    path: "repower:site.catalog.gpuSystems[0].gpusPerNode",
    message: /whole number/,
  },
  {
    name: "an unknown cooling",
    block: NEW_SYSTEM + "          cooling: water\n",
    at: "cooling: water",
    path: "repower:site.catalog.gpuSystems[0].cooling",
    message: /air.*liquid/,
  },
  {
    name: "an unknown vendor",
    block: NEW_SYSTEM + "          vendor: intel\n",
    at: "vendor: intel",
    path: "repower:site.catalog.gpuSystems[0].vendor",
    message: /nvidia.*amd/,
  },
  {
    name: "the version 1 field liquidCoolingRequired",
    block: NEW_SYSTEM + "          liquidCoolingRequired: true\n",
    at: "liquidCoolingRequired",
    path: "repower:site.catalog.gpuSystems[0].liquidCoolingRequired",
    message: /unknown key "liquidCoolingRequired"/,
  },
  {
    name: "a duplicate id",
    block: NEW_SYSTEM + NEW_SYSTEM.replace("      gpuSystems:\n", ""),
    at: "- id: my-server\n          gpusPerNode: 4\n          gpuTdpW: 400\n          powerCapMinW: 150\n          powerCapMaxW: 400\n          systemKW: 2.5\n          nodesPerRack: 8\n        - id",
    path: "repower:site.catalog.gpuSystems[1].id",
    message: /duplicate GPU system id "my-server" \(also catalog\.gpuSystems\[0\]\)/,
  },
];

describe("catalog entries a site may not write", () => {
  for (const c of cases) {
    it(c.name, () => {
      const text = withCatalog(c.block);
      const err = errorsOf(text);
      const hit = err.message.split("\n").find((l) => l.includes(`${c.path}:`));
      expect(hit, err.message).toBeDefined();
      expect(hit).toMatch(c.message);
      // The duplicate's line is the second entry's: the last line of `at`.
      const line = lineOf(text, c.at) + c.at.split("\n").length - 1;
      expect(hit!.startsWith(`${FILE}:${line}:`), `${hit} should be at line ${line}`).toBe(true);
      expect(err.message).not.toMatch(/\n\s+at /);
    });
  }
});

describe("catalog entries a site may write", () => {
  it("repeating a built-in value is not a change", () => {
    const text = withCatalog(
      "      gpuSystems:\n        - id: gb200-nvl72\n          nodesPerRack: 18\n          cooling: liquid\n          rackScale: true\n          vendor: nvidia\n          gpuTdpW: 1200\n",
    );
    expect(() => parseStackText(text, FILE)).not.toThrow();
  });

  it("raising systemKW, rackOverheadKW and wattsPerUnit, with a description and source", () => {
    const cat = siteCatalog({
      catalog: {
        gpuSystems: [{ id: "dgx-h100", systemKW: 11, rackOverheadKW: { value: 1.5, source: "ToR + PDUs, metered" }, source: "site survey", description: "our H100s" }],
        miners: [{ id: "antminer-s21", wattsPerUnit: 3600 }],
      },
    });
    const h = cat.gpuSystems["dgx-h100"];
    expect(h.systemKW).toEqual({ value: 11, source: "site survey" });
    expect(h.rackOverheadKW).toEqual({ value: 1.5, source: "ToR + PDUs, metered" });
    expect(h.description).toBe("our H100s");
    expect(h.gpuTdpW).toEqual(GPU_SYSTEMS["dgx-h100"].gpuTdpW);
    expect(cat.miners["antminer-s21"].wattsPerUnit).toEqual({ value: 3600, source: "site catalog (repower:site.catalog)" });
    expect(cat.miners["antminer-s21"].hashrateTHs).toEqual(MINERS["antminer-s21"].hashrateTHs);
  });

  it("the merged catalog never takes a lowered or changed figure of a built-in id, even unchecked", () => {
    const entries: CatalogSpec = {
      gpuSystems: [{ id: "dgx-h100", systemKW: 0.001, gpuTdpW: 1, cooling: "liquid", nodesPerRack: 1 }],
      miners: [{ id: "antminer-s21", wattsPerUnit: 100, cooling: "hydro" }],
    };
    const cat = siteCatalog({ catalog: entries });
    expect(cat.gpuSystems["dgx-h100"]).toEqual(GPU_SYSTEMS["dgx-h100"]);
    expect(cat.miners["antminer-s21"]).toEqual(MINERS["antminer-s21"]);
  });

  it("a new entry gets the contract's defaults", () => {
    const cat = siteCatalog({
      catalog: {
        gpuSystems: [
          { id: "my-server", gpusPerNode: 4, gpuTdpW: 400, powerCapMinW: 150, powerCapMaxW: 400, systemKW: 2.5, nodesPerRack: 8, liquidFraction: 0.7 },
          { id: "my-rack", gpusPerNode: 4, gpuTdpW: 1000, powerCapMinW: 400, powerCapMaxW: 1000, systemKW: 6, nodesPerRack: 16, rackScale: true, rackOverheadKW: 8, cooling: "liquid", liquidFraction: 0.8, vendor: "amd" },
        ],
        miners: [{ id: "my-miner", wattsPerUnit: 3000 }],
      },
    });
    const s = cat.gpuSystems["my-server"];
    expect([s.vendor, s.rackScale, s.rackOverheadKW.value, s.cooling]).toEqual(["nvidia", false, 0, "air"]);
    // An air entry's liquidFraction is ignored.
    expect(s.liquidFraction.value).toBe(0);
    expect(s.systemKW).toEqual({ value: 2.5, source: "site catalog (repower:site.catalog)" });
    const r = cat.gpuSystems["my-rack"];
    expect([r.vendor, r.rackScale, r.rackOverheadKW.value, r.cooling, r.liquidFraction.value]).toEqual(["amd", true, 8, "liquid", 0.8]);
    expect(cat.miners["my-miner"].cooling).toBe("air");
  });

  it("the README's example of custom entries is valid", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const block = /\*\*Custom entries\.\*\*[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const text = replaceOnce(exampleText("pecos-yard"), "    cluster:\n", `${block}    cluster:\n`);
    const cat = parseStackText(text, FILE).site.catalog;
    expect(cat.gpuSystems["b200-dlc"]).toMatchObject({ cooling: "liquid", rackScale: false, vendor: "nvidia" });
    expect(cat.gpuSystems["b200-dlc"].liquidFraction.value).toBe(0.8);
    expect(cat.gpuSystems["b200-dlc"].systemKW).toEqual({ value: 14.3, source: "OEM datasheet", uncertain: true });
    expect(cat.gpuSystems["b200-dlc"].gpuTdpW.source).toBe("vendor quote Q-1234");
    expect(cat.miners["s21-immersion"]).toMatchObject({ cooling: "immersion", wattsPerUnit: { value: 3300 } });
  });

  it("a valid custom system is usable by a pool", () => {
    const text = replaceOnce(withCatalog(NEW_SYSTEM), "sku: dgx-b200", "sku: my-server");
    const loaded = parseStackText(text, FILE);
    expect(loaded.site.gpuPools.find((p) => p.sku === "my-server")?.system.systemKW.value).toBe(2.5);
  });
});

describe("unknown ids", () => {
  it("gb300-nvl72 is a built-in id", () => {
    const text = replaceOnce(exampleText("pecos-yard"), "sku: dgx-b200", "sku: gb300-nvl72");
    // Whatever else this edit breaks (cooling, racks), the SKU itself is known.
    let message = "";
    try {
      parseStackText(text, FILE);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toMatch(/unknown GPU system/);
  });

  it("an unknown GPU system lists the nearest of its kind and points to repower catalog", () => {
    const text = replaceOnce(exampleText("pecos-yard"), "sku: dgx-b200", "sku: gb400");
    const err = errorsOf(text);
    const hit = err.message.split("\n").find((l) => l.includes("repower:site.gpuPools[1].sku:"));
    expect(hit).toBeDefined();
    expect(hit!.startsWith(`${FILE}:${lineOf(text, "sku: gb400")}:`)).toBe(true);
    expect(hit).toMatch(/unknown GPU system "gb400"; nearest known: "gb200-nvl72", "gb300-nvl72", /);
    expect(hit).toMatch(/`repower catalog`/);
    expect(hit).not.toMatch(/did you mean/);
    expect(hit).not.toMatch(/antminer/);
  });

  it("an unknown miner lists the nearest miners only", () => {
    const text = replaceOnce(exampleText("pecos-yard"), "model: antminer-s21 ", "model: antminer-s23 ");
    const err = errorsOf(text);
    const hit = err.message.split("\n").find((l) => l.includes("repower:site.mining[0].model:"));
    expect(hit).toMatch(/unknown miner model "antminer-s23"; nearest known: "antminer-s21", /);
    expect(hit).not.toMatch(/dgx|gb200/);
    expect(hit).toMatch(/`repower catalog`/);
  });
});

describe("no field of any built-in id can be walked around", () => {
  const FIGURES = ["gpusPerNode", "gpuTdpW", "powerCapMinW", "powerCapMaxW", "systemKW", "nodesPerRack", "rackOverheadKW", "liquidFraction"] as const;
  const RAISABLE = new Set(["systemKW", "rackOverheadKW"]);
  for (const s of Object.values(GPU_SYSTEMS)) {
    it(`${s.id}: only systemKW and rackOverheadKW, and only upwards`, () => {
      for (const k of FIGURES) {
        const v = s[k].value;
        const lower = k === "liquidFraction" ? v / 2 : Math.max(0, v - 1);
        const higher = k === "liquidFraction" ? Math.min(1, v + 0.1) : v + 1;
        const issuesFor = (value: number) => catalogIssues({ catalog: { gpuSystems: [{ id: s.id, [k]: value }], miners: [] } });
        if (lower !== v) expect(issuesFor(lower).map((i) => i.path.join(".")), `${s.id}.${k} lowered`).toEqual([`catalog.gpuSystems.0.${k}`]);
        if (higher !== v) expect(issuesFor(higher).length, `${s.id}.${k} raised`).toBe(RAISABLE.has(k) ? 0 : 1);
        expect(issuesFor(v), `${s.id}.${k} repeated`).toEqual([]);
      }
      for (const [k, other] of [["vendor", s.vendor === "amd" ? "nvidia" : "amd"], ["rackScale", !s.rackScale], ["cooling", s.cooling === "air" ? "liquid" : "air"]] as const) {
        const issues = catalogIssues({ catalog: { gpuSystems: [{ id: s.id, [k]: other } as never], miners: [] } });
        expect(issues.map((i) => i.path.join(".")), `${s.id}.${k}`).toEqual([`catalog.gpuSystems.0.${k}`]);
      }
    });
  }
  for (const m of Object.values(MINERS)) {
    it(`${m.id}: only wattsPerUnit, and only upwards`, () => {
      const issuesFor = (entry: object) => catalogIssues({ catalog: { gpuSystems: [], miners: [{ id: m.id, ...entry }] } });
      expect(issuesFor({ wattsPerUnit: m.wattsPerUnit.value - 1 }).length).toBe(1);
      expect(issuesFor({ wattsPerUnit: m.wattsPerUnit.value + 1 })).toEqual([]);
      expect(issuesFor({ hashrateTHs: m.hashrateTHs.value + 1 }).length).toBe(1);
      expect(issuesFor({ cooling: m.cooling === "air" ? "hydro" : "air" }).length).toBe(1);
      expect(issuesFor({ hashrateTHs: m.hashrateTHs.value, cooling: m.cooling, wattsPerUnit: m.wattsPerUnit.value })).toEqual([]);
    });
  }
});
