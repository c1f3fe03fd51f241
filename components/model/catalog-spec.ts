/**
 * A site's own catalog entries (`repower:site.catalog`): their zod schema, the
 * rules an entry must obey (the contract's "The catalog (v2)"), and the
 * catalog a site sees once its entries are merged with the built-in ones.
 *
 * The rules make the catalog unable to switch the checks off: an entry with a
 * built-in id may only raise `systemKW`, `rackOverheadKW` and `wattsPerUnit`
 * (and set `description` and `source`); every other figure of a built-in id is
 * fixed, and a measured, lower or different figure goes in a new entry with an
 * id of its own. Every entry, built-in or not, obeys the floors
 * `systemKW ≥ gpusPerNode × gpuTdpW / 1000` and `wattsPerUnit ≥ 100`.
 *
 * Pure: no Pulumi here.
 */
import { z } from "zod";
import {
  GPU_SYSTEMS,
  GPU_VENDORS,
  MINER_COOLING,
  MINERS,
  SYSTEM_COOLING,
  mergeCatalog,
  type Catalog,
  type Figure,
  type GpuSystem,
  type Miner,
} from "./catalog";
import { editDistance, type FieldPath, type SpecIssue } from "./spec-errors";

/** Bounds that catch typos of several orders of magnitude (as the site's own). */
const MAX = { watts: 100_000, kilowatts: 10_000, count: 1_000, hashrateTHs: 1_000_000 } as const;

/** The lowest power a miner may draw, W (the contract's floor). */
export const MIN_MINER_WATTS = 100;

const ID = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const catalogId = z
  .string()
  .min(1, { message: "must not be empty" })
  .max(63, { message: "must be at most 63 characters" })
  .regex(ID, { message: "must be lower-case letters, digits and '-', starting and ending with a letter or digit" });

/**
 * A catalog figure: a plain number, or a number with its source. The shape is
 * checked first and the number's bounds after, so that a bad number gets the
 * number's own message (a whole number, at most 1) rather than the union's.
 */
const figure = (value: z.ZodNumber) =>
  z
    .union([z.number(), z.strictObject({ value: z.number(), source: z.string().min(1), uncertain: z.boolean().optional() })])
    .superRefine((f, ctx) => {
      const plain = typeof f === "number";
      const r = value.safeParse(plain ? f : f.value, { reportInput: true });
      if (r.success) return;
      for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: plain ? [] : ["value"] } as Parameters<typeof ctx.addIssue>[0]);
    });

const positive = (max: number) => figure(z.number().positive().max(max));
const count = () => figure(z.number().int().min(1).max(MAX.count));

export const GpuSystemEntrySchema = z.strictObject({
  id: catalogId,
  description: z.string().optional(),
  source: z.string().optional(),
  vendor: z.enum(GPU_VENDORS).optional(),
  gpusPerNode: count().optional(),
  gpuTdpW: positive(MAX.watts).optional(),
  powerCapMinW: positive(MAX.watts).optional(),
  powerCapMaxW: positive(MAX.watts).optional(),
  systemKW: positive(MAX.kilowatts).optional(),
  nodesPerRack: count().optional(),
  rackScale: z.boolean().optional(),
  rackOverheadKW: figure(z.number().nonnegative().max(MAX.kilowatts)).optional(),
  cooling: z.enum(SYSTEM_COOLING).optional(),
  liquidFraction: figure(z.number().min(0).max(1)).optional(),
});

export const MinerEntrySchema = z.strictObject({
  id: catalogId,
  description: z.string().optional(),
  source: z.string().optional(),
  hashrateTHs: positive(MAX.hashrateTHs).optional(),
  wattsPerUnit: positive(MAX.watts).optional(),
  cooling: z.enum(MINER_COOLING).optional(),
});

/** `repower:site.catalog`: hardware the built-in catalog lacks, or raised figures of built-in ids. */
export const CatalogSpecSchema = z.strictObject({
  gpuSystems: z.array(GpuSystemEntrySchema).default([]),
  miners: z.array(MinerEntrySchema).default([]),
});

export type GpuSystemEntry = z.infer<typeof GpuSystemEntrySchema>;
export type MinerEntry = z.infer<typeof MinerEntrySchema>;
export type CatalogSpec = z.infer<typeof CatalogSpecSchema>;
export type FigureInput = z.infer<ReturnType<typeof figure>>;

