/**
 * The `repower` command: `repower --help` lists the commands, and
 * `repower <command> --help` their options (cli/commands.ts).
 *
 * Exit status: 0 when every mandatory check holds, 1 when one fails, 2 when
 * the input or the command line is invalid (the message names file, field
 * path and line). Every error is printed in one voice: `repower: …` on
 * stderr, never a stack trace or a parser's own wording.
 */
import { SiteSpecError } from "../components/model/spec-errors";
import { commandHelp, HelpRequested, overallHelp, parseCommandLine, UsageError } from "./command-line";
import { CATALOG, COMMANDS, ENVELOPE, PLAN, PREVIEW } from "./commands";
import { colourEnabled, paint } from "./format";
import { problemsOf, renderInvalid } from "./invalid-input";
import { stackRefs } from "./stack-args";
import { VERSION } from "./version";

export { UsageError };

export const USAGE = overallHelp(COMMANDS, VERSION);

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function envelopeCommand(args: string[], io: Io): number {
  const values = parseCommandLine(ENVELOPE, args);
  const [ref] = stackRefs(values as { stack?: string; "config-file"?: string }, false);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadStackFile } = require("../components/model") as typeof import("../components/model");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { envelopeReport, renderEnvelopeCommand } = require("./envelope-report") as typeof import("./envelope-report");
  let loaded;
  try {
    loaded = loadStackFile(ref.file);
  } catch (e) {
    if (values.json && e instanceof SiteSpecError) {
      io.stdout.write(JSON.stringify({ stack: ref.stack, file: ref.file, ok: false, exitCode: 2, status: "invalid", problems: problemsOf(e) }, null, 2) + "\n");
    }
    throw e;
  }
  const report = envelopeReport(loaded);
  const ok = report.phases.every((ph) => ph.budgets.every((b) => b.ok));
  if (values.json) io.stdout.write(JSON.stringify({ ...report, ok }, null, 2) + "\n");
  else io.stdout.write(renderEnvelopeCommand(report, paint(colourEnabled(io.stdout))) + "\n");
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
        parseCommandLine(CATALOG, rest); // its help and errors in the voice of the others
        return (await import("./catalog-command")).catalogCommand(rest, io);
      case "preview": {
        parseCommandLine(PREVIEW, rest); // --help before anything loads
        // Loaded only for preview: it brings the Pulumi SDK, gRPC and the chart library.
        return await (await import("./preview")).previewCommand(rest, io, (msg) => {
          throw new UsageError(msg, "preview");
        });
      }
      case "--version":
      case "-V":
        io.stdout.write(`repower ${VERSION}\n`);
        return 0;
      case "help": {
        const spec = COMMANDS.find((c) => c.name === rest[0]);
        if (rest.length > 0 && spec === undefined) throw new UsageError(`help: no command ${JSON.stringify(rest[0])}`);
        io.stdout.write((spec ? commandHelp(spec) : USAGE) + "\n");
        return 0;
      }
      case "plan":
        parseCommandLine(PLAN, rest); // its help and errors in the voice of the others
        // Loaded only for plan: it brings the solver.
        return await (await import("./plan")).planCommand(rest, io);
      case "--help":
      case "-h":
        io.stdout.write(USAGE + "\n");
        return 0;
      case undefined:
        io.stderr.write(USAGE + "\n");
        return 2;
      default: {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { nearest } = require("../components/model/spec-errors") as typeof import("../components/model/spec-errors");
        const near = nearest(command, COMMANDS.map((c) => c.name));
        throw new UsageError(`unknown command ${JSON.stringify(command)}${near ? `; did you mean ${near}?` : ""}`);
      }
    }
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.stdout.write(commandHelp(COMMANDS.find((c) => c.name === e.command)!) + "\n");
      return 0;
    }
    if (e instanceof SiteSpecError) {
      io.stderr.write(renderInvalid(e, paint(colourEnabled(io.stderr))) + "\n");
      return 2;
    }
    if (e instanceof UsageError) {
      const cmd = e.command ?? (COMMANDS.some((c) => c.name === command) ? command : undefined);
      io.stderr.write(`repower: ${e.message}\n${cmd ? `run "repower ${cmd} --help" for its options` : `run "repower --help" for the commands`}\n`);
      return 2;
    }
    throw e;
  }
}
