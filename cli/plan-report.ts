/** `repower plan`'s terminal report: readable at 80 columns. */
import type { PlanResult } from "../components/model/plan";
import { paint as makePaint, type Paint } from "./format";

const WIDTH = 80;

/** Words joined into lines of at most `width` characters, later lines indented by `indent`. */
export function wrap(first: string, words: string[], indent: number, width = WIDTH, sep = ", "): string[] {
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] + (i < words.length - 1 ? sep.trimEnd() : "");
    const add = (fresh ? "" : " ") + w;
    if (!fresh && line.length + add.length > width) {
      lines.push(line);
      line = " ".repeat(indent) + w;
    } else line += add;
    fresh = false;
  }
  lines.push(line);
  return lines;
}

/** A sentence wrapped at `width`. */
function wrapText(first: string, text: string, indent: number): string[] {
  return wrap(first, text.split(/\s+/), indent, WIDTH, " ");
}

const num = (v: number) => (Math.abs(v) >= 1000 ? v.toLocaleString("en-US", { maximumFractionDigits: 0 }) : v.toFixed(2));

export interface PlanView {
  stack: string;
  file: string;
  site: string;
  weights: number[];
  result: PlanResult;
}

export function renderPlan(v: PlanView, p: Paint = makePaint(false)): string {
  const out: string[] = [];
  const r = v.result;
  out.push(p.bold(v.site) + p.dim(` (stack ${v.stack}, ${v.file})`));
  if (!r.feasible) {
    out.push("");
    out.push(...wrapText("", r.message.replace(/^no plan/, p.red("no plan")), 2));
    out.push(`  phase   ${r.conflict.phase}${r.conflict.transient ? " (the transient into it)" : ""}`);
    out.push(`  budget  ${r.conflict.budget}`);
    out.push(`  bound   ${r.conflict.bound ?? "none (the budget breaks with every bound relaxed)"}`);
    return out.join("\n");
  }
  const dated = v.weights.some((w) => w !== 1);
  const unit = r.objective.kind === "gpu-mw" ? (dated ? "MW·days" : "MW") : "USD";
  const over = r.objective.kind === "gpu-mw" ? (dated ? "GPU IT power × days, summed over phases" : "GPU IT power summed over phases") : "hosting margin over mining, summed over phase days";
  out.push("");
  out.push(`objective  ${r.objective.kind}: ${num(r.objective.value)} ${unit} (${over})`);
  out.push(`bound      ${num(r.objective.bound)} ${unit}, gap ${r.objective.gapPercent.toFixed(2)} % (solver ${r.solver.status}, ${(r.solver.ms / 1000).toFixed(2)} s)`);
  const pct = r.objective.value > 0 ? Math.round((r.current.value / r.objective.value) * 100) : null;
  const mine = `your plan  ${num(r.current.value)} ${unit}`;
  if (r.current.feasible) out.push(`${mine}: ${pct === null ? "the best is 0" : `reaches ${pct} % of the best`}`);
  else {
    out.push(`${mine}: ${p.yellow("not a valid plan")}${pct === null ? "" : ` (would be ${pct} % of the best)`}`);
    for (const reason of r.current.reasons.slice(0, 3)) out.push(...wrapText("  - ", reason, 4));
    if (r.current.reasons.length > 3) out.push(`  - and ${r.current.reasons.length - 3} more`);
  }
  for (const h of r.held) {
    const what = h.kind === "pool" ? `held at 0: pool ${h.name} in ${h.phases.join(", ")}: ` : `retired: mining block ${h.name}: `;
    out.push(...wrapText(what, h.reason, 2));
  }
  r.phases.forEach((ph, k) => {
    out.push("");
    const when = ph.start !== undefined ? ` ${ph.start} (${v.weights[k]} d)` : "";
    const binding = `binding ${ph.binding}${ph.bindingPercent !== null ? ` ${ph.bindingPercent.toFixed(1)} %` : ""}`;
    const head = `${p.bold(ph.name)}${when}  ${binding}`;
    const power = `GPU ${ph.gpuMW.toFixed(2)} MW, site ${ph.facilityMW.toFixed(2)} MW`;
    const plainHead = `${ph.name}${when}  ${binding}`;
    if (plainHead.length + 2 + power.length <= WIDTH) out.push(`${head}  ${p.dim(power)}`);
    else out.push(head, `  ${p.dim(power)}`);
    const gpu = Object.entries(ph.gpu).map(([n, c]) => `${n} ${c}`);
    const mining = Object.entries(ph.mining).map(([n, c]) => `${n} ${c}`);
    if (gpu.length > 0) out.push(...wrap("  gpu     ", gpu, 10));
    if (mining.length > 0) out.push(...wrap("  mining  ", mining, 10));
  });
  return out.join("\n");
}
