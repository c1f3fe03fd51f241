/**
 * Invalid input as a reader sees it: each problem on one line
 * (`file:line:column: path: message`, which editors and CI annotate), with
 * the line of the file under it and a caret at the column, as cargo, tsc and
 * terraform show; and as a JSON list for `--json`.
 */
import * as fs from "node:fs";
import { formatIssue, issuePath, type SiteSpecError, type SpecIssue } from "../components/model/spec-errors";
import type { Paint } from "./format";

/** One problem of invalid input, for `--json`. */
export interface Problem {
  file: string;
  /** 1-based; null when the problem is not at a line (a file that cannot be read). */
  line: number | null;
  column: number | null;
  /** `repower:site.gpuPools[0].coolingZone`. */
  path: string;
  message: string;
}

export function problemsOf(e: SiteSpecError): Problem[] {
  return e.issues.map((i: SpecIssue) => ({ file: e.file, line: i.line ?? null, column: i.column ?? null, path: issuePath(i), message: i.message }));
}

/** The span to underline: the word at `column` (a key, a value), at least one character. */
function spanAt(text: string, column: number): number {
  const rest = text.slice(column - 1);
  const m = /^("[^"]*"|'[^']*'|[^\s,\]}#]+)/.exec(rest);
  return Math.max(1, m ? m[0].replace(/:$/, "").length : 1);
}

/** The source line of a problem with a caret under its column; "" when the line is unknown. */
export function excerpt(lines: readonly string[] | undefined, line: number | undefined, column: number | undefined, p: Paint): string {
  if (lines === undefined || line === undefined || line < 1 || line > lines.length) return "";
  const text = lines[line - 1].replace(/\t/g, " ").replace(/\r$/, "");
  const col = Math.min(Math.max(column ?? 1, 1), text.length + 1);
  const gutter = String(line);
  const pad = " ".repeat(gutter.length);
  const caret = " ".repeat(col - 1) + "^".repeat(col > text.length ? 1 : spanAt(text, col));
  return [p.dim(`${pad} |`), `${p.dim(`${gutter} |`)} ${text}`, `${p.dim(`${pad} |`)} ${p.red(caret)}`].join("\n");
}

function readLines(file: string): string[] | undefined {
  try {
    return fs.readFileSync(file, "utf8").split("\n");
  } catch {
    return undefined;
  }
}

/** Every problem of `e`, each with its excerpt; for stderr. */
export function renderInvalid(e: SiteSpecError, p: Paint): string {
  const lines = readLines(e.file);
  const n = e.issues.length;
  const out = [`${p.red(p.bold("error"))}: ${e.file} is not a valid stack file (${n} problem${n === 1 ? "" : "s"})`];
  for (const i of e.issues) {
    out.push("", p.bold(formatIssue(e.file, i)));
    const ex = excerpt(lines, i.line, i.column, p);
    if (ex !== "") out.push(ex);
  }
  return out.join("\n");
}
