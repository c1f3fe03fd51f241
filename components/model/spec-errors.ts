/**
 * Errors in a site spec: each names the file, the field path and the line, and
 * suggests the nearest valid name where a key or a reference is misspelt.
 *
 * Pure: no Pulumi here.
 */

/** A path into `repower:site`, as zod reports it: keys and array indexes. */
export type FieldPath = readonly (string | number)[];

/** One problem with a site spec. */
export interface SpecIssue {
  /** Path from the root of `repower:site` (or of the stack file, when `root` is "file"). */
  path: FieldPath;
  message: string;
  /** Where `path` starts: inside `repower:site` (default) or at the top of the stack file. */
  root?: "site" | "file";
  /** 1-based line and column in the file, where known. */
  line?: number;
  column?: number;
}

/** Thrown when a site spec cannot be used; carries every issue found. */
export class SiteSpecError extends Error {
  readonly file: string;
  readonly issues: readonly SpecIssue[];
  constructor(file: string, issues: readonly SpecIssue[]) {
    super(formatIssues(file, issues));
    this.name = "SiteSpecError";
    this.file = file;
    this.issues = issues;
  }
}

/** `gpuPools[1].coolingZone`; with root "file", `config.repower:site`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(p) || p.includes(":")) out += out === "" ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** The field an issue is about, as messages print it: `repower:site.gpuPools[0].sku`, or `(document)`. */
export function issuePath(issue: SpecIssue): string {
  if (issue.root === "file") {
    if (issue.path.length > 2 && issue.path[0] === "config" && issue.path[1] === "repower:site") return `repower:site.${formatPath(issue.path.slice(2))}`;
    return issue.path.length === 0 ? "(document)" : formatPath(issue.path);
  }
  return issue.path.length === 0 ? "repower:site" : `repower:site.${formatPath(issue.path)}`;
}

/** One line an issue: `file:line:column: path: message`. */
export function formatIssue(file: string, issue: SpecIssue): string {
  const where = issue.line !== undefined ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
  return `${where}: ${issuePath(issue)}: ${issue.message}`;
}

export function formatIssues(file: string, issues: readonly SpecIssue[]): string {
  return issues.map((i) => formatIssue(file, i)).join("\n");
}

/** Edit distance between two strings (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[m][n];
}

/** The closest of `candidates` to `name`, if one is close enough to be a likely typo. */
export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    const dist = editDistance(lower, c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(2, Math.floor(Math.max(name.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** `; did you mean "x"?` or, failing that, the list of valid names (up to a few). */
export function suggestion(name: string, candidates: readonly string[]): string {
  const near = nearest(name, candidates);
  if (near !== undefined) return `; did you mean "${near}"?`;
  if (candidates.length === 0) return "; none are declared";
  const shown = candidates.slice(0, 24).map((c) => `"${c}"`).join(", ");
  return `; valid: ${shown}${candidates.length > 24 ? `, and ${candidates.length - 24} more` : ""}`;
}

/** A printable, bounded rendering of a value found in the file. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  if (typeof v === "string") {
    const s = v.length > 40 ? `${v.slice(0, 40)}…` : v;
    return `the string ${JSON.stringify(s)}`;
  }
  return `${typeof v} ${String(v)}`;
}

/**
 * Where a YAML syntax error most likely comes from when it is a line
 * indented wrongly: the first line near `line` (1-based) whose indentation
 * does not fit the line above it. A parser reports such a line late and
 * several times over; a person wants the line and the two indentations.
 */
export function indentationHint(text: string, line: number): { line: number; column: number; message: string; opensAbove: boolean } | undefined {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const content = (i: number) => i >= 0 && i < lines.length && lines[i].trim() !== "" && !lines[i].trim().startsWith("#");
  const indent = (s: string) => s.length - s.trimStart().length;
  const opens = (s: string) => /:\s*(#.*)?$/.test(s) && !/^\s*#/.test(s);
  const keyColumn = (s: string) => indent(s) + (/^\s*- /.test(s) ? 2 : 0);
  for (let i = Math.max(0, line - 2); i <= Math.min(lines.length - 1, line + 1); i++) {
    if (!content(i)) continue;
    let j = i - 1;
    while (j >= 0 && !content(j)) j--;
    if (j < 0) continue;
    const here = lines[i];
    const above = lines[j];
    const n = indent(here);
    const dash = /^\s*- /.test(here);
    const spaces = (k: number) => `${k} space${k === 1 ? "" : "s"}`;
    if (opens(above)) {
      if (n > keyColumn(above) || (dash && n === keyColumn(above))) continue;
      return { line: i + 1, column: n + 1, opensAbove: true, message: `bad indentation: the line above opens a map, so this line must be indented more than its ${spaces(keyColumn(above))}; found ${spaces(n)}` };
    }
    if (n === keyColumn(above) || (dash && n === indent(above))) continue;
    if (n < indent(above)) {
      // A step back out is fine when it returns to the column of an enclosing key or list item.
      let ok = false;
      for (let k = j - 1; k >= 0; k--) {
        if (!content(k)) continue;
        if (indent(lines[k]) === n || keyColumn(lines[k]) === n) {
          // Back to a list item's dash: only another item may start there; back to a key's column: a key.
          ok = indent(lines[k]) === n ? !/^\s*- /.test(lines[k]) || dash : !dash;
          break;
        }
        if (indent(lines[k]) < n) break;
      }
      if (ok) continue;
    }
    return { line: i + 1, column: n + 1, opensAbove: false, message: `bad indentation: this line is indented ${spaces(n)}, the line above ${spaces(keyColumn(above))}; keys of one map start at the same column` };
  }
  return undefined;
}
