/**
 * What each `repower` command takes, with the help text of every option.
 * A new command adds its `CommandSpec` here and a case in main.ts.
 */
import type { CommandSpec } from "./command-line";

const STACK_USAGE = ["--stack <stack>", "--config-file <path>"];

export const PREVIEW: CommandSpec = {
  name: "preview",
  summary: "run a site's program and policy pack offline, every phase checked",
  usage: [...STACK_USAGE.map((s) => `preview ${s} [--json] [--out <dir>]`), "preview --all [--jobs <n>] [--json] [--out <dir>]", "preview --stack <stack> --watch"],
  options: [
    { name: "stack", type: "string", value: "<stack>", help: "the stack whose file is stacks/Pulumi.<stack>.yaml" },
    { name: "config-file", type: "string", value: "<path>", help: "any stack config file (the stack is <x> of Pulumi.<x>.yaml)" },
    { name: "all", type: "boolean", help: "every stack in stacks/, in parallel, one line a stack" },
    { name: "json", type: "boolean", help: "the report as JSON on stdout, nothing else there" },
    { name: "out", type: "string", value: "<dir>", help: "write manifests, report.md/.sarif/.json, junit.xml, envelope.svg/.png" },
    { name: "jobs", type: "string", value: "<n>", help: "worker processes for --all (default: the machine's cores)" },
    { name: "policy-pack-config", type: "string", value: "<file>", help: "policy settings (JSON, as pulumi preview's flag); never lowers a mandatory policy" },
    { name: "watch", type: "boolean", help: "check one stack again on every change to its file (Ctrl-C stops)" },
  ],
  notes: [
    "Give exactly one of --stack, --config-file and --all. No cloud credentials, no Pulumi CLI, no network: the program runs under the Pulumi SDK's mocks and the policy pack as the engine starts it.",
    "",
    "exit status: 0 no mandatory policy fails, 1 one fails, 2 invalid input (with --all, the worst stack's)",
  ],
};

export const ENVELOPE: CommandSpec = {
  name: "envelope",
  summary: "the power and cooling envelope of a site, per phase, from the model alone",
  usage: STACK_USAGE.map((s) => `envelope ${s} [--json]`),
  options: [
    { name: "stack", type: "string", value: "<stack>", help: "the stack whose file is stacks/Pulumi.<stack>.yaml" },
    { name: "config-file", type: "string", value: "<path>", help: "any stack config file" },
    { name: "json", type: "boolean", help: "the report as JSON on stdout, nothing else there" },
  ],
  notes: ["Fast: no program, no policy pack.", "", "exit status: 0 every budget of every phase holds, 1 one breaks, 2 invalid input"],
};

export const CATALOG: CommandSpec = {
  name: "catalog",
  summary: "the built-in GPU systems and miners, every figure with its source",
  usage: ["catalog [--json]"],
  options: [{ name: "json", type: "boolean", help: "the catalog as JSON on stdout" }],
  notes: ["A site's own entries go in repower:site.catalog (see the README)."],
};

export const PLAN: CommandSpec = {
  name: "plan",
  summary: "the best counts for every phase that the envelope allows",
  usage: STACK_USAGE.map((s) => `plan ${s} [--objective gpu-mw|value] [--json] [--write] [--out <dir>]`),
  options: [
    { name: "stack", type: "string", value: "<stack>", help: "the stack whose file is stacks/Pulumi.<stack>.yaml" },
    { name: "config-file", type: "string", value: "<path>", help: "any stack config file" },
    { name: "objective", type: "string", value: "gpu-mw|value", help: "what to maximise (default gpu-mw)" },
    { name: "json", type: "boolean", help: "the plan as JSON on stdout" },
    { name: "write", type: "boolean", help: "put the plan into the stack file's phases" },
    { name: "out", type: "string", value: "<dir>", help: "plan.json and the stack file with the plan" },
    { name: "time-limit", type: "string", value: "<s>", help: "seconds the solver may take (default 60)" },
    { name: "gap", type: "string", value: "<percent>", help: "stop within this much of the best (default 0.1, at most 1)" },
  ],
  notes: ["exit status: 0 a plan, 1 no plan satisfies every budget and bound, 2 invalid input"],
};

/** Every command, in the order `repower --help` lists them. */
export const COMMANDS: CommandSpec[] = [PREVIEW, ENVELOPE, PLAN, CATALOG];
