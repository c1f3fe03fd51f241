/**
 * Turns zod's issues into `SpecIssue`s a site engineer can act on: what was
 * expected, what was found, and for an unknown key the nearest valid one.
 *
 * Pure: no Pulumi here.
 */
import type { core } from "zod";
import { SiteSpecSchema } from "./site-spec";
import { describeValue, nearest, suggestion, type FieldPath, type SpecIssue } from "./spec-errors";

/**
 * Words people write for a key of the spec, and the key they mean: a phase's
 * date is its `start`, a capacity is in MW. Used before spelling distance,
 * which would offer "name" for "date".
 */
const KEY_WORDS: Record<string, readonly string[]> = {
  start: ["date", "startdate", "starts", "begin", "begins", "from", "when", "on"],
  inService: ["inservice", "service", "commissioned", "online", "active"],
  interconnectMW: ["interconnect", "interconnection", "capacity", "limit", "poi"],
  ratingMVA: ["rating", "mva", "capacity"],
  capacityMW: ["capacity", "mw"],
  units: ["count", "number", "quantity", "qty"],
  coolingZone: ["zone", "cooling"],
  gpuPools: ["pools", "gpus", "gpu"],
  coolingZones: ["zones", "cooling"],
  model: ["miner", "sku"],
  sku: ["model", "system"],
  voltageKV: ["voltage", "kv"],
};

/** The key of `known` that `key` most likely means: same letters in another case, a unit left off, a synonym, or a near spelling. */
export function keySuggestion(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase().replace(/[-_ ]/g, "");
  const same = known.find((k) => k.toLowerCase() === lower);
  if (same !== undefined) return same;
  const unit = known.find((k) => /^(MW|MVA|KW|KV|Percent|Watts|W|A|V)$/i.test(k.slice(lower.length)) && k.toLowerCase().startsWith(lower));
  if (unit !== undefined) return unit;
  const word = known.find((k) => KEY_WORDS[k]?.includes(lower));
  if (word !== undefined) return word;
  return nearest(key, known);
}

type AnySchema = { _zod: { def: Record<string, unknown> & { type: string } } };

/** The keys an object schema accepts at `path` (through arrays, records, optionals and defaults). */
export function knownKeysAt(path: FieldPath, root: AnySchema = SiteSpecSchema as unknown as AnySchema): string[] {
  const keys = new Set<string>();
  const visit = (schema: AnySchema, rest: FieldPath): void => {
    const def = schema._zod.def;
    switch (def.type) {
      case "optional":
      case "default":
      case "prefault":
      case "nullable":
      case "readonly":
      case "nonoptional":
      case "catch":
        return visit(def.innerType as AnySchema, rest);
      case "pipe":
        return visit(def.in as AnySchema, rest);
      case "union":
        for (const o of def.options as AnySchema[]) visit(o, rest);
        return;
      case "object": {
        const shape = def.shape as Record<string, AnySchema>;
        if (rest.length === 0) {
          for (const k of Object.keys(shape)) keys.add(k);
          return;
        }
        const next = shape[String(rest[0])];
        if (next !== undefined) visit(next, rest.slice(1));
        return;
      }
      case "array":
        if (rest.length > 0) visit(def.element as AnySchema, rest.slice(1));
        return;
      case "record":
        if (rest.length > 0) visit(def.valueType as AnySchema, rest.slice(1));
        return;
      default:
        return;
    }
  };
  visit(root, path);
  return [...keys];
}

const TYPE_NAMES: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a string",
  boolean: "true or false",
  object: "a map",
  array: "a list",
  record: "a map",
};

function valueAt(root: unknown, path: FieldPath): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[p as string];
  }
  return v;
}

function bound(origin: string, limit: number | bigint, inclusive: boolean | undefined, small: boolean): string {
  const n = Number(limit);
  if (origin === "array") return small ? `needs at least ${n} entr${n === 1 ? "y" : "ies"}` : `takes at most ${n} entries`;
  if (origin === "string") return small ? `must not be empty` : `must be at most ${n} characters`;
  if (small) return inclusive ? (n === 0 ? "must not be negative" : `must be at least ${n}`) : n === 0 ? "must be more than 0" : `must be more than ${n}`;
  return inclusive ? `must be at most ${n}` : `must be less than ${n}`;
}

/** One `SpecIssue` per problem; an unknown key is its own issue, located at the key. */
export function zodIssues(issues: readonly core.$ZodIssue[], input: unknown): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    const path = issue.path as (string | number)[];
    const found = valueAt(input, path);
    switch (issue.code) {
      case "unrecognized_keys": {
        const known = knownKeysAt(path);
        for (const key of issue.keys) {
          const near = keySuggestion(key, known);
          const list = known.length > 0 ? `valid here: ${known.join(", ")}` : "no keys are valid here";
          out.push({ path: [...path, key], message: `unknown key "${key}"; ${near !== undefined ? `did you mean "${near}"? (${list})` : list}` });
        }
        break;
      }
      case "invalid_type": {
        if (found === undefined) {
          out.push({ path, message: `missing; ${TYPE_NAMES[issue.expected] ?? issue.expected} is required here` });
        } else {
          const what = TYPE_NAMES[issue.expected] ?? issue.expected;
          const nan = typeof found === "number" && !Number.isFinite(found) ? " (numbers must be finite)" : "";
          out.push({ path, message: `must be ${what}, found ${describeValue(found)}${nan}` });
        }
        break;
      }
      case "too_small":
        out.push({ path, message: `${bound(issue.origin, issue.minimum, issue.inclusive, true)}, found ${describeValue(found)}` });
        break;
      case "too_big":
        out.push({ path, message: `${bound(issue.origin, issue.maximum, issue.inclusive, false)}, found ${describeValue(found)}` });
        break;
      case "invalid_value": {
        const values = issue.values.map(String);
        const given = typeof found === "string" ? suggestion(found, values) : "";
        const near = given.startsWith("; did you mean") ? given : "";
        out.push({ path, message: `must be one of ${values.join(" | ")}, found ${describeValue(found)}${near}` });
        break;
      }
      case "invalid_union":
        out.push({ path, message: `must be a number, or a map {value, source, uncertain}; found ${describeValue(found)}` });
        break;
      case "invalid_format":
        out.push({ path, message: `${issue.message}, found ${describeValue(found)}` });
        break;
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}