/** Source of a figure a site gives as a plain number without an entry `source`. */
export const SITE_SOURCE = "site catalog (repower:site.catalog)";

const has = (table: object, id: string) => Object.prototype.hasOwnProperty.call(table, id);
export const isBuiltinGpuSystem = (id: string): boolean => has(GPU_SYSTEMS, id);
export const isBuiltinMiner = (id: string): boolean => has(MINERS, id);

const valueOf = (f: FigureInput | undefined): number | undefined => (f === undefined ? undefined : typeof f === "number" ? f : f.value);

function toFigure(input: FigureInput, entrySource: string | undefined): Figure {
  if (typeof input === "number") return { value: input, source: entrySource ?? SITE_SOURCE };
  return input.uncertain ? { value: input.value, source: input.source, uncertain: true } : { value: input.value, source: input.source };
}

/** The figure fields of a GPU system, with their units for messages. */
const GPU_FIGURES = {
  gpusPerNode: "",
  gpuTdpW: " W",
  powerCapMinW: " W",
  powerCapMaxW: " W",
  systemKW: " kW",
  nodesPerRack: "",
  rackOverheadKW: " kW",
  liquidFraction: "",
} as const;
type GpuFigure = keyof typeof GPU_FIGURES;

/** Figures a new GPU system must give. */
const GPU_REQUIRED = ["gpusPerNode", "gpuTdpW", "powerCapMinW", "powerCapMaxW", "systemKW", "nodesPerRack"] as const;
/** Figures of a built-in id a site may raise (never lower). */
const RAISABLE = new Set<string>(["systemKW", "rackOverheadKW", "wattsPerUnit"]);

const newId = (id: string) => `a measured, lower or different figure goes in a new entry with an id of its own (e.g. "${id}-site")`;

/**
 * Every problem of a site's catalog entries, at paths from the root of
 * `repower:site`: duplicate ids, missing figures of new entries, changes to a
 * built-in id other than raising `systemKW`, `rackOverheadKW` or
 * `wattsPerUnit`, and the floors. Empty when the entries are good.
 */
