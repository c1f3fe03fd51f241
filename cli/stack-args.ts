/**
 * Turning `--stack`, `--config-file` and `--all` into stack files, for every
 * `repower` command. Light on purpose: no Pulumi, no zod.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { suggestion } from "../components/model/spec-errors";
import { stackFile, stackNameOf } from "../components/model/stack-names";
import { UsageError } from "./command-line";

export { UsageError };

/** The project's stack directory (Pulumi.yaml's `stackConfigDir`). */
export const STACKS_DIR = "stacks";

/** The stacks of the project: `<x>` of every `stacks/Pulumi.<x>.yaml`, sorted. */
export function listStacks(dir = STACKS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^Pulumi\..+\.ya?ml$/.test(f))
    .map(stackNameOf)
    .sort();
}

/** Relative to the working directory when the file lies below it (for messages and reports). */
export function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), path.resolve(file));
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

export interface StackRef {
  stack: string;
  file: string;
}

/** The stack files named by exactly one of --stack, --config-file or --all (when `all` is offered). */
export function stackRefs(values: { stack?: string; "config-file"?: string; all?: boolean }, offersAll = values.all !== undefined): StackRef[] {
  const named = [values.stack !== undefined && "--stack", values["config-file"] !== undefined && "--config-file", values.all === true && "--all"].filter(Boolean);
  if (named.length > 1) throw new UsageError(`${named.join(" and ")} each say which stacks to check; give one`);
  if (named.length === 0) throw new UsageError(`which stack? give --stack <stack>${offersAll ? ", --config-file <path> or --all" : " or --config-file <path>"}`);
  if (values.all) {
    const stacks = listStacks();
    if (stacks.length === 0) throw new UsageError(`--all: no stack files (${STACKS_DIR}/Pulumi.<stack>.yaml) here`);
    return stacks.map((stack) => ({ stack, file: stackFile(stack, STACKS_DIR) }));
  }
  if (values.stack !== undefined) {
    if (!/^[A-Za-z0-9_.-]+$/.test(values.stack)) throw new UsageError(`--stack: not a stack name: ${JSON.stringify(values.stack)}`);
    const file = stackFile(values.stack, STACKS_DIR);
    if (!fs.existsSync(file)) throw new UsageError(`--stack: no stack file ${file}${suggestion(values.stack, listStacks())}`);
    return [{ stack: values.stack, file }];
  }
  const file = values["config-file"] as string;
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch {
    stat = undefined;
  }
  if (stat === undefined) throw new UsageError(`--config-file: no such file ${file}`);
  if (stat.isDirectory()) throw new UsageError(`--config-file: ${file} is a directory, not a stack file`);
  return [{ stack: stackNameOf(file), file: displayPath(file) }];
}
