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
export async function diagnose(pack: InstanceType<Client["PolicyPackProcess"]>, stack: string, resources: RegisteredResource[]) {
  await pack.configureStack(stack, "repower", true);
  const out = [];
  for (const r of policyClient.PolicyPackProcess.analyzable(resources)) out.push(...(await pack.analyze(r, resources)));
  out.push(...(await pack.analyzeStack(resources)));
  // The pack prefixes each message with the policy's description and a newline.
  return out.map((d) => ({ ...d, message: d.message.includes("\n") ? d.message.slice(d.message.indexOf("\n") + 1) : d.message }));
}