export function catalogIssues(spec: { catalog: CatalogSpec }): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const add = (path: FieldPath, message: string) => issues.push({ path, message });
  const merged = siteCatalog(spec);

  const seenG = new Map<string, number>();
  spec.catalog.gpuSystems.forEach((g, i) => {
    const at = (...rest: (string | number)[]): FieldPath => ["catalog", "gpuSystems", i, ...rest];
    const first = seenG.get(g.id);
    if (first !== undefined) {
      add(at("id"), `duplicate GPU system id "${g.id}" (also catalog.gpuSystems[${first}])`);
      return;
    }
    seenG.set(g.id, i);

    if (isBuiltinGpuSystem(g.id)) {
      const base = GPU_SYSTEMS[g.id];
      for (const k of ["vendor", "rackScale", "cooling"] as const) {
        if (g[k] !== undefined && g[k] !== base[k]) {
          add(at(k), `"${g.id}" is a built-in id whose ${k} is ${String(base[k])}; it may not change: ${newId(g.id)}`);
        }
      }
      for (const k of Object.keys(GPU_FIGURES) as GpuFigure[]) {
        const v = valueOf(g[k]);
        if (v === undefined) continue;
        const builtin = base[k].value;
        const unit = GPU_FIGURES[k];
        if (RAISABLE.has(k)) {
          if (v < builtin) add(at(k), `"${g.id}" is a built-in id: ${k} may only be raised (built-in ${builtin}${unit}, got ${v}${unit}); ${newId(g.id)}`);
        } else if (v !== builtin) {
          add(at(k), `"${g.id}" is a built-in id: ${k} may not change (built-in ${builtin}${unit}, got ${v}${unit}); only systemKW and rackOverheadKW may be raised; ${newId(g.id)}`);
        }
      }
      return;
    }

    let complete = true;
    for (const k of GPU_REQUIRED) {
      if (g[k] === undefined) {
        add(at(k), `required for a new GPU system "${g.id}"`);
        complete = false;
      }
    }
    if (g.cooling === "liquid" && g.liquidFraction === undefined) {
      add(at("liquidFraction"), `required for a liquid-cooled GPU system "${g.id}": the share (0 to 1) of its heat the direct-to-chip loop takes`);
    }
    const min = valueOf(g.powerCapMinW);
    const max = valueOf(g.powerCapMaxW);
    if (min !== undefined && max !== undefined && min > max) {
      add(at("powerCapMinW"), `powerCapMinW ${min} W is above powerCapMaxW ${max} W`);
    }
    if (complete) floorIssue(merged.gpuSystems[g.id], at("systemKW"), add);
  });

  const seenM = new Map<string, number>();
  spec.catalog.miners.forEach((m, i) => {
    const at = (...rest: (string | number)[]): FieldPath => ["catalog", "miners", i, ...rest];
    const first = seenM.get(m.id);
    if (first !== undefined) {
      add(at("id"), `duplicate miner id "${m.id}" (also catalog.miners[${first}])`);
      return;
    }
    seenM.set(m.id, i);
    const watts = valueOf(m.wattsPerUnit);
    if (isBuiltinMiner(m.id)) {
      const base = MINERS[m.id];
      if (m.cooling !== undefined && m.cooling !== base.cooling) {
        add(at("cooling"), `"${m.id}" is a built-in id whose cooling is ${base.cooling}; it may not change: ${newId(m.id)}`);
      }
      const hash = valueOf(m.hashrateTHs);
      if (hash !== undefined && hash !== base.hashrateTHs.value) {
        add(at("hashrateTHs"), `"${m.id}" is a built-in id: hashrateTHs may not change (built-in ${base.hashrateTHs.value} TH/s, got ${hash} TH/s); only wattsPerUnit may be raised; ${newId(m.id)}`);
      }
      if (watts !== undefined && watts < base.wattsPerUnit.value) {
        add(at("wattsPerUnit"), `"${m.id}" is a built-in id: wattsPerUnit may only be raised (built-in ${base.wattsPerUnit.value} W, got ${watts} W); ${newId(m.id)}`);
      }
      return;
    }
    if (watts === undefined) add(at("wattsPerUnit"), `required for a new miner "${m.id}"`);
    else if (watts < MIN_MINER_WATTS) add(at("wattsPerUnit"), `${watts} W is below the floor of ${MIN_MINER_WATTS} W a miner`);
  });
  return issues;
}

/** The floor every GPU system obeys: its system power covers its GPUs at full power. */
export function systemFloorKW(s: Pick<GpuSystem, "gpusPerNode" | "gpuTdpW">): number {
  return (s.gpusPerNode.value * s.gpuTdpW.value) / 1000;
}

function floorIssue(s: GpuSystem | undefined, path: FieldPath, add: (path: FieldPath, message: string) => void): void {
  if (s === undefined) return;
  const floor = systemFloorKW(s);
  if (s.systemKW.value < floor - 1e-9) {
    add(path, `systemKW ${s.systemKW.value} kW is below gpusPerNode × gpuTdpW / 1000 = ${s.gpusPerNode.value} × ${s.gpuTdpW.value} / 1000 = ${+floor.toFixed(6)} kW`);
  }
}

/**
 * The built-in catalog with a site's entries added, and its entries for
 * built-in ids applied. Defensive on its own: a built-in id takes from the
 * site only a raised `systemKW`, `rackOverheadKW` or `wattsPerUnit`, a
 * `description` and a `source`, whatever else the entry says (the rules are
 * reported by `catalogIssues`). A new entry missing a required figure is left
 * out (and reported there).
 */
