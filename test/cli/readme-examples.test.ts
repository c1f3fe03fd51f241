/**
 * The README's examples of terminal and report.md output are what the
 * commands print on the current stacks: each block is compared with a real
 * run of the command it names, so an example cannot go stale silently.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { repower } from "../helpers/cli";
import { ROOT, exampleText, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The first fenced block after `marker` in the README, without its fences. */
function blockAfter(marker: string): string {
  const at = README.indexOf(marker);
  expect(at, `README has "${marker}"`).toBeGreaterThanOrEqual(0);
  const open = README.indexOf("```", at);
  const body = README.indexOf("\n", open) + 1;
  return README.slice(body, README.indexOf("\n```", body));
}

/** The README's `over` stack: pecos-yard with phase-2's h100-a raised to 1,800 nodes, at stacks/Pulumi.over.yaml of a project folder. */
function overProject(): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "stacks"));
  writeStack(path.join(dir, "stacks"), "over", replaceOnce(exampleText("pecos-yard"), "gpu: { h100-a: 1536 }", "gpu: { h100-a: 1800 }"));
  return dir;
}

describe("the README's output examples", () => {
  it("`repower envelope --stack red-hills`: the whole screen", () => {
    const r = repower(["envelope", "--stack", "red-hills"]);
    expect(r.status).toBe(0);
    expect(blockAfter("What a reader sees (80 columns; `repower envelope --stack red-hills`):")).toBe(r.stdout.trimEnd());
  });

  it("`repower envelope --stack pecos-yard`: phase-3's grid step, equipment and load diff, as printed", () => {
    const r = repower(["envelope", "--stack", "pecos-yard"]);
    const shown = blockAfter("The\ngrid step of `pecos-yard`").split("\n");
    expect(shown.at(-1)).toBe("...");
    const lines = shown.slice(0, -1);
    expect(lines[0]).toBe("phase-3  from 2027-06-01");
    const out = r.stdout.split("\n");
    const i = out.indexOf(lines[0]);
    expect(out.slice(i, i + lines.length)).toEqual(lines);
  });

  it("the findings of the `over` stack and its report.md, as printed and written", () => {
    const dir = overProject();
    const out = path.join(dir, "out");
    const r = repower(["preview", "--config-file", "stacks/Pulumi.over.yaml", "--out", out], { cwd: dir });
    expect(r.status).toBe(1);
    const findings = r.stdout.slice(r.stdout.indexOf("findings ("), r.stdout.indexOf("\nreports and manifests written")).trimEnd();
    expect(blockAfter("saved as\n`stacks/Pulumi.over.yaml`):")).toBe(findings);
    const md = fs.readFileSync(path.join(out, "report.md"), "utf8");
    const excerpt = blockAfter("`report.md` (written by `--out`)");
    expect(excerpt).toMatch(/^\| phase \| starts \|/);
    expect(md).toContain(excerpt);
  });

  it("invalid input: the error, the source line and the caret", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "stacks"));
    writeStack(path.join(dir, "stacks"), "edited", replaceOnce(exampleText("pecos-yard"), "coolingZone: hall-a\n", "coolingZone: hal-a\n"));
    const r = repower(["preview", "--config-file", "stacks/Pulumi.edited.yaml"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(blockAfter("with `--json`, stdout holds"));
  });

  it("`repower plan --stack pecos-yard` and the no-plan report, as printed (solver time aside)", () => {
    const time = (t: string) => t.replace(/\(solver (\w+), [\d.]+ s\)/, "(solver $1, # s)");
    const r = repower(["plan", "--stack", "pecos-yard"]);
    expect(r.status).toBe(0);
    expect(time(blockAfter("of `repower plan --stack pecos-yard`):"))).toBe(time(r.stdout.trimEnd()));

    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "stacks"));
    let text = replaceOnce(exampleText("pecos-yard"), "          start: 2026-09-01\n", "          start: 2026-09-01\n          grid: { interconnectMW: 50, firmMW: 40 }\n");
    text = replaceOnce(text, "    cluster:\n", "    plan: { mining: { yard-north: { minUnits: { phase-2: 16000 } } } }\n    cluster:\n");
    writeStack(path.join(dir, "stacks"), "tight", text);
    const none = repower(["plan", "--config-file", "stacks/Pulumi.tight.yaml"], { cwd: dir });
    expect(none.status).toBe(1);
    expect(none.stdout).toContain(blockAfter("`plan: { mining: { yard-north: { minUnits: { phase-2: 16000 } } } }`:"));
  });
});
