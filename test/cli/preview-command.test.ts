/**
 * `repower preview` as a subprocess: exit statuses, JSON alone on stdout,
 * --all with a broken stack among good ones, and the --out files checked
 * with real validators (Kubernetes schemas, the SARIF 2.1.0 schema, an XML
 * parser, a PNG decoder).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { XMLParser } from "fast-xml-parser";
import { PNG } from "pngjs";
import { beforeAll, describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { validateObject } from "../helpers/kubernetes-schemas";
import { filesBelow, projectWith } from "../helpers/project";
import { exampleText, lineOf, replaceOnce, ROOT, tempDir, writeStack } from "../helpers/stacks";

const load = createRequire(path.join(ROOT, "package.json"));

function sarifValidator() {
  const Ajv = load("ajv-draft-04");
  const addFormats = load("ajv-formats");
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(load("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"));
}

const overText = () => replaceOnce(exampleText("pecos-yard"), "gpu: { h100-a: 1536 }", "gpu: { h100-a: 1800 }");
const brokenText = () => replaceOnce(exampleText("red-hills"), "coolingZone: hall\n", "coolingZone: hal\n");

describe("exit status and output", () => {
  it("0 for an example within budget, with the envelope per phase and the verdict", () => {
    const r = repower(["preview", "--stack", "red-hills"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\nrebuild {2}from 2026-04-01 {2}\[active\]\n {2}commissioned {2}cooling zone hall\n/);
    expect(r.stdout).toMatch(/rack density gb200 +132\.0 kW \/ +150\.0 kW +88\.0 % +ok/); // 18 × 6.667 + 12 kW of switch trays and power shelves, against maxRackKW 150
    // red-hills states no firm limit (it follows the interconnect), no overlap and no power cap: those checks do not apply.
    expect(r.stdout).toMatch(/✓ red-hills: 0 failed, 0 advisory, 10 passed, 3 not applicable \(\d+ resources\)\n$/);
    expect(r.stdout).not.toMatch(/firm power/);
    expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR and not a terminal
  });

  it("1 when a mandatory policy fails, naming the phase, the limit and the fix", () => {
    const file = writeStack(tempDir(), "over", overText());
    const r = repower(["preview", "--config-file", file]);
    expect(r.status).toBe(1);
    // One cause, once, with the phases it hits; the first message whole, wrapped at 80 columns.
    expect(r.stdout).toMatch(/findings \(2 causes, 3 violations\)\n\n✗ cooling-capacity {2}in 2 moments: phase-2, phase-3\n {4}\S*Pulumi\.over\.yaml:\d+ {2}repower:site\.rollout\.phases\[1\]\.gpu\.h100-a\n {4}phase phase-2: heat in zone hall-a 18\.66 MW is over zone hall-a's usable\n {4}cooling 18\.00 MW by 0\.66 MW\. To fit: remove 65 nodes of h100-a\n {4}\(1800 → 1735\)/); // a figure stays with its arrow
    expect(r.stdout).toMatch(/\n {4}· phase-3: heat in zone hall-a 18\.66 MW is over zone hall-a's usable cooling\n {6}18\.00 MW by 0\.66 MW\.\n/);
    expect(r.stdout).toMatch(/\n✗ rollout-transient-budget {2}in transient into phase-3\n/);
    expect(r.stdout).toMatch(/✗ over: 2 failed, 0 advisory, 11 passed, 0 not applicable \(\d+ resources\)\n$/);
    // 80 columns, but for the lines that carry the (long, temporary) file path.
    for (const line of r.stdout.split("\n").filter((l) => !l.includes(file))) expect([...line].length, line).toBeLessThanOrEqual(80);
  });

  it("2 for invalid input, with file, path and line, and no stack trace", () => {
    const file = writeStack(tempDir(), "broken", brokenText());
    const r = repower(["preview", "--config-file", file, "--json"]);
    expect(r.status).toBe(2);
    const line = lineOf(brokenText(), "coolingZone: hal\n");
    expect(r.stdout === "" || JSON.parse(r.stdout).status === "invalid").toBe(true);
    const report = JSON.parse(r.stdout);
    expect(report.error).toContain(`${file}:${line}:22: repower:site.gpuPools[0].coolingZone: unknown cooling zone "hal"; did you mean "hall"?`);
    const plain = repower(["preview", "--config-file", file]);
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain(`${file}:${line}:22: repower:site.gpuPools[0].coolingZone`);
    expect(hasStackTrace(plain.stderr + plain.stdout)).toBe(false);
  });

  it("2 for usage errors", () => {
    expect(repower(["preview"]).status).toBe(2);
    expect(repower(["preview", "--stack", "pecos-yard", "--all"]).status).toBe(2);
    const r = repower(["preview", "--stack", "nope"]);
    expect(r.status).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("--json is valid JSON alone on stdout, with the contract's fields", () => {
    const r = repower(["preview", "--stack", "pecos-yard", "--json"]);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ stack: "pecos-yard", site: "pecos-yard", ok: true, violations: [] });
    expect(report.phases[0]).toMatchObject({ name: "phase-1", facilityMW: expect.any(Number), siteLimitMW: 142.5 });
    const over = repower(["preview", "--config-file", writeStack(tempDir(), "over", overText()), "--json"]);
    const v = JSON.parse(over.stdout).violations.find((x: { policy: string }) => x.policy === "cooling-capacity");
    expect(v).toMatchObject({ policy: "cooling-capacity", enforcementLevel: "mandatory", phase: "phase-2", message: expect.stringMatching(/^phase phase-2: /) });
  });
});

describe("--all", () => {
  it("checks every stack; a broken one is reported as such, the others still checked; exit is the worst", () => {
    const dir = projectWith({ good: exampleText("red-hills"), over: overText(), broken: brokenText() });
    const r = repower(["preview", "--all", "--json"], { cwd: dir });
    expect(r.status).toBe(2);
    const report = JSON.parse(r.stdout);
    const by = Object.fromEntries(report.stacks.map((s: { stack: string }) => [s.stack, s]));
    expect(Object.keys(by).sort()).toEqual(["broken", "good", "over"]);
    expect(by.good).toMatchObject({ status: "ok", exitCode: 0 });
    expect(by.over).toMatchObject({ status: "violations", exitCode: 1 });
    expect(by.broken).toMatchObject({ status: "invalid", exitCode: 2 });
    expect(by.broken.error).toMatch(/Pulumi\.broken\.yaml:\d+:\d+: repower:site\.gpuPools\[0\]\.coolingZone/);
    const one = repower(["preview", "--all"], { cwd: projectWith({ good: exampleText("red-hills"), over: overText() }) });
    expect(one.status).toBe(1);
    expect(one.stdout).toMatch(/good +pass/);
    expect(one.stdout).toMatch(/over +FAIL/);
  });
});

describe("--out", () => {
  let dir: string;
  let out: string;
  beforeAll(() => {
    dir = projectWith({ over: overText(), burst: exampleText("prairie-burst") });
    out = path.join(dir, "out");
    const r = repower(["preview", "--all", "--out", out], { cwd: dir });
    expect(r.status, r.stderr).toBe(1);
  });

  it("renders Kubernetes objects in renderYamlToDirectory's layout, each valid against its schema", async () => {
    const files = filesBelow(path.join(out, "over"));
    // Namespaces, releases and cluster-wide names are scoped by stack ("over", a copy of pecos-yard).
    expect(files).toContain("1-manifest/v1-configmap-repower-system-over-repower-site-envelope.yaml");
    expect(files).toContain("1-manifest/nfd.k8s-sigs.io_v1alpha1-nodefeaturerule-default-repower-pecos-yard-over-h100-a.yaml");
    expect(files).toContain("helm/nvidia-device-plugin-over-nvidia-device-plugin-over.yaml");
    const { parse } = load("yaml");
    const manifests = files.filter((f) => f.startsWith("1-manifest/") || f.startsWith("0-crd/"));
    expect(manifests.length).toBeGreaterThan(6);
    for (const f of manifests) await validateObject(parse(fs.readFileSync(path.join(out, "over", f), "utf8")));
    const helm = parse(fs.readFileSync(path.join(out, "over", "helm", "nvidia-device-plugin-over-nvidia-device-plugin-over.yaml"), "utf8"));
    expect(helm).toMatchObject({ chart: "nvidia-device-plugin", repository: "https://nvidia.github.io/k8s-device-plugin", values: { config: { map: expect.any(Object) } } });
  });

  it("writes the hybrid NodeConfig without the activation code", () => {
    const text = fs.readFileSync(path.join(out, "burst", "nodeadm", "h200-c.yaml"), "utf8");
    expect(text).toContain("kind: NodeConfig");
    expect(text).not.toContain("MOCK-ACTIVATION-CODE");
    for (const f of filesBelow(out)) {
      if (f.endsWith(".png")) continue;
      expect(fs.readFileSync(path.join(out, f), "utf8"), f).not.toContain("MOCK-ACTIVATION-CODE");
    }
  });

  it("writes SARIF 2.1.0 that validates, located at the line of the stack file that causes each result", () => {
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "report.sarif"), "utf8"));
    const validate = sarifValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "cooling-capacity");
    const loc = result.locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe("stacks/Pulumi.over.yaml");
    expect(loc.region.startLine).toBe(lineOf(overText(), "gpu: { h100-a: 1800 }"));
    expect(result.level).toBe("error");
    // The validator is not a rubber stamp.
    expect(validate({ ...sarif, runs: [{ ...sarif.runs[0], results: [{ ...result, level: "fatal" }] }] })).toBe(false);
  });

  it("writes JUnit with one test case per policy and phase", () => {
    const doc = new XMLParser({ ignoreAttributes: false }).parse(fs.readFileSync(path.join(out, "junit.xml"), "utf8"));
    const suites = [doc.testsuites.testsuite].flat();
    const over = suites.find((s: Record<string, string>) => s["@_name"] === "over");
    const cases = [over.testcase].flat();
    expect(cases).toHaveLength(13 * 3); // 13 policies × 3 phases
    const failed = cases.filter((c: Record<string, unknown>) => c.failure !== undefined).map((c: Record<string, string>) => c["@_name"]);
    expect(failed).toEqual(["cooling-capacity @ phase-2", "cooling-capacity @ phase-3", "rollout-transient-budget @ phase-3"]);
    // phase-2 sets overlap: false, so it has no transient to check.
    expect(cases.filter((c: Record<string, unknown>) => c.skipped !== undefined).map((c: Record<string, string>) => c["@_name"])).toEqual(["rollout-transient-budget @ phase-2"]);
  });

  it("marks the policies with nothing to check as skipped in JUnit and notApplicable in SARIF", () => {
    // prairie-burst declares no feeds.
    const doc = new XMLParser({ ignoreAttributes: false }).parse(fs.readFileSync(path.join(out, "junit.xml"), "utf8"));
    const burst = [doc.testsuites.testsuite].flat().find((s: Record<string, string>) => s["@_name"] === "burst");
    const cases = [burst.testcase].flat() as Record<string, unknown>[];
    const skipped = cases.filter((c) => c.skipped !== undefined).map((c) => c["@_name"] as string);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.filter((n) => n.startsWith("feed-continuous-load @ "))).toHaveLength(cases.filter((c) => (c["@_name"] as string).startsWith("feed-continuous-load @ ")).length);
    expect(skipped.some((n) => n.startsWith("site-power-budget"))).toBe(false);
    expect(Number(burst["@_skipped"])).toBe(skipped.length);
    const sarif = JSON.parse(fs.readFileSync(path.join(out, "report.sarif"), "utf8"));
    const na = sarif.runs[0].results.filter((r: { kind?: string; properties?: { stack?: string } }) => r.kind === "notApplicable" && r.properties?.stack === "burst");
    expect(na.map((r: { ruleId: string }) => r.ruleId)).toContain("feed-continuous-load");
    expect(na.every((r: { level: string }) => r.level === "none")).toBe(true);
    expect(sarif.runs[0].results.filter((r: { kind?: string; properties?: { stack?: string } }) => r.kind === "notApplicable" && r.properties?.stack === "over")).toEqual([]);
  });

  it("writes report.md, report.json and the envelope chart as SVG and a PNG of the expected size", () => {
    const md = fs.readFileSync(path.join(out, "report.md"), "utf8");
    expect(md).toMatch(/^## repower preview: ❌ 1 of 2 sites fail/);
    expect(md).toMatch(/\*\*Failed\*\* \(2 causes\)\n\n- `cooling-capacity` in phase-2, phase-3 \(stacks\/Pulumi\.over\.yaml:\d+\): phase phase-2: .*\n {2}- also phase phase-3: /);
    expect(md).toMatch(/\| over \| ❌ fails \| cooling yard 64\.4 % \| 2 failed, 0 advisory, 11 passed, 0 not applicable \|/);
    expect(md).toMatch(/\| phase \| starts \| facility \| site limit \| firm \| firm limit \| binding budget \|/);
    expect(md).toMatch(/\| phase-2 \| 2026-09-01 \| 83\.30 MW \| 142\.50 MW \| 22\.82 MW \| 57\.00 MW \| ❌ cooling hall-a 103\.7 % \|/);
    // What each phase changes: 6,000 S19 XPs × 3.01 kW off; 1,288 more H100 nodes × 10.2 kW = 13.14 MW on.
    expect(md).toContain(
      [
        "- **phase-2** from 2026-09-01 (against phase-1)",
        "  - load: retires 18.06 MW of antminer-s19-xp (6,000 units), adds 13.14 MW IT in hall-a (h100-a, 1,288 nodes)",
        "  - standby: gensets-north 4 MW diesel (never counted)",
        "  - not in service: substation south, feed hall-b-1, feed hall-b-2, cooling hall-b",
        "- **phase-3** from 2027-06-01 (against phase-2)",
        "  - grid: interconnect 150 → 200 MW, firm 60 → 90 MW",
        "  - commissioned: substation south; generation gas-south (20 MW gas, firm); transformers south-1; feeds hall-b-1, hall-b-2; cooling zone hall-b",
        "  - load: retires 28.00 MW of antminer-s21 (8,000 units), adds 20.96 MW IT in hall-b (b200-b, 1,600 nodes)",
        "  - generation: gas-south 20 MW gas, firm",
      ].join("\n"),
    );
    // An undated site has no starts column; its cloud pool's nodes are listed, not charged.
    expect(md).toMatch(/### burst[^]*\| phase \| facility \| site limit \|/);
    expect(md).toMatch(/- \*\*phase-2\*\* \(against phase-1\)\n[^]*burst-p5 8 → 16 cloud nodes \(not charged\)/);
    expect(md).not.toMatch(/site site|transformer transformers/);
    expect(JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")).exitCode).toBe(1);
    const svg = fs.readFileSync(path.join(out, "over", "envelope.svg"), "utf8");
    expect(svg).toMatch(/^<svg [^>]*width="1200" height="\d+"/);
    const height = Number(/^<svg [^>]*height="(\d+)"/.exec(svg)![1]);
    expect(height).toBeGreaterThanOrEqual(940);
    const png = PNG.sync.read(fs.readFileSync(path.join(out, "over", "envelope.png")));
    expect([png.width, png.height]).toEqual([1200, height]);
    // Not blank: the bars are drawn.
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4 * 97) colours.add(png.data.readUInt32BE(i));
    expect(colours.size).toBeGreaterThan(5);
  });

  it("two previews of the same stacks write byte-identical directories", () => {
    const again = path.join(dir, "again");
    repower(["preview", "--all", "--out", again], { cwd: dir });
    const a = filesBelow(out);
    expect(filesBelow(again)).toEqual(a);
    for (const f of a) expect(fs.readFileSync(path.join(again, f)).equals(fs.readFileSync(path.join(out, f))), f).toBe(true);
  });
});

describe("colour", () => {
  it("is used when forced on a non-terminal and never with NO_COLOR", () => {
    const forced = repower(["preview", "--stack", "red-hills"], { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(forced.status).toBe(0);
    expect(forced.stdout).toMatch(/\u001b\[32m✓ red-hills/);
    const plain = repower(["preview", "--stack", "red-hills"], { env: { NO_COLOR: "1", FORCE_COLOR: "1" } });
    expect(plain.stdout).not.toMatch(/\u001b\[/);
  });
});