export function siteCatalog(spec: { catalog: CatalogSpec }): Catalog {
  const gpus: GpuSystem[] = [];
  for (const g of spec.catalog.gpuSystems) {
    if (isBuiltinGpuSystem(g.id)) {
      const base = GPU_SYSTEMS[g.id];
      const raise = (k: "systemKW" | "rackOverheadKW"): Figure => {
        const f = g[k];
        return f !== undefined && (valueOf(f) as number) > base[k].value ? toFigure(f, g.source) : base[k];
      };
      gpus.push({
        ...base,
        description: g.description ?? base.description,
        ...(g.source !== undefined || base.source !== undefined ? { source: g.source ?? base.source } : {}),
        systemKW: raise("systemKW"),
        rackOverheadKW: raise("rackOverheadKW"),
      });
      continue;
    }
    if (GPU_REQUIRED.some((k) => g[k] === undefined)) continue;
    const f = (k: (typeof GPU_REQUIRED)[number]) => toFigure(g[k] as FigureInput, g.source);
    const cooling = g.cooling ?? "air";
    if (cooling === "liquid" && g.liquidFraction === undefined) continue;
    gpus.push({
      id: g.id,
      description: g.description ?? g.id,
      ...(g.source !== undefined ? { source: g.source } : {}),
      vendor: g.vendor ?? "nvidia",
      gpusPerNode: f("gpusPerNode"),
      gpuTdpW: f("gpuTdpW"),
      powerCapMinW: f("powerCapMinW"),
      powerCapMaxW: f("powerCapMaxW"),
      systemKW: f("systemKW"),
      nodesPerRack: f("nodesPerRack"),
      rackScale: g.rackScale ?? false,
      rackOverheadKW: g.rackOverheadKW !== undefined ? toFigure(g.rackOverheadKW, g.source) : { value: 0, source: "default (none given)" },
      cooling,
      // An air entry's liquidFraction is ignored: all its heat goes to air.
      liquidFraction:
        cooling === "liquid" ? toFigure(g.liquidFraction as FigureInput, g.source) : { value: 0, source: "air-cooled: all heat to air" },
    });
  }
  const miners: Miner[] = [];
  for (const m of spec.catalog.miners) {
    if (isBuiltinMiner(m.id)) {
      const base = MINERS[m.id];
      const w = m.wattsPerUnit;
      miners.push({
        ...base,
        description: m.description ?? base.description,
        ...(m.source !== undefined || base.source !== undefined ? { source: m.source ?? base.source } : {}),
        wattsPerUnit: w !== undefined && (valueOf(w) as number) > base.wattsPerUnit.value ? toFigure(w, m.source) : base.wattsPerUnit,
      });
      continue;
    }
    if (m.wattsPerUnit === undefined) continue;
    miners.push({
      id: m.id,
      description: m.description ?? m.id,
      ...(m.source !== undefined ? { source: m.source } : {}),
      hashrateTHs: m.hashrateTHs !== undefined ? toFigure(m.hashrateTHs, m.source) : { value: 0, source: "not given" },
      wattsPerUnit: toFigure(m.wattsPerUnit, m.source),
      cooling: m.cooling ?? "air",
    });
  }
  return mergeCatalog(gpus, miners);
}

/** The kinds of catalog id a site refers to. */
export type CatalogKind = "gpuSystem" | "miner";

const commonPrefix = (a: string, b: string): number => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

/**
 * The `n` known ids of one kind nearest to `id`: the longest common prefix
 * first (ids are named family first: `gb300-…`, `antminer-s21-…`), then the
 * fewest edits, then the id itself (deterministic).
 */
export function nearestCatalogIds(id: string, kind: CatalogKind, catalog: Catalog, n = 3): string[] {
  const lower = id.toLowerCase();
  const ids = Object.keys(kind === "gpuSystem" ? catalog.gpuSystems : catalog.miners);
  return ids
    .map((c) => ({ c, prefix: commonPrefix(lower, c), dist: editDistance(lower, c) }))
    .sort((a, b) => b.prefix - a.prefix || a.dist - b.dist || (a.c < b.c ? -1 : a.c > b.c ? 1 : 0))
    .slice(0, n)
    .map((x) => x.c);
}

/**
 * The message for an id the catalog lacks: the nearest known ids of the same
 * kind (listed, never "corrected" to a different product) and where to look.
 */
export function unknownCatalogIdMessage(id: string, kind: CatalogKind, catalog: Catalog): string {
  const what = kind === "gpuSystem" ? "GPU system" : "miner model";
  const near = nearestCatalogIds(id, kind, catalog)
    .map((c) => `"${c}"`)
    .join(", ");
  const where = kind === "gpuSystem" ? "catalog.gpuSystems" : "catalog.miners";
  return `unknown ${what} "${id}"; nearest known: ${near}; \`repower catalog\` lists every built-in id, and ${where} adds your own`;
}
