/**
 * The envelope chart, read back from its SVG as a person reads the PNG: no
 * two labels overlap (equal limits, long phase names, 12 phases, five
 * substations), every limit is drawn over every phase where it exists and
 * named at the right edge (with when its equipment is in service), the
 * substations' own limits and the part generation gives are drawn, standby
 * sources are named, a bar over a limit and the active phase are marked,
 * every phase keeps its label, the ticks are round, and the "→" convention
 * is explained. The PNGs of these cases were also looked at.
 */
import { describe, expect, it } from "vitest";
import { envelopeRows, parseStackText } from "../../components/model";
import { CHAR_EM, chartData, envelopeSvg } from "../../cli/envelope-chart";
import { exampleText } from "../helpers/stacks";
import { fiveSubstations, hallOver, manyPhases, manyPhasesOver, manyZones, siteOver, substationOver } from "../helpers/chart-cases";

interface Label {
  text: string;
  corners: [number, number][];
  bold: boolean;
  fill: string;
}

/** Every <text> of the SVG with the four corners of its box on the page. */
function labels(svg: string): Label[] {
  const out: Label[] = [];
  for (const m of svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)) {
    const attrs = m[1];
    const text = m[2].replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&#39;/g, "'");
    if (text.trim() === "") continue;
    const size = Number(/font-size:(\d+(?:\.\d+)?)px/.exec(attrs)?.[1] ?? /(\d+(?:\.\d+)?)px/.exec(attrs)?.[1] ?? 12);
    const anchor = /text-anchor="(\w+)"/.exec(attrs)?.[1] ?? "start";
    const dy = Number(/ y="(-?[\d.]+)"/.exec(attrs)?.[1] ?? 0);
    const dx = Number(/ x="(-?[\d.]+)"/.exec(attrs)?.[1] ?? 0);
    const w = [...text].length * size * CHAR_EM;
    const x0 = dx + (anchor === "middle" ? -w / 2 : anchor === "end" ? -w : 0);
    const local: [number, number][] = [
      [x0, dy - size / 2],
      [x0 + w, dy - size / 2],
      [x0 + w, dy + size / 2],
      [x0, dy + size / 2],
    ];
    let mat = [1, 0, 0, 1, 0, 0];
    const t = /transform="([^"]*)"/.exec(attrs)?.[1] ?? "";
    const matrix = /matrix\(([^)]*)\)/.exec(t);
    if (matrix) mat = matrix[1].split(/[ ,]+/).map(Number);
    else {
      const tr = /translate\(([-\d.]+)[ ,]+([-\d.]+)\)/.exec(t);
      const rot = /rotate\(([-\d.]+)\)/.exec(t);
      const a = rot ? (Number(rot[1]) * Math.PI) / 180 : 0;
      mat = [Math.cos(a), Math.sin(a), -Math.sin(a), Math.cos(a), tr ? Number(tr[1]) : 0, tr ? Number(tr[2]) : 0];
    }
    const corners = local.map(([x, y]) => [mat[0] * x + mat[2] * y + mat[4], mat[1] * x + mat[3] * y + mat[5]] as [number, number]);
    out.push({ text, corners, bold: /font-weight:bold/.test(attrs), fill: /fill="([^"]*)"/.exec(attrs)?.[1] ?? "" });
  }
  return out;
}

/** Separating-axis test for two convex quadrilaterals, with a pixel of slack. */
function overlap(a: [number, number][], b: [number, number][]): boolean {
  for (const poly of [a, b]) {
    for (let i = 0; i < 4; i++) {
      const [x1, y1] = poly[i];
      const [x2, y2] = poly[(i + 1) % 4];
      const nx = y2 - y1;
      const ny = x1 - x2;
      const len = Math.hypot(nx, ny) || 1;
      const pa = a.map(([x, y]) => (x * nx + y * ny) / len);
      const pb = b.map(([x, y]) => (x * nx + y * ny) / len);
      if (Math.max(...pa) <= Math.min(...pb) + 1 || Math.max(...pb) <= Math.min(...pa) + 1) return false;
    }
  }
  return true;
}

function overlaps(svg: string): string[] {
  const ls = labels(svg);
  const found: string[] = [];
  const width = Number(/<svg [^>]*width="(\d+)"/.exec(svg)![1]);
  const height = Number(/<svg [^>]*height="(\d+)"/.exec(svg)![1]);
  for (const l of ls) if (l.corners.some(([x, y]) => x < -1 || y < -1 || x > width + 1 || y > height + 1)) found.push(`"${l.text}" × the page's edge`);
  for (let i = 0; i < ls.length; i++) for (let j = i + 1; j < ls.length; j++) if (overlap(ls[i].corners, ls[j].corners)) found.push(`"${ls[i].text}" × "${ls[j].text}"`);
  return found;
}

