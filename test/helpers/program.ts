/**
 * Runs the compiled site program (dist/infra) under the SDK's mocks, through
 * the same runner `repower preview` uses. Loaded from dist/ so that the
 * program and the runner share one copy of the Pulumi SDK.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { ROOT } from "./stacks";

const load = createRequire(path.join(ROOT, "package.json"));
type Runner = typeof import("../../cli/program-run");
export const runner: Runner = load(path.join(ROOT, "dist", "cli", "program-run.js"));
export type { RegisteredResource, ProgramRun } from "../../cli/program-run";

/** Runs the program for a stack file (an example by name, or a path). */
export async function runStack(stackOrFile: string, extraConfig: Record<string, string> = {}, opts: { preview?: boolean } = {}) {
  const file = stackOrFile.endsWith(".yaml") ? stackOrFile : path.join(ROOT, "stacks", `Pulumi.${stackOrFile}.yaml`);
  const stack = /Pulumi\.(.+)\.yaml$/.exec(path.basename(file))![1];
  const { config, secretKeys } = runner.stackConfig(fs.readFileSync(file, "utf8"));
  return runner.runProgram({
    programDir: path.join(ROOT, "dist", "infra"),
    stack,
    config: { ...config, ...extraConfig },
    secretKeys,
    env: { REPOWER_STACK_FILE: file },
    ...(opts.preview ? { preview: true } : {}),
  });
}

/** Resources of a type (exact token, or a suffix after the last ':'). */
export function ofType<T extends { type: string }>(resources: T[], type: string): T[] {
  return resources.filter((r) => r.type === type || r.type.endsWith(`:${type}`));
}

/** The one resource of a type and name suffix. */
export function one<T extends { type: string; name: string }>(resources: T[], type: string, nameEnds = ""): T {
  const found = ofType(resources, type).filter((r) => r.name.endsWith(nameEnds));
  if (found.length !== 1) throw new Error(`expected one ${type} *${nameEnds}, found ${found.length}`);
  return found[0];
}
