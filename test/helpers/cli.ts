/** Runs the `repower` command as a subprocess, as a user would. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./stacks";

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function repower(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Run {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "repower.js"), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** True when text looks like a JavaScript stack trace. */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+\(.*:\d+:\d+\)/.test(text) || /\n\s+at .+:\d+:\d+/.test(text);
}