/** Legend items whose name runs into the next item's icon (25 px wide, 5 px before its name): "a → b". */
function crowdedLegends(svg: string, names: string[]): string[] {
  const boxes = labels(svg)
    .filter((l) => names.includes(l.text))
    .map((l) => ({ text: l.text, x0: Math.min(...l.corners.map(([x]) => x)), x1: Math.max(...l.corners.map(([x]) => x)), y: Math.round(l.corners[0][1]) }));
  const found: string[] = [];
  for (const a of boxes) {
    const next = boxes.filter((b) => b.y === a.y && b.x0 > a.x0).sort((p, q) => p.x0 - q.x0)[0];
    if (next !== undefined && next.x0 - a.x1 < 25) found.push(`${a.text} → ${next.text}`);
  }
  return found;
}

const svgOf = (text: string) => envelopeSvg(parseStackText(text, "stacks/Pulumi.test.yaml").site);

const siteOf = (text: string) => parseStackText(text, "stacks/Pulumi.test.yaml").site;

/** The label lines at the right edge, trimmed, as the page shows them. */
const texts = (svg: string) => labels(svg).map((l) => l.text.trim());

describe("the envelope chart", () => {
  it("the helper finds overlaps: two labels drawn at one place are caught", () => {
    const svg = svgOf(exampleText("pecos-yard"));
    const one = /<text [^>]*>firm limit: [^<]*<\/text>/.exec(svg)![0];
    expect(overlaps(svg.replace(one, one + one))).toContain('"firm limit: 104.50 MW" × "firm limit: 104.50 MW"');
  });

  it("equal limits share one label; no two labels overlap; every limit is named", () => {
    // prairie-burst: the transformers' limit is the site limit (38 MW): one label for both.
    const prairie = svgOf(exampleText("prairie-burst"));
    expect(overlaps(prairie)).toEqual([]);
    expect(labels(prairie).map((l) => l.text)).toEqual(expect.arrayContaining(["site limit: 38.00 MW", "= transformers", "firm limit: 14.25 MW"]));
    // pecos-yard: limits named at their last level (phase-3, after the transmission upgrade).
    const svg = svgOf(exampleText("pecos-yard"));
    expect(overlaps(svg)).toEqual([]);
    const texts = labels(svg).map((l) => l.text);
    expect(texts).toContain("site limit: 209.00 MW");
    expect(texts).toContain("firm limit: 104.50 MW");
    for (const z of ["yard", "hall-a", "hall-b"]) expect(texts.some((t) => t.startsWith(`${z} usable: `)), z).toBe(true);
    // red-hills gives no firm limit: none is drawn, and nothing is drawn on top of the site limit's name.
    const red = svgOf(exampleText("red-hills"));
    expect(labels(red).some((l) => l.text.startsWith("firm limit"))).toBe(false);
    expect(overlaps(red)).toEqual([]);
  });

  it("a failing phase: its bar is outlined in red and labelled OVER; the active phase is shaded and its label bold", () => {
    const svg = svgOf(hallOver());
    expect(labels(svg).filter((l) => l.text === "OVER")).toHaveLength(3); // hall-a in phase-2, → phase-3 and phase-3
    expect(svg).toMatch(/stroke="#c0392b"[^>]*stroke-width="3"|stroke-width="3"[^>]*stroke="#c0392b"/);
    // One phase axis per panel: power, substations, cooling.
    expect(labels(svg).filter((l) => l.bold && l.text === "phase-1 (active)")).toHaveLength(3);
    expect(svg).toContain('fill="#fff4c2"');
    expect(overlaps(svg)).toEqual([]);
    const fine = svgOf(exampleText("pecos-yard"));
    expect(labels(fine).some((l) => l.text === "OVER")).toBe(false);
  });

  it("12 phases with long names keep every label, none overlapping, with round ticks and the → convention explained", () => {
    const name = (i: number) => `phase-${String(i + 1).padStart(2, "0")}-hall-a-rows-${i * 8 + 1}-to-${i * 8 + 8}`;
    const svg = svgOf(manyPhases(12, name));
    const texts = labels(svg).map((l) => l.text);
    for (let i = 0; i < 12; i++) {
      expect(texts.filter((t) => t === name(i) || t === `${name(i)} (active)`), name(i)).toHaveLength(3);
      expect(texts.filter((t) => t === `→ ${name(i)}`), `→ ${name(i)}`).toHaveLength(3);
    }
    expect(overlaps(svg)).toEqual([]);
    const ticks = labels(svg).filter((l) => /^[\d,]+(\.\d+)?$/.test(l.text)).map((l) => Number(l.text.replace(/,/g, "")));
    expect(ticks.length).toBeGreaterThan(8);
    // Each axis counts up from 0 in one step of 1, 2, 2.5 or 5 × 10^k.
    const axes: number[][] = [];
    for (const t of ticks) t === 0 ? axes.push([0]) : axes.at(-1)!.push(t);
    expect(axes).toHaveLength(3);
    for (const axis of axes) {
      const step = axis[1] - axis[0];
      expect(axis.every((t, i) => Math.abs(t - i * step) < 1e-9), axis.join(" ")).toBe(true);
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 2.5, 5].some((m) => Math.abs(m - mantissa) < 1e-9), String(step)).toBe(true);
    }
    expect(texts.some((t) => t.startsWith("→ phase: the transient into that phase (overlap)"))).toBe(true);
  });

  it("pecos-yard: every limit is a step over every phase where it exists, named with its value at the last phase; the transformers go on when the second substation comes in", () => {
    const site = siteOf(exampleText("pecos-yard"));
    const d = chartData(site);
    const rows = envelopeRows(site);
    const line = (name: string) => [...d.limits, ...d.substations.flatMap((s) => s.limits)].find((l) => l.name === name)!;
    // The model's figures, moment by moment (→ phase-1, phase-1, phase-2, → phase-3, phase-3).
    expect(line("site limit").values).toEqual(rows.map((r) => r.siteLimitMW));
    expect(line("firm limit").values).toEqual(rows.map((r) => r.firmLimitMW));
    // Transformers (hand-computed): main 3 of 4 × 50 MVA × 0.95 = 142.5 MW at north; south-1 1 of 2 (2N) × 40 MVA × 0.95 = 38 MW
    // at south from phase-3; together 180.5 MW. The line went on after phase-2 (it used to stop, named with phase-2's 142.5).
    expect(line("north transformers").values).toEqual([142.5, 142.5, 142.5, 142.5, 142.5]);
    expect(line("south transformers").values).toEqual([null, null, null, 38, 38]);
    expect(line("transformers, all substations").values).toEqual([142.5, 142.5, 142.5, 180.5, 180.5]);
    // Each substation's own limits: (interconnect + generation) × 0.95; south is out of service before phase-3 and says so.
    expect(line("north limit").values).toEqual([142.5, 142.5, 142.5, 142.5, 142.5]);
    expect(line("north firm").values).toEqual([57, 57, 57, 57, 57]);
    expect(line("south limit").values).toEqual([null, null, null, 66.5, 66.5]);
    expect(line("south firm").values).toEqual([null, null, null, 47.5, 47.5]);
    for (const n of ["south limit", "south firm", "south transformers"]) expect(line(n).service, n).toBe("in service from phase-3");
    expect(line("north limit").service).toBeUndefined();
    // hall-b's cooling is not drawn (as 0) before it is built.
    expect(d.zones.find((z) => z.name === "hall-b")!.usable).toEqual([null, null, null, 25, 25]);

    const svg = svgOf(exampleText("pecos-yard"));
    const t = texts(svg);
    expect(t).toContain("transformers, all substations: 180.50 MW");
    expect(t.some((x) => x.startsWith("transformers: "))).toBe(false);
    expect(t).toEqual(
      expect.arrayContaining(["north limit: 142.50 MW", "= north transformers", "north firm: 57.00 MW", "south limit: 66.50 MW", "south firm: 47.50 MW", "south transformers: 38.00 MW"]),
    );
    expect(t.filter((x) => x === "in service from phase-3")).toHaveLength(4); // south limit, firm, transformers; hall-b usable
    expect(overlaps(svg)).toEqual([]);
  });

  it("red-hills: a zone retired during the rollout is named with its last value and until when; one built later, from when", () => {
    const d = chartData(siteOf(exampleText("red-hills")));
    expect(d.zones.map((z) => [z.name, z.usable, z.service])).toEqual([
      ["sheds", [8, null], "in service until decommission"],
      ["hall (liquid)", [null, 4.5], "in service from rebuild"],
      ["hall (air)", [null, 1.2], "in service from rebuild"],
    ]);
    const svg = svgOf(exampleText("red-hills"));
    expect(texts(svg)).toEqual(expect.arrayContaining(["sheds usable: 8.00 MW", "in service until decommission", "hall (liquid) usable: 4.50 MW", "hall (air) usable: 1.20 MW"]));
    // No zone without its part (the out-of-service budget of "hall") is drawn, and no usable cooling at 0.
    expect(texts(svg).some((x) => /^(hall|sheds) usable: 0\.00 MW$/.test(x) || x === "hall heat" || x === "= hall usable")).toBe(false);
    expect(overlaps(svg)).toEqual([]);
  });

  it("generation behind the meter: the part of a limit it gives is hatched under the line and named; standby sources are named and never counted", () => {
    const text = exampleText("pecos-yard");
    const d = chartData(siteOf(text));
    const line = (name: string) => [...d.limits, ...d.substations.flatMap((s) => s.limits)].find((l) => l.name === name)!;
    // gas-south, 20 MW from phase-3, less the 5 % reserve: 19 MW of the site limit ((200 + 20) × 0.95 = 209), of the firm
    // limit ((90 + 20) × 0.95 = 104.5, gas is firm) and of south's own limits.
    expect(line("site limit").fromGeneration).toEqual([null, null, null, 19, 19]);
    expect(line("firm limit").fromGeneration).toEqual([null, null, null, 19, 19]);
    expect(line("south limit").fromGeneration).toEqual([null, null, null, 19, 19]);
    expect(line("north limit").fromGeneration).toBeUndefined();
    const svg = svgOf(text);
    // Hatched bands: site and firm (power panel) and south's limit (substation panel), in phase-3 and its transient.
    for (const colour of ["#c0392b", "#e67e22", "#b9770e"]) {
      expect(svg.match(new RegExp(`<path d="M[^"]*Z" fill="${colour}" fill-opacity="0.12"`, "g")) ?? [], colour).toHaveLength(2);
    }
    const t = texts(svg);
    expect(t.filter((x) => x === "incl. 19.00 MW from generation")).toHaveLength(4); // site, firm, south limit, south firm
    expect(t.some((x) => x.startsWith("Hatched under a limit") && x.includes("gas-south (gas 20 MW at south, in service from phase-3)"))).toBe(true);
    expect(t).toContain("Standby, never counted in a limit: gensets-north (diesel 4 MW at north).");
    expect(overlaps(svg)).toEqual([]);
    // The gensets counted (standby: false) would add 4 × 0.95 = 3.8 MW to every site limit: the chart draws what the model counts.
    const counted = chartData(siteOf(text.replace("standby: true", "standby: false")));
    expect(counted.limits[0].fromGeneration).toEqual([3.8, 3.8, 3.8, 22.8, 22.8]);
    expect(counted.standby).toEqual([]);
  });

  it("a substation over its transformers: its bar in the substation panel is outlined and labelled OVER; the site's bar is not", () => {
    const d = chartData(siteOf(substationOver()));
    expect(d.substations.find((s) => s.name === "south")!.over).toEqual([[], [], [], ["transformers"], ["transformers"]]);
    expect(d.moments.map((m) => m.powerOver)).toEqual([[], [], [], [], []]);
    const svg = svgOf(substationOver());
    expect(labels(svg).filter((l) => l.text === "OVER")).toHaveLength(4); // south in → phase-3 and phase-3; hall-b's cooling in both
    expect(labels(svg).some((l) => l.text.startsWith("OVER:"))).toBe(false);
    expect(texts(svg)).toContain("Substations over a limit: south transformers in → phase-3, phase-3.");
    expect(overlaps(svg)).toEqual([]);
  });

  it("the site over its limit: the site's bar says which limit it breaks; the substations' are not marked", () => {
    const d = chartData(siteOf(siteOver()));
    // (100 MW) × 0.95 = 95 MW against 113.31 MW in → phase-1 (14,000 S19 XPs still on beside 512 H100 nodes).
    expect(d.limits[0].values.slice(0, 3)).toEqual([95, 95, 95]);
    expect(d.moments.map((m) => m.powerOver)).toEqual([["site"], [], [], [], []]);
    expect(d.substations.map((s) => s.over.flat())).toEqual([[], []]);
    const svg = svgOf(siteOver());
    expect(labels(svg).filter((l) => l.text === "OVER: site")).toHaveLength(1);
    expect(overlaps(svg)).toEqual([]);
  });

  it("12 long phases over their limits: OVER labels turned upright in narrow bands, one a moment and panel, the limits broken named below", () => {
    const name = (i: number) => `phase-${String(i + 1).padStart(2, "0")}-hall-a-rows-${i * 8 + 1}-to-${i * 8 + 8}`;
    const site = siteOf(manyPhasesOver(12, name));
    const d = chartData(site);
    const siteOverAt = d.moments.filter((x) => x.powerOver.includes("site")).map((x) => x.label);
    expect(siteOverAt.length).toBeGreaterThan(1);
    const bothZones = d.moments.filter((_, k) => d.zones.filter((z) => z.usable[k] !== null && z.heat[k] > (z.usable[k] as number)).length >= 2);
    expect(bothZones.length).toBeGreaterThan(1);
    const svg = envelopeSvg(site);
    const over = labels(svg).filter((l) => l.text === "OVER");
    // Upright: taller than wide.
    for (const l of over) {
      const xs = l.corners.map(([x]) => x);
      const ys = l.corners.map(([, y]) => y);
      expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(Math.max(...xs) - Math.min(...xs));
    }
    const zoneOverMoments = d.moments.filter((_, k) => d.zones.some((z) => z.usable[k] !== null && z.heat[k] > (z.usable[k] as number))).length;
    expect(over).toHaveLength(siteOverAt.length + zoneOverMoments);
    expect(texts(svg).some((t) => t.startsWith(`Over a site-wide limit: site in ${siteOverAt[0]}`))).toBe(true);
    expect(overlaps(svg)).toEqual([]);
  });

  it("a legend that wraps (nine more zones of long names): no name runs into the next item, no label overlaps", () => {
    const site = siteOf(manyZones());
    const d = chartData(site);
    const svg = envelopeSvg(site);
    const names = d.zones.map((z) => `${z.name} heat`);
    expect(names).toHaveLength(12);
    const rows = new Set(labels(svg).filter((l) => names.includes(l.text)).map((l) => Math.round(l.corners[0][1])));
    expect(rows.size).toBeGreaterThan(1);
    expect(crowdedLegends(svg, names)).toEqual([]);
    expect(overlaps(svg)).toEqual([]);
  });

  it("five substations: each one's limits drawn and named, the one without a limit of its own and the retired one said so, nothing overlapping", () => {
    const d = chartData(siteOf(fiveSubstations()));
    expect(d.substations.map((s) => [s.name, s.ownLimit, s.limits.map((l) => l.name)])).toEqual([
      ["north", true, ["north limit", "north firm", "north transformers"]],
      ["south", true, ["south limit", "south firm", "south transformers"]],
      ["east", true, ["east limit", "east firm", "east transformers"]],
      ["west", false, ["west transformers"]],
      ["central", true, ["central limit", "central transformers"]],
    ]);
    const central = d.substations[4].limits[0];
    expect([central.values, central.service]).toEqual([[28.5, 28.5, 28.5, null, null], "in service until phase-2"]);
    // west: 1 of 2 × 30 MVA × 0.95 = 28.5 MW against the S19 XPs' yard (45 MW in → phase-1): over.
    expect(d.substations[3].over[0]).toEqual(["transformers"]);
    const svg = svgOf(fiveSubstations());
    expect(overlaps(svg)).toEqual([]);
    const t = texts(svg);
    for (const l of [...d.limits, ...d.substations.flatMap((s) => s.limits)]) {
      expect(t.some((x) => x.startsWith(`${l.name}: `) || x === `= ${l.name}`), l.name).toBe(true);
    }
    expect(t).toContain("in service until phase-2");
    expect(t.some((x) => x.startsWith("No limit of its own (no interconnectMW): west;"))).toBe(true);
    expect(labels(svg).filter((l) => l.text === "OVER")).toHaveLength(1);
  });

  it("every example and edge case: every limit drawn is named at the right edge, and no two labels overlap", () => {
    const name = (i: number) => `phase-${String(i + 1).padStart(2, "0")}-hall-a-rows-${i * 8 + 1}-to-${i * 8 + 8}`;
    const cases = [exampleText("pecos-yard"), exampleText("red-hills"), exampleText("prairie-burst"), manyPhases(12, name), manyPhasesOver(12, name), manyZones(), hallOver(), siteOver(), substationOver(), fiveSubstations()];
    for (const text of cases) {
      const site = siteOf(text);
      const d = chartData(site);
      const svg = envelopeSvg(site);
      const t = texts(svg);
      const names = [...d.limits, ...d.substations.flatMap((s) => s.limits)].map((l) => l.name).concat(d.zones.map((z) => `${z.name} usable`));
      for (const n of names) expect(t.some((x) => x.startsWith(`${n}: `) || x === `= ${n}`), `${site.name}: ${n}`).toBe(true);
      expect(overlaps(svg), site.name).toEqual([]);
    }
  });
});
