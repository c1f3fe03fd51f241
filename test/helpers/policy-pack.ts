/** The policy pack started as the engine starts it, and a stack's diagnostics from it. */
import * as path from "node:path";
import { createRequire } from "node:module";
import { ROOT } from "./stacks";
import type { RegisteredResource } from "./program";

const load = createRequire(path.join(ROOT, "package.json"));
type Client = typeof import("../../cli/policy-client");
export const policyClient: Client = load(path.join(ROOT, "dist", "cli", "policy-client.js"));
export type { Diagnostic, PolicyPackProcess } from "../../cli/policy-client";

/** Analyze (each custom resource) then AnalyzeStack (all), as the engine does in a preview. */
export function diagnose(pack: InstanceType<Client["PolicyPackProcess"]>, stack: string, resources: RegisteredResource[]) {
  return pack.diagnose(stack, resources);
}

export type { Analysis, NotApplicable } from "../../cli/policy-client";
type Verdicts = Awaited<ReturnType<InstanceType<Client["PolicyPackProcess"]>["analyses"]>>;

/**
 * Everything the pack says of a stack in a preview (Analyze of each custom
 * resource, then AnalyzeStack): every violation, and every policy that said
 * it did not apply, each tagged with where it was said.
 */
export async function verdicts(pack: InstanceType<Client["PolicyPackProcess"]>, stack: string, resources: RegisteredResource[]) {
  const v: Verdicts = await pack.analyses(stack, resources);
  const perResource = v.resources.flatMap((a) => a.diagnostics.map((d) => ({ ...d, at: "resource" as const })));
  const inStack = v.stack.diagnostics.map((d) => ({ ...d, at: "stack" as const }));
  const notApplicable = [...v.resources.flatMap((a) => a.notApplicable.map((n) => ({ ...n, at: "resource" as const }))), ...v.stack.notApplicable.map((n) => ({ ...n, at: "stack" as const }))];
  return { diagnostics: [...perResource, ...inStack], notApplicable };
}
