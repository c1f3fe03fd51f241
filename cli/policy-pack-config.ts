/**
 * `--policy-pack-config <file>`, as `pulumi preview` reads it and hands it to
 * the pack (pulumi/pulumi pkg/resource/analyzer/config.go:
 * `LoadPolicyPackConfigFromFile`, `ReconcilePolicyPackConfig`): a JSON object
 * whose keys are policy names, or `all`; each value an enforcement level, or
 * an object with an optional `enforcementLevel` and the policy's settings.
 * The settings are checked against the policy's config schema (from
 * GetAnalyzerInfo), every policy's defaults filled in, and the result sent in
 * one `Configure` call before any analysis.
 *
 * repower's contract adds one rule: the file may set thresholds but never
 * lower a mandatory policy's level (to advisory or disabled, directly or
 * through `all`). A file that tries, or that is not valid, is invalid input:
 * a SiteSpecError naming the file, the path and the line (exit 2).
 */
import * as fs from "node:fs";
import { isMap, isScalar, LineCounter, parseDocument, type Node } from "yaml";
import { SiteSpecError, type SpecIssue } from "../components/model/spec-errors";
import type { EnforcementLevel, PolicyConfig, PolicyInfo } from "./policy-client";

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];
/** Levels that let a mandatory policy's violation through. */
const LOWER: ReadonlySet<string> = new Set(["advisory", "disabled"]);

/** Reads and checks the file against the pack's policies; returns what `Configure` sends. */
export function loadPolicyPackConfig(file: string, policies: readonly PolicyInfo[]): PolicyConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new SiteSpecError(file, [{ path: [], root: "file", message: `cannot read the policy pack config: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const issues: SpecIssue[] = [];
  const at = (node: Node | null | undefined) => {
    const offset = node?.range?.[0];
    if (offset === undefined) return {};
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const add = (path: (string | number)[], message: string, node?: Node | null) => issues.push({ path, root: "file", message, ...at(node) });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const { line, col } = lines.linePos(e.pos[0]);
    throw new SiteSpecError(file, [{ path: [], root: "file", message: `not JSON: ${e.message.split("\n")[0]}`, line, column: col }]);
  }
  if (text.trim() === "") return reconcile(policies, {});
  const root = doc.contents;
  if (!isMap(root)) throw new SiteSpecError(file, [{ path: [], root: "file", message: "the policy pack config must be an object of policy names", ...at(root as Node) }]);

  const byName = new Map(policies.map((p) => [p.name, p]));
  const given: PolicyConfig = {};
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const valueNode = pair.value as Node | null;
    const value = valueNode?.toJSON?.() ?? null;
    const policy = byName.get(name);
    if (name !== "all" && policy === undefined) {
      const near = [...byName.keys()].filter((n) => n.includes(name) || name.includes(n));
      add([name], `no policy ${JSON.stringify(name)} in the pack${near.length ? ` (did you mean ${near.join(" or ")}?)` : ""}; its policies: ${[...byName.keys()].join(", ")}`, keyNode);
      continue;
    }
    let level: unknown;
    let props: Record<string, unknown> = {};
    let levelNode: Node | null | undefined = valueNode;
    if (typeof value === "string") level = value;
    else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      ({ enforcementLevel: level, ...props } = value as Record<string, unknown>);
      if (isMap(valueNode)) levelNode = (valueNode.items.find((i) => isScalar(i.key) && i.key.value === "enforcementLevel")?.value as Node) ?? valueNode;
    } else {
      add([name], "must be an enforcement level or an object", valueNode);
      continue;
    }
    if (level !== undefined && (typeof level !== "string" || !LEVELS.includes(level as EnforcementLevel))) {
      add(typeof value === "string" ? [name] : [name, "enforcementLevel"], `${JSON.stringify(level)} is not an enforcement level (${LEVELS.join(", ")})`, levelNode);
      continue;
    }
    const lowered = (name === "all" ? policies : [policy!]).filter((p) => p.enforcementLevel === "mandatory" && typeof level === "string" && LOWER.has(level));
    if (lowered.length > 0) {
      add(
        typeof value === "string" ? [name] : [name, "enforcementLevel"],
        `${JSON.stringify(level)} would lower ${lowered.length === 1 ? `the mandatory policy ${lowered[0].name}` : `${lowered.length} mandatory policies (${lowered.map((p) => p.name).join(", ")})`}: the config may set thresholds but never lower a mandatory policy's level`,
        levelNode,
      );
      continue;
    }
    if (name === "all" && Object.keys(props).length > 0) {
      add([name], "all takes only an enforcement level", valueNode);
      continue;
    }
    if (Object.keys(props).length > 0) {
      const schema = policy!.configSchema;
      if (schema === undefined) {
        add([name, Object.keys(props)[0]], `policy ${name} takes no settings`, valueNode);
        continue;
      }
      for (const problem of schemaProblems(schema, props)) {
        const node = isMap(valueNode) ? (valueNode.items.find((i) => isScalar(i.key) && i.key.value === problem.key)?.value as Node) : undefined;
        add(problem.key ? [name, problem.key] : [name], problem.message, node ?? valueNode);
      }
    }
    given[name] = { ...(level !== undefined ? { enforcementLevel: level as EnforcementLevel } : {}), ...props };
  }
  if (issues.length > 0) throw new SiteSpecError(file, issues);
  return reconcile(policies, given);
}

/** Pulumi's `ReconcilePolicyPackConfig`: each policy's level and schema defaults, then `all`, then each policy's own. */
function reconcile(policies: readonly PolicyInfo[], given: PolicyConfig): PolicyConfig {
  const out: PolicyConfig = {};
  for (const p of policies) {
    const defaults: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((p.configSchema ?? {}) as Record<string, { default?: unknown }>)) if (v && "default" in v) defaults[k] = v.default;
    out[p.name] = { enforcementLevel: given.all?.enforcementLevel ?? p.enforcementLevel, ...defaults };
  }
  for (const [name, c] of Object.entries(given)) {
    if (name === "all") continue;
    out[name] = { ...out[name], ...c, enforcementLevel: c.enforcementLevel ?? out[name].enforcementLevel };
  }
  return out;
}

/**
 * JSON-schema problems of `props` against a policy's config schema properties
 * (as Pulumi: `{type: object, properties}`; unlike Pulumi, a setting the
 * schema does not name is refused rather than silently ignored), by key.
 */
function schemaProblems(properties: Record<string, unknown>, props: Record<string, unknown>): { key?: string; message: string }[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require("ajv").default as typeof import("ajv").default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const full = { type: "object", properties, additionalProperties: false };
  const validate = ajv.compile(full);
  if (validate(props)) return [];
  return (validate.errors ?? []).map((e) => {
    const key = e.instancePath.split("/")[1] || (e.params as { additionalProperty?: string; missingProperty?: string }).additionalProperty || (e.params as { missingProperty?: string }).missingProperty;
    const known = Object.keys(properties);
    const message =
      e.keyword === "additionalProperties"
        ? `unknown setting ${JSON.stringify(key)} (settings: ${known.join(", ")})`
        : `${key ? `${key} ` : ""}${e.message ?? "is invalid"}, found ${JSON.stringify(key ? props[key] : props)}`;
    return { ...(key ? { key } : {}), message };
  });
}
