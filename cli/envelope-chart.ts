/**
 * The envelope chart: per moment of the rollout, stacked bars of miners,
 * GPUs, other IT and facility overhead against the site, firm and
 * transformer limits; where the site has substations (v2), each
 * substation's load against its own limits; and per cooling zone, heat
 * against usable cooling. Limits are drawn as steps, one level per phase,
 * since the grid and the equipment change during a rollout. Drawn with
 * Apache ECharts (server-side SVG), turned into PNG with resvg and the
 * DejaVu Sans font shipped on npm, so that every machine draws the same
 * picture.
 *
 * Every figure comes from the model's rows (`envelopeRows`); the chart
 * computes no limit of its own. Labels are placed here, not by the library:
 * the names of the limits at the right edge are moved apart (or merged
 * where two limits are equal), so that no two labels overlap.
 */
import * as path from "node:path";
import * as echarts from "echarts";
import { Resvg } from "@resvg/resvg-js";
import { envelopeRows, evaluate, scenarios, serviceText, type BudgetRow, type GenerationRow, type PhaseRow, type Site } from "../components/model";
import { grouped } from "./format";

export const CHART_WIDTH = 1200;
const FONT = "DejaVu Sans";
const FONT_SIZE = 12;
/** Average advance of a DejaVu Sans character, in em (for laying out labels). */
export const CHAR_EM = 0.62;

export const PLOT_LEFT = 80;
/** The least room right of the plot for the limits' names; longer names take more. */
const PLOT_RIGHT = 250;
const PANEL_HEIGHT = 300;
const LABEL_TURN = 40; // degrees
const LINE = FONT_SIZE + 4;
const FOOT_LINE = 20;

/** Text width in px, as laid out here. */
export function textWidth(text: string, size = FONT_SIZE): number {
  return [...text].length * size * CHAR_EM;
}

/**
 * The library lays out legends and labels with its own guess of text widths
 * (Arial's, without a canvas), narrower than DejaVu Sans: long legend names
 * ran into the next item. It measures as this file does instead (bold a
 * tenth wider).
 */
echarts.setPlatformAPI({
  measureText: (text: string, font?: string) => {
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? "")?.[1] ?? FONT_SIZE);
    return { width: textWidth(text ?? "", size) * (/bold/.test(font ?? "") ? 1.1 : 1) } as unknown as { width: number };
  },
});

const momentLabel = (m: { label: string; active: boolean }) => (m.active ? `${m.label} (active)` : m.label);

/** How far the phase labels reach below an axis, and whether they are turned. */
function axisLabels(moments: { label: string; active: boolean }[], plotWidth: number): { rotate: number; depth: number } {
  const band = plotWidth / Math.max(1, moments.length);
  const widest = Math.max(...moments.map((m) => textWidth(momentLabel(m))));
  if (widest <= band - 8) return { rotate: 0, depth: 26 };
  const a = (LABEL_TURN * Math.PI) / 180;
  return { rotate: LABEL_TURN, depth: Math.ceil(widest * Math.sin(a) + FONT_SIZE * Math.cos(a)) + 14 };
}

/** Rows a legend of these names takes when it wraps at the page's width. */
function legendRows(names: string[]): number {
  let rows = 1;
  let x = 20;
  for (const n of names) {
    const w = 25 + 5 + textWidth(n) + 18;
    if (x + w > CHART_WIDTH - 20 && x > 20) {
      rows++;
      x = 20;
    }
    x += w;
  }
  return rows;
}

interface PanelBox {
  titleTop: number;
  legendTop: number;
  top: number;
  height: number;
}

