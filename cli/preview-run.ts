/**
 * `repower preview` (started by preview.ts): the site's real Pulumi program under the SDK's mocks
 * and the real policy pack over the Analyzer protocol, with no CLI, no
 * credentials and no network; reports what the change does to the envelope.
 *
 * Exit status: 0 no mandatory policy fails, 1 one does, 2 invalid input or a
 * program that cannot run (for --all: the worst of the stacks).
 */
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadStackFile, SiteSpecError, type LoadedStack } from "../components/model";
import { renderEnvelope } from "./envelope-report";
import { colourEnabled, paint, type Paint } from "./format";
import { PolicyPackError, type PolicyInfo, type PolicyPackProcess } from "./policy-client";
import { loadPolicyPackConfig } from "./policy-pack-config";
import { failedReport, stackReport, type StackReport } from "./preview-report";
import type { WorkerJob, WorkerMessage } from "./preview-worker";
import type { RegisteredResource } from "./program-run";
import { manifestFiles, writeFiles } from "./render-manifests";
import { junitReport, markdownReport, sarifReport } from "./report-formats";
import { stackRefs } from "./stack-args";

const WORKER = path.join(__dirname, "preview-worker.js");
// The Pulumi SDK is loaded only after the policy pack has been started, so that the two load side by side.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadWorker = () => require("./preview-worker") as typeof import("./preview-worker");
const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;

import type { PreviewIo } from "./preview";

interface Checked {
  report: StackReport;
  run?: { resources: RegisteredResource[]; outputs: Record<string, unknown> };
  loaded?: LoadedStack;
}

