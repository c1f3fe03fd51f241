/**
 * The examples for other languages, checked offline against schema.json
 * (which component-plugin.test.ts proves is what the plugin serves): every
 * resource type, property and output they use exists, required inputs are
 * given, and the sites they pass are valid.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackText, validateSite } from "../../components/model";
import { ROOT } from "../helpers/stacks";

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"));
const EXAMPLES = path.join(ROOT, "examples");

/** camelCase to Python's snake_case, as Pulumi's Python codegen names properties. */
function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2").toLowerCase();
}

function component(token: string) {
  const full = token.split(":").length === 2 ? token.replace(":", ":index:") : token;
  return schema.resources[full] as { inputProperties: Record<string, unknown>; requiredInputs: string[]; properties: Record<string, unknown> } | undefined;
}

function packageSource(programDir: string): string {
  const project = parse(fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8"));
  const source = project.packages?.repower;
  expect(typeof source, "packages.repower in Pulumi.yaml").toBe("string");
  return path.resolve(programDir, source);
}

describe("the YAML program", () => {
  const dir = path.join(EXAMPLES, "yaml");
  const program = parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
  const variables: Record<string, unknown> = program.variables ?? {};
  const resolve = (v: unknown) => (typeof v === "string" && /^\$\{(\w+)\}$/.test(v) ? variables[v.slice(2, -1)] : v);

  it("takes the package from this repository, a Node.js component plugin", () => {
    expect(program.runtime).toBe("yaml");
    const source = packageSource(dir);
    expect(source).toBe(ROOT);
    expect(parse(fs.readFileSync(path.join(source, "PulumiPlugin.yaml"), "utf8")).runtime).toBe("nodejs");
  });

  it("uses only the package's components and their inputs, with every required input", () => {
    const resources = Object.entries<any>(program.resources);
    expect(resources.map(([, r]) => r.type)).toEqual(
      expect.arrayContaining(["repower:index:SitePowerEnvelope", "repower:index:GpuNodePool"]),
    );
    for (const [name, r] of resources) {
      const c = component(r.type);
      expect(c, `${name}: ${r.type} is in schema.json`).toBeDefined();
      const props = Object.keys(r.properties ?? {});
      expect(props.filter((p) => !(p in c!.inputProperties)), `${name}: properties not in the schema`).toEqual([]);
      expect(c!.requiredInputs.filter((p) => !props.includes(p)), `${name}: required inputs missing`).toEqual([]);
    }
  });

  it("passes a valid site, and pools it has", () => {
    for (const [name, r] of Object.entries<any>(program.resources)) {
      const site = resolve(r.properties.site);
      const result = validateSite(site);
      expect(result.ok, `${name}: ${JSON.stringify(!result.ok && result.issues)}`).toBe(true);
      if (result.ok && r.properties.pool !== undefined) {
        expect(result.site.gpuPools.map((p) => p.name), name).toContain(r.properties.pool);
      }
    }
  });

  it("exports only outputs the components have", () => {
    for (const [key, value] of Object.entries<string>(program.outputs)) {
      const m = /^\$\{(\w+)\.(\w+)\}$/.exec(value);
      expect(m, `${key}: ${value}`).not.toBeNull();
      const r = program.resources[m![1]];
      expect(r, `${key}: resource ${m![1]}`).toBeDefined();
      expect(Object.keys(component(r.type)!.properties), key).toContain(m![2]);
    }
  });
});

/** Keyword arguments of each `repower.<Class>(...)` call in Python source. */
function pythonCalls(source: string): { cls: string; kwargs: string[] }[] {
  const calls: { cls: string; kwargs: string[] }[] = [];
  const re = /repower\.(\w+)\(/g;
  for (let m = re.exec(source); m !== null; m = re.exec(source)) {
    let depth = 1;
    let i = re.lastIndex;
    let args = "";
    for (; i < source.length && depth > 0; i++) {
      const ch = source[i];
      if ("([{".includes(ch)) depth++;
      if (")]}".includes(ch)) depth--;
      if (depth === 1 || (depth === 0 && ch !== ")")) args += ch;
      else if (depth > 1) args += " ";
    }
    calls.push({ cls: m[1], kwargs: [...args.matchAll(/(?:^|,)\s*(\w+)\s*=(?!=)/g)].map((k) => k[1]) });
  }
  return calls;
}

describe("the Python program", () => {
  const dir = path.join(EXAMPLES, "python");
  const source = fs.readFileSync(path.join(dir, "__main__.py"), "utf8");

  it("takes the package from this repository", () => {
    expect(parse(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).runtime.name).toBe("python");
    expect(packageSource(dir)).toBe(ROOT);
  });

  it("constructs only the package's components, with their inputs in Python's names and every required one", () => {
    const calls = pythonCalls(source);
    expect(calls.map((c) => c.cls)).toEqual(expect.arrayContaining(["SitePowerEnvelope", "GpuNodePool"]));
    for (const call of calls) {
      const c = component(`repower:index:${call.cls}`);
      expect(c, call.cls).toBeDefined();
      const names = Object.keys(c!.inputProperties).map(snake);
      expect(call.kwargs.filter((k) => !names.includes(k)), `${call.cls}: arguments not in the schema`).toEqual([]);
      expect(c!.requiredInputs.map(snake).filter((k) => !call.kwargs.includes(k)), `${call.cls}: required inputs missing`).toEqual([]);
    }
  });

  it("reads outputs the components have", () => {
    const outputs = new Set(Object.values<any>(schema.resources).flatMap((r) => Object.keys(r.properties).map(snake)));
    const used = [...source.matchAll(/\b(?:envelope|pool)\.(\w+)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((u) => !outputs.has(u))).toEqual([]);
  });

  it("reads a valid stack file that has the pools it names", () => {
    const file = /Path\(__file__\)\.parent((?:\s*\/\s*"[^"]+")+)/.exec(source);
    expect(file).not.toBeNull();
    const rel = [...file![1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    const stackFile = path.join(dir, ...rel);
    const loaded = parseStackText(fs.readFileSync(stackFile, "utf8"), stackFile);
    const pools = /for name in \(([^)]*)\)/.exec(source)![1].match(/"([^"]+)"/g)!.map((s) => s.slice(1, -1));
    expect(pools.length).toBeGreaterThan(0);
    for (const p of pools) expect(loaded.site.gpuPools.map((g) => g.name)).toContain(p);
  });
});
