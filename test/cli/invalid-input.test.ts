/**
 * Invalid input as a person and a program read it: each problem once, at
 * its line, with the line of the file and a caret under it (as cargo, tsc
 * and terraform show), and for `--json` a list of
 * `{file, line, column, path, message}`.
 */
import { describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { exampleText, lineOf, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

const zoneTypo = () => replaceOnce(exampleText("pecos-yard"), "coolingZone: hall-a\n", "coolingZone: hal-a\n");

describe("invalid input", () => {
  it("shows the source line with a caret under the field, below the file:line:column line", () => {
    const file = writeStack(tempDir(), "bad", zoneTypo());
    const line = lineOf(zoneTypo(), "coolingZone: hal-a");
    const r = repower(["envelope", "--config-file", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      [
        `error: ${file} is not a valid stack file (1 problem)`,
        "",
        `${file}:${line}:22: repower:site.gpuPools[0].coolingZone: unknown cooling zone "hal-a"; did you mean "hall-a"?`,
        "   |",
        `${line} |         coolingZone: hal-a`,
        "   |                      ^^^^^",
        "",
      ].join("\n"),
    );
  });

  it("--json gives each problem as {file, line, column, path, message}, for preview and envelope", () => {
    const text = replaceOnce(replaceOnce(exampleText("pecos-yard"), "        units: 24\n", "        units: many\n"), "        pue: 1.18\n", "        pue: high\n");
    const file = writeStack(tempDir(), "bad", text);
    for (const cmd of ["preview", "envelope"]) {
      const r = repower([cmd, "--config-file", file, "--json"]);
      expect(r.status, cmd).toBe(2);
      const report = JSON.parse(r.stdout);
      expect(report).toMatchObject({ ok: false, exitCode: 2, status: "invalid" });
      expect(report.problems).toEqual([
        { file, line: lineOf(text, "units: many"), column: 16, path: "repower:site.coolingZones[0].units", message: 'must be a number, found the string "many"' },
        { file, line: lineOf(text, "pue: high"), column: 14, path: "repower:site.coolingZones[1].pue", message: 'must be a number, found the string "high"' },
      ]);
      expect(hasStackTrace(r.stderr)).toBe(false);
    }
  });

  it("one line indented wrongly is one problem, at that line, in words", () => {
    const cases: [string, string, string, string][] = [
      ["a key one space in", "        units: 4\n        redundancy: N+1          # 18", "         units: 4\n        redundancy: N+1          # 18", "repower:site.coolingZones[1]"],
      ["a key out of its list item", "        capacityMW: 24\n", "      capacityMW: 24\n", "repower:site.coolingZones[1]"],
      ["a map's entries not indented", "      interconnectMW: 150 ", "    interconnectMW: 150 ", "repower:site.grid"],
    ];
    for (const [name, from, to, path] of cases) {
      const text = replaceOnce(exampleText("pecos-yard"), from, to);
      const file = writeStack(tempDir(), "indent", text);
      const r = repower(["envelope", "--config-file", file, "--json"]);
      expect(r.status, name).toBe(2);
      const problems = JSON.parse(r.stdout).problems;
      expect(problems, name).toHaveLength(1);
      const bad = to.split("\n").find((l) => l !== from.split("\n").find((f) => f === l))!;
      expect(problems[0], name).toMatchObject({ line: lineOf(text, bad.trimEnd()), path, message: expect.stringMatching(/^bad indentation: /) });
    }
  });

  it("an unknown key gets the key that is meant, and every valid key; a missing field says what it needs", () => {
    const text = replaceOnce(
      replaceOnce(exampleText("pecos-yard"), "        capacityMW: 24\n", "        capacity: 24\n"),
      "      interconnectMW: 150        # the utility's capacity at the points of interconnection\n",
      "",
    );
    const file = writeStack(tempDir(), "keys", text);
    const r = repower(["envelope", "--config-file", file, "--json"]);
    expect(r.status).toBe(2);
    const byPath = Object.fromEntries(JSON.parse(r.stdout).problems.map((p: { path: string; message: string }) => [p.path, p.message]));
    // Spelling distance alone would offer nothing for "capacity"; the unit left off is found, and the list is whole.
    expect(byPath["repower:site.coolingZones[1].capacity"]).toMatch(/^unknown key "capacity"; did you mean "capacityMW"\? \(valid here: name, type, capacityMW, .*\bmaxRackKW\b.*\)$/);
    expect(byPath["repower:site.grid.interconnectMW"]).toBe("missing; a number is required here");
  });
});
