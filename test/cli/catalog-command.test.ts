/** `repower catalog` as a subprocess: the table at 80 columns, the JSON, and clean errors. */
import { describe, expect, it } from "vitest";
import { GPU_SYSTEMS, MINERS } from "../../components/model";
import { hasStackTrace, repower } from "../helpers/cli";
import { exampleText, lineOf, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

const SYSTEM_IDS = ["dgx-h100", "dgx-h200", "dgx-b200", "dgx-b300", "gb200-nvl72", "gb300-nvl72", "hgx-h100", "hgx-h200", "hgx-b200", "h100-pcie", "l40s", "mi300x"];
const MINER_IDS = ["antminer-s19j-pro", "antminer-s19k-pro", "antminer-s19-xp", "antminer-s21", "antminer-s21-pro", "antminer-s21-xp", "antminer-s21-hyd", "antminer-t21", "whatsminer-m50s", "whatsminer-m60s"];
const SYSTEM_FIGURES = ["gpusPerNode", "gpuTdpW", "powerCapMinW", "powerCapMaxW", "systemKW", "nodesPerRack", "rackOverheadKW", "liquidFraction"];

interface FigureJson {
  value: number;
  source: string;
  uncertain: boolean;
}

describe("repower catalog", () => {
  it("prints every id, its figures and their sources within 80 columns", () => {
    const r = repower(["catalog"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trimEnd().split("\n");
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    for (const id of [...SYSTEM_IDS, ...MINER_IDS]) {
      expect(lines.some((l) => l.startsWith(`${id} `)), `table row of ${id}`).toBe(true);
      expect(lines).toContain(id); // its heading among the sources
    }
    // A row: figures as the catalog has them, uncertain ones marked.
    expect(lines.find((l) => l.startsWith("gb200-nvl72 "))).toMatch(/^gb200-nvl72\s+nvidia\s+4\s+1200\s+200-1200\s+6\.667\s+18 fixed\s+12\*\s+liquid\s+0\.85\*$/);
    expect(lines.find((l) => l.startsWith("dgx-h100 "))).toMatch(/^dgx-h100\s+nvidia\s+8\s+700\s+200-700\s+10\.2\s+4\s+0\s+air\s+0$/);
    expect(lines.find((l) => l.startsWith("mi300x "))).toMatch(/^mi300x\s+amd\s/);
    expect(lines.find((l) => l.startsWith("antminer-s21-hyd "))).toMatch(/335\s+5360\s+16\.0\s+hydro$/);
    // Sources, after the tables.
    expect(r.stdout).toMatch(/gpuTdpW, powerCapMinW, powerCapMaxW, systemKW: NVIDIA Dynamic Power Software/);
  });

  it("--json prints every figure with value, source and uncertain, as the model has them", () => {
    const r = repower(["catalog", "--json"]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      gpuSystems: (Record<string, FigureJson> & { id: string; vendor: string; rackScale: boolean; cooling: string })[];
      miners: (Record<string, FigureJson> & { id: string; cooling: string })[];
    };
    expect(out.gpuSystems.map((s) => s.id)).toEqual(expect.arrayContaining(SYSTEM_IDS));
    expect(out.miners.map((m) => m.id)).toEqual(expect.arrayContaining(MINER_IDS));
    for (const s of out.gpuSystems) {
      const model = GPU_SYSTEMS[s.id];
      expect([s.vendor, s.rackScale, s.cooling]).toEqual([model.vendor, model.rackScale, model.cooling]);
      for (const k of SYSTEM_FIGURES) {
        const f = s[k];
        const m = model[k as keyof typeof model] as { value: number; source: string; uncertain?: boolean };
        expect(f, `${s.id}.${k}`).toEqual({ value: m.value, source: m.source, uncertain: m.uncertain === true });
        expect(f.source.length).toBeGreaterThan(0);
      }
    }
    for (const m of out.miners) {
      for (const k of ["hashrateTHs", "wattsPerUnit"]) {
        const want = MINERS[m.id][k as "hashrateTHs" | "wattsPerUnit"];
        expect(m[k], `${m.id}.${k}`).toEqual({ value: want.value, source: want.source, uncertain: want.uncertain === true });
      }
    }
    const gb300 = out.gpuSystems.find((s) => s.id === "gb300-nvl72")!;
    expect(gb300.systemKW.uncertain).toBe(true);
    expect(out.gpuSystems.find((s) => s.id === "dgx-h100")!.systemKW).toEqual({ value: 10.2, source: expect.stringMatching(/DGX H100/), uncertain: false });
  });

  it("exits 2 on an unknown flag, pointing to the command's help, with no stack trace", () => {
    const r = repower(["catalog", "--yaml"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^repower: repower catalog: unknown option --yaml\n/);
    expect(r.stderr).toMatch(/run "repower catalog --help" for its options/);
    expect(repower(["catalog", "--help"]).stdout).toMatch(/repower catalog \[--json\]/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.stdout).toBe("");
  });

  it("an unknown GPU system in a stack points to repower catalog (exit 2, file, path, line)", () => {
    const dir = tempDir();
    const text = replaceOnce(exampleText("pecos-yard"), "sku: dgx-b200", "sku: gb400");
    const file = writeStack(dir, "unknown-sku", text);
    const r = repower(["envelope", "--config-file", file]);
    expect(r.status).toBe(2);
    const line = lineOf(text, "sku: gb400");
    expect(r.stderr).toMatch(
      new RegExp(`${file.replace(/[.\\/]/g, "\\$&")}:${line}:\\d+: repower:site\\.gpuPools\\[1\\]\\.sku: unknown GPU system "gb400"; nearest known: "gb200-nvl72", "gb300-nvl72", .*\`repower catalog\``),
    );
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("a catalog entry that lowers a built-in figure is rejected (exit 2, file, path, line)", () => {
    const dir = tempDir();
    const text = replaceOnce(exampleText("pecos-yard"), "    cluster:\n", "    catalog:\n      gpuSystems:\n        - id: dgx-h100\n          systemKW: 5\n    cluster:\n");
    const file = writeStack(dir, "lowered", text);
    const r = repower(["envelope", "--config-file", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:${lineOf(text, "systemKW: 5")}:`);
    expect(r.stderr).toMatch(/repower:site\.catalog\.gpuSystems\[0\]\.systemKW: "dgx-h100" is a built-in id: systemKW may only be raised \(built-in 10\.2 kW, got 5 kW\)/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});
