/**
 * `repower catalog [--json]`: the built-in hardware, every figure with its
 * source. The terminal form fits 80 columns (two tables, then the sources);
 * `--json` prints every entry with every figure as `{ value, source, uncertain }`.
 */
import { parseArgs } from "node:util";
import { GPU_SYSTEMS, MINERS, type Figure, type GpuSystem, type Miner } from "../components/model/catalog";
import { colourEnabled, paint, type Paint } from "./format";

export interface CatalogIo {
  stdout: NodeJS.WriteStream;
}

/** A figure as `--json` prints it: `uncertain` always present. */
export interface FigureJson {
  value: number;
  source: string;
  uncertain: boolean;
}

const SYSTEM_FIGURES = ["gpusPerNode", "gpuTdpW", "powerCapMinW", "powerCapMaxW", "systemKW", "nodesPerRack", "rackOverheadKW", "liquidFraction"] as const;
const MINER_FIGURES = ["hashrateTHs", "wattsPerUnit"] as const;

const figureJson = (f: Figure): FigureJson => ({ value: f.value, source: f.source, uncertain: f.uncertain === true });

/** The catalog as `--json` prints it. */
export function catalogJson(systems: readonly GpuSystem[] = Object.values(GPU_SYSTEMS), miners: readonly Miner[] = Object.values(MINERS)) {
  return {
    gpuSystems: systems.map((s) => ({
      id: s.id,
      description: s.description,
      source: s.source ?? null,
      vendor: s.vendor,
      rackScale: s.rackScale,
      cooling: s.cooling,
      ...Object.fromEntries(SYSTEM_FIGURES.map((k) => [k, figureJson(s[k])])),
    })),
    miners: miners.map((m) => ({
      id: m.id,
      description: m.description,
      source: m.source ?? null,
      cooling: m.cooling,
      ...Object.fromEntries(MINER_FIGURES.map((k) => [k, figureJson(m[k])])),
    })),
  };
}

/** A number as the table prints it, with `*` after an uncertain figure. */
const num = (f: Figure, digits?: number): string => `${digits === undefined ? String(f.value) : f.value.toFixed(digits)}${f.uncertain ? "*" : ""}`;

interface Column {
  head: string;
  width: number;
  left?: boolean;
}

function table(columns: readonly Column[], rows: readonly string[][]): string[] {
  const cell = (c: Column, s: string) => (c.left ? s.padEnd(c.width) : s.padStart(c.width));
  const line = (cells: readonly string[]) =>
    columns
      .map((c, i) => cell(c, cells[i]))
      .join(" ")
      .trimEnd();
  return [line(columns.map((c) => c.head)), ...rows.map(line)];
}

/** Wraps `text` to `width` columns: the first line starts with `first`, the others with `indent`. */
function wrap(text: string, width: number, indent: string, first = ""): string[] {
  const out: string[] = [];
  let line = first;
  let fresh = true;
  for (const word of text.split(" ").filter((w) => w !== "")) {
    const next = fresh ? line + word : `${line} ${word}`;
    if (next.length > width && !fresh) {
      out.push(line);
      line = indent + word;
    } else line = next;
    fresh = false;
  }
  if (!fresh) out.push(line);
  return out;
}

/** Figures of one entry grouped by source: `gpusPerNode, systemKW: <source>`. */
function sourcesOf(entry: GpuSystem | Miner, keys: readonly string[]): string[] {
  const bySource = new Map<string, string[]>();
  for (const k of keys) {
    const f = (entry as unknown as Record<string, Figure>)[k];
    const key = `${f.source}${f.uncertain ? " (uncertain)" : ""}`;
    bySource.set(key, [...(bySource.get(key) ?? []), k]);
  }
  const lines: string[] = [];
  if (entry.source !== undefined) lines.push(`product: ${entry.source}`);
  for (const [source, fields] of bySource) lines.push(`${fields.join(", ")}: ${source}`);
  return lines;
}

const WIDTH = 80;

/** The terminal form: at most 80 columns a line. */
export function renderCatalog(p: Paint, systems: readonly GpuSystem[] = Object.values(GPU_SYSTEMS), miners: readonly Miner[] = Object.values(MINERS)): string {
  const out: string[] = [];
  out.push(p.bold("GPU systems") + " (a Kubernetes node each; rack-scale: a compute tray)");
  const sys = table(
    [
      { head: "id", width: 12, left: true },
      { head: "vendor", width: 6, left: true },
      { head: "GPUs", width: 4 },
      { head: "TDP W", width: 5 },
      { head: "cap W", width: 10 },
      { head: "kW", width: 6 },
      { head: "a rack", width: 8 },
      { head: "+rack", width: 6 },
      { head: "cooling", width: 7, left: true },
      { head: "liquid", width: 6 },
    ],
    systems.map((s) => [
      s.id,
      s.vendor,
      num(s.gpusPerNode),
      num(s.gpuTdpW),
      `${num(s.powerCapMinW)}-${num(s.powerCapMaxW)}`,
      num(s.systemKW),
      `${num(s.nodesPerRack)}${s.rackScale ? " fixed" : ""}`,
      num(s.rackOverheadKW),
      s.cooling,
      num(s.liquidFraction),
    ]),
  );
  out.push(...sys);
  out.push("");
  out.push(p.bold("Miners"));
  out.push(
    ...table(
      [
        { head: "id", width: 18, left: true },
        { head: "TH/s", width: 6 },
        { head: "W a unit", width: 9 },
        { head: "J/TH", width: 6 },
        { head: "cooling", width: 9, left: true },
      ],
      miners.map((m) => [
        m.id,
        num(m.hashrateTHs),
        num(m.wattsPerUnit),
        m.hashrateTHs.value > 0 ? (m.wattsPerUnit.value / m.hashrateTHs.value).toFixed(1) : "-",
        m.cooling,
      ]),
    ),
  );
  out.push("");
  out.push(
    ...wrap(
      "* uncertain: a secondary source or an estimate. kW: a node's maximum. a rack: nodes a rack (fixed: rack-scale, whole racks only). +rack: kW a rack beyond its nodes (switch trays, power shelves). liquid: the share of heat a direct-to-chip loop takes.",
      WIDTH,
      "  ",
    ),
  );
  out.push(
    ...wrap(
      "A site adds hardware in repower:site.catalog under a new id; an entry with a built-in id may only raise systemKW, rackOverheadKW and wattsPerUnit. `repower catalog --json` prints every figure with its source.",
      WIDTH,
      "",
    ),
  );
  out.push("");
  out.push(p.bold("Sources"));
  for (const [entry, keys] of [
    ...systems.map((s) => [s, SYSTEM_FIGURES] as const),
    ...miners.map((m) => [m, MINER_FIGURES] as const),
  ] as const) {
    out.push(entry.id);
    for (const l of sourcesOf(entry, keys)) out.push(...wrap(l, WIDTH, "      ", "  "));
  }
  return out.join("\n");
}

/** `repower catalog [--json]`; returns the exit status. */
export function catalogCommand(args: string[], io: CatalogIo): number {
  const { values } = parseArgs({ args, options: { json: { type: "boolean", default: false } }, strict: true, allowPositionals: false });
  if (values.json) io.stdout.write(JSON.stringify(catalogJson(), null, 2) + "\n");
  else io.stdout.write(renderCatalog(paint(colourEnabled(io.stdout))) + "\n");
  return 0;
}
