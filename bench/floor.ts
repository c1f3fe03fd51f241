/**
 * The floor of a preview: exactly the external modules it loads, loaded and
 * nothing else done. A traced run of the preview (trace-loads.ts) gives, per
 * process, the node_modules files the project's own code requires; the floor
 * is then, in parallel as the preview does it,
 *   - the program side: a fresh Node process requiring those files, and
 *   - the pack side: `run-policy-pack` started the engine's way (ts-node and
 *     TypeScript included, as the engine always registers them) on a pack that
 *     requires the files our pack requires and declares no policies, until it
 *     serves (prints its port).
 * Our own work (the model, the program, the policies, the reports) is what a
 * preview adds above it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PolicyPackProcess } from "../cli/policy-client";
import { measure } from "./measure";

export const ROOT = path.join(__dirname, "..", "..");
export const BIN = path.join(ROOT, "bin", "repower.js");
const TRACER = path.join(__dirname, "trace-loads.js");

export interface Trace {
  /** node_modules files the CLI's own code (and its workers') requires. */
  program: string[];
  /** node_modules files the pack's own code requires (the engine's runner loads its own). */
  pack: string[];
}

/** Runs `repower <args>` once with the tracer preloaded in every Node process it starts. */
export async function traceLoads(args: string[], cwd = ROOT): Promise<Trace> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "repower-trace-"));
  try {
    const m = await measure(process.execPath, [BIN, ...args], {
      cwd,
      env: { REPOWER_TRACE_DIR: dir, NODE_OPTIONS: `--require ${TRACER}` },
    });
    if (m.status !== 0 && m.status !== 1) throw new Error(`traced run of repower ${args.join(" ")} exited ${m.status}: ${m.stderr.slice(0, 2000)}`);
    const trace: Trace = { program: [], pack: [] };
    for (const f of fs.readdirSync(dir).sort()) {
      const lines = fs.readFileSync(path.join(dir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { argv?: string[]; load?: string });
      const argv = lines[0].argv ?? [];
      const side = argv.some((a) => a.includes("run-policy-pack")) ? trace.pack : trace.program;
      for (const l of lines) if (l.load !== undefined && !side.includes(l.load)) side.push(l.load);
    }
    if (trace.pack.length === 0) throw new Error("the traced preview started no policy pack");
    return trace;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A policy pack with no policies that loads `entries`: the pack side of the floor. */
export function writeFloorPack(entries: readonly string[]): string {
  // Inside the project (in its ignored .repower/), so that @pulumi/policy resolves from its node_modules as our pack's does.
  fs.mkdirSync(path.join(ROOT, ".repower"), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, ".repower", "bench-floor-"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "repower-floor", version: "0.0.0", main: "index.js" }));
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  const policy = require.resolve("@pulumi/policy", { paths: [ROOT] });
  fs.writeFileSync(
    path.join(dir, "index.js"),
    [...entries.map((e) => `require(${JSON.stringify(e)});`), `new (require(${JSON.stringify(policy)}).PolicyPack)("floor", { policies: [] });`, ""].join("\n"),
  );
  return dir;
}

/** One measurement of the floor, ms: both sides in parallel, until both are done. */
export async function floorOnce(trace: Trace, packDir: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const program = measure(process.execPath, ["-e", trace.program.map((e) => `require(${JSON.stringify(e)})`).join(";")], { cwd: ROOT });
  const pack = PolicyPackProcess.start(packDir);
  const [p, k] = await Promise.all([program, pack]);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await k.close();
  if (p.status !== 0) throw new Error(`the floor's program side failed: ${p.stderr.slice(0, 2000)}`);
  return ms;
}
