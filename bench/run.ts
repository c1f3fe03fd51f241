/**
 * `npm run bench`: repower's speed and memory. Every ratio is against a
 * baseline measured in the same run, the runs alternating baseline and
 * measurement; each line prints medians and the spread (min–max) of the runs.
 * A memory figure is against a stated budget, named as one. Exits 1 when any
 * goal is missed.
 *
 *   BENCH_RUNS=5   runs per figure (heavy figures use at most 3)
 *   BENCH_ONLY=a,b only the named figures (preview, analyze, fleet, nodes, v2, watch)
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PolicyPackProcess } from "../cli/policy-client";
import type { RegisteredResource } from "../cli/program-run";
import { BIN, ROOT, floorOnce, traceLoads, writeFloorPack } from "./floor";
import { largeSite, onePhaseOf, smallSite, v2Site, writeStacks } from "./generate-sites";
import { measure, type Measurement } from "./measure";
import { alternate, median, seconds, spread } from "./stats";

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const HEAVY_RUNS = Math.min(RUNS, 3);
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",")) : undefined;
const wanted = (figure: string) => ONLY === undefined || ONLY.has(figure);

interface Goal {
  figure: string;
  met: boolean;
}
const goals: Goal[] = [];

/** Prints one figure: baseline and measured (medians and spread), their ratio and the goal. */
function ratioLine(figure: string, baselineName: string, b: number[], measuredName: string, m: number[], goal: number) {
  const ratio = median(m) / median(b);
  const ratios = m.map((x, i) => x / b[i]);
  const met = ratio <= goal;
  goals.push({ figure, met });
  console.log(
    `${met ? "ok    " : "MISSED"} ${figure}\n       ${baselineName}: ${spread(b, seconds)}; ${measuredName}: ${spread(m, seconds)}\n` +
      `       ratio ${ratio.toFixed(2)} (per run ${ratios.map((r) => r.toFixed(2)).join(", ")}), goal ≤ ${goal}`,
  );
}

async function timed(cmd: string, args: string[], cwd: string, ok: number[] = [0], keep?: Measurement[]): Promise<number> {
  const m = await measure(cmd, args, { cwd });
  if (!ok.includes(m.status ?? -1)) throw new Error(`${args.join(" ")} exited ${m.status}: ${m.stderr.slice(0, 2000)}`);
  keep?.push(m);
  return m.ms;
}

/** 1. One example stack against the floor of exactly what it loads. */
async function previewFigure() {
  const args = ["preview", "--stack", "pecos-yard"];
  const trace = await traceLoads(args);
  console.log(`floor: the program side loads ${trace.program.length} files from node_modules, the pack side ${trace.pack.length} (plus the engine's runner, ts-node and TypeScript)`);
  const packDir = writeFloorPack(trace.pack);
  try {
    const r = await alternate(RUNS, () => floorOnce(trace, packDir), () => timed(process.execPath, [BIN, ...args], ROOT));
    ratioLine("preview of one example stack (pecos-yard) vs the floor of what it loads", "floor", r.baseline, "preview", r.measured, 1.6);
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true });
  }
}

/** The 20,000-node site's resources, its nodes admitted one NodePatch a node, to 20,000 resources. */
async function stackOf20k(file: string): Promise<RegisteredResource[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runJob } = require("../cli/preview-worker") as typeof import("../cli/preview-worker");
  const r = await runJob({ stack: "nodes-20000", file });
  if (r.type !== "result") throw new Error(r.type === "error" ? r.message : "no result");
  const stackUrn = r.resources[0].urn;
  const kept = r.resources.filter((x) => !x.type.endsWith(":NodeFeatureRule"));
  const out = [...kept];
  for (let i = 0; out.length < 20_000; i++) {
    const p = i % 8;
    const name = `gpu-${p}-${String(Math.floor(i / 8)).padStart(5, "0")}`;
    out.push({
      urn: `urn:pulumi:nodes-20000::repower::kubernetes:core/v1:NodePatch::${name}`,
      type: "kubernetes:core/v1:NodePatch",
      name,
      custom: true,
      parent: stackUrn,
      dependencies: [],
      properties: { apiVersion: "v1", kind: "Node", metadata: { name, labels: { "repower.io/site": "nodes-20000", "repower.io/pool": `pool-${p}`, "repower.io/sku": "dgx-h100" } } },
      propertyDependencies: {},
      protect: false,
      deleteBeforeReplace: false,
      ignoreChanges: [],
      additionalSecretOutputs: [],
    } as RegisteredResource);
  }
  return out;
}

/**
 * A cold analysis, as a preview's engine does it: start the pack, then every
 * custom resource's Analyze (8 in flight) and one AnalyzeStack; each request
 * is built inside the timer.
 */