/** Where the panels go, the plot's left edge and width, and the chart's height. */
function layout(moments: { label: string; active: boolean }[], panels: { legend: string[]; height: number }[], right: number, footLines: number) {
  let plotWidth = CHART_WIDTH - PLOT_LEFT - right;
  const { rotate, depth } = axisLabels(moments, plotWidth);
  // A turned first label reaches left of its bar: the plot starts far enough right to keep it on the page.
  const band = plotWidth / Math.max(1, moments.length);
  const first = moments.length > 0 ? textWidth(momentLabel(moments[0])) : 0;
  const left = rotate ? Math.max(PLOT_LEFT, Math.ceil(first * Math.cos((rotate * Math.PI) / 180) - band / 2 + 16)) : PLOT_LEFT;
  plotWidth = CHART_WIDTH - left - right;
  const boxes: PanelBox[] = [];
  let t = 8;
  for (const p of panels) {
    const legendTop = t + 30;
    const top = legendTop + 52 + (legendRows(p.legend) - 1) * 32; // a row of legend is 14 px, 18 apart
    boxes.push({ titleTop: t, legendTop, top, height: p.height });
    t = top + p.height + depth + 24;
  }
  const height = t + footLines * FOOT_LINE;
  return { boxes, height, left, plotWidth };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** A round axis: a step of 1, 2, 2.5 or 5 × 10^k, and the first multiple of it above `value` × 1.05. */
export function roundAxis(value: number, ticks = 6): { max: number; interval: number } {
  const v = Math.max(value * 1.05, 1);
  const raw = v / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return { max: Math.ceil(v / step) * step, interval: step };
}

export type Dash = "solid" | "dashed" | "dotted";

export interface LimitLine {
  name: string;
  /** Per moment; null where the limit does not exist then (its equipment out of service). */
  values: (number | null)[];
  colour: string;
  dash: Dash;
  /** When the limit exists, in words, where it does not throughout ("in service from phase-3"). */
  service?: string;
  /** Per moment, the part of the limit that generation behind the meter gives (hatched below the line); null where none. */
  fromGeneration?: (number | null)[];
  /** False: the part from generation is named in the label only (a firm band would run into the limit's band above it). */
  hatched?: boolean;
}

export interface ChartMoment {
  label: string;
  phase: string;
  transient: boolean;
  active: boolean;
  minersMW: number;
  gpusMW: number;
  otherItMW: number;
  overheadMW: number;
  facilityMW: number;
  /** Site-wide budgets of the power panel broken at this moment ("site", "firm", "transformers"). */
  powerOver: string[];
}

export interface SubstationSeries {
  name: string;
  /** Its facility load per moment (0 while out of service). */
  load: number[];
  /** Its own limit, firm limit and transformers, where it has them. */
  limits: LimitLine[];
  /** Its budgets broken per moment ("limit", "firm", "transformers"). */
  over: string[][];
  /** False where the substation has no interconnectMW: only the site total binds its load. */
  ownLimit: boolean;
}

export interface ZoneSeries {
  name: string;
  heat: number[];
  usable: (number | null)[];
  service?: string;
}

/** Where a line that is not drawn at every moment is drawn, in words: "in service from phase-3 until phase-5". */
export function drawnWhen(values: (number | null)[], phases: string[]): string | undefined {
  const on = values.map((v, i) => (v === null ? -1 : i)).filter((i) => i >= 0);
  if (on.length === 0 || on.length === values.length) return undefined;
  const first = on[0];
  const last = on[on.length - 1];
  const parts: string[] = [];
  if (first > 0) parts.push(`from ${phases[first]}`);
  if (last < values.length - 1) parts.push(`until ${phases[last]}`);
  return `in service ${parts.join(" ")}${last - first + 1 === on.length ? "" : ", with gaps"}`;
}

const SITE_COLOUR = "#c0392b";
const FIRM_COLOUR = "#e67e22";
const TRANSFORMER_COLOUR = "#7d3c98";
// Twelve distinct colours: a site rarely has more zones; past twelve they repeat (the labels still name each).
const ZONE_COLOURS = ["#2e86ab", "#a23b72", "#f18f01", "#3b8b5a", "#6c5b7b", "#c73e1d", "#1b998b", "#8d6a9f", "#b5a400", "#5b6ee1", "#8c564b", "#e377c2"];
const SUBSTATION_COLOURS = ["#1f618d", "#b9770e", "#117a65", "#884ea0", "#922b21", "#5d6d7e", "#2e4053", "#7e5109"];

const overName = (b: BudgetRow) => (b.kind === "transformer" ? "transformers" : b.kind);

/** The chart's data, per moment of the rollout: the model's rows, sorted into what each panel draws. */
export function chartData(site: Site) {
  const rows: PhaseRow[] = envelopeRows(site);
  const phases = rows.map((r) => r.name);
  const moments: ChartMoment[] = scenarios(site).map((s, i) => {
    const e = evaluate(site, s);
    const row = rows[i];
    let minersMW = 0;
    let gpusMW = 0;
    let otherItMW = 0;
    for (const l of e.loads) {
      if (l.kind === "mining") minersMW += l.itKW / 1000;
      else if (l.kind === "gpu") gpusMW += l.itKW / 1000;
      else otherItMW += l.itKW / 1000;
    }
    const powerOver = row.budgets.filter((b) => !b.ok && b.substation === undefined && (b.kind === "site" || b.kind === "firm" || b.kind === "transformer")).map(overName);
    return {
      label: s.transient ? `→ ${s.phase}` : s.phase,
      phase: s.phase,
      transient: s.transient,
      active: row.active,
      minersMW: r3(minersMW),
      gpusMW: r3(gpusMW),
      otherItMW: r3(otherItMW),
      overheadMW: r3(Math.max(0, e.facilityMW - minersMW - gpusMW - otherItMW)),
      facilityMW: r3(e.facilityMW),
      powerOver: [...new Set(powerOver)],
    };
  });

  // The part of a limit that generation gives: the model's limit less the model's limit for the same
  // site without that generation (standby never counts, so it is kept as it is).
  const running = site.generation.some((g) => !g.standby);
  const gridOnly = running ? envelopeRows({ ...site, generation: site.generation.filter((g) => g.standby) }) : rows;
  const share = (k: "siteLimitMW" | "firmLimitMW") => rows.map((r, i) => (r[k] - gridOnly[i][k] > 1e-9 ? r3(r[k] - gridOnly[i][k]) : null));
  const siteShare = share("siteLimitMW");
  const firmShare = share("firmLimitMW");

  const limits: LimitLine[] = [
    { name: "site limit", values: rows.map((r) => r3(r.siteLimitMW)), colour: SITE_COLOUR, dash: "solid", ...(siteShare.some((v) => v !== null) ? { fromGeneration: siteShare } : {}) },
  ];
  // A firm limit at the site limit is no limit of its own: drawn only where it is below somewhere.
  if (rows.some((r) => r.firmLimitMW < r.siteLimitMW)) {
    limits.push({ name: "firm limit", values: rows.map((r) => r3(r.firmLimitMW)), colour: FIRM_COLOUR, dash: "dashed", ...(firmShare.some((v) => v !== null) ? { fromGeneration: firmShare } : {}) });
  }
  const inService = (b: BudgetRow | undefined) => (b === undefined || b.outOfService || b.limit === null ? null : r3(b.limit));
  if (site.substations.length === 0) {
    // One point of interconnection: the model checks the transformers together against the site's load.
    const values = rows.map((r) => inService(r.budgets.find((b) => b.kind === "transformer" && b.substation === undefined)));
    if (values.some((v) => v !== null)) limits.push({ name: "transformers", values, colour: TRANSFORMER_COLOUR, dash: "dotted", ...service(drawnWhen(values, phases)) });
  } else {
    // Substations: the model checks each substation's transformers against its own load (panel below).
    // Here, against the whole site, their sum: what all the site's transformers carry together.
    const values = rows.map((r) => {
      const own = r.budgets.filter((b) => b.kind === "transformer" && b.substation !== undefined && !b.outOfService && b.limit !== null);
      return own.length === 0 ? null : r3(own.reduce((a, b) => a + (b.limit as number), 0));
    });
    if (values.some((v) => v !== null)) limits.push({ name: "transformers, all substations", values, colour: TRANSFORMER_COLOUR, dash: "dotted", ...service(drawnWhen(values, phases)) });
  }

  const substations: SubstationSeries[] = site.substations.map((sub, k) => {
    const colour = SUBSTATION_COLOURS[k % SUBSTATION_COLOURS.length];
    const at = rows.map((r) => r.substations.find((x) => x.name === sub.name));
    const own = (b: BudgetRow) => b.substation === sub.name;
    const line = (name: string, values: (number | null)[], dash: Dash, fromGeneration?: (number | null)[]): LimitLine[] =>
      values.some((v) => v !== null)
        ? [{ name, values, colour, dash, ...service(drawnWhen(values, phases)), ...(fromGeneration?.some((g) => g !== null) ? { fromGeneration, hatched: dash === "solid" } : {}) }]
        : [];
    const limit = at.map((x) => (x?.inService && x.limitMW !== null ? r3(x.limitMW) : null));
    const firm = at.map((x) => (x?.inService && x.firmLimitMW !== null ? r3(x.firmLimitMW) : null));
    const without = gridOnly.map((r) => r.substations.find((x) => x.name === sub.name));
    const part = (k: "limitMW" | "firmLimitMW", values: (number | null)[]) =>
      values.map((v, i) => (v === null || without[i]?.[k] == null || v - (without[i]![k] as number) <= 1e-9 ? null : r3(v - (without[i]![k] as number))));
    const transformers = rows.map((r) => inService(r.budgets.find((b) => b.kind === "transformer" && own(b))));
    return {
      name: sub.name,
      load: at.map((x) => r3(x?.inService ? x.facilityMW : 0)),
      limits: [
        ...line(`${sub.name} limit`, limit, "solid", part("limitMW", limit)),
        ...line(`${sub.name} firm`, firm, "dashed", part("firmLimitMW", firm)),
        ...line(`${sub.name} transformers`, transformers, "dotted"),
      ],
      over: rows.map((r) => [...new Set(r.budgets.filter((b) => own(b) && !b.ok && (b.kind === "site" || b.kind === "firm" || b.kind === "transformer")).map((b) => (b.kind === "site" ? "limit" : overName(b))))]),
      ownLimit: sub.interconnectMW !== undefined,
    };
  });

  // Cooling: a direct-to-chip zone with an air side has two budgets (liquid, air). A zone out of service
  // has one budget (limit 0, outOfService): its usable cooling is not drawn there, and its label says when it is.
  const zoneKey = (b: BudgetRow) => `${b.subject}${b.part ? ` (${b.part})` : ""}`;
  const cooling = (r: PhaseRow) => r.budgets.filter((b) => b.kind === "cooling");
  const zoneNames = [...new Set(rows.flatMap((r) => cooling(r).filter((b) => !b.outOfService).map(zoneKey)))];
  const zones: ZoneSeries[] = zoneNames.map((name) => {
    const subject = (b: BudgetRow) => zoneKey(b) === name;
    const usable = rows.map((r) => inService(cooling(r).find(subject)));
    return { name, heat: rows.map((r) => r3(cooling(r).find(subject)?.used ?? 0)), usable, ...service(drawnWhen(usable, phases)) };
  });

  // Generation behind the meter and standby sources, each once, with when it runs.
  const sources = (pick: (r: PhaseRow) => GenerationRow[]) => {
    const names = [...new Set(rows.flatMap((r) => pick(r).map((g) => g.name)))];
    return names.map((n) => {
      const g = site.generation.find((x) => x.name === n)!;
      const w = serviceText(site, g);
      return { name: n, type: g.type, capacityMW: g.capacityMW, firm: g.firm, substation: g.substation, service: w === "in service throughout" ? undefined : w };
    });
  };
  return { site: site.name, moments, limits, substations, zones, generation: sources((r) => r.generation), standby: sources((r) => r.standby) };
}

function service(text: string | undefined): { service?: string } {
  return text === undefined ? {} : { service: text };
}

export interface LabelItem {
  text: string;
  value: number;
  colour: string;
  /** Lines under the name: when it is in service, how much comes from generation. */
  notes?: string[];
}

export interface PlacedLabel {
  lines: string[];
  /** Each line's colour: a merged label's lines keep their own limit's colour. */
  colours: string[];
  value: number;
  y: number;
  height: number;
  colour: string;
}

type Named = { text: string; notes: string[]; colour: string };

/** A label's lines: the first name with the value, then "= name" for each equal limit, each with its notes, in its colour. */
function labelLines(texts: Named[], value: number): { text: string; colour: string }[] {
  return texts.flatMap((t, i) => [i === 0 ? `${t.text}: ${grouped(value, 2)} MW` : `= ${t.text}`, ...t.notes.map((n) => `  ${n}`)].map((text) => ({ text, colour: t.colour })));
}

/**
 * Names of limits at the right edge, at the height of each limit's last
 * value: equal values share one label, and labels closer than a line apart
 * are pushed apart (and kept inside the panel where they fit in it).
 */
export function placeLimitLabels(items: LabelItem[], axisMax: number, top: number, height: number): PlacedLabel[] {
  const merged: { texts: Named[]; value: number; colour: string }[] = [];
  for (const it of [...items].sort((a, b) => b.value - a.value)) {
    const named = { text: it.text, notes: it.notes ?? [], colour: it.colour };
    const same = merged.find((m) => Math.abs(m.value - it.value) < 1e-6);
    if (same) same.texts.push(named);
    else merged.push({ texts: [named], value: it.value, colour: it.colour });
  }
  const placed = merged.map((m) => {
    const lines = labelLines(m.texts, m.value);
    return { lines: lines.map((l) => l.text), colours: lines.map((l) => l.colour), value: m.value, colour: m.colour, y: top + height * (1 - m.value / axisMax), h: lines.length * LINE };
  });
  // Each label is centred on its limit; push down what overlaps, then back up what left the panel.
  for (let i = 1; i < placed.length; i++) {
    const min = placed[i - 1].y + placed[i - 1].h / 2 + placed[i].h / 2;
    if (placed[i].y < min) placed[i].y = min;
  }
  const n = placed.length;
  if (n > 0 && placed[n - 1].y + placed[n - 1].h / 2 > top + height) placed[n - 1].y = top + height - placed[n - 1].h / 2;
  for (let i = n - 2; i >= 0; i--) {
    const max = placed[i + 1].y - placed[i + 1].h / 2 - placed[i].h / 2;
    if (placed[i].y > max) placed[i].y = max;
  }
  return placed.map((p) => ({ lines: p.lines, colours: p.colours, value: p.value, y: p.y, height: p.h, colour: p.colour }));
}

const DASH: Record<Dash, number[] | null> = { solid: null, dashed: [6, 4], dotted: [2, 3] };

type Api = { value(i: number): number; coord(p: number[]): number[]; size(p: number[]): number[] };

/** Diagonal hatching inside a rectangle, as line segments. */
function hatch(x: number, y: number, w: number, h: number, colour: string, gap = 7) {
  const out: unknown[] = [];
  // Lines x' − y' = c, for c from −h to w, clipped to the rectangle (local coordinates).
  for (let c = -h + gap / 2; c < w; c += gap) {
    const x1 = Math.max(0, c);
    const y1 = x1 - c;
    const x2 = Math.min(w, c + h);
    const y2 = x2 - c;
    out.push({ type: "line", shape: { x1: x + x1, y1: y + h - y1, x2: x + x2, y2: y + h - y2 }, style: { stroke: colour, fill: "none", lineWidth: 1, opacity: 0.7 } });
  }
  return out;
}

/**
 * A limit as steps: one level across each moment's band, joined where it
 * changes. Where generation behind the meter gives part of it, that part
 * is a hatched band under the line: the site engineer reads at once the
 * limit with the generation running (the line) and without it (the band's
 * lower edge) — one line and one label, where two lines ("grid only",
 * "with generation") would double the labels at the right edge.
 */
function stepSeries(line: LimitLine, xAxisIndex: number, yAxisIndex: number) {
  const { values, colour } = line;
  const gen = line.fromGeneration ?? values.map(() => null);
  const style = { stroke: colour, lineWidth: 2, lineDash: DASH[line.dash] };
  const steps = {
    name: line.name,
    type: "custom",
    xAxisIndex,
    yAxisIndex,
    z: 5,
    silent: true,
    data: values.map((v, i) => [i, v ?? NaN, i > 0 ? (values[i - 1] ?? NaN) : NaN]),
    encode: { x: 0, y: 1 },
    renderItem: (params: unknown, api: Api) => {
      const i = api.value(0);
      const v = api.value(1);
      if (!Number.isFinite(v)) return { type: "group", children: [] };
      const [x, y] = api.coord([i, v]);
      const band = api.size([1, 0])[0];
      const children: unknown[] = [{ type: "line", shape: { x1: x - band / 2, y1: y, x2: x + band / 2, y2: y }, style }];
      const prev = api.value(2);
      if (Number.isFinite(prev) && prev !== v) {
        const [, y0] = api.coord([i, prev]);
        children.push({ type: "line", shape: { x1: x - band / 2, y1: y0, x2: x - band / 2, y2: y }, style });
      }
      return { type: "group", children };
    },
  };
  if (!gen.some((g) => g !== null) || line.hatched === false) return [steps];
  // The part from generation: behind the bars, so that the load stays readable over it.
  const hatched = {
    name: `${line.name} from generation`,
    type: "custom",
    xAxisIndex,
    yAxisIndex,
    z: 1,
    silent: true,
    data: values.map((v, i) => [i, v ?? NaN, gen[i] ?? NaN]),
    encode: { x: 0, y: 1 },
    renderItem: (params: unknown, api: Api) => {
      const i = api.value(0);
      const v = api.value(1);
      const g = api.value(2);
      if (!Number.isFinite(v) || !Number.isFinite(g) || g <= 0) return { type: "group", children: [] };
      const [x, y] = api.coord([i, v]);
      const [, yg] = api.coord([i, v - g]);
      const band = api.size([1, 0])[0];
      return {
        type: "group",
        children: [
          { type: "rect", shape: { x: x - band / 2, y, width: band, height: yg - y }, style: { fill: colour, opacity: 0.12 } },
          ...hatch(x - band / 2, y, band, yg - y, colour),
        ],
      };
    },
  };
  return [hatched, steps];
}

/** A shaded band behind the active phase (its end and its transient). */
function activeBand(moments: ChartMoment[], xAxisIndex: number, yAxisIndex: number, max: number) {
  return {
    name: "active phase",
    type: "custom",
    xAxisIndex,
    yAxisIndex,
    z: 0,
    silent: true,
    data: moments.map((m, i) => [i, m.active ? max : NaN]),
    renderItem: (params: unknown, api: Api) => {
      const v = api.value(1);
      if (!Number.isFinite(v)) return { type: "group", children: [] };
      const [x, y] = api.coord([api.value(0), v]);
      const [, y0] = api.coord([api.value(0), 0]);
      const band = api.size([1, 0])[0];
      return { type: "rect", shape: { x: x - band / 2, y, width: band, height: y0 - y }, style: { fill: "#fff4c2" } };
    },
  };
}

/** The category axis: every label shown; bold for the active phase; turned when they would not fit. */
function categoryAxis(moments: ChartMoment[], gridIndex: number, rotate: number) {
  return {
    type: "category",
    gridIndex,
    data: moments.map((m) => m.label),
    axisTick: { alignWithLabel: true },
    axisLabel: {
      interval: 0,
      rotate,
      fontFamily: FONT,
      fontSize: FONT_SIZE,
      formatter: (label: string, i: number) => (moments[i]?.active ? `{active|${label} (active)}` : label),
      rich: { active: { fontWeight: "bold", fontFamily: FONT, fontSize: FONT_SIZE, color: "#000000" } },
    },
  };
}

const last = (vals: (number | null)[]) => [...vals].reverse().find((v): v is number => v !== null);

/** A line's label item at its last value, with when it is in service and what generation gives. */
function labelItem(l: LimitLine): LabelItem {
  const notes: string[] = [];
  if (l.service !== undefined) notes.push(l.service);
  const g = l.fromGeneration ? last(l.fromGeneration.map((v, i) => (l.values[i] === null ? null : (v ?? 0)))) : undefined;
  if (g !== undefined && g > 0) notes.push(`incl. ${grouped(g, 2)} MW from generation`);
  return { text: l.name, value: last(l.values)!, colour: l.colour, ...(notes.length > 0 ? { notes } : {}) };
}

/** A note cut into lines of at most `width` px at spaces; the lines after the first indented. */
function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line === "" ? word : `${line} ${word}`;
    if (line !== "" && textWidth(next) > width) {
      out.push(line);
      line = `  ${word}`;
    } else line = next;
  }
  if (line !== "") out.push(line);
  return out;
}

