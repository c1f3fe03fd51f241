/**
 * The `repower` command in a real terminal: a detached tmux session of a
 * given size runs it, and `capture-pane` returns what a person would see
 * (with `-e`, the colours too). Each session has a server of its own.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./stacks";

export interface Screen {
  /** The screen and its scroll-back, one string a line, as shown (wrapped lines are separate lines). */
  lines: string[];
  /** The same with wrapped lines joined back (capture-pane -J): a line longer than the width was wrapped. */
  joined: string[];
  /** With the colour escapes tmux saw (capture-pane -e -J). */
  coloured: string[];
}

function tmux(socket: string, args: string[]): string {
  const r = spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  if (r.error) throw new Error(`tmux could not run (${r.error.message}); install Debian's tmux`);
  if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function capture(socket: string, flags: string[]): string[] {
  return tmux(socket, ["capture-pane", "-p", "-S", "-", "-t", "t", ...flags]).replace(/\n+$/, "").split("\n");
}

/**
 * Runs `repower <args>` at `width` columns; `colour` false sets NO_COLOR.
 * `onPoll` sees the screen every 100 ms while the command runs (for progress).
 */
export async function inTerminal(
  args: string[],
  opts: { width?: number; colour?: boolean; env?: Record<string, string>; onPoll?: (screen: string[]) => void; timeoutMs?: number } = {},
): Promise<Screen & { status: number }> {
  const socket = `repower-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const width = opts.width ?? 80;
  const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
  const env = { ...(opts.colour ? {} : { NO_COLOR: "1" }), ...opts.env };
  const exports = Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`).join(" ");
  const command = `cd ${quote(ROOT)} && env -u NO_COLOR -u FORCE_COLOR -u CI ${exports} ${quote(process.execPath)} ${quote(path.join(ROOT, "bin", "repower.js"))} ${args.map(quote).join(" ")}; echo "[exit $?]"; sleep 600`;
  tmux(socket, ["new-session", "-d", "-s", "t", "-x", String(width), "-y", "40", "sh", "-c", command]);
  try {
    tmux(socket, ["set-option", "-t", "t", "history-limit", "5000"]);
    const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
    for (;;) {
      const screen = capture(socket, []);
      const done = screen.findIndex((l) => /^\[exit \d+\]$/.test(l));
      if (done >= 0) {
        const lines = screen.slice(0, done);
        const status = Number(/\d+/.exec(screen[done])![0]);
        const joined = capture(socket, ["-J"]);
        const coloured = capture(socket, ["-J", "-e"]);
        const end = joined.findIndex((l) => /^\[exit \d+\]$/.test(l));
        const cend = coloured.findIndex((l) => /\[exit \d+\]/.test(l));
        return { lines, joined: joined.slice(0, end), coloured: coloured.slice(0, cend), status };
      }
      opts.onPoll?.(screen);
      if (Date.now() > deadline) throw new Error(`repower ${args.join(" ")} did not finish in the terminal:\n${screen.join("\n")}`);
      await sleep(100);
    }
  } finally {
    spawnSync("tmux", ["-L", socket, "kill-server"]);
  }
}

/** The SGR state a terminal is in at a point of a line: foreground colour, bold, dim. */
interface Sgr {
  fg: number;
  bold: boolean;
  dim: boolean;
}

/**
 * The SGR state in effect where `needle` starts on a captured line with
 * escapes, following every SGR sequence before it as a terminal would
 * (0 resets; 30–37 and 39 set the foreground; 1 bold, 2 dim, 22 ends both);
 * undefined when not found.
 */
function sgrAt(line: string, needle: string): Sgr | undefined {
  const sgr: Sgr = { fg: 39, bold: false, dim: false };
  // eslint-disable-next-line no-control-regex
  const re = /\u001b\[([\d;]*)m/g;
  let plain = "";
  let last = 0;
  for (let m = re.exec(line); ; m = re.exec(line)) {
    const chunk = line.slice(last, m ? m.index : line.length);
    const at = (plain + chunk).indexOf(needle);
    if (at >= 0 && at >= plain.length - needle.length + 1) return sgr;
    plain += chunk;
    if (!m) return undefined;
    for (const p of (m[1] === "" ? "0" : m[1]).split(";").map(Number)) {
      if (p === 0) Object.assign(sgr, { fg: 39, bold: false, dim: false });
      else if (p === 39) sgr.fg = 39;
      else if (p >= 30 && p <= 37) sgr.fg = p;
      else if (p === 1) sgr.bold = true;
      else if (p === 2) sgr.dim = true;
      else if (p === 22) sgr.bold = sgr.dim = false;
    }
    last = m.index + m[0].length;
  }
}

/** The foreground colour (30–37, or 39 for the default) in effect where `needle` starts; undefined when not found. */
export function colourAt(line: string, needle: string): number | undefined {
  return sgrAt(line, needle)?.fg;
}

/** Bold and dim in effect where `needle` starts; undefined when not found. */
export function weightAt(line: string, needle: string): { bold: boolean; dim: boolean } | undefined {
  const s = sgrAt(line, needle);
  return s && { bold: s.bold, dim: s.dim };
}
