/**
 * `repower preview --watch`: the program runner (the Pulumi SDK, loaded once
 * in this process) and the policy pack (started once, the engine's way) stay
 * warm, and the stack is checked again whenever its file changes, or, while
 * developing, whenever the compiled code under dist/ changes (`tsc --watch`):
 * then the project's modules are reloaded and the pack restarted. An invalid
 * edit is reported like any invalid input and the watch goes on. After each
 * check a status line goes to stderr; Ctrl-C stops it, with the last check's
 * exit status.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PolicyPackProcess } from "./policy-client";
import type { PreviewIo } from "./preview";
import { displayPath, stackRefs, UsageError } from "./stack-args";

type Starting = ReturnType<typeof PolicyPackProcess.starting>;

const DIST = path.join(__dirname, "..");
const RELOADED = ["components", "infra", "policies"].map((d) => path.join(DIST, d) + path.sep);

/** Forgets the project's compiled modules (not the SDKs), so the next check loads the new code. */
function forgetProjectModules(): void {
  for (const k of Object.keys(require.cache)) if (RELOADED.some((d) => k.startsWith(d))) delete require.cache[k];
}

export async function watchPreview(args: string[], io: PreviewIo, usage: (msg: string) => never, first: Starting, packDir: string): Promise<number> {
  const { values } = parseArgs({ args, options: { stack: { type: "string" }, "config-file": { type: "string" }, all: { type: "boolean" } }, strict: false, allowPositionals: true });
  if (values.all) throw new UsageError("--watch checks one stack: give --stack <stack> or --config-file <path>, not --all");
  const [{ file }] = stackRefs(values as { stack?: string; "config-file"?: string });
  const target = path.resolve(file);

  let pack = first;
  pack.ready.catch(() => undefined);
  let last = 0;
  let running: Promise<void> | undefined;
  let again = false;
  let codeChanged = false;
  let stop: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((resolve) => (stop = resolve));

  const checkOnce = async (n: number) => {
    if (codeChanged) {
      codeChanged = false;
      pack.cancel();
      forgetProjectModules();
      pack = PolicyPackProcess.starting(packDir);
      pack.ready.catch(() => undefined);
    }
    if (io.stdout.isTTY && n > 1) io.stdout.write("\x1b[2J\x1b[H");
    const t0 = process.hrtime.bigint();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { runPreview } = require("./preview-run") as typeof import("./preview-run");
      last = await runPreview(args, io, usage, pack.ready);
    } catch (e) {
      if (n === 1 && e instanceof UsageError) throw e;
      io.stderr.write(`repower: ${(e as Error).message}\n`);
      last = 2;
    }
    const s = (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(2);
    io.stderr.write(`repower: check ${n} of ${displayPath(file)}: exit ${last} in ${s} s; watching for changes (Ctrl-C stops)\n`);
  };

  let n = 0;
  const trigger = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await checkOnce(++n);
      } while (again);
    })().finally(() => (running = undefined));
  };

  await checkOnce(++n);

  let timer: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(trigger, 50);
  };
  // The folder, not the file: editors often save by writing a new file and renaming it over the old.
  const watchers = [
    fs.watch(path.dirname(target), (_event, name) => {
      if (name === path.basename(target)) soon();
    }),
  ];
  if (fs.existsSync(path.join(DIST, "components"))) {
    watchers.push(
      fs.watch(DIST, { recursive: true }, (_event, name) => {
        if (name && /\.js$/.test(name) && RELOADED.some((d) => path.join(DIST, name).startsWith(d))) {
          codeChanged = true;
          soon();
        }
      }),
    );
  }
  const onSignal = () => stop(last);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const code = await stopped;
  for (const w of watchers) w.close();
  clearTimeout(timer);
  await running;
  pack.cancel();
  return code;
}
