/**
 * The README's Quick start, as a newcomer runs it: in a throwaway clone of
 * the committed project, with a PATH on which there is no `promtool`, the two
 * lines of the Quick start block run exactly as written and pass. The tools
 * the tests need are installed into the clone's own prefix
 * (`.repower/tools`), never taken from this machine.
 *
 * The inner `npm test` would run this file again; `REPOWER_QUICKSTART_INNER`
 * tells vitest.config.mts to leave this one folder out of that inner run.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers/stacks";

/** The lines of the README's Quick start block. */
function quickStart(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const m = /^## Quick start\n[\s\S]*?^```sh\n([\s\S]*?)^```/m.exec(readme);
  if (m === null) throw new Error("README.md has no Quick start block");
  return m[1].split("\n").filter((l) => l.trim() !== "");
}

/** PATH without promtool: folders that hold one are replaced by a copy of links to everything else. */
function pathWithoutPromtool(work: string): string {
  const out: string[] = [];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "" || !fs.existsSync(dir) || dir.includes(path.join(".repower", "tools"))) continue;
    if (!fs.existsSync(path.join(dir, "promtool"))) {
      out.push(dir);
      continue;
    }
    const shadow = path.join(work, "path", String(out.length));
    fs.mkdirSync(shadow, { recursive: true });
    for (const name of fs.readdirSync(dir)) if (name !== "promtool") fs.symlinkSync(path.join(dir, name), path.join(shadow, name));
    out.push(shadow);
  }
  return out.join(path.delimiter);
}

it("the Quick start's two lines pass in a fresh clone with no promtool on PATH", () => {
  const work = tempDir("repower-quickstart-");
  const clone = path.join(work, "repower");
  const c = spawnSync("git", ["clone", "--quiet", ROOT, clone], { encoding: "utf8" });
  expect(c.status, c.stderr).toBe(0);

  const env = { ...process.env, PATH: pathWithoutPromtool(work), REPOWER_QUICKSTART_INNER: "1", NO_COLOR: "1" };
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  delete env.NODE_ENV;
  expect(spawnSync("sh", ["-c", "command -v promtool"], { env }).status).not.toBe(0);

  const lines = quickStart();
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    const r = spawnSync("bash", ["-eo", "pipefail", "-c", line], { cwd: clone, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, timeout: 1_500_000 });
    expect(r.status, `${line}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`).toBe(0);
  }
  // promtool came from the clone's own prefix, unpacked from Debian's package.
  expect(fs.existsSync(path.join(clone, ".repower", "tools", "bin", "promtool"))).toBe(true);
  fs.rmSync(work, { recursive: true, force: true });
}, 1_800_000);
