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
import { loadStackFile, SiteSpecError, type LoadedStack } from "../components/model";
import { colourEnabled, paint, type Paint } from "./format";
import type { PolicyInfo, PolicyPackProcess } from "./policy-client";
import { failedReport, stackReport, withPolicyCounts, type StackReport } from "./preview-report";
import { renderStack, renderSummary } from "./preview-text";
import type { WorkerJob, WorkerMessage } from "./preview-worker";
import type { RegisteredResource } from "./program-run";
import { manifestFiles, writeFiles } from "./render-manifests";
import { junitReport, markdownReport, sarifReport } from "./report-formats";
import { parseCommandLine } from "./command-line";
import { PREVIEW } from "./commands";
import { problemsOf, renderInvalid } from "./invalid-input";
import { VERSION } from "./version";
import { progressWanted, startProgress, type Progress } from "./progress";
import { stackRefs } from "./stack-args";

const WORKER = path.join(__dirname, "preview-worker.js");
// The Pulumi SDK is loaded only after the policy pack has been started, so that the two load side by side.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadWorker = () => require("./preview-worker") as typeof import("./preview-worker");

import type { PreviewIo } from "./preview";

interface Checked {
  report: StackReport;
  run?: { resources: RegisteredResource[]; outputs: Record<string, unknown> };
  loaded?: LoadedStack;
  /** The stack file's problems, when it is invalid. */
  invalid?: SiteSpecError;
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
  const values = parseCommandLine(PREVIEW, args) as { stack?: string; "config-file"?: string; all?: boolean; json?: boolean; out?: string; jobs?: string };
  values.all ??= false;
  const jobs = values.jobs !== undefined ? Number(values.jobs) : os.availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) usage(`--jobs: a whole number of at least 1, found ${JSON.stringify(values.jobs)}`);
  if (values.jobs !== undefined && !values.all) usage("--jobs applies to --all only (one stack runs in this process)");
  const files = stackRefs(values, true);

  const checked = new Map<string, Checked>();
  const valid: { job: WorkerJob; loaded: LoadedStack }[] = [];
  for (const f of files) {
    try {
      valid.push({ job: f, loaded: loadStackFile(f.file) });
    } catch (e) {
      if (!(e instanceof SiteSpecError)) throw e;
      checked.set(f.stack, { report: failedReport(f.stack, f.file, "invalid", e.message, problemsOf(e)), invalid: e });
    }
  }
  const bar: Progress = startProgress(io.stderr, progressWanted(io.stderr, values.json === true), files.length, values.all ? "" : files[0].stack);
  const tick = () => bar.tick();
  for (let i = 0; i < checked.size; i++) tick();
  bar.step(values.all ? "checking stacks" : "starting the policy pack and running the program");

  let pack: PolicyPackProcess | undefined;
  let policies: PolicyInfo[] = [];
  // Asked as soon as the pack serves, beside the other calls. Not needed when no stack
  // could be checked and no reports are written: invalid input then exits without waiting.
  const needPack = valid.length > 0 || values.out !== undefined;
  const info = needPack ? packStarting.then((p) => p.info()) : Promise.resolve({ policies: [] as PolicyInfo[] });
  info.catch(() => undefined);
  try {
    const onResult = async (m: WorkerMessage) => {
      if (m.type === "done") return;
      const v = valid.find((x) => x.job.stack === m.stack)!;
      if (m.type === "result") bar.step(values.all ? "checking stacks" : "checking with the policy pack");
      if (m.type === "error") {
        checked.set(m.stack, { report: failedReport(m.stack, m.file, m.invalid ? "invalid" : "error", m.message.replace(/^invalid site spec\n/, "")) });
      } else {
        pack ??= await packStarting;
        const diags = await pack.diagnose(m.stack, m.resources);
        checked.set(m.stack, { report: stackReport(v.loaded, diags, m.resources.length), run: { resources: m.resources, outputs: m.outputs }, loaded: v.loaded });
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
    policies = (await info).policies;
  } catch (e) {
    bar.stop();
    io.stderr.write(`repower: the policy pack could not check the stacks: ${(e as Error).message}\n`);
    return 2;
  }

  bar.stop();
  const ordered = files.map((f) => {
    const c = checked.get(f.stack)!;
    return c.loaded ? { ...c, report: withPolicyCounts(c.report, c.loaded.site, policies) } : c;
  });
  const reports = ordered.map((c) => c.report);
  const exitCode = Math.max(0, ...reports.map((r) => r.exitCode));
  if (values.out !== undefined) writeOut(values.out, ordered, policies, values.all);

  if (values.json) {
    io.stdout.write(JSON.stringify(values.all ? combined(reports) : reports[0], null, 2) + "\n");
  } else {
    const p = paint(colourEnabled(io.stdout));
    const text = values.all ? renderSummary(reports, p) : renderStack(reports[0], p);
    const first = ordered[0];
    if (!values.all && first.invalid !== undefined) io.stderr.write(renderInvalid(first.invalid, paint(colourEnabled(io.stderr))) + "\n");
    else if (!values.all && reports[0].error !== undefined) io.stderr.write(`repower: ${reports[0].status === "invalid" ? "invalid input" : "the program failed"}\n${reports[0].error}\n`);
    else io.stdout.write(text + "\n");
    if (values.out !== undefined) io.stdout.write(p.dim(`reports and manifests written to ${values.out}`) + "\n");
  }
  return exitCode;
}

