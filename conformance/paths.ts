/** Where the conformance check finds the project and the team's upstream reference files. */
import * as fs from "node:fs";
import * as path from "node:path";

/** The project root: the nearest folder above this file with the project's package.json (from source or dist/). */
export const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "repower") return dir;
    if (path.dirname(dir) === dir) throw new Error("repower's package.json not found above " + __dirname);
  }
})();

/** A problem that stops the conformance check: exit 1 with its message, never a skip. */
export class ConformanceError extends Error {}

/**
 * The upstream reference files: `$REPOWER_UPSTREAM`, else `../shared/upstream`
 * beside the project. Missing files are a failure, not a reason to skip.
 */
export function upstreamDir(): string {
  const dir = process.env.REPOWER_UPSTREAM ?? path.resolve(ROOT, "..", "shared", "upstream");
  for (const sub of ["charts", "kubernetes", "crds"]) {
    if (!fs.existsSync(path.join(dir, sub))) {
      throw new ConformanceError(
        `the upstream charts and schemas are missing: no ${path.join(dir, sub)} (set REPOWER_UPSTREAM to the team's shared/upstream folder)`,
      );
    }
  }
  return dir;
}
