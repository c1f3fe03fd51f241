/**
 * `repower plan --write`: puts a plan into the stack file as its phases'
 * counts, keeping every other byte of the file: comments, their alignment,
 * flow or block style, quoting. The file is parsed with the `yaml` package's
 * Document API only to find where each count is written; the text is then
 * edited at those offsets (a count replaced where it is written, a missing
 * one added to its map in the map's own style).
 */
import { isMap, isScalar, isSeq, parseDocument, type Pair, type YAMLMap } from "yaml";
import { SITE_KEY } from "../components/model/stack-file";

export interface PhaseCountsByName {
  name: string;
  gpu: Record<string, number>;
  mining: Record<string, number>;
}

interface Edit {
  at: number;
  end: number;
  text: string;
}

type Range = [number, number, number];
const rangeOf = (node: unknown): Range | undefined => (node as { range?: Range } | null)?.range ?? undefined;

/** Column (0-based) of an offset. */
function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** End of the line holding `offset` (the offset of its newline, or the text's end). */
function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl;
}

const flowText = (counts: Record<string, number>) => `{ ${Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join(", ")} }`;

/** Edits that make the map `map` (in `text`) hold `counts`, in the map's own style. */
function mapEdits(text: string, map: YAMLMap, counts: Record<string, number>): Edit[] {
  const edits: Edit[] = [];
  const missing: [string, number][] = [];
  for (const [name, value] of Object.entries(counts)) {
    const pair = map.items.find((it) => isScalar(it.key) && String(it.key.value) === name) as Pair | undefined;
    const r = pair !== undefined && isScalar(pair.value) ? rangeOf(pair.value) : undefined;
    if (r !== undefined) {
      if (Number((pair?.value as { value: unknown }).value) !== value) edits.push({ at: r[0], end: r[1], text: String(value) });
    } else missing.push([name, value]);
  }
  if (missing.length === 0) return edits;
  const r = rangeOf(map) as Range;
  if (map.flow) {
    // Inserted after the last entry, before the closing brace and the space before it.
    const close = text.lastIndexOf("}", r[1]);
    let at = close;
    while (at > r[0] + 1 && /\s/.test(text[at - 1])) at--;
    const empty = text.slice(r[0] + 1, close).trim() === "";
    const add = missing.map(([k, v]) => `${k}: ${v}`).join(", ");
    edits.push({ at, end: at, text: empty ? add : `, ${add}` });
    return edits;
  }
  const first = map.items[0];
  const last = map.items[map.items.length - 1];
  const indent = " ".repeat(column(text, (rangeOf(first.key) as Range)[0]));
  const end = lineEnd(text, (rangeOf(last.value) ?? rangeOf(last.key) as Range)[1] - 1);
  edits.push({ at: end, end, text: missing.map(([k, v]) => `\n${indent}${k}: ${v}`).join("") });
  return edits;
}

/** The stack file's text with every phase's counts replaced by the plan's. */
export function writePlan(text: string, phases: readonly PhaseCountsByName[]): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`cannot rewrite: ${doc.errors[0].message}`);
  const seq = doc.getIn(["config", SITE_KEY, "rollout", "phases"], true);
  if (!isSeq(seq)) throw new Error("cannot rewrite: no rollout.phases list");
  const edits: Edit[] = [];
  for (const item of seq.items) {
    if (!isMap(item)) throw new Error("cannot rewrite: a phase is not a map");
    const planned = phases.find((p) => p.name === String(item.get("name")));
    if (planned === undefined) continue;
    const absent: string[] = [];
    for (const field of ["mining", "gpu"] as const) {
      const counts = planned[field];
      if (Object.keys(counts).length === 0) continue;
      const node = item.get(field, true);
      if (isMap(node)) edits.push(...mapEdits(text, node as YAMLMap, counts));
      else absent.push(`${field}: ${flowText(counts)}`);
    }
    if (absent.length > 0) {
      if (item.flow) throw new Error(`cannot rewrite: phase ${planned.name} is a flow map`);
      const first = item.items[0];
      const last = item.items[item.items.length - 1];
      const indent = " ".repeat(column(text, (rangeOf(first.key) as Range)[0]));
      const end = lineEnd(text, (rangeOf(last.value) ?? rangeOf(last.key) as Range)[1] - 1);
      edits.push({ at: end, end, text: absent.map((l) => `\n${indent}${l}`).join("") });
    }
  }
  edits.sort((a, b) => b.at - a.at);
  let out = text;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}