const mw = (v: number) => `${grouped(v, v % 1 === 0 ? 0 : 2)} MW`;

/** An OVER label that fits its band: level where it fits, else turned upright. */
function overLabel(band: number) {
  return textWidth("OVER", FONT_SIZE) * 1.1 <= band - 6 ? {} : { rotate: 90, align: "left", verticalAlign: "middle" };
}

/**
 * The bars of one panel, one series per name, outlined in red where a
 * budget breaks; `labelled` says which carry the OVER label (one a moment,
 * the tallest, so that labels of neighbouring bars never collide).
 */
function groupedBars(name: string, values: number[], over: boolean[], labelled: boolean[], colour: string, axis: number, band: number) {
  return {
    name,
    type: "bar",
    xAxisIndex: axis,
    yAxisIndex: axis,
    z: 2,
    data: values.map((h, k) => ({
      value: h,
      ...(over[k] ? { itemStyle: { color: colour, borderColor: SITE_COLOUR, borderWidth: 3 } } : {}),
      ...(labelled[k]
        ? { label: { show: true, position: "top", formatter: "OVER", color: SITE_COLOUR, fontWeight: "bold", fontFamily: FONT, fontSize: FONT_SIZE - 1, ...overLabel(band) } }
        : {}),
    })),
    itemStyle: { color: colour },
  };
}

