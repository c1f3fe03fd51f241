/**
 * `npm run bench:plan`: the planner on a site of 20 phases, 12 GPU pools and
 * 30 mining blocks, against a one-phase site of the same size. The goal is a
 * plan within 1 % of the solver's bound; the time is reported against the
 * one-phase site as a ratio. Exits 1 when a goal is missed.
 *
 *   BENCH_RUNS=3   runs per figure (the median is reported)
 */
import * as os from "node:os";
import { validateSite, type Site } from "../components/model";
import { phaseWeights, planSite, resolvePlanInput, type ObjectiveKind, type Plan } from "../components/model/plan";
import { highs } from "../components/model/plan/milp";
import { planSite as generatedSite, type PlanSiteShape } from "./plan-sites";

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const GAP_GOAL = 1;

function siteOf(shape: PlanSiteShape): Site {
  const r = validateSite(generatedSite(shape));
  if (!r.ok) throw new Error(`generated site ${shape.name} is invalid: ${r.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.site;
}

async function timed(site: Site, objective: ObjectiveKind): Promise<{ ms: number; plan: Plan }> {
  const input = resolvePlanInput(site, site.spec as { plan?: unknown; economics?: unknown });
  if (!input.ok) throw new Error(input.issues.map((i) => i.message).join("; "));
  const w = phaseWeights(site);
  if (!w.ok) throw new Error("weights");
  const times: number[] = [];
  let plan: Plan | undefined;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = await planSite(site, input.input, w.weights, { objective });
    times.push(performance.now() - t0);
    if (!r.feasible) throw new Error(`no plan for ${site.name}: ${r.message}`);
    plan = r;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], plan: plan as Plan };
}

async function main(): Promise<number> {
  console.log(`bench:plan: node ${process.version}, ${os.availableParallelism()} cores, ${RUNS} runs a figure (median)`);
  await highs(); // the solver's load (once a process) is not the planner's time
  let missed = 0;
  const cases: { label: string; shape: Omit<PlanSiteShape, "phases" | "name">; objective: ObjectiveKind }[] = [
    { label: "gpu-mw", shape: { pools: 12, blocks: 30, seed: 2026 }, objective: "gpu-mw" },
    { label: "value, with plan: bounds", shape: { pools: 12, blocks: 30, seed: 2026, bounds: true }, objective: "value" },
  ];
  for (const c of cases) {
    const one = await timed(siteOf({ ...c.shape, name: "one-phase", phases: 1 }), c.objective);
    const twenty = await timed(siteOf({ ...c.shape, name: "twenty-phases", phases: 20 }), c.objective);
    const s = twenty.plan.solver;
    const gapMet = twenty.plan.objective.gapPercent <= GAP_GOAL && one.plan.objective.gapPercent <= GAP_GOAL;
    if (!gapMet) missed++;
    console.log(
      `${gapMet ? "ok    " : "MISSED"} ${c.label}: 20 phases × 12 pools × 30 blocks (${s.columns} columns, ${s.rows} rows): ` +
        `gap ${twenty.plan.objective.gapPercent.toFixed(3)} % (goal ≤ ${GAP_GOAL} %), ${(twenty.ms / 1000).toFixed(2)} s; ` +
        `one phase: gap ${one.plan.objective.gapPercent.toFixed(3)} %, ${(one.ms / 1000).toFixed(2)} s; ratio ${(twenty.ms / one.ms).toFixed(1)}`,
    );
  }
  console.log(`bench:plan: ${cases.length - missed}/${cases.length} goals met`);
  return missed === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    console.error(`bench:plan: ${(e as Error).message}`);
    process.exitCode = 1;
  },
);
