/**
 * The `repower` command.
 *
 *   repower envelope --stack <stack> | --config-file <path> [--json]
 *
 * Exit status: 0 when every budget of every phase holds, 1 when one breaks,
 * 2 when the input is invalid (the message names file, field path and line).
 */
import { parseArgs } from "node:util";
import { SiteSpecError } from "../components/model/spec-errors";
import { colourEnabled, paint } from "./format";
import { stackRefs, UsageError } from "./stack-args";

export { UsageError };

export const USAGE = `usage:
  repower preview --stack <stack>          the site's program and policy pack, offline (stacks/Pulumi.<stack>.yaml)
  repower preview --config-file <path>     the same for any stack config file
  repower preview --all                    every stack in stacks/, in parallel
    --json                                 the report as JSON on stdout, nothing else there
    --out <dir>                            rendered manifests, report.md, report.sarif, junit.xml, report.json, envelope.svg/png
    --jobs <n>                             worker processes for --all (default: the machine's cores)
  repower envelope --stack <stack>         the envelope of stacks/Pulumi.<stack>.yaml, per phase
  repower envelope --config-file <path>    the same for any stack config file
    --json                                 the report as JSON on stdout
  repower plan --stack <stack>             the best counts for every phase the envelope allows
  repower plan --config-file <path>        the same for any stack config file
    --objective gpu-mw|value               what to maximise (default gpu-mw)
    --json                                 the plan as JSON on stdout
    --write                                put the plan into the stack file's phases
    --out <dir>                            plan.json and the stack file with the plan
    --time-limit <s>                       seconds the solver may take (default 60)
    --gap <percent>                        stop within this much of the best (default 0.1, at most 1)
  repower catalog [--json]                 the built-in GPU systems and miners, every figure with its source

exit status: 0 no mandatory policy fails (envelope: every budget holds; plan: a plan), 1 one fails (plan: none exists), 2 invalid input`;

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function envelopeCommand(args: string[], io: Io): number {
  const { values } = parseArgs({
    args,
    options: { stack: { type: "string" }, "config-file": { type: "string" }, json: { type: "boolean", default: false } },
    strict: true,
    allowPositionals: false,
  });
  const [{ file }] = stackRefs(values);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadStackFile } = require("../components/model") as typeof import("../components/model");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { envelopeReport, renderEnvelope } = require("./envelope-report") as typeof import("./envelope-report");
  const report = envelopeReport(loadStackFile(file));
  const ok = report.phases.every((ph) => ph.budgets.every((b) => b.ok));
  if (values.json) io.stdout.write(JSON.stringify({ ...report, ok }, null, 2) + "\n");
  else io.stdout.write(renderEnvelope(report, paint(colourEnabled(io.stdout))) + "\n");
  return ok ? 0 : 1;
}

/** Runs the command; returns the exit status. Never throws for bad input. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "envelope":
        return envelopeCommand(rest, io);
      case "catalog":
        return (await import("./catalog-command")).catalogCommand(rest, io);
      case "preview":
        // Loaded only for preview: it brings the Pulumi SDK, gRPC and the chart library.
        return await (await import("./preview")).previewCommand(rest, io, (msg) => {
          throw new UsageError(msg);
        });
      case "plan":
        // Loaded only for plan: it brings the solver.
        return await (await import("./plan")).planCommand(rest, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(USAGE + "\n");
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof SiteSpecError) {
      io.stderr.write(`repower: invalid site spec\n${e.message}\n`);
      return 2;
    }
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr.write(`repower: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
}
