/** Example stack files and edited copies of them, for tests. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const EXAMPLES = ["pecos-yard", "red-hills", "prairie-burst"] as const;

export function exampleText(stack: string): string {
  return fs.readFileSync(path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8");
}

/** Replaces exactly one occurrence of `from` (fails loudly if it is not there once). */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`expected exactly one ${JSON.stringify(from)}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** 1-based line of the first occurrence of `needle`. */
export function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`no ${JSON.stringify(needle)} in text`);
  return text.slice(0, at).split("\n").length;
}

/** A fresh temporary directory. */
export function tempDir(prefix = "repower-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `text` as `Pulumi.<stack>.yaml` in `dir` and returns its path. */
export function writeStack(dir: string, stack: string, text: string): string {
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}