/** Runs the programs of `jobs` on up to `workers` worker processes; calls `onResult` as each finishes. */
function runInWorkers(jobs: WorkerJob[], workers: number, onResult: (m: WorkerMessage) => Promise<void>): Promise<void> {
  const n = Math.max(1, Math.min(workers, jobs.length));
  const shares: WorkerJob[][] = Array.from({ length: n }, () => []);
  jobs.forEach((j, i) => shares[i % n].push(j));
  let chain = Promise.resolve();
  return Promise.all(
    shares.map(
      (share) =>
        new Promise<void>((resolve) => {
          const child = fork(WORKER, [], { stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" });
          let stderr = "";
          child.stderr!.on("data", (d) => (stderr += d));
          const pending = new Set(share.map((j) => j.stack));
          child.on("message", (m: WorkerMessage) => {
            if (m.type === "done") return;
            pending.delete(m.stack);
            chain = chain.then(() => onResult(m));
          });
          child.on("exit", (code) => {
            // A worker that died takes its remaining stacks with it: report each, never drop one.
            for (const job of share.filter((j) => pending.has(j.stack))) {
              const message = `the preview worker exited (${code}) before finishing this stack${stderr ? `: ${stderr.trim().split("\n").slice(-3).join(" ")}` : ""}`;
              chain = chain.then(() => onResult({ type: "error", stack: job.stack, file: job.file, message, invalid: false }));
            }
            chain.then(() => resolve());
          });
          child.send(share);
        }),
    ),
  ).then(() => chain);
}

function progress(io: PreviewIo, enabled: boolean, total: number) {
  let done = 0;
  const draw = () => {
    if (!enabled) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    io.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} stacks`);
    if (done === total) io.stderr.write("\n");
  };
  draw();
  return () => {
    done++;
    draw();
  };
}

/** The text report of one stack: the envelope per phase, then the violations. */
export function renderStack(r: StackReport, p: Paint): string {
  if (r.error !== undefined) return `${p.bold(r.stack)}: ${p.red(r.status === "invalid" ? "invalid input" : "program error")}\n${r.error}`;
  const out = [renderEnvelope({ stack: r.stack, site: r.site, file: r.file, activePhase: r.activePhase ?? "", phases: r.phases }, p), ""];
  const mand = r.violations.filter((v) => v.enforcementLevel === "mandatory");
  const adv = r.violations.filter((v) => v.enforcementLevel === "advisory");
  for (const v of mand) out.push(`${p.red("✗")} ${p.bold(v.policy)} ${p.dim(`${v.location.file}:${v.location.line}`)}\n    ${v.message}`);
  for (const v of adv) out.push(`${p.yellow("!")} ${p.bold(v.policy)} ${p.dim(`${v.location.file}:${v.location.line}`)}\n    ${v.message}`);
  out.push(
    mand.length === 0
      ? p.green(`✓ ${r.stack}: no mandatory policy fails (${r.resources} resources checked${adv.length ? `, ${adv.length} advisories` : ""})`)
      : p.red(`✗ ${r.stack}: ${mand.length} mandatory violation${mand.length === 1 ? "" : "s"}`),
  );
  return out.join("\n");
}

function renderSummary(reports: StackReport[], p: Paint): string {
  const out: string[] = [];
  const w = Math.max(5, ...reports.map((r) => r.stack.length));
  for (const r of reports) {
    const active = r.phases.find((x) => x.active);
    const status = r.status === "ok" ? p.green("pass") : r.status === "violations" ? p.red("FAIL") : p.red(r.status === "invalid" ? "INVALID" : "ERROR");
    const binding = active ? `${active.binding.kind} ${active.binding.subject} ${active.binding.utilisationPercent?.toFixed(1) ?? "∞"} %` : "";
    out.push(`${r.stack.padEnd(w)}  ${status.padEnd(4)}  ${binding}`);
  }
  for (const r of reports) {
    if (r.error !== undefined) out.push("", `${p.bold(r.stack)}: ${r.error}`);
    for (const v of r.violations.filter((x) => x.enforcementLevel === "mandatory")) {
      out.push("", `${p.red("✗")} ${p.bold(r.stack)} ${p.bold(v.policy)} ${p.dim(`${v.location.file}:${v.location.line}`)}\n    ${v.message}`);
    }
  }
  const failed = reports.filter((r) => !r.ok).length;
  out.push("", failed === 0 ? p.green(`✓ ${reports.length} stacks: no mandatory policy fails`) : p.red(`✗ ${failed} of ${reports.length} stacks fail`));
  return out.join("\n");
}

function writeOut(dir: string, checked: Checked[], policies: PolicyInfo[], all: boolean): void {
  // The chart library is loaded only when charts are drawn.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { envelopePng, envelopeSvg } = require("./envelope-chart") as typeof import("./envelope-chart");
  const reports = checked.map((c) => c.report);
  for (const c of checked) {
    const sub = all ? path.join(dir, c.report.stack) : dir;
    const files = new Map<string, string | Buffer>();
    if (c.run) for (const [k, v] of manifestFiles(c.run.resources, c.run.outputs)) files.set(k, v);
    if (c.loaded) {
      const svg = envelopeSvg(c.loaded.site);
      files.set("envelope.svg", svg);
      files.set("envelope.png", envelopePng(svg));
    }
    if (all) files.set("report.json", JSON.stringify(c.report, null, 2) + "\n");
    writeFiles(sub, files);
  }
  const top = new Map<string, string>([
    ["report.md", markdownReport(reports) + "\n"],
    ["report.sarif", JSON.stringify(sarifReport(reports, policies, VERSION), null, 2) + "\n"],
    ["junit.xml", junitReport(reports, policies)],
    ["report.json", JSON.stringify(all ? combined(reports) : reports[0], null, 2) + "\n"],
  ]);
  writeFiles(dir, top);
}

function combined(reports: StackReport[]) {
  const exitCode = Math.max(0, ...reports.map((r) => r.exitCode));
  return { ok: reports.every((r) => r.ok), exitCode, stacks: reports };
}

export async function runPreview(args: string[], io: PreviewIo, usage: (msg: string) => never, packStarting: Promise<PolicyPackProcess>): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      stack: { type: "string" },
      "config-file": { type: "string" },
      all: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      jobs: { type: "string" },
      "policy-pack-config": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const jobs = values.jobs !== undefined ? Number(values.jobs) : os.availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) usage(`--jobs: a whole number of at least 1, found ${JSON.stringify(values.jobs)}`);
  const files = stackRefs(values);

  const checked = new Map<string, Checked>();
  const valid: { job: WorkerJob; loaded: LoadedStack }[] = [];
  for (const f of files) {
    try {
      valid.push({ job: f, loaded: loadStackFile(f.file) });
    } catch (e) {
      if (!(e instanceof SiteSpecError)) throw e;
      checked.set(f.stack, { report: failedReport(f.stack, f.file, "invalid", e.message) });
    }
  }
  const tick = progress(io, values.all && io.stderr.isTTY === true && !process.env.CI, files.length);
  for (let i = 0; i < checked.size; i++) tick();

  let pack: PolicyPackProcess | undefined;
  let policies: PolicyInfo[] = [];
  // A pack that crashes, hangs or answers garbage: one line, exit 2 (single stack and --all alike).
  const packFailed = (e: unknown) => {
    const first = (e as Error).message.split("\n")[0];
    io.stderr.write(`repower: ${e instanceof PolicyPackError ? first : `the policy pack could not check the stacks: ${first}`}\n`);
    return 2;
  };
  // --policy-pack-config: checked against the pack's policies and sent with Configure before any analysis.
  const configFile = values["policy-pack-config"];
  if (configFile !== undefined) {
    try {
      pack = await packStarting;
      const config = loadPolicyPackConfig(configFile, (await pack.info()).policies);
      await pack.configure(config);
    } catch (e) {
      if (e instanceof SiteSpecError) {
        io.stderr.write(`repower: invalid policy pack config\n${e.message}\n`);
        return 2;
      }
      return packFailed(e);
    }
  }
  // Asked as soon as the pack serves, beside the other calls. Not needed when no stack
  // could be checked and no reports are written: invalid input then exits without waiting.
  const needPack = valid.length > 0 || values.out !== undefined;
  const info = needPack ? packStarting.then((p) => p.info()) : Promise.resolve({ policies: [] as PolicyInfo[] });
  info.catch(() => undefined);
  let failure: unknown;
  try {
    // Never throws: a pack failure is kept (the first one) and the remaining stacks are not sent to the pack.
    const onResult = async (m: WorkerMessage) => {
      if (m.type === "done") return;
      const v = valid.find((x) => x.job.stack === m.stack)!;
      try {
        if (m.type === "error") {
          checked.set(m.stack, { report: failedReport(m.stack, m.file, m.invalid ? "invalid" : "error", m.message.replace(/^invalid site spec\n/, "")) });
        } else if (failure === undefined) {
          pack ??= await packStarting;
          const diags = await pack.diagnose(m.stack, m.resources);
          checked.set(m.stack, { report: stackReport(v.loaded, diags, m.resources.length), run: { resources: m.resources, outputs: m.outputs }, loaded: v.loaded });
        }
      } catch (e) {
        failure ??= e;
      }
      tick();
    };
    if (valid.length > 0) {
      if (values.all && valid.length > 1 && jobs > 1) await runInWorkers(valid.map((v) => v.job), jobs, onResult);
      else {
        const { runJob } = loadWorker();
        for (const v of valid) await onResult(await runJob(v.job));
      }
    }
    if (failure !== undefined) throw failure;
    policies = (await info).policies;
  } catch (e) {
    return packFailed(e);
  }

  const ordered = files.map((f) => checked.get(f.stack)!);
  const reports = ordered.map((c) => c.report);
  const exitCode = Math.max(0, ...reports.map((r) => r.exitCode));
  if (values.out !== undefined) writeOut(values.out, ordered, policies, values.all);

  if (values.json) {
    io.stdout.write(JSON.stringify(values.all ? combined(reports) : reports[0], null, 2) + "\n");
  } else {
    const p = paint(colourEnabled(io.stdout));
    const text = values.all ? renderSummary(reports, p) : renderStack(reports[0], p);
    if (!values.all && reports[0].error !== undefined) io.stderr.write(`repower: ${reports[0].status === "invalid" ? "invalid site spec" : "the program failed"}\n${reports[0].error}\n`);
    else io.stdout.write(text + "\n");
    if (values.out !== undefined) io.stdout.write(p.dim(`reports and manifests written to ${values.out}`) + "\n");
  }
  return exitCode;
}

