/**
 * The `repower` command line: each command's options with their help, one
 * parser for all of them, and the help text printed by `--help`.
 *
 * The parser is strict where node:util's parseArgs is lenient: an option
 * given twice, a value that looks like another option and a stray argument
 * are all errors, worded as every other `repower` error is (never the
 * parser's own wording). Light on purpose: no Pulumi, no zod.
 */
import { nearest } from "../components/model/spec-errors";
import { wrapText } from "./wrap-text";

/** A usage or input error: printed without a stack trace, exit status 2. */
export class UsageError extends Error {
  /** The command whose help the message points to, if any. */
  readonly command?: string;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** Thrown by the parser for `--help` and `-h`: the caller prints the command's help. */
export class HelpRequested extends Error {
  constructor(readonly command: string) {
    super(`help for ${command}`);
  }
}

export interface OptionSpec {
  /** Without the leading dashes: `config-file`. */
  name: string;
  type: "string" | "boolean";
  /** The placeholder of a string option's value in help: `<path>`. */
  value?: string;
  /** One line: what it does. */
  help: string;
}

export interface CommandSpec {
  name: string;
  /** One line for `repower --help`. */
  summary: string;
  /** Synopsis lines, without the leading `repower `. */
  usage: string[];
  options: OptionSpec[];
  /** Lines after the options: exit status, notes. */
  notes?: string[];
}

export type OptionValues = Record<string, string | boolean | undefined>;

const HELP_OPTION: OptionSpec = { name: "help", type: "boolean", help: "this help (also -h)" };

/**
 * Parses `args` against `spec`. Throws `HelpRequested` for `--help`/`-h`,
 * and `UsageError` for anything the command does not take.
 */
export function parseCommandLine(spec: CommandSpec, args: readonly string[]): OptionValues {
  const values: OptionValues = {};
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const where = `repower ${spec.name}`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") throw new HelpRequested(spec.name);
    if (!arg.startsWith("--") || arg === "--") {
      const hint = arg.startsWith("-") ? ` (options are written --name)` : byName.has(arg) ? `; did you mean --${arg}?` : "";
      throw new UsageError(`${where}: unexpected argument ${JSON.stringify(arg)}${hint}`, spec.name);
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const option = byName.get(name);
    if (option === undefined) {
      const near = nearest(name, [...byName.keys(), "help"]);
      throw new UsageError(`${where}: unknown option --${name}${near !== undefined ? `; did you mean --${near}?` : ""}`, spec.name);
    }
    if (values[name] !== undefined) {
      throw new UsageError(`${where}: --${name} is given twice; give it once`, spec.name);
    }
    if (option.type === "boolean") {
      if (eq >= 0) throw new UsageError(`${where}: --${name} takes no value (found ${JSON.stringify(arg.slice(eq + 1))})`, spec.name);
      values[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < args.length && !args[i + 1].startsWith("--")) value = args[++i];
    if (value === undefined || value === "") {
      throw new UsageError(`${where}: --${name} needs a value: --${name} ${option.value ?? "<value>"}`, spec.name);
    }
    values[name] = value;
  }
  return values;
}

/** Help is read in a terminal: every line fits 80 columns. */
const WIDTH = 80;

/** Two columns: the left padded to `width`, the right wrapped under itself. */
function columns(rows: [string, string][], indent = "  "): string[] {
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.flatMap(([l, r]) => wrapText(r, `${indent}${l.padEnd(width)}   `, WIDTH));
}

/** A line of prose wrapped at 80 columns; "exit status: …" continues under its first figure. */
function prose(line: string): string[] {
  if (line === "") return [""];
  return wrapText(line, "", WIDTH, /^exit status: /.test(line) ? " ".repeat("exit status: ".length) : "");
}

/** `repower <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  const out = [...prose(`repower ${spec.name}: ${spec.summary}`), "", "usage:"];
  for (const u of spec.usage) out.push(...wrapText(u, "  repower ", WIDTH, " ".repeat(`  repower ${spec.name} `.length)));
  out.push("", "options:");
  out.push(...columns([...spec.options, HELP_OPTION].map((o) => [`--${o.name}${o.type === "string" ? ` ${o.value ?? "<value>"}` : ""}`, o.help])));
  if (spec.notes && spec.notes.length > 0) out.push("", ...spec.notes.flatMap(prose));
  return out.join("\n");
}

/** `repower --help`: every command in one screen. */
export function overallHelp(commands: readonly CommandSpec[], version: string): string {
  return [
    ...prose(`repower ${version}: the power envelope of a mining site's conversion to AI compute, checked offline`),
    "",
    "usage: repower <command> [options]",
    "",
    "commands:",
    ...columns(commands.map((c) => [c.name, c.summary])),
    "",
    "  repower <command> --help    the options of a command",
    "  repower --version           the version",
    "",
    ...prose("exit status: 0 every mandatory check holds, 1 one fails, 2 invalid input or usage"),
  ].join("\n");
}
