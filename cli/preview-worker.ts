/**
 * A worker of `repower preview --all`: loads the Pulumi SDK once and runs the
 * site program under mocks for each stack it is given, sending back the
 * registered resources.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runProgram, stackConfig } from "./program-run";

export interface WorkerJob {
  stack: string;
  file: string;
}

export type WorkerMessage =
  | { type: "result"; stack: string; file: string; resources: Awaited<ReturnType<typeof runProgram>>["resources"]; outputs: Record<string, unknown> }
  | { type: "error"; stack: string; file: string; message: string; invalid: boolean }
  | { type: "done" };

export const PROGRAM_DIR = path.join(__dirname, "..", "infra");

/** Runs one stack's program; never throws. */
export async function runJob(job: WorkerJob): Promise<WorkerMessage> {
  try {
    const { config, secretKeys } = stackConfig(fs.readFileSync(job.file, "utf8"));
    const run = await runProgram({ programDir: PROGRAM_DIR, stack: job.stack, config, secretKeys, env: { REPOWER_STACK_FILE: job.file } });
    return { type: "result", stack: job.stack, file: job.file, resources: run.resources, outputs: run.outputs };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { type: "error", stack: job.stack, file: job.file, message, invalid: message.startsWith("invalid site spec") };
  }
}

if (require.main === module && process.send) {
  process.on("message", async (jobs: WorkerJob[]) => {
    for (const job of jobs) process.send!(await runJob(job));
    process.send!({ type: "done" } satisfies WorkerMessage, () => process.exit(0));
  });
}
