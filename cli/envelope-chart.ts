/**
 * The envelope chart: per moment of the rollout, stacked bars of miners,
 * GPUs, other IT and facility overhead against the site, firm and
 * transformer limits; and per cooling zone, heat against usable cooling.
 * Limits are drawn as steps, one level per phase, since the grid and the
 * equipment change during a rollout. Drawn with Apache ECharts
 * (server-side SVG), turned into PNG with resvg and the DejaVu Sans font
 * shipped on npm, so that every machine draws the same picture.
 *
 * Labels are placed here, not by the library: the names of the limits at
 * the right edge are moved apart (or merged where two limits are equal), so
 * that no two labels overlap.
 */
import * as path from "node:path";
import * as echarts from "echarts";
import { Resvg } from "@resvg/resvg-js";
import { evaluate, scenarios, type BudgetRow, type Site } from "../components/model";
import { reportPhases, type ReportPhase } from "./envelope-report";
import { grouped } from "./format";

export const CHART_WIDTH = 1200;
/** The height with unturned phase labels; long or many phase names turn their labels and make the chart taller. */
export const CHART_HEIGHT = 940;
const FONT = "DejaVu Sans";
const FONT_SIZE = 12;
/** Average advance of a DejaVu Sans character, in em (for laying out labels). */
export const CHAR_EM = 0.62;

const PLOT_LEFT = 80;
const PLOT_RIGHT = 250; // room for the limits' names
const PLOT_WIDTH = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT;
const PANEL_HEIGHT = 300;
const LABEL_TURN = 40; // degrees

/** How far the phase labels reach below an axis, and whether they are turned. */
function axisLabels(moments: { label: string; active: boolean }[]): { rotate: number; depth: number } {
  const band = PLOT_WIDTH / Math.max(1, moments.length);
  const widest = Math.max(...moments.map((m) => textWidth(m.active ? `${m.label} (active)` : m.label)));
  if (widest <= band - 8) return { rotate: 0, depth: 26 };
  const a = (LABEL_TURN * Math.PI) / 180;
  return { rotate: LABEL_TURN, depth: Math.ceil(widest * Math.sin(a) + FONT_SIZE * Math.cos(a)) + 14 };
}