/** The chart as SVG text. */
export function envelopeSvg(site: Site): string {
  const d = chartData(site);
  const m = d.moments;
  const hasOther = m.some((x) => x.otherItMW > 0);
  const hasSubs = d.substations.length > 0;
  const drawn = (vals: (number | null)[]) => vals.filter((v): v is number => v !== null);

  const power = roundAxis(Math.max(...m.map((x) => x.facilityMW), ...d.limits.flatMap((l) => drawn(l.values))));
  const subAxis = roundAxis(Math.max(0, ...d.substations.flatMap((s) => [...s.load, ...s.limits.flatMap((l) => drawn(l.values))])));
  const heat = roundAxis(Math.max(0, ...d.zones.flatMap((z) => [...z.heat, ...drawn(z.usable)])));

  const powerItems = d.limits.filter((l) => last(l.values) !== undefined).map(labelItem);
  const subLines = d.substations.flatMap((s) => s.limits);
  const subItems = subLines.filter((l) => last(l.values) !== undefined).map(labelItem);
  const zoneColour = (i: number) => ZONE_COLOURS[i % ZONE_COLOURS.length];
  const zoneItems = d.zones
    .map((z, i) => ({ z, i }))
    .filter(({ z }) => last(z.usable) !== undefined)
    .map(({ z, i }): LabelItem => ({ text: `${z.name} usable`, value: last(z.usable)!, colour: zoneColour(i), ...(z.service ? { notes: [z.service] } : {}) }));

  // The right margin fits the longest label line; a panel is tall enough for all of its labels.
  const widest = Math.max(
    0,
    ...[powerItems, subItems, zoneItems].flatMap((items) => placeLimitLabels(items, 1, 0, 1).flatMap((l) => l.lines.map((t) => textWidth(t)))),
  );
  const right = Math.min(CHART_WIDTH / 2, Math.max(PLOT_RIGHT, Math.ceil(widest) + 20));
  const tall = (items: LabelItem[], base: number) => Math.max(base, placeLimitLabels(items, 1, 0, 1).reduce((a, l) => a + l.height, 0) + 20);

  const powerLegend = ["miners", "GPUs", ...(hasOther ? ["other IT"] : []), "cooling and aux overhead"];
  const subLegend = d.substations.map((s) => `${s.name} load`);
  const zoneLegend = d.zones.map((z) => `${z.name} heat`);
  const panelsSpec = [
    { legend: powerLegend, height: tall(powerItems, PANEL_HEIGHT) },
    ...(hasSubs ? [{ legend: subLegend, height: tall(subItems, PANEL_HEIGHT - 30) }] : []),
    { legend: zoneLegend, height: tall(zoneItems, PANEL_HEIGHT - 30) },
  ];

  const gensText = (gs: typeof d.generation) =>
    gs.map((g) => `${g.name} (${g.type} ${mw(g.capacityMW)}${g.substation ? ` at ${g.substation}` : ""}${g.service ? `, ${g.service}` : ""})`).join("; ");
  // The band of one moment (the plot's width does not depend on the notes below it).
  const band = layout(m, panelsSpec, right, 0).plotWidth / Math.max(1, m.length);
  const foot: string[] = [];
  if (m.some((x) => x.active)) foot.push("Shaded: the active phase, what this stack deploys now. Red outline: over a limit.");
  if (d.generation.length > 0) foot.push(`Hatched under a limit: the part of it generation behind the meter gives: ${gensText(d.generation)}.`);
  // Which of a substation's limits its OVER bars break, and when (the bar carries "OVER" only, to stay inside its band).
  const siteOverKinds = [...new Set(m.flatMap((x) => x.powerOver))];
  if (m.some((x) => x.powerOver.length > 0 && textWidth(`OVER: ${x.powerOver.join(", ")}`) * 1.1 > band - 6)) {
    foot.push(`Over a site-wide limit: ${siteOverKinds.map((k) => `${k} in ${m.filter((x) => x.powerOver.includes(k)).map((x) => x.label).join(", ")}`).join("; ")}.`);
  }
  const subOver = d.substations.flatMap((s) => {
    const kinds = [...new Set(s.over.flat())];
    return kinds.map((k) => `${s.name} ${k} in ${m.filter((_, i) => s.over[i].includes(k)).map((x) => x.label).join(", ")}`);
  });
  if (subOver.length > 0) foot.push(`Substations over a limit: ${subOver.join("; ")}.`);
  const noLimit = d.substations.filter((s) => !s.ownLimit).map((s) => s.name);
  if (noLimit.length > 0) foot.push(`No limit of its own (no interconnectMW): ${noLimit.join(", ")}; only the site's limits and its transformers bind its load.`);
  if (d.standby.length > 0) foot.push(`Standby, never counted in a limit: ${gensText(d.standby)}.`);
  if (m.some((x) => x.transient)) foot.push("→ phase: the transient into that phase (overlap): each load at the larger of its counts before and after, against that phase's limits.");
  const footLines = foot.flatMap((f) => wrap(f, CHART_WIDTH - 40));
  const { boxes, height, left, plotWidth } = layout(m, panelsSpec, right, footLines.length + 1);
  const { rotate } = axisLabels(m, plotWidth);
  const pPower = boxes[0];
  const pSubs = hasSubs ? boxes[1] : undefined;
  const pHeat = boxes[boxes.length - 1];
  const axisOf = { power: 0, subs: hasSubs ? 1 : -1, heat: boxes.length - 1 };

  const labelText = (l: PlacedLabel) =>
    l.lines.map((text, j) => ({
      type: "text",
      left: left + plotWidth + 8,
      top: l.y - l.height / 2 + j * LINE + 2,
      style: { text, fill: l.colours[j], fontFamily: FONT, fontSize: FONT_SIZE },
    }));
  // The site's bar names the limits it breaks where that fits its band; else "OVER", and the note below names them.
  const overMarks = m
    .map((x, i) => ({ x, i }))
    .filter(({ x }) => x.powerOver.length > 0)
    .map(({ x, i }) => {
      const full = `OVER: ${x.powerOver.join(", ")}`;
      const fits = textWidth(full) * 1.1 <= band - 6;
      return { coord: [i, x.facilityMW], value: fits ? full : "OVER", ...(fits ? {} : { label: overLabel(band) }) };
    });
  const zoneOver = (z: ZoneSeries) => z.heat.map((h, i) => z.usable[i] !== null && h > (z.usable[i] as number) + 1e-9);
  /** Per series, per moment: whether its bar is the tallest over a limit at that moment (the one labelled). */
  const tallestOver = (series: { values: number[]; over: boolean[] }[]) =>
    series.map((s, j) =>
      s.values.map((v, k) => s.over[k] && series.every((o, i) => i === j || !o.over[k] || o.values[k] < v || (o.values[k] === v && i > j))),
    );
  const subLabelled = tallestOver(d.substations.map((x) => ({ values: x.load, over: x.over.map((o) => o.length > 0) })));
  const zoneLabelled = tallestOver(d.zones.map((z) => ({ values: z.heat, over: zoneOver(z) })));

  const valueAxis = (gridIndex: number, a: { max: number; interval: number }) => ({
    type: "value",
    name: "MW",
    gridIndex,
    min: 0,
    max: a.max,
    interval: a.interval,
    axisLabel: { fontFamily: FONT, formatter: (v: number) => grouped(v, v % 1 === 0 ? 0 : 1) },
  });
  const legend = (data: string[], box: PanelBox) => ({ data, top: box.legendTop, left: 20, width: CHART_WIDTH - 40, itemGap: 18, textStyle: { fontFamily: FONT, fontSize: FONT_SIZE } });
  const title = (text: string, box: PanelBox) => ({ text, left: 20, top: box.titleTop, textStyle: { fontFamily: FONT, fontSize: 16 } });

  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: CHART_WIDTH, height });
  chart.setOption({
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: FONT, fontSize: FONT_SIZE },
    title: [
      title(`${site.name}: facility power per phase against the site's limits`, pPower),
      ...(pSubs ? [title("power per substation against its own limits (solid: limit, dashed: firm, dotted: transformers)", pSubs)] : []),
      title("heat per cooling zone against usable cooling", pHeat),
    ],
    legend: [legend(powerLegend, pPower), ...(pSubs ? [legend(subLegend, pSubs)] : []), legend(zoneLegend, pHeat)],
    grid: boxes.map((p) => ({ left, right: CHART_WIDTH - left - plotWidth, top: p.top, height: p.height })),
    xAxis: boxes.map((_, i) => categoryAxis(m, i, rotate)),
    yAxis: [valueAxis(0, power), ...(hasSubs ? [valueAxis(1, subAxis)] : []), valueAxis(axisOf.heat, heat)],
    graphic: [
      ...placeLimitLabels(powerItems, power.max, pPower.top, pPower.height).flatMap(labelText),
      ...(pSubs ? placeLimitLabels(subItems, subAxis.max, pSubs.top, pSubs.height).flatMap(labelText) : []),
      ...placeLimitLabels(zoneItems, heat.max, pHeat.top, pHeat.height).flatMap(labelText),
      ...footLines.map((text, i) => ({ type: "text", left: 20, top: height - (footLines.length - i) * FOOT_LINE - 6, style: { text, fill: "#555555", fontFamily: FONT, fontSize: FONT_SIZE } })),
    ],
    series: [
      activeBand(m, 0, 0, power.max),
      ...(hasSubs ? [activeBand(m, 1, 1, subAxis.max)] : []),
      activeBand(m, axisOf.heat, axisOf.heat, heat.max),
      { name: "miners", type: "bar", stack: "power", xAxisIndex: 0, yAxisIndex: 0, z: 2, data: m.map((x) => x.minersMW), itemStyle: { color: "#b08d57" } },
      { name: "GPUs", type: "bar", stack: "power", xAxisIndex: 0, yAxisIndex: 0, z: 2, data: m.map((x) => x.gpusMW), itemStyle: { color: "#4a78c2" } },
      ...(hasOther ? [{ name: "other IT", type: "bar", stack: "power", xAxisIndex: 0, yAxisIndex: 0, z: 2, data: m.map((x) => x.otherItMW), itemStyle: { color: "#5d6d7e" } }] : []),
      {
        name: "cooling and aux overhead",
        type: "bar",
        stack: "power",
        xAxisIndex: 0,
        yAxisIndex: 0,
        z: 2,
        data: m.map((x) => ({
          value: x.overheadMW,
          ...(x.powerOver.length > 0 ? { itemStyle: { color: "#9fb7d9", borderColor: SITE_COLOUR, borderWidth: 3 } } : {}),
        })),
        itemStyle: { color: "#9fb7d9" },
        markPoint: {
          symbol: "rect",
          symbolSize: 0.01,
          label: { show: true, position: "top", color: SITE_COLOUR, fontWeight: "bold", fontFamily: FONT, fontSize: FONT_SIZE, formatter: (p: { value: string }) => p.value, distance: 6 },
          data: overMarks,
        },
      },
      ...d.limits.flatMap((l) => stepSeries(l, 0, 0)),
      ...d.substations.map((s, i) =>
        groupedBars(subLegend[i], s.load, s.over.map((o) => o.length > 0), subLabelled[i], SUBSTATION_COLOURS[i % SUBSTATION_COLOURS.length], axisOf.subs, band),
      ),
      ...subLines.flatMap((l) => stepSeries(l, axisOf.subs, axisOf.subs)),
      ...d.zones.map((z, i) => groupedBars(`${z.name} heat`, z.heat, zoneOver(z), zoneLabelled[i], zoneColour(i), axisOf.heat, band)),
      ...d.zones.flatMap((z, i) => stepSeries({ name: `${z.name} usable`, values: z.usable, colour: zoneColour(i), dash: "dashed" }, axisOf.heat, axisOf.heat)),
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  // zrender numbers its clip paths with a process-wide counter; make them independent of what was drawn before.
  return svg.replace(/zr\d+-/g, "zr0-");
}

function fontFiles(): string[] {
  const dir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return [path.join(dir, "DejaVuSans.ttf"), path.join(dir, "DejaVuSans-Bold.ttf")];
}

/** The chart as PNG, CHART_WIDTH pixels wide, as tall as the SVG. */
export function envelopePng(svg: string): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: "width", value: CHART_WIDTH },
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT },
    background: "#ffffff",
  });
  return r.render().asPng();
}
