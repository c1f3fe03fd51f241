/**
 * The envelope chart: per phase, stacked bars of miners, GPUs and cooling
 * overhead against the site and firm limits; and per zone, heat against
 * usable cooling. Drawn with Apache ECharts (server-side SVG), turned into
 * PNG with resvg and the DejaVu Sans font shipped on npm, so that every
 * machine draws the same picture.
 */
import * as path from "node:path";
import * as echarts from "echarts";
import { Resvg } from "@resvg/resvg-js";
import { evaluate, scenarios, siteLimitMW, firmLimitMW, usableCoolingMW, type Site } from "../components/model";

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 900;
const FONT = "DejaVu Sans";

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The chart's data, per moment of the rollout. */
export function chartData(site: Site) {
  const moments = scenarios(site).map((s) => {
    const e = evaluate(site, s);
    let minersMW = 0;
    let gpusMW = 0;
    for (const l of e.loads) {
      if (l.kind === "mining") minersMW += l.itKW / 1000;
      else gpusMW += l.itKW / 1000;
    }
    const heat = new Map(site.coolingZones.map((z) => [z.name, 0]));
    for (const l of e.loads) heat.set(l.zone, (heat.get(l.zone) ?? 0) + l.itKW / 1000);
    return {
      label: s.transient ? `→ ${s.phase}` : s.phase,
      minersMW: r3(minersMW),
      gpusMW: r3(gpusMW),
      overheadMW: r3(e.facilityMW - minersMW - gpusMW),
      heat: Object.fromEntries([...heat].map(([k, v]) => [k, r3(v)])),
    };
  });
  return { moments, siteLimitMW: r3(siteLimitMW(site)), firmLimitMW: r3(firmLimitMW(site)) };
}

/** The chart as SVG text. */
export function envelopeSvg(site: Site): string {
  const d = chartData(site);
  const labels = d.moments.map((m) => m.label);
  const zones = site.coolingZones;
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: CHART_WIDTH, height: CHART_HEIGHT });
  chart.setOption({
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: FONT },
    title: [
      { text: `${site.name}: facility power per phase`, left: 20, top: 10, textStyle: { fontFamily: FONT, fontSize: 16 } },
      { text: "heat per cooling zone against usable cooling", left: 20, top: 470, textStyle: { fontFamily: FONT, fontSize: 16 } },
    ],
    legend: [
      { data: ["miners", "GPUs", "cooling and aux overhead"], top: 12, right: 20, textStyle: { fontFamily: FONT } },
      { data: zones.map((z) => `${z.name} heat`), top: 472, right: 20, textStyle: { fontFamily: FONT } },
    ],
    grid: [
      { left: 80, right: 180, top: 60, height: 360 },
      { left: 80, right: 180, top: 520, height: 330 },
    ],
    xAxis: [
      { type: "category", data: labels, gridIndex: 0, axisLabel: { fontFamily: FONT } },
      { type: "category", data: labels, gridIndex: 1, axisLabel: { fontFamily: FONT } },
    ],
    yAxis: [
      { type: "value", name: "MW", gridIndex: 0, max: (v: { max: number }) => Math.ceil(Math.max(v.max, d.siteLimitMW) * 1.1), axisLabel: { fontFamily: FONT } },
      {
        type: "value",
        name: "MW",
        gridIndex: 1,
        max: (v: { max: number }) => Math.ceil(Math.max(v.max, ...zones.map((z) => usableCoolingMW(z))) * 1.1),
        axisLabel: { fontFamily: FONT },
      },
    ],
    series: [
      { name: "miners", type: "bar", stack: "power", xAxisIndex: 0, yAxisIndex: 0, data: d.moments.map((m) => m.minersMW), itemStyle: { color: "#b08d57" } },
      { name: "GPUs", type: "bar", stack: "power", xAxisIndex: 0, yAxisIndex: 0, data: d.moments.map((m) => m.gpusMW), itemStyle: { color: "#4a78c2" } },
      {
        name: "cooling and aux overhead",
        type: "bar",
        stack: "power",
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: d.moments.map((m) => m.overheadMW),
        itemStyle: { color: "#9fb7d9" },
        markLine: {
          symbol: "none",
          label: { formatter: "{b}: {c} MW", position: "end", fontFamily: FONT },
          data: [
            { name: "site limit", yAxis: d.siteLimitMW, lineStyle: { color: "#c0392b", width: 2 } },
            { name: "firm limit", yAxis: d.firmLimitMW, lineStyle: { color: "#e67e22", width: 2, type: "dashed" } },
          ],
        },
      },
      ...zones.map((z, i) => ({
        name: `${z.name} heat`,
        type: "bar",
        xAxisIndex: 1,
        yAxisIndex: 1,
        data: d.moments.map((m) => m.heat[z.name] ?? 0),
        itemStyle: { color: ["#2e86ab", "#a23b72", "#f18f01", "#3b8b5a", "#6c5b7b", "#c73e1d"][i % 6] },
        markLine: {
          symbol: "none",
          label: { formatter: `${z.name}: {c} MW`, position: "end", fontFamily: FONT },
          data: [{ name: `${z.name} usable`, yAxis: r3(usableCoolingMW(z)) }],
        },
      })),
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

/** The chart as PNG, CHART_WIDTH × CHART_HEIGHT pixels. */
export function envelopePng(svg: string): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: "width", value: CHART_WIDTH },
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT },
    background: "#ffffff",
  });
  return r.render().asPng();
}
