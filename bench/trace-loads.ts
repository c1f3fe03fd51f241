/**
 * A `--require` preload for the bench: records, in every process it is
 * preloaded into, each module file from node_modules that the process loads
 * after start-up, in load order, appending one JSON line per file to
 * `$REPOWER_TRACE_DIR/<pid>.jsonl` as it loads (a pack killed at the end of a
 * preview still leaves its record). The first line names the process (its
 * argv). Files loaded lazily by a package (the Kubernetes SDK's resource
 * modules) are included. The bench then loads exactly those files, in that
 * order, as the floor.
 */
import * as fs from "node:fs";
import Module = require("node:module");
import * as path from "node:path";

const dir = process.env.REPOWER_TRACE_DIR;
if (dir !== undefined) {
  const file = path.join(dir, `${process.pid}.jsonl`);
  fs.appendFileSync(file, JSON.stringify({ argv: process.argv.slice(1) }) + "\n");
  const NM = `${path.sep}node_modules${path.sep}`;
  const seen = new Set<string>();
  const m = Module as unknown as {
    _load(request: string, parent: { filename?: string } | undefined, isMain: boolean): unknown;
    _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
  };
  const load = m._load;
  m._load = function (request, parent, isMain) {
    const out = load.call(this, request, parent, isMain);
    if (parent?.filename !== undefined && !request.startsWith("node:") && !Module.isBuiltin(request)) {
      try {
        const resolved = m._resolveFilename(request, parent, isMain);
        if (resolved.includes(NM) && !seen.has(resolved)) {
          seen.add(resolved);
          fs.appendFileSync(file, JSON.stringify({ load: resolved }) + "\n");
        }
      } catch {
        // Not resolvable from here: nothing to record.
      }
    }
    return out;
  };
}