/** Where the two panels go, and the chart's height. */
function layout(moments: { label: string; active: boolean }[]) {
  const { depth } = axisLabels(moments);
  const p0 = { titleTop: 8, legendTop: 38, top: 90, height: PANEL_HEIGHT };
  const t1 = p0.top + p0.height + depth + 24;
  const p1 = { titleTop: t1, legendTop: t1 + 30, top: t1 + 82, height: PANEL_HEIGHT - 30 };
  const height = Math.max(CHART_HEIGHT, p1.top + p1.height + depth + 56);
  // A turned first label reaches left of its bar: the plot starts far enough right to keep it on the page.
  const { rotate } = axisLabels(moments);
  const band = PLOT_WIDTH / Math.max(1, moments.length);
  const first = moments.length > 0 ? textWidth(moments[0].active ? `${moments[0].label} (active)` : moments[0].label) : 0;
  const left = rotate ? Math.max(PLOT_LEFT, Math.ceil(first * Math.cos((rotate * Math.PI) / 180) - band / 2 + 16)) : PLOT_LEFT;
  return { panels: [p0, p1], height, left };
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

export interface LimitLine {
  name: string;
  /** Per moment; null where the limit does not exist then. */
  values: (number | null)[];
  colour: string;
  dashed: boolean;
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
  /** Budgets of the power panel broken at this moment ("site", "firm", "transformers"). */
  powerOver: string[];
}

export interface ZoneSeries {
  name: string;
  heat: number[];
  usable: (number | null)[];
}

/** The chart's data, per moment of the rollout. */
export function chartData(site: Site) {
  const rows: ReportPhase[] = reportPhases(site);
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
    const powerOver = row.budgets.filter((b) => !b.ok && (b.kind === "site" || b.kind === "firm" || b.kind === "transformer")).map((b) => (b.kind === "transformer" ? "transformers" : b.kind));
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
  const limits: LimitLine[] = [{ name: "site limit", values: rows.map((r) => r3(r.siteLimitMW)), colour: "#c0392b", dashed: false }];
  // A firm limit at the site limit is no limit of its own: drawn only where it is below.
  if (rows.some((r) => r.firmLimitMW < r.siteLimitMW)) {
    limits.push({ name: "firm limit", values: rows.map((r) => r3(r.firmLimitMW)), colour: "#e67e22", dashed: true });
  }
  const transformerRows = (r: ReportPhase) => r.budgets.filter((b) => b.kind === "transformer");
  if (rows.some((r) => transformerRows(r).length === 1)) {
    limits.push({ name: "transformers", values: rows.map((r) => (transformerRows(r).length === 1 ? r3(transformerRows(r)[0].limit ?? 0) : null)), colour: "#7d3c98", dashed: true });
  }
  const zoneKey = (b: BudgetRow) => `${b.subject}${(b as { part?: string }).part ? ` (${(b as { part?: string }).part})` : ""}`;
  const zoneNames = [...new Set(rows.flatMap((r) => r.budgets.filter((b) => b.kind === "cooling").map(zoneKey)))];
  const zones: ZoneSeries[] = zoneNames.map((name) => ({
    name,
    heat: rows.map((r) => r3(r.budgets.find((b) => b.kind === "cooling" && zoneKey(b) === name)?.used ?? 0)),
    usable: rows.map((r) => {
      const b = r.budgets.find((x) => x.kind === "cooling" && zoneKey(x) === name);
      return b === undefined || b.limit === null ? null : r3(b.limit);
    }),
  }));
  return { site: site.name, moments, limits, zones };
}

const ZONE_COLOURS = ["#2e86ab", "#a23b72", "#f18f01", "#3b8b5a", "#6c5b7b", "#c73e1d", "#1b998b", "#8d6a9f"];

/** Text width in px, as laid out here. */
export function textWidth(text: string, size = FONT_SIZE): number {
  return [...text].length * size * CHAR_EM;
}

/**
 * Names of limits at the right edge, at the height of each limit's last
 * value: equal values share one label, and labels closer than a line apart
 * are pushed apart (and kept inside the panel).
 */
export function placeLimitLabels(items: { text: string; value: number; colour: string }[], axisMax: number, top: number, height: number) {
  const merged: { texts: string[]; value: number; colour: string }[] = [];
  for (const it of [...items].sort((a, b) => b.value - a.value)) {
    const same = merged.find((m) => Math.abs(m.value - it.value) < 1e-6);
    if (same) same.texts.push(it.text);
    else merged.push({ texts: [it.text], value: it.value, colour: it.colour });
  }
  const line = FONT_SIZE + 4;
  const placed = merged.map((m) => ({ ...m, y: top + height * (1 - m.value / axisMax), h: m.texts.length * line }));
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
  return placed.map((p) => ({
    lines: p.texts.length === 1 ? p.texts : [`${p.texts[0]}`, ...p.texts.slice(1).map((t) => `= ${t}`)],
    value: p.value,
    y: p.y,
    height: p.h,
    colour: p.colour,
  }));
}

/** A limit as steps: one level across each moment's band, joined where it changes. */
function stepSeries(name: string, values: (number | null)[], colour: string, dashed: boolean, xAxisIndex: number, yAxisIndex: number) {
  return {
    name,
    type: "custom",
    xAxisIndex,
    yAxisIndex,
    z: 5,
    silent: true,
    data: values.map((v, i) => [i, v ?? NaN, i > 0 ? (values[i - 1] ?? NaN) : NaN]),
    encode: { x: 0, y: 1 },
    renderItem: (params: unknown, api: { value(i: number): number; coord(p: number[]): number[]; size(p: number[]): number[] }) => {
      const i = api.value(0);
      const v = api.value(1);
      if (!Number.isFinite(v)) return { type: "group", children: [] };
      const [x, y] = api.coord([i, v]);
      const band = api.size([1, 0])[0];
      const children: unknown[] = [
        { type: "line", shape: { x1: x - band / 2, y1: y, x2: x + band / 2, y2: y }, style: { stroke: colour, lineWidth: 2, lineDash: dashed ? [6, 4] : null } },
      ];
      const prev = api.value(2);
      if (Number.isFinite(prev) && prev !== v) {
        const [, y0] = api.coord([i, prev]);
        children.push({ type: "line", shape: { x1: x - band / 2, y1: y0, x2: x - band / 2, y2: y }, style: { stroke: colour, lineWidth: 2, lineDash: dashed ? [6, 4] : null } });
      }
      return { type: "group", children };
    },
  };
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
    renderItem: (params: unknown, api: { value(i: number): number; coord(p: number[]): number[]; size(p: number[]): number[] }) => {
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
function categoryAxis(moments: ChartMoment[], gridIndex: number) {
  const { rotate } = axisLabels(moments);
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

/** The chart as SVG text. */
export function envelopeSvg(site: Site): string {
  const d = chartData(site);
  const m = d.moments;
  const labels = m.map((x) => x.label);
  const limitValues = d.limits.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const power = roundAxis(Math.max(...m.map((x) => x.facilityMW), ...limitValues));
  const heat = roundAxis(Math.max(...d.zones.flatMap((z) => [...z.heat, ...z.usable.filter((v): v is number => v !== null)]), 0));
  const hasOther = m.some((x) => x.otherItMW > 0);
  const { panels, height, left } = layout(m);
  const [p0, p1] = panels;

  const last = (vals: (number | null)[]) => [...vals].reverse().find((v): v is number => v !== null);
  const powerLabels = placeLimitLabels(
    d.limits.filter((l) => last(l.values) !== undefined).map((l) => ({ text: l.name, value: last(l.values)!, colour: l.colour })),
    power.max,
    p0.top,
    p0.height,
  );
  const zoneLabels = placeLimitLabels(
    d.zones.map((z, i) => ({ z, i })).filter(({ z }) => last(z.usable) !== undefined).map(({ z, i }) => ({ text: `${z.name} usable`, value: last(z.usable)!, colour: ZONE_COLOURS[i % ZONE_COLOURS.length] })),
    heat.max,
    p1.top,
    p1.height,
  );
  const labelText = (l: { lines: string[]; value: number; y: number; height: number; colour: string }) => ({
    type: "text",
    left: PLOT_LEFT + PLOT_WIDTH + 8,
    top: l.y - l.height / 2,
    style: {
      text: [`${l.lines[0]}: ${grouped(l.value, 2)} MW`, ...l.lines.slice(1)].join("\n"),
      fill: l.colour,
      fontFamily: FONT,
      fontSize: FONT_SIZE,
      lineHeight: FONT_SIZE + 4,
    },
  });
  const overMarks = m
    .map((x, i) => ({ x, i }))
    .filter(({ x }) => x.powerOver.length > 0)
    .map(({ x, i }) => ({ coord: [i, x.facilityMW], value: `OVER: ${x.powerOver.join(", ")}` }));

  const zoneOver = (z: ZoneSeries) => z.heat.map((h, i) => z.usable[i] !== null && h > (z.usable[i] as number) + 1e-9);
  const footnote = m.some((x) => x.transient)
    ? "→ phase: the transient into that phase (overlap): each load at the larger of its counts before and after, against that phase's limits."
    : "";

  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: CHART_WIDTH, height });
  chart.setOption({
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: FONT, fontSize: FONT_SIZE },
    title: [
      { text: `${site.name}: facility power per phase against the site's limits`, left: 20, top: p0.titleTop, textStyle: { fontFamily: FONT, fontSize: 16 } },
      { text: "heat per cooling zone against usable cooling", left: 20, top: p1.titleTop, textStyle: { fontFamily: FONT, fontSize: 16 } },
    ],
    legend: [
      {
        data: ["miners", "GPUs", ...(hasOther ? ["other IT"] : []), "cooling and aux overhead"],
        top: p0.legendTop,
        left: 20,
        itemGap: 18,
        textStyle: { fontFamily: FONT, fontSize: FONT_SIZE },
      },
      { data: d.zones.map((z) => `${z.name} heat`), top: p1.legendTop, left: 20, itemGap: 18, textStyle: { fontFamily: FONT, fontSize: FONT_SIZE } },
    ],
    grid: panels.map((p) => ({ left, right: CHART_WIDTH - PLOT_LEFT - PLOT_WIDTH, top: p.top, height: p.height })),
    xAxis: [categoryAxis(m, 0), categoryAxis(m, 1)],
    yAxis: [
      { type: "value", name: "MW", gridIndex: 0, min: 0, max: power.max, interval: power.interval, axisLabel: { fontFamily: FONT, formatter: (v: number) => grouped(v, v % 1 === 0 ? 0 : 1) } },
      { type: "value", name: "MW", gridIndex: 1, min: 0, max: heat.max, interval: heat.interval, axisLabel: { fontFamily: FONT, formatter: (v: number) => grouped(v, v % 1 === 0 ? 0 : 1) } },
    ],
    graphic: [
      ...powerLabels.map(labelText),
      ...zoneLabels.map(labelText),
      ...(footnote ? [{ type: "text", left: 20, top: height - 26, style: { text: footnote, fill: "#555555", fontFamily: FONT, fontSize: FONT_SIZE } }] : []),
      ...(m.some((x) => x.active) ? [{ type: "text", left: 20, top: height - 46, style: { text: "Shaded: the active phase, what this stack deploys now. Red outline: over a limit.", fill: "#555555", fontFamily: FONT, fontSize: FONT_SIZE } }] : []),
    ],
    series: [
      activeBand(m, 0, 0, power.max),
      activeBand(m, 1, 1, heat.max),
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
          ...(x.powerOver.length > 0 ? { itemStyle: { color: "#9fb7d9", borderColor: "#c0392b", borderWidth: 3 } } : {}),
        })),
        itemStyle: { color: "#9fb7d9" },
        markPoint: {
          symbol: "rect",
          symbolSize: 0.01,
          label: { show: true, position: "top", color: "#c0392b", fontWeight: "bold", fontFamily: FONT, fontSize: FONT_SIZE, formatter: (p: { value: string }) => p.value, distance: 6 },
          data: overMarks,
        },
      },
      ...d.limits.map((l) => stepSeries(l.name, l.values, l.colour, l.dashed, 0, 0)),
      ...d.zones.map((z, i) => {
        const over = zoneOver(z);
        return {
          name: `${z.name} heat`,
          type: "bar",
          xAxisIndex: 1,
          yAxisIndex: 1,
          z: 2,
          data: z.heat.map((h, k) => ({
            value: h,
            ...(over[k]
              ? {
                  itemStyle: { color: ZONE_COLOURS[i % ZONE_COLOURS.length], borderColor: "#c0392b", borderWidth: 3 },
                  label: { show: true, position: "top", formatter: "OVER", color: "#c0392b", fontWeight: "bold", fontFamily: FONT, fontSize: FONT_SIZE - 1 },
                }
              : {}),
          })),
          itemStyle: { color: ZONE_COLOURS[i % ZONE_COLOURS.length] },
        };
      }),
      ...d.zones.map((z, i) => stepSeries(`${z.name} usable`, z.usable, ZONE_COLOURS[i % ZONE_COLOURS.length], true, 1, 1)),
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

export { PLOT_LEFT, PLOT_WIDTH };
