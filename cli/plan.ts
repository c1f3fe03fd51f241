/**
 * `repower plan`: the counts of every phase that get the most out of the
 * site's envelope (contract, "Planning (version 2.1)").
 *
 *   repower plan --stack <stack> | --config-file <path>
 *     --objective gpu-mw | value   (default gpu-mw)
 *     --json                       the plan as JSON on stdout, nothing else there
 *     --write                      put the plan into the stack file as its phases' counts
 *     --out <dir>                  plan.json and the stack file with the plan, in <dir>
 *     --time-limit <s>             seconds the solver may take (default 60)
 *     --gap <percent>              stop once the plan is proven this close to the best (default 0.1)
 *
 * Exit status: 0 with a plan, 1 when no plan satisfies every budget and bound,
 * 2 for invalid input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { loadStackFile, SiteSpecError, siteEnvelope, type LoadedStack, type SpecIssue } from "../components/model";
import {
  OBJECTIVES,
  phaseWeights,
  planSite,
  resolvePlanInput,
  valueInputIssues,
  type ObjectiveKind,
  type PlanResult,
} from "../components/model/plan";
import { colourEnabled, paint } from "./format";
import { renderPlan } from "./plan-report";
import { writePlan } from "./plan-write";
import { displayPath, stackRefs, UsageError } from "./stack-args";

export interface PlanIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Issues found after the site validated, located in the file like the site's own. */
function invalid(loaded: LoadedStack, issues: SpecIssue[]): SiteSpecError {
  return new SiteSpecError(
    loaded.file,
    issues.map((i) => ({ ...i, ...loaded.locate(i.path) })),
  );
}

/** The JSON report: the contract's fields first. */
export function planJson(stack: string, site: string, result: PlanResult): Record<string, unknown> {
  if (!result.feasible) {
    return { stack, site, feasible: false, conflict: result.conflict, message: result.message };
  }
  const best = result.objective.value;
  return {
    stack,
    site,
    feasible: true,
    objective: result.objective,
    current: { ...result.current, percentOfBest: best > 0 ? (result.current.value / best) * 100 : null },
    phases: result.phases,
    held: result.held,
    solver: result.solver,
  };
}

export async function planCommand(args: string[], io: PlanIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      stack: { type: "string" },
      "config-file": { type: "string" },
      objective: { type: "string", default: "gpu-mw" },
      json: { type: "boolean", default: false },
      write: { type: "boolean", default: false },
      out: { type: "string" },
      "time-limit": { type: "string" },
      gap: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const objective = values.objective as string;
  if (!(OBJECTIVES as readonly string[]).includes(objective)) {
    throw new UsageError(`--objective: must be one of ${OBJECTIVES.join(" | ")}, found ${JSON.stringify(objective)}`);
  }
  let timeLimit: number | undefined;
  if (values["time-limit"] !== undefined) {
    timeLimit = Number(values["time-limit"]);
    if (!Number.isFinite(timeLimit) || timeLimit <= 0) throw new UsageError(`--time-limit: a positive number of seconds, found ${JSON.stringify(values["time-limit"])}`);
  }
  let relGap: number | undefined;
  if (values.gap !== undefined) {
    relGap = Number(values.gap) / 100;
    if (!Number.isFinite(relGap) || relGap < 0 || relGap > 0.01) throw new UsageError(`--gap: a percentage from 0 to 1, found ${JSON.stringify(values.gap)}`);
  }
  const [{ stack, file }] = stackRefs(values);
  const loaded = loadStackFile(file);
  const { site } = loaded;
  const input = resolvePlanInput(site, site.spec as { plan?: unknown; economics?: unknown });
  if (!input.ok) throw invalid(loaded, input.issues);
  const weights = phaseWeights(site);
  if (!weights.ok) throw invalid(loaded, weights.issues);
  if (objective === "value") {
    const issues = valueInputIssues(site, input.input.economics);
    if (issues.length > 0) throw invalid(loaded, issues);
  }

  const result = await planSite(site, input.input, weights.weights, {
    objective: objective as ObjectiveKind,
    ...(timeLimit !== undefined ? { timeLimit } : {}),
    ...(relGap !== undefined ? { relGap } : {}),
  });
  const report = planJson(stack, site.name, result);

  let written: string | undefined;
  if (result.feasible && (values.write || values.out !== undefined)) {
    const text = writePlan(fs.readFileSync(file, "utf8"), result.phases);
    // By construction the written phases are within every budget; check it with the model before writing.
    const again = parseAndCheck(text, file);
    if (again !== null) throw new Error(`planner: the written plan does not pass the model (${again}); nothing written`);
    if (values.write) {
      fs.writeFileSync(file, text);
      written = file;
    }
    if (values.out !== undefined) {
      fs.mkdirSync(values.out, { recursive: true });
      fs.writeFileSync(path.join(values.out, path.basename(file)), text);
    }
  }
  if (values.out !== undefined) {
    fs.mkdirSync(values.out, { recursive: true });
    fs.writeFileSync(path.join(values.out, "plan.json"), JSON.stringify(report, null, 2) + "\n");
  }

  if (values.json) io.stdout.write(JSON.stringify(report, null, 2) + "\n");
  else {
    io.stdout.write(renderPlan({ stack, file: displayPath(file), site: site.name, weights: weights.weights, result }, paint(colourEnabled(io.stdout))) + "\n");
    if (written !== undefined) io.stdout.write(`wrote the plan into ${displayPath(written)}\n`);
  }
  if (!result.feasible) return 1;
  return 0;
}

/** Validates rewritten text and checks every budget of every moment; null when all hold. */
function parseAndCheck(text: string, file: string): string | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseStackText } = require("../components/model") as typeof import("../components/model");
  const loaded = parseStackText(text, file);
  const broken = siteEnvelope(loaded.site).filter((e) => e.violations.length > 0);
  return broken.length === 0 ? null : `${broken[0].scenario.phase}: ${broken[0].violations.map((b) => `${b.kind} ${b.subject}`).join(", ")}`;
}
