/**
 * Reads a Pulumi stack config file (`stacks/Pulumi.<stack>.yaml`), finds
 * `config.repower:site` in it, validates it, and locates every problem at a
 * line and column of that file.
 *
 * Pure apart from reading the file: no Pulumi here.
 */
import * as fs from "node:fs";
import { isMap, isPair, isScalar, isSeq, LineCounter, parse, parseDocument, type Document, type Node as YamlNode } from "yaml";
import { validateSite, type Site } from "./site";
import type { SiteSpec } from "./site-spec";
import { describeValue, indentationHint, nearest, SiteSpecError, type FieldPath, type SpecIssue } from "./spec-errors";

/** The config key that holds the site. */
export const SITE_KEY = "repower:site";

/** A stack file that was read and validated. */
export interface LoadedStack {
  /** The stack name: `<x>` of `Pulumi.<x>.yaml`. */
  stack: string;
  /** The file as given (relative paths stay relative, for messages). */
  file: string;
  site: Site;
  spec: SiteSpec;
  /** Line and column (1-based) of a field of `repower:site`, or of its nearest existing parent. */
  locate(path: FieldPath): { line: number; column: number };
}

export { stackFile, stackNameOf } from "./stack-names";
import { stackNameOf } from "./stack-names";

function locator(doc: Document, lines: LineCounter, prefix: FieldPath) {
  return (p: FieldPath): { line: number; column: number } => {
    const full = [...prefix, ...p];
    // Walk down as far as the path exists; point at a key where the last step names one.
    let node: unknown = doc.contents;
    let best: [number, number] | undefined = rangeOf(node);
    for (const step of full) {
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(step));
        if (pair === undefined) break;
        const keyRange = rangeOf(pair.key);
        node = pair.value;
        best = rangeOf(node) ?? keyRange ?? best;
        if (step === full[full.length - 1] && (node === null || node === undefined)) best = keyRange ?? best;
      } else if (isSeq(node) && typeof step === "number") {
        node = node.items[step];
        if (node === undefined) break;
        best = rangeOf(node) ?? best;
      } else break;
    }
    const offset = best ? best[0] : 0;
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

/** The path of the deepest node of a (possibly broken) document that spans `offset`. */
function pathAt(node: unknown, offset: number, path: FieldPath = []): FieldPath {
  if (isMap(node)) {
    for (const it of node.items) {
      const kr = rangeOf(it.key);
      const vr = rangeOf(it.value);
      const end = vr ? vr[1] : kr ? kr[1] : -1;
      if (kr && offset >= kr[0] && offset <= end) return pathAt(it.value, offset, [...path, String(isScalar(it.key) ? it.key.value : "?")]);
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const r = rangeOf(node.items[i]);
      if (r && offset >= r[0] && offset <= r[1]) return pathAt(node.items[i], offset, [...path, i]);
    }
  }
  return path;
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as YamlNode | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

/** The key node of an unknown key, so that its issue points at the key itself. */
function keyLocator(doc: Document, lines: LineCounter, prefix: FieldPath) {
  return (p: FieldPath): { line: number; column: number } | undefined => {
    if (p.length === 0) return undefined;
    const parent = doc.getIn([...prefix, ...p.slice(0, -1)], true);
    if (!isMap(parent)) return undefined;
    const last = p[p.length - 1];
    const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(last));
    const r = pair ? rangeOf(pair.key) : undefined;
    if (!r) return undefined;
    const pos = lines.linePos(r[0]);
    return { line: pos.line, column: pos.col };
  };
}

/**
 * Reads and validates a stack file. Throws `SiteSpecError` (every problem,
 * each with file, field path, line and column) when the site cannot be used.
 */
export function loadStackFile(file: string): LoadedStack {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(e)})`;
    throw new SiteSpecError(file, [{ path: [], root: "file", message: why }]);
  }
  return parseStackText(text, file);
}

/**
 * The stack files read last, by name and text. Reading one is pure, and a
 * preview reads the same file twice in one process (the command, then the
 * program it runs under mocks); a large site's file takes a while to parse
 * with positions and validate. Invalid files are not kept (they throw).
 */
const recent = new Map<string, LoadedStack>();
const RECENT = 4;

/** As `loadStackFile`, for text already read; `file` is used in messages. */
export function parseStackText(text: string, file: string): LoadedStack {
  const key = `${file}\0${text}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const loaded = readStackText(text, file);
  recent.set(key, loaded);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value as string);
  return loaded;
}

const data = new Map<string, unknown>();

/**
 * A stack file's text as plain data (the YAML parsed without positions),
 * parsed once per text like `parseStackText`: the program runner and the
 * program both read the config of the file the command read. Throws on
 * invalid YAML, as `parse` does. The value is shared: read it, never change it.
 */
