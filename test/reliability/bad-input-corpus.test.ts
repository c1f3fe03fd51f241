/**
 * A corpus of invalid stack files, generated with fast-check from the
 * examples: wrong types; negative, zero, NaN, infinite and absurd numbers;
 * unknown keys at every level; dangling and duplicate names; broken YAML;
 * empty files; a non-map root; the wrong config key; required keys dropped;
 * very long and non-ASCII names. Every one must give exit status 2 from
 * `repower preview`, with a message naming the file, the field path and the
 * line, and no stack trace; none may give 0 or 1.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { hasStackTrace, repower } from "../helpers/cli";
import { projectWith } from "../helpers/project";
import { EXAMPLES, exampleText } from "../helpers/stacks";

type Json = any;
type Path = (string | number)[];

const SITE_KEY = "repower:site";
const POSITIVE = new Set(["interconnectMW", "firmMW", "ratingMVA", "capacityMW", "voltage", "amperage", "powerFactor", "pue", "wattsPerUnit", "powerCapWatts", "maxUtilizationPercent", "nodesPerRack"]);
const NAMED_LISTS = ["transformers", "feeds", "coolingZones", "mining", "gpuPools"];

function leaves(v: Json, p: Path = [], out: { path: Path; value: Json }[] = []) {
  if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...p, i], out));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) leaves(x, [...p, k], out);
  else out.push({ path: p, value: v });
  return out;
}
function maps(v: Json, p: Path = [], out: Path[] = []) {
  if (Array.isArray(v)) v.forEach((x, i) => maps(x, [...p, i], out));
  else if (v !== null && typeof v === "object") {
    out.push(p);
    for (const [k, x] of Object.entries(v)) maps(x, [...p, k], out);
  }
  return out;
}
const get = (v: Json, p: Path) => p.reduce((a, k) => a?.[k], v);
function set(v: Json, p: Path, value: Json) {
  const parent = get(v, p.slice(0, -1));
  parent[p[p.length - 1]] = value;
}
function refs(site: Json): Path[] {
  const out: Path[] = [["rollout", "activePhase"]];
  (site.gpuPools ?? []).forEach((g: Json, i: number) => {
    out.push(["gpuPools", i, "sku"]);
    if (g.coolingZone !== undefined) out.push(["gpuPools", i, "coolingZone"]);
    (g.feeds ?? []).forEach((_: Json, j: number) => out.push(["gpuPools", i, "feeds", j]));
  });
  (site.mining ?? []).forEach((m: Json, i: number) => {
    out.push(["mining", i, "coolingZone"]);
    if (m.feed !== undefined) out.push(["mining", i, "feed"]);
    if (m.model !== undefined && m.wattsPerUnit === undefined) out.push(["mining", i, "model"]);
  });
  return out;
}
function names(site: Json): Path[] {
  const out: Path[] = [["name"]];
  for (const l of [...NAMED_LISTS]) (site[l] ?? []).forEach((_: Json, i: number) => out.push([l, i, "name"]));
  site.rollout.phases.forEach((_: Json, i: number) => out.push(["rollout", "phases", i, "name"]));
  return out;
}

interface Case {
  kind: string;
  text: string;
}

const withSite = (doc: Json, f: (site: Json) => void): string => {
  const copy = structuredClone(doc);
  f(copy.config[SITE_KEY]);
  return stringify(copy);
};

/** One invalid stack file from an example. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    example: fc.constantFrom(...EXAMPLES),
    kind: fc.constantFrom(
      "negative", "nan", "infinity", "absurd", "zero", "wrong-type", "map-to-list", "unknown-key", "dangling", "duplicate",
      "long-name", "non-ascii-name", "drop-required", "broken-yaml", "empty", "non-map-root", "wrong-config-key",
    ),
    pick: fc.nat(),
    word: fc.stringMatching(/^[a-z]{3,10}$/),
    length: fc.integer({ min: 64, max: 400 }),
    unicode: fc.constantFrom("hällé", "ñandú-pool", "zöne", "хол", "热区", "pool ☀"),
  })
  .map(({ example, kind, pick, word, length, unicode }): Case => {
    const text = exampleText(example);
    const doc = parse(text);
    const site = doc.config[SITE_KEY];
    const one = <T>(xs: T[]): T => xs[pick % xs.length];
    const numeric = leaves(site).filter((l) => typeof l.value === "number");
    switch (kind) {
      case "negative":
        return { kind, text: withSite(doc, (s) => { const l = one(numeric); set(s, l.path, -Math.abs(l.value) - 1); }) };
      case "nan":
        return { kind, text: withSite(doc, (s) => set(s, one(numeric).path, Number.NaN)) };
      case "infinity":
        return { kind, text: withSite(doc, (s) => set(s, one(numeric).path, pick % 2 ? Infinity : -Infinity)) };
      case "absurd":
        return { kind, text: withSite(doc, (s) => set(s, one(numeric).path, 1e15)) };
      case "zero":
        return { kind, text: withSite(doc, (s) => set(s, one(numeric.filter((l) => POSITIVE.has(String(l.path[l.path.length - 1])))).path, 0)) };
      case "wrong-type":
        return {
          kind,
          text: withSite(doc, (s) => {
            const l = one(leaves(s));
            set(s, l.path, typeof l.value === "number" ? `${word}` : typeof l.value === "string" ? pick : `${word}`);
          }),
        };
      case "map-to-list":
        return { kind, text: withSite(doc, (s) => { const p = one(maps(s).filter((x) => x.length > 0)); set(s, p, [1, 2]); }) };
      case "unknown-key":
        return { kind, text: withSite(doc, (s) => { const p = one(maps(s)); (p.length ? get(s, p) : s)[`zz${word}`] = 1; }) };
      case "dangling":
        return { kind, text: withSite(doc, (s) => set(s, one(refs(s)), `nowhere-${word}`)) };
      case "duplicate":
        return {
          kind,
          text: withSite(doc, (s) => {
            const lists = [...NAMED_LISTS.filter((l) => (s[l] ?? []).length > 0).map((l) => [l]), ["rollout", "phases"]];
            const list = get(s, one(lists));
            list.push(structuredClone(list[pick % list.length]));
          }),
        };
      case "long-name":
        return { kind, text: withSite(doc, (s) => set(s, one(names(s)), "n".repeat(length))) };
      case "non-ascii-name":
        return { kind, text: withSite(doc, (s) => set(s, one(names(s)), unicode)) };
      case "drop-required":
        return {
          kind,
          text: withSite(doc, (s) => {
            const options: Path[] = [["name"], ["grid"], ["coolingZones"], ["rollout"], ["grid", "interconnectMW"], ["gpuPools", 0, "sku"], ["gpuPools", 0, "backend"], ["coolingZones", 0, "pue"], ["rollout", "phases"]];
            const p = one(options);
            delete get(s, p.slice(0, -1))[p[p.length - 1]];
          }),
        };
      case "broken-yaml": {
        const lines = text.split("\n");
        const at = 2 + (pick % (lines.length - 3));
        const broken = [...lines];
        if (pick % 3 === 0) broken.splice(at, 0, `\t${word}: 1`);
        else if (pick % 3 === 1) broken.splice(at, 0, `    ${word}: [1, 2`);
        else broken.splice(at, 0, `  ${word}: "unclosed`);
        return { kind, text: broken.join("\n") };
      }
      case "empty":
        return { kind, text: one(["", "   \n\n", "# only a comment\n", "---\n"]) };
      case "non-map-root":
        return { kind, text: one(["- a\n- b\n", "42\n", "just some text\n", "[1, 2, 3]\n"]) };
      case "wrong-config-key":
        return { kind, text: text.replace("repower:site:", `${one(["repower:sites", "repower:Site", "site", "repowr:site", `repower:${word}`])}:`) };
      default:
        throw new Error(kind);
    }
  });

const CORPUS = fc.sample(caseArb, { numRuns: 520, seed: 20261126 });

describe("the bad input corpus", () => {
  it(`every one of ${CORPUS.length} invalid stack files exits 2 with file, field path and line`, () => {
    const stacks = Object.fromEntries(CORPUS.map((c, i) => [`bad-${String(i).padStart(3, "0")}`, c.text]));
    const dir = projectWith(stacks);
    const r = repower(["preview", "--all", "--json"], { cwd: dir, timeoutMs: 300_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
    const report = JSON.parse(r.stdout);
    expect(report.stacks).toHaveLength(CORPUS.length);
    const byKind = new Map<string, number>();
    for (const [i, s] of report.stacks.entries()) {
      const c = CORPUS[i];
      const file = `stacks/Pulumi.${s.stack}.yaml`;
      const context = `${s.stack} (${c.kind}):\n${c.text.slice(0, 400)}\n→ ${s.error}`;
      expect(s.exitCode, context).toBe(2);
      expect(s.status, context).toBe("invalid");
      // file:line:column: field path: message
      expect(s.error, context).toMatch(new RegExp(`^${file.replace(/\./g, "\\.")}:\\d+:\\d+: [^:\\s][^\\n]*?: \\S`));
      expect(hasStackTrace(s.error), context).toBe(false);
      byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
    }
    console.log(`bad input corpus: ${CORPUS.length} invalid stack files tried, all exit status 2 (${[...byKind].map(([k, n]) => `${k} ${n}`).join(", ")})`);
    expect(byKind.size).toBe(17);
  });

  it("a sample, one file a run, each exits 2 on its own", () => {
    const dir = projectWith({});
    for (let i = 0; i < CORPUS.length; i += 53) {
      const file = path.join(dir, "stacks", `Pulumi.one-${i}.yaml`);
      fs.writeFileSync(file, CORPUS[i].text);
      const r = repower(["preview", "--config-file", file]);
      expect(r.status, `${CORPUS[i].kind}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.]/g, "\\.")}:\\d+:\\d+: `));
      expect(hasStackTrace(r.stderr)).toBe(false);
      expect(r.stdout).toBe("");
    }
  });
});
