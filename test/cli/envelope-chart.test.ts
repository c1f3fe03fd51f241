/**
 * The envelope chart, read back from its SVG as a person reads the PNG: no
 * two labels overlap (equal limits, long phase names, 12 phases), every
 * limit is drawn and named, a bar over a limit and the active phase are
 * marked, every phase keeps its label, the ticks are round, and the "→"
 * convention is explained. The PNGs of these cases were also looked at.
 */
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseStackText } from "../../components/model";
import { CHAR_EM, envelopeSvg } from "../../cli/envelope-chart";
import { exampleText, replaceOnce } from "../helpers/stacks";

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
    const text = m[2].replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
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

const svgOf = (text: string) => envelopeSvg(parseStackText(text, "stacks/Pulumi.test.yaml").site);

/** pecos-yard with its rollout replaced by `n` phases of long names, hall A filling step by step. */
function manyPhases(n: number, nameOf: (i: number) => string): string {
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
    const svg = svgOf(replaceOnce(exampleText("pecos-yard"), "gpu: { h100-a: 1536 }", "gpu: { h100-a: 1800 }"));
    expect(labels(svg).filter((l) => l.text === "OVER")).toHaveLength(3); // hall-a in phase-2, → phase-3 and phase-3
    expect(svg).toMatch(/stroke="#c0392b"[^>]*stroke-width="3"|stroke-width="3"[^>]*stroke="#c0392b"/);
    expect(labels(svg).filter((l) => l.bold && l.text === "phase-1 (active)")).toHaveLength(2);
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
      expect(texts.filter((t) => t === name(i) || t === `${name(i)} (active)`), name(i)).toHaveLength(2);
      expect(texts.filter((t) => t === `→ ${name(i)}`), `→ ${name(i)}`).toHaveLength(2);
    }
    expect(overlaps(svg)).toEqual([]);
    const ticks = labels(svg).filter((l) => /^[\d,]+(\.\d+)?$/.test(l.text)).map((l) => Number(l.text.replace(/,/g, "")));
    expect(ticks.length).toBeGreaterThan(8);
    // Each axis counts up from 0 in one step of 1, 2, 2.5 or 5 × 10^k.
    const axes: number[][] = [];
    for (const t of ticks) t === 0 ? axes.push([0]) : axes.at(-1)!.push(t);
    expect(axes).toHaveLength(2);
    for (const axis of axes) {
      const step = axis[1] - axis[0];
      expect(axis.every((t, i) => Math.abs(t - i * step) < 1e-9), axis.join(" ")).toBe(true);
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 2.5, 5].some((m) => Math.abs(m - mantissa) < 1e-9), String(step)).toBe(true);
    }
    expect(texts.some((t) => t.startsWith("→ phase: the transient into that phase (overlap)"))).toBe(true);
  });
});
