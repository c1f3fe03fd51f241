/**
 * The power-cap DaemonSet (issue 12, item 8): its scripts run under bash
 * against a stand-in `nvidia-smi` on PATH (the real one needs a GPU), so a
 * failing or missing nvidia-smi must fail them, and the readiness probe must
 * read `power.limit` back; the pod sets persistence mode, runs under a
 * RuntimeClass (default nvidia, settable), and removes the node's startup
 * taint only after the cap holds; capped hybrid nodes register with it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { one, runStack, runner, type ProgramRun } from "../helpers/program";
import { exampleText, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

const props = (r: { properties: Record<string, unknown> }) => runner.revealOrMask(r.properties) as Record<string, any>;

/** A stand-in nvidia-smi: reports `limits` (one per GPU) and logs every call; `fail` makes it exit 1. */
function fakeSmi(dir: string, limits: number[] | "fail"): string {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  const log = path.join(dir, "calls.log");
  const body =
    limits === "fail"
      ? `echo "$@" >> ${log}; echo "NVIDIA-SMI has failed" >&2; exit 1`
      : `echo "$@" >> ${log}\ncase "$*" in *--query-gpu*) ${limits.map((l, i) => `echo "${i}, ${l}.00"`).join("; ")};; esac`;
  fs.writeFileSync(path.join(bin, "nvidia-smi"), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  return bin;
}

function runScript(script: string, bin: string | undefined, extraEnv: Record<string, string> = {}) {
  const PATH = bin ? `${bin}:/usr/bin:/bin` : "/usr/bin:/bin";
  return spawnSync("/bin/bash", ["-c", script], { encoding: "utf8", timeout: 10_000, env: { PATH, POWER_CAP_WATTS: "850", NODE_NAME: "n1", INTERVAL_SECONDS: "0", ...extraEnv } });
}

let pecos: ProgramRun;
let ds: Record<string, any>;
const container = (name: string) => [...ds.spec.template.spec.initContainers, ...ds.spec.template.spec.containers].find((c: { name: string }) => c.name === name);
const script = (name: string) => container(name).command[2] as string;
const probe = () => container("power-cap").readinessProbe.exec.command[2] as string;

beforeAll(async () => {
  pecos = await runStack("pecos-yard");
  ds = props(one(pecos.resources, "kubernetes:apps/v1:DaemonSet", "power-cap-b200-b"));
});

describe("the cap is applied, verified and kept", () => {
  it("apply-cap sets persistence mode and the cap, and succeeds once every GPU reads it back", () => {
    const dir = tempDir();
    const r = runScript(script("apply-cap"), fakeSmi(dir, [850, 850, 850]));
    expect(r.status, r.stderr).toBe(0);
    const calls = fs.readFileSync(path.join(dir, "calls.log"), "utf8");
    expect(calls).toMatch(/^-pm 1$/m);
    expect(calls).toMatch(/^-pl 850$/m);
  });

  it("apply-cap fails when a GPU does not hold the cap", () => {
    const r = runScript(script("apply-cap"), fakeSmi(tempDir(), [850, 1000]));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/GPU 1: limit 1000.00 W, not 850 W/);
  });

  it("a failing or missing nvidia-smi fails every script instead of looping (pipefail)", () => {
    for (const name of ["apply-cap", "power-cap"]) {
      expect(runScript(script(name), fakeSmi(tempDir(), "fail")).status, name).not.toBe(0);
      expect(runScript(script(name), undefined).status, `${name} without nvidia-smi`).not.toBe(0);
    }
    expect(runScript(probe(), fakeSmi(tempDir(), "fail")).status).not.toBe(0);
  });

  it("the readiness probe reads power.limit back: ready only when every GPU is at the cap", () => {
    expect(runScript(probe(), fakeSmi(tempDir(), [850, 850])).status).toBe(0);
    expect(runScript(probe(), fakeSmi(tempDir(), [850, 1000])).status).toBe(1);
    const dir = tempDir();
    runScript(probe(), fakeSmi(dir, [850]));
    expect(fs.readFileSync(path.join(dir, "calls.log"), "utf8")).toMatch(/--query-gpu=index,power\.limit/);
  });
});

describe("the pod", () => {
  it("runs under the nvidia RuntimeClass by default, and another when repower:runtimeClassName says so", async () => {
    expect(ds.spec.template.spec.runtimeClassName).toBe("nvidia");
    const other = await runStack("pecos-yard", { "repower:runtimeClassName": "nvidia-cdi" });
    expect(props(one(other.resources, "kubernetes:apps/v1:DaemonSet", "power-cap-b200-b")).spec.template.spec.runtimeClassName).toBe("nvidia-cdi");
  });

  it("removes the startup taint only after apply-cap, with an API token mounted only where kubectl runs", () => {
    const names = ds.spec.template.spec.initContainers.map((c: { name: string }) => c.name);
    expect(names).toEqual(["apply-cap", "ensure-taint", "remove-taint"]);
    expect(container("remove-taint").args).toEqual(["taint", "node", "$(NODE_NAME)", "repower.io/power-cap-pending:NoSchedule-"]);
    expect(container("ensure-taint").args).toEqual(["taint", "node", "$(NODE_NAME)", "repower.io/power-cap-pending=true:NoSchedule", "--overwrite"]);
    expect(ds.spec.template.spec.automountServiceAccountToken).toBe(false);
    for (const c of [...ds.spec.template.spec.initContainers, ...ds.spec.template.spec.containers]) {
      const mounted = (c.volumeMounts ?? []).some((m: { name: string }) => m.name === "api-token");
      expect(mounted, c.name).toBe(c.image.includes("kubectl"));
    }
    expect(ds.spec.template.spec.tolerations).toContainEqual({ key: "repower.io/power-cap-pending", operator: "Exists", effect: "NoSchedule" });
    const role = props(one(pecos.resources, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"));
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "patch"] }]);
  });

  it("capped hybrid nodes register with the startup taint; uncapped and cloud pools do not", async () => {
    const run = await runStack("prairie-burst");
    const rendered = parse((run.outputs.nodeConfigsRendered as Record<string, string>)["h200-c"]);
    expect(rendered.spec.kubelet.flags).toContain("--register-with-taints=nvidia.com/gpu=present:NoSchedule,repower.io/power-cap-pending=true:NoSchedule");
    const ng = props(one(run.resources, "aws:eks/nodeGroup:NodeGroup", "burst-p5-nodegroup"));
    expect(ng.taints).toEqual([{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }]);
    const uncapped = await runStack(writeStack(tempDir(), "uncapped", replaceOnce(exampleText("prairie-burst"), "        powerCapWatts: 600", "")));
    const flags = parse((uncapped.outputs.nodeConfigsRendered as Record<string, string>)["h200-c"]).spec.kubelet.flags;
    expect(flags).toContain("--register-with-taints=nvidia.com/gpu=present:NoSchedule");
  });
});
