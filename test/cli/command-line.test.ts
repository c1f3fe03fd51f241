/**
 * The `repower` command line as a subprocess: help for every command, the
 * version, options given twice or at odds, and errors in one voice (never
 * the parser's own wording, never a stack trace).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { ROOT } from "../helpers/stacks";

const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;

describe("help and version", () => {
  it("repower --help, -h and help list every command and exit 0", () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const r = repower(args);
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/^repower \S+: /);
      expect(r.stdout).toMatch(/\n {2}preview +run a site's program and policy pack offline/);
      expect(r.stdout).toMatch(/\n {2}envelope +the power and cooling envelope/);
      expect(r.stderr).toBe("");
    }
  });

  it("every command has --help, -h and `repower help <command>` with each of its options described", () => {
    const options: Record<string, string[]> = {
      preview: ["--stack <stack>", "--config-file <path>", "--all", "--json", "--out <dir>", "--jobs <n>", "--watch", "--help"],
      envelope: ["--stack <stack>", "--config-file <path>", "--json", "--help"],
    };
    for (const [cmd, opts] of Object.entries(options)) {
      const texts = [repower([cmd, "--help"]), repower([cmd, "-h"]), repower(["help", cmd]), repower([cmd, "--stack", "pecos-yard", "--help"])];
      for (const r of texts) {
        expect(r.status).toBe(0);
        expect(r.stdout).toBe(texts[0].stdout);
      }
      const text = texts[0].stdout;
      expect(text).toMatch(new RegExp(`^repower ${cmd}: `));
      for (const o of opts) expect(text, o).toMatch(new RegExp(`\\n {2}${o.replace(/[<>]/g, "\\$&")} +\\S`));
      expect(text).toMatch(/exit status: 0 /);
    }
  });

  it("every help fits 80 columns, option help wrapped under its own column", () => {
    for (const args of [["--help"], ["preview", "--help"], ["envelope", "--help"], ["plan", "--help"], ["catalog", "--help"]]) {
      const r = repower(args);
      expect(r.status).toBe(0);
      for (const line of r.stdout.split("\n")) expect([...line].length, `${args.join(" ")}: ${line}`).toBeLessThanOrEqual(80);
    }
    const preview = repower(["preview", "--help"]).stdout.split("\n");
    const i = preview.findIndex((l) => l.startsWith("  --policy-pack-config <file>   "));
    expect(preview.slice(i, i + 2)).toEqual([
      "  --policy-pack-config <file>   policy settings (JSON, as pulumi preview's",
      "                                flag); never lowers a mandatory policy",
    ]);
  });

  it("--version prints the package's version", () => {
    const r = repower(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`repower ${version}\n`);
  });

  it("no command prints the help on stderr and exits 2", () => {
    const r = repower([]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: repower <command>/);
  });
});

describe("errors in one voice", () => {
  const cases: [string, string[], RegExp][] = [
    ["an option given twice", ["preview", "--stack", "pecos-yard", "--stack", "red-hills"], /^repower: repower preview: --stack is given twice; give it once\n/],
    ["--stack with --config-file", ["envelope", "--stack", "pecos-yard", "--config-file", "stacks/Pulumi.red-hills.yaml"], /^repower: --stack and --config-file each say which stacks to check; give one\n/],
    ["--stack with --all", ["preview", "--stack", "pecos-yard", "--all"], /^repower: --stack and --all each say which stacks to check; give one\n/],
    ["no stack", ["preview", "--json"], /^repower: which stack\? give --stack <stack>, --config-file <path> or --all\n/],
    ["a missing value", ["preview", "--stack"], /^repower: repower preview: --stack needs a value: --stack <stack>\n/],
    ["a value that is an option", ["preview", "--stack", "--json"], /^repower: repower preview: --stack needs a value: --stack <stack>\n/],
    ["an unknown option, with the nearest", ["envelope", "--stak", "pecos-yard"], /^repower: repower envelope: unknown option --stak; did you mean --stack\?\n/],
    ["an option of another command", ["envelope", "--stack", "pecos-yard", "--all"], /^repower: repower envelope: unknown option --all\n/],
    ["a stray argument", ["preview", "pecos-yard"], /^repower: repower preview: unexpected argument "pecos-yard"\n/],
    ["a value on a flag", ["preview", "--stack", "pecos-yard", "--json=yes"], /^repower: repower preview: --json takes no value \(found "yes"\)\n/],
    ["--jobs without --all", ["preview", "--stack", "pecos-yard", "--jobs", "2"], /^repower: --jobs applies to --all only/],
    ["a bad --jobs", ["preview", "--all", "--jobs", "two"], /^repower: --jobs: a whole number of at least 1, found "two"\n/],
    ["an unknown command, with the nearest", ["previwe"], /^repower: unknown command "previwe"; did you mean preview\?\n/],
    ["a missing file", ["envelope", "--config-file", "stacks/Pulumi.nope.yaml"], /^repower: --config-file: no such file stacks\/Pulumi\.nope\.yaml\n/],
    ["a directory", ["preview", "--config-file", "stacks"], /^repower: --config-file: stacks is a directory, not a stack file\n/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2, one line saying what is wrong and where help is`, () => {
      const r = repower(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/\nrun "repower (preview|envelope) --help" for its options\n$|\nrun "repower --help" for the commands\n$/);
      expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|Unknown option|argument missing|invalid site spec/);
      expect(hasStackTrace(r.stderr)).toBe(false);
    });
  }
});
