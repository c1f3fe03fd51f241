/** Wall time and peak memory (RSS summed over a process and all its descendants) of a command. */
import { spawn } from "node:child_process";
import * as fs from "node:fs";

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // The process has gone.
  }
  return out;
}

function rssKB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function treeRssKB(root: number): number {
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    total += rssKB(pid);
    stack.push(...children(pid));
  }
  return total;
}

export interface Measurement {
  ms: number;
  peakRssMB: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args` and measures it; RSS is sampled every 20 ms over the whole process tree. */
export function measure(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Measurement> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: "1", ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let peak = 0;
    const timer = setInterval(() => {
      peak = Math.max(peak, treeRssKB(child.pid!));
    }, 20);
    child.on("exit", (status) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ ms, peakRssMB: peak / 1024, status, stdout, stderr });
    });
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
