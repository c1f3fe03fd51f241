/**
 * `repower preview --watch` as a user runs it: a first check, then a check
 * after every edit of the stack file; an invalid edit is reported as invalid
 * input and the watch goes on; Ctrl-C (SIGINT) stops it.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { exampleText, replaceOnce, ROOT, tempDir, writeStack } from "../helpers/stacks";

it("re-checks after each edit, reports an invalid edit and keeps watching, stops on SIGINT", async () => {
  const dir = tempDir();
  const text = exampleText("pecos-yard");
  const file = writeStack(dir, "pecos-yard", text);
  const child = spawn(process.execPath, [path.join(ROOT, "bin", "repower.js"), "preview", "--config-file", file, "--watch"], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const checked = async (n: number) => {
    const re = new RegExp(`check ${n} of .*: exit (\\d) in`);
    for (let i = 0; i < 1200; i++) {
      const m = re.exec(stderr);
      if (m) return Number(m[1]);
      if (child.exitCode !== null) throw new Error(`the watch exited (${child.exitCode}):\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no check ${n}:\n${stderr}`);
  };
  try {
    expect(await checked(1)).toBe(0);
    expect(stdout).toMatch(/✓ pecos-yard: 0 failed, \d+ advisory, \d+ passed, \d+ not applicable/);

    fs.writeFileSync(file, replaceOnce(text, "name: pecos-yard", "name: Pecos Yard"));
    expect(await checked(2)).toBe(2);
    expect(stderr).toMatch(/Pulumi\.pecos-yard\.yaml:\d+:\d+: repower:site\.name/);

    fs.writeFileSync(file, text);
    expect(await checked(3)).toBe(0);
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  } finally {
    child.kill("SIGINT");
  }
  expect(await exited).toBe(0);
}, 240_000);
