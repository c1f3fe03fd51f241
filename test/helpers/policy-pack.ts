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
