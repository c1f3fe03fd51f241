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

/** One line an issue: `file:line:column: path: message`. */
export function formatIssue(file: string, issue: SpecIssue): string {
  const where = issue.line !== undefined ? `${file}:${issue.line}:${issue.column ?? 1}` : file;
  if (issue.root === "file") return `${where}: ${issue.path.length === 0 ? "(document)" : formatPath(issue.path)}: ${issue.message}`;
  const path = issue.path.length === 0 ? "repower:site" : `repower:site.${formatPath(issue.path)}`;
  return `${where}: ${path}: ${issue.message}`;
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
  const shown = candidates.slice(0, 8).map((c) => `"${c}"`).join(", ");
  return `; valid: ${shown}${candidates.length > 8 ? ", …" : ""}`;
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