export function stackFileData(text: string): unknown {
  if (data.has(text)) return data.get(text);
  const value = parse(text) as unknown;
  remember(text, value);
  return value;
}

/** Keeps a text's data (from `parse`, or from the document `parseStackText` read, which is the same). */
function remember(text: string, value: unknown): void {
  data.set(text, value);
  if (data.size > RECENT) data.delete(data.keys().next().value as string);
}

function readStackText(text: string, file: string): LoadedStack {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const fileIssue = (message: string, p: FieldPath = [], line = 1, column = 1): SiteSpecError =>
    new SiteSpecError(file, [{ path: p, root: "file", message, line, column }]);

  if (doc.errors.length > 0) {
    // One syntax error is reported: the parser's later errors follow from the first (a line
    // indented wrongly gives several, at paths of a document it could not read).
    const e = doc.errors[0];
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    const indentish = ["BAD_INDENT", "BLOCK_AS_IMPLICIT_KEY", "MULTILINE_IMPLICIT_KEY", "MISSING_CHAR"].includes(e.code) && !doc.errors.some((x) => x.code === "BLOCK_IN_FLOW");
    const hint = indentish ? indentationHint(text, pos.line) : undefined;
    const at = hint ? { line: hint.line, col: hint.column } : pos;
    let path = pathAt(doc.contents, e.pos[0]);
    if (hint) {
      // The lines above the bad one still parse: the field is where they leave off.
      const before = text.split("\n").slice(0, hint.line - 1).join("\n");
      const above = parseDocument(before);
      // The end of the last line above, before any comment on it (`grid:   # ...` is in grid).
      const kept = before.trimEnd();
      const lastLine = kept.slice(kept.lastIndexOf("\n") + 1);
      const end = kept.length - lastLine.length + lastLine.replace(/\s+#.*$/, "").length;
      const p = pathAt(above.contents, Math.max(0, end - 1));
      path = hint.opensAbove || p.length === 0 ? p : p.slice(0, -1);
    }
    const message = hint ? hint.message : `invalid YAML: ${e.message.split("\n")[0]}`;
    throw new SiteSpecError(file, [{ path, root: "file", message, line: at.line, column: at.col }]);
  }
  if (text.trim() === "" || doc.contents === null) {
    throw fileIssue(`the file is empty; expected a map with config: ${SITE_KEY}`);
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw fileIssue(`cannot be read as YAML data: ${(e as Error).message}`);
  }
  remember(text, root);
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    throw fileIssue(`the top level must be a map with a config key, found ${describeValue(root)}`);
  }
  const top = root as Record<string, unknown>;
  const where = locator(doc, lines, []);
  const keyAt = keyLocator(doc, lines, []);
  if (!("config" in top)) {
    const keys = Object.keys(top);
    const near = nearest("config", keys);
    const at = (keys.length > 0 ? keyAt([near ?? keys[0]]) : undefined) ?? { line: 1, column: 1 };
    throw fileIssue(`missing the config key${near !== undefined ? `; did you mean "${near}"?` : ""}`, ["config"], at.line, at.column);
  }
  const config = top.config;
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    const at = where(["config"]);
    throw fileIssue(`must be a map of config keys, found ${describeValue(config)}`, ["config"], at.line, at.column);
  }
  const cfg = config as Record<string, unknown>;
  if (!(SITE_KEY in cfg)) {
    const keys = Object.keys(cfg);
    const near = nearest(SITE_KEY, keys);
    const at = (near !== undefined ? keyLocator(doc, lines, ["config"])([near]) : keyAt(["config"])) ?? { line: 1, column: 1 };
    const hint =
      near !== undefined ? `; did you mean "${near}"?` : keys.length > 0 ? `; found only ${keys.map((k) => `"${k}"`).join(", ")}` : "";
    throw fileIssue(`missing ${SITE_KEY}${hint}`, ["config", SITE_KEY], at.line, at.column);
  }

  const prefix: FieldPath = ["config", SITE_KEY];
  const locate = locator(doc, lines, prefix);
  const locateKey = keyLocator(doc, lines, prefix);
  const result = validateSite(cfg[SITE_KEY]);
  if (!result.ok) {
    const issues = result.issues
      .map((i) => {
        const pos = (i.message.startsWith("unknown key") ? locateKey(i.path) : undefined) ?? locate(i.path);
        return { ...i, line: pos.line, column: pos.column };
      })
      .sort((a, b) => a.line - b.line || a.column - b.column);
    throw new SiteSpecError(file, issues);
  }
  return { stack: stackNameOf(file), file, site: result.site, spec: result.spec, locate };
}
