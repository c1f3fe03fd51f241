/**
 * The terminal output as a person sees it: `repower` run in tmux at 80
 * columns, with and without colour, and the screen read back with
 * capture-pane. Nothing wraps, the colours mark what they should, progress
 * shows while a preview runs and is gone when it ends, and never with --json.
 */
import { describe, expect, it } from "vitest";
import { colourAt, inTerminal, weightAt } from "../helpers/tmux";
import { exampleText, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

const ESC = "\u001b[";
const overText = () => replaceOnce(exampleText("pecos-yard"), "gpu: { h100-a: 1536 }", "gpu: { h100-a: 1800 }");

describe("at 80 columns in a terminal", () => {
  it("repower envelope: nothing wraps, and the verdict is the last line", async () => {
    const s = await inTerminal(["envelope", "--stack", "pecos-yard"]);
    expect(s.status).toBe(0);
    for (const line of s.joined) expect([...line].length, line).toBeLessThanOrEqual(80);
    expect(s.joined).toEqual(s.lines); // the same screen whether or not wrapped lines are joined: none wrapped
    expect(s.lines.filter((l) => l !== "").at(-1)).toBe("✓ pecos-yard: every budget holds in 3 phases and 2 transients");
    expect(s.lines).toContain("  h100-a: 512 nodes, room for 1,223 more (≈ 12.47 MW IT)");
    expect(s.coloured.join("\n")).not.toContain(ESC);
  });

  it("each phase's date, grid step, equipment and load diff: on the screen, the same with and without colour, within 80 columns", async () => {
    const plain = await inTerminal(["envelope", "--stack", "pecos-yard"]);
    const colour = await inTerminal(["envelope", "--stack", "pecos-yard"], { colour: true });
    for (const s of [plain, colour]) {
      expect(s.status).toBe(0);
      expect(s.joined).toEqual(s.lines); // nothing wrapped by the terminal
      for (const line of s.lines) expect([...line].length, line).toBeLessThanOrEqual(80);
    }
    expect(colour.lines).toEqual(plain.lines);
    const after = (head: string, n: number) => plain.lines.slice(plain.lines.indexOf(head), plain.lines.indexOf(head) + n);
    expect(after("phase-1  from 2026-03-01  [active]", 7)).toEqual([
      "phase-1  from 2026-03-01  [active]",
      "  grid            interconnect 150 MW, firm 60 MW, reserve 5 %, aux 0.80 MW",
      "  load            retires 24.08 MW of antminer-s19-xp (8,000 units), adds",
      "                  5.22 MW IT in hall-a (h100-a, 512 nodes), fabric-a",
      "                  0.00 → 0.30 MW IT",
      "  standby         gensets-north 4 MW diesel (never counted)",
      "  not in service  substation south, feed hall-b-1, feed hall-b-2, cooling hall-b",
    ]);
    expect(after("phase-2  from 2026-09-01", 3)).toEqual([
      "phase-2  from 2026-09-01",
      "  load            retires 18.06 MW of antminer-s19-xp (6,000 units), adds",
      "                  10.44 MW IT in hall-a (h100-a, 1,024 nodes)",
    ]);
    expect(after("phase-3  from 2027-06-01", 9)).toEqual([
      "phase-3  from 2027-06-01",
      "  grid          interconnect 150 → 200 MW, firm 60 → 90 MW",
      "  commissioned  substation south; generation gas-south (20 MW gas, firm);",
      "                transformers south-1; feeds hall-b-1, hall-b-2; cooling zone",
      "                hall-b",
      "  load          retires 28.00 MW of antminer-s21 (8,000 units), adds 20.96 MW IT",
      "                in hall-b (b200-b, 1,600 nodes)",
      "  generation    gas-south 20 MW gas, firm",
      "  standby       gensets-north 4 MW diesel (never counted)",
    ]);
    // In colour the phase name is bold and the labels dim; the figures keep the default colour.
    const heading = colour.coloured.find((l) => l.includes("phase-3") && l.includes("2027-06-01"))!;
    expect(weightAt(heading, "phase-3")).toEqual({ bold: true, dim: false });
    expect(weightAt(heading, "from 2027-06-01")).toEqual({ bold: false, dim: false });
    const grid = colour.coloured.find((l) => l.includes("interconnect 150 → 200 MW"))!;
    expect(weightAt(grid, "grid")).toEqual({ bold: false, dim: true });
    expect(weightAt(grid, "interconnect 150 → 200 MW")).toEqual({ bold: false, dim: false });
    expect(colourAt(grid, "interconnect 150 → 200 MW")).toBe(39);
    expect(plain.coloured.join("\n")).not.toContain(ESC);
  });

  it("repower preview of a failing stack, in colour: OVER and the finding in red, advisory-free verdict in red, no wrapping", async () => {
    const file = writeStack(tempDir(), "over", overText());
    const s = await inTerminal(["preview", "--config-file", file], { colour: true });
    expect(s.status).toBe(1);
    const RED = 31;
    const over = s.coloured.find((l) => /cooling hall-a .*OVER/.test(l))!;
    expect(over.replace(/\u001b\[[\d;]*m/g, "")).toMatch(/^ {2}cooling hall-a +18\.66 MW \/ +18\.00 MW {2}103\.7 % {2}OVER {2}◀ binding$/);
    expect(colourAt(over, "OVER")).toBe(RED);
    expect(colourAt(over, "18.66 MW")).toBe(39);
    const finding = s.coloured.find((l) => l.includes("cooling-capacity"))!;
    expect(finding.replace(/\u001b\[[\d;]*m/g, "")).toBe("✗ cooling-capacity  in 2 moments: phase-2, phase-3");
    expect(colourAt(finding, "✗")).toBe(RED);
    expect(colourAt(finding, "cooling-capacity")).toBe(39);
    const ok = s.coloured.find((l) => /site power .* ok$/.test(l.replace(/\u001b\[[\d;]*m/g, "")))!;
    expect(colourAt(ok, "ok")).toBe(32);
    // The preview shows the same phase facts: the date and the diff of the edited phase (1,288 more H100 nodes × 10.2 kW).
    const p2 = s.lines.indexOf("phase-2  from 2026-09-01");
    expect(s.lines.slice(p2 + 1, p2 + 3)).toEqual([
      "  load            retires 18.06 MW of antminer-s19-xp (6,000 units), adds",
      "                  13.14 MW IT in hall-a (h100-a, 1,288 nodes)",
    ]);
    expect(s.lines.at(-1)).toMatch(/^✗ over: 2 failed, 0 advisory, 11 passed, 0 not applicable \(\d+ resources\)$/);
    expect(colourAt(s.coloured.at(-1)!, "✗ over: ")).toBe(RED);
    // The file's own line holds a temporary path; every other line fits.
    for (const line of s.joined.filter((l) => !l.includes(file))) expect([...line].length, line).toBeLessThanOrEqual(80);
    const plain = await inTerminal(["preview", "--config-file", file]);
    expect(plain.lines).toEqual(s.lines);
    expect(plain.coloured.join("\n")).not.toContain(ESC);
  });

  it("shows progress on stderr after a second while a preview runs, erases it at the end, and never with --json", async () => {
    let seen = "";
    const s = await inTerminal(["preview", "--stack", "red-hills"], {
      onPoll: (screen) => {
        const line = screen.find((l) => /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] red-hills: /.test(l));
        if (line) seen = line;
      },
    });
    expect(s.status).toBe(0);
    expect(seen).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] red-hills: (starting the policy pack and running the program|checking with the policy pack)… \(\d+ s\)$/);
    expect(s.lines.some((l) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(l))).toBe(false);
    expect(s.lines[0]).toMatch(/^red-hills {2}stacks\/Pulumi\.red-hills\.yaml/);

    let json = false;
    const j = await inTerminal(["preview", "--stack", "red-hills", "--json"], {
      onPoll: (screen) => {
        if (screen.some((l) => /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/.test(l))) json = true;
      },
    });
    expect(j.status).toBe(0);
    expect(json).toBe(false);
    expect(JSON.parse(j.joined.join("\n")).stack).toBe("red-hills");
  });

  it("invalid input: the error, the source line and the caret, in red where colour is on", async () => {
    const file = writeStack(tempDir(), "bad", replaceOnce(exampleText("pecos-yard"), "coolingZone: hall-a\n", "coolingZone: hal-a\n"));
    const s = await inTerminal(["envelope", "--config-file", file], { colour: true });
    expect(s.status).toBe(2);
    const i = s.lines.findIndex((l) => l.includes("unknown cooling zone"));
    expect(s.lines.slice(i + 1, i + 4)).toEqual(["   |", "95 |         coolingZone: hal-a", "   |                      ^^^^^"]);
    const caret = s.coloured.find((l) => l.includes("^^^^^"))!;
    expect(colourAt(caret, "^^^^^")).toBe(31);
    expect(colourAt(s.coloured.find((l) => l.includes("coolingZone: hal-a"))!, "coolingZone: hal-a")).toBe(39);
  });
});