async function analyzeCold(packDir: string, resources: readonly RegisteredResource[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  const pack = await PolicyPackProcess.start(packDir);
  try {
    await pack.configureStack("nodes-20000", "repower", true);
    const custom = PolicyPackProcess.analyzable(resources);
    let next = 0;
    const lane = async () => {
      while (next < custom.length) await pack.analyze(custom[next++], resources);
    };
    await Promise.all(Array.from({ length: 8 }, lane));
    await pack.analyzeStack(resources);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  } finally {
    await pack.close();
  }
}

/** 2. Analyze and AnalyzeStack of 20,000 resources, cold, against an empty pack doing the same calls. */
async function analyzeFigure(work: string) {
  const file = path.join(work, "big", "stacks", "Pulumi.nodes-20000.yaml");
  const resources = await stackOf20k(file);
  const empty = writeFloorPack([]);
  try {
    const r = await alternate(HEAVY_RUNS, () => analyzeCold(empty, resources), () => analyzeCold(path.join(ROOT, "policies"), resources));
    ratioLine(`policy pack, cold: ${resources.length} Analyze calls and AnalyzeStack vs an empty pack`, "empty pack", r.baseline, "repower pack", r.measured, 1.5);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

/** 3. `--all` over 100 generated sites against one of them. */
async function fleetFigure(work: string) {
  const fleet = path.join(work, "fleet");
  writeStacks(fleet, Array.from({ length: 100 }, (_, i) => smallSite(i)));
  const r = await alternate(
    HEAVY_RUNS,
    () => timed(process.execPath, [BIN, "preview", "--config-file", "stacks/Pulumi.site-000.yaml"], fleet),
    () => timed(process.execPath, [BIN, "preview", "--all"], fleet),
  );
  ratioLine("preview --all over 100 generated sites vs one of them", "one site", r.baseline, "100 sites", r.measured, 8);
}

/** 4. 20,000 static nodes against 2,000, and peak memory against a budget. */
async function nodesFigure(work: string) {
  const big = path.join(work, "big");
  const kept: Measurement[] = [];
  const r = await alternate(
    HEAVY_RUNS,
    () => timed(process.execPath, [BIN, "preview", "--config-file", "stacks/Pulumi.nodes-2000.yaml"], big),
    () => timed(process.execPath, [BIN, "preview", "--config-file", "stacks/Pulumi.nodes-20000.yaml"], big, [0], kept),
  );
  ratioLine("one site with 20,000 static GPU nodes in 8 pools vs 2,000", "2,000 nodes", r.baseline, "20,000 nodes", r.measured, 1.3);
  const peaks = kept.map((m) => m.peakRssMB);
  const BUDGET = 768;
  const met = Math.max(...peaks) <= BUDGET;
  goals.push({ figure: "peak RSS at 20,000 nodes", met });
  console.log(`${met ? "ok    " : "MISSED"} peak RSS of all processes at 20,000 nodes: ${spread(peaks, (v) => `${v.toFixed(0)} MB`)}; budget ${BUDGET} MB (a budget, not a baseline)`);
}

/** 5. A version 2 site (50 dated phases, 5 substations, 40 zones, 60 pools) against a one-phase site of the same size. */
async function v2Figure(work: string) {
  const dir = path.join(work, "v2");
  const site = v2Site("rollout-50");
  writeStacks(dir, [site, onePhaseOf(site, "rollout-1")]);
  const r = await alternate(
    HEAVY_RUNS,
    () => timed(process.execPath, [BIN, "preview", "--config-file", "stacks/Pulumi.rollout-1.yaml"], dir),
    () => timed(process.execPath, [BIN, "preview", "--config-file", "stacks/Pulumi.rollout-50.yaml"], dir),
  );
  ratioLine("version 2 site, 50 dated phases, 5 substations, 40 zones, 60 pools vs its one-phase twin", "one phase", r.baseline, "50 phases", r.measured, 1.5);
}

/** 6. A re-check of `preview --watch` after an edit against the floor of a cold preview. */
async function watchFigure(work: string) {
  const dir = path.join(work, "watch");
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "Pulumi.pecos-yard.yaml");
  const text = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.pecos-yard.yaml"), "utf8");
  fs.writeFileSync(file, text);
  const trace = await traceLoads(["preview", "--stack", "pecos-yard"]);
  const packDir = writeFloorPack(trace.pack);
  const child = spawn(process.execPath, [BIN, "preview", "--config-file", file, "--watch"], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const waiters: { n: number; resolve: () => void }[] = [];
  child.stderr.on("data", (d) => {
    stderr += d;
    for (const w of [...waiters]) {
      if (new RegExp(`check ${w.n} of .*: exit [01] in`).test(stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const checked = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no check ${n} of the watch:\n${stderr}`)), 300_000);
      waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      child.stderr.emit("data", "");
    });
  try {
    await checked(1);
    let n = 1;
    const recheck = async () => {
      const t0 = process.hrtime.bigint();
      const done = checked(++n);
      fs.writeFileSync(file, `${text}\n# edit ${n}\n`);
      await done;
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const r = await alternate(RUNS, () => floorOnce(trace, packDir), recheck);
    ratioLine("preview --watch: a re-check after an edit vs the floor of a cold preview", "floor", r.baseline, "re-check", r.measured, 0.5);
  } finally {
    child.kill("SIGINT");
    fs.rmSync(packDir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`bench: node ${process.version}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? "?"}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load ${os.loadavg()[0].toFixed(1)}; ${RUNS} runs a figure (heavy: ${HEAVY_RUNS})`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "repower-bench-"));
  writeStacks(path.join(work, "big"), [largeSite("nodes-20000", 20_000), largeSite("nodes-2000", 2_000)]);
  try {
    if (wanted("preview")) await previewFigure();
    if (wanted("analyze")) await analyzeFigure(work);
    if (wanted("fleet")) await fleetFigure(work);
    if (wanted("nodes")) await nodesFigure(work);
    if (wanted("v2")) await v2Figure(work);
    if (wanted("watch")) await watchFigure(work);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const met = goals.filter((g) => g.met).length;
  console.log(`bench: ${met}/${goals.length} goals met`);
  return met === goals.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
