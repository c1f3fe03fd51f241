/**
 * Progress on stderr for runs that take a while: nothing for the first
 * second, then one status line (what is being done, for how long, and for
 * `--all` how many stacks are done) redrawn in place, and erased when the
 * run ends. Only on a terminal, never with `--json` and never under CI, so
 * that logs and piped output stay clean.
 */

export interface Progress {
  /** What is being done now: "running the program". */
  step(text: string): void;
  /** One more of `total` done. */
  tick(): void;
  /** Erases the line; nothing more is drawn. */
  stop(): void;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
export const PROGRESS_DELAY_MS = 1000;

/** True where progress may be drawn: stderr is a terminal, not --json, not CI. */
export function progressWanted(stderr: NodeJS.WriteStream, json: boolean): boolean {
  return !json && stderr.isTTY === true && !process.env.CI;
}

export function startProgress(stderr: NodeJS.WriteStream, enabled: boolean, total = 1, label = ""): Progress {
  let text = "starting";
  let done = 0;
  let frame = 0;
  let drawn = false;
  let stopped = false;
  const started = Date.now();
  const draw = () => {
    if (stopped) return;
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    const count = total > 1 ? ` ${done}/${total} stacks` : "";
    const width = Math.max(20, (stderr.columns ?? 80) - 1);
    const line = `${FRAMES[frame++ % FRAMES.length]} ${label}${label ? ": " : ""}${text}…${count} (${secs} s)`;
    stderr.write(`\r\u001b[2K${line.slice(0, width)}`);
    drawn = true;
  };
  let interval: NodeJS.Timeout | undefined;
  const timer = enabled
    ? setTimeout(() => {
        draw();
        interval = setInterval(draw, 100);
        interval.unref();
      }, PROGRESS_DELAY_MS)
    : undefined;
  timer?.unref();
  return {
    step(t: string) {
      text = t;
    },
    tick() {
      done++;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      if (interval) clearInterval(interval);
      if (drawn) stderr.write("\r\u001b[2K");
    },
  };
}
