/**
 * Robustness of `repower preview`: a program that throws is exit 2 with the
 * error, never a green report; with --all, a stack that throws, one with
 * invalid YAML and one over budget are each reported for what they are, the
 * others are still checked, and the exit status is the worst of them; no
 * secret reaches a rendered file, a report or a log line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { hasStackTrace, repower } from "../helpers/cli";
import { filesBelow, projectWith } from "../helpers/project";
import { exampleText, replaceOnce } from "../helpers/stacks";

// prairie-burst needs aws:region for its EKS cluster: without it the program throws.
const throwing = () => replaceOnce(exampleText("prairie-burst"), "  aws:region: us-east-2\n", "");
const brokenYaml = () => exampleText("red-hills").replace("    grid:\n", "    grid: [\n");
const over = () => replaceOnce(exampleText("pecos-yard"), "gpu: { h100-a: 1536 }", "gpu: { h100-a: 1800 }");

describe("a program error", () => {
  it("is exit status 2 with the program's error, never a green report", () => {
    const dir = projectWith({ throws: throwing() });
    const r = repower(["preview", "--stack", "throws"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/config aws:region: required with repower:site\.cluster\.type: eks/);
    expect(r.stdout).not.toMatch(/no mandatory policy fails/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const json = repower(["preview", "--stack", "throws", "--json"], { cwd: dir });
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, status: "error", exitCode: 2 });
  });
});

describe("--all on a troubled fleet", () => {
  it("reports each stack for what it is, checks the others, and exits with the worst status", () => {
    const dir = projectWith({ "a-good": exampleText("red-hills"), "b-throws": throwing(), "c-broken": brokenYaml(), "d-over": over(), "e-good": exampleText("pecos-yard") });
    for (const jobs of ["1", "2"]) {
      const r = repower(["preview", "--all", "--json", "--jobs", jobs], { cwd: dir });
      expect(r.status).toBe(2);
      const by = Object.fromEntries(JSON.parse(r.stdout).stacks.map((s: { stack: string }) => [s.stack, s]));
      expect(by["a-good"]).toMatchObject({ status: "ok", exitCode: 0 });
      expect(by["e-good"]).toMatchObject({ status: "ok", exitCode: 0 });
      expect(by["b-throws"]).toMatchObject({ status: "error", exitCode: 2, error: expect.stringMatching(/aws:region/) });
      expect(by["c-broken"]).toMatchObject({ status: "invalid", exitCode: 2, error: expect.stringMatching(/Pulumi\.c-broken\.yaml:\d+:\d+: .*invalid YAML/) });
      expect(by["d-over"]).toMatchObject({ status: "violations", exitCode: 1 });
    }
    const text = repower(["preview", "--all"], { cwd: dir });
    expect(text.stdout).toMatch(/b-throws +ERROR/);
    expect(text.stdout).toMatch(/c-broken +INVALID/);
    expect(text.stdout).toMatch(/d-over +FAIL/);
    expect(text.stdout).toMatch(/a-good +pass/);
  }, 240_000); // three --all runs of five stacks: fifteen previews, slow on a loaded 2-core machine

  it("exits 1 when the worst is a mandatory violation", () => {
    const dir = projectWith({ good: exampleText("red-hills"), over: over() });
    expect(repower(["preview", "--all"], { cwd: dir }).status).toBe(1);
  });
});

describe("secrets", () => {
  it("never appear in a rendered file, a report or a log line", () => {
    // A stack secret, the mock SSM activation code and the kubeconfig's CA must all stay out.
    const withSecret = exampleText("prairie-burst").replace("config:\n", "config:\n  repower:grafanaToken:\n    secure: v1:c2VjcmV0LXRva2VuLXZhbHVl\n");
    const dir = projectWith({ burst: withSecret });
    const out = path.join(dir, "out");
    const runs = [repower(["preview", "--all", "--out", out], { cwd: dir }), repower(["preview", "--stack", "burst", "--json"], { cwd: dir })];
    const secrets = ["MOCK-ACTIVATION-CODE", "TU9DSy1DQQ==", "c2VjcmV0LXRva2VuLXZhbHVl", "secret-token-value"];
    for (const r of runs) {
      expect(r.status, r.stderr).toBe(0);
      for (const s of secrets) expect(r.stdout + r.stderr, s).not.toContain(s);
    }
    const files = filesBelow(out);
    expect(files.length).toBeGreaterThan(15);
    for (const f of files) {
      const text = fs.readFileSync(path.join(out, f), f.endsWith(".png") ? "latin1" : "utf8");
      for (const s of secrets) expect(text, `${f} contains ${s}`).not.toContain(s);
    }
    expect(fs.readFileSync(path.join(out, "burst", "nodeadm", "h200-c.yaml"), "utf8")).toMatch(/activationCode: "<activation code: pulumi stack output --show-secrets>"/);
  });
});
