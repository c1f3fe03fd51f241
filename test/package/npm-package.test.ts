/**
 * The npm package: `npm pack` of the repository, its file list, and the
 * tarball installed in a fresh folder with its dependencies (from the npm
 * cache or registry), where a small program using the components compiles
 * (both TypeScript module resolutions Pulumi programs use) and runs under
 * the SDK's mocks.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers/stacks";

const NPM_TIMEOUT = 900_000;
const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

let packed: { filename: string; files: { path: string }[] };
let tarball: string;
let app: string;

beforeAll(() => {
  const out = tempDir("repower-pack-");
  // Scripts are skipped: `npm test` has just compiled dist/, which is what `prepare` makes.
  packed = JSON.parse(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", out], ROOT))[0];
  tarball = path.join(out, packed.filename);
}, NPM_TIMEOUT);

describe("npm pack", () => {
  it("holds the compiled components, model, package layer, CLI and pack, and no tests, benches, examples, stacks or sources", () => {
    const files = packed.files.map((f) => f.path);
    for (const want of [
      "package.json",
      "README.md",
      "bin/repower.js",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/components/index.js",
      "dist/components/index.d.ts",
      "dist/components/model/index.d.ts",
      "dist/provider/site-power-envelope.d.ts",
      "dist/cli/main.js",
      "dist/policies/index.js",
      "policies/PulumiPolicy.yaml",
      "schema.json",
    ]) {
      expect(files, want).toContain(want);
    }
    const unwanted = files.filter(
      (f) =>
        /^(test|bench|stacks|examples|infra|components|provider|cli|scripts)\//.test(f) ||
        /^dist\/(bench|test)\//.test(f) ||
        (f.endsWith(".ts") && !f.endsWith(".d.ts")) ||
        f.endsWith(".map") ||
        f.includes("write-schema"),
    );
    expect(unwanted).toEqual([]);
  });

  it("declares exports with types for the package, the components and the model", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    for (const sub of [".", "./components", "./model"]) {
      const e = pkg.exports[sub];
      expect(e.types, sub).toMatch(/\.d\.ts$/);
      expect(packed.files.map((f) => f.path)).toContain(e.types.replace(/^\.\//, ""));
      expect(packed.files.map((f) => f.path)).toContain(e.default.replace(/^\.\//, ""));
    }
    expect(pkg.scripts.prepare).toMatch(/tsc -p tsconfig\.json/);
  });
});

describe("installed in a fresh folder", () => {
  beforeAll(() => {
    app = tempDir("repower-consumer-");
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    npm(["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"], app);
    fs.copyFileSync(path.join(ROOT, "test", "fixtures", "npm-consumer", "index.ts"), path.join(app, "index.ts"));
  }, NPM_TIMEOUT);

  for (const [resolution, module] of [
    ["node", "commonjs"],
    ["nodenext", "nodenext"],
  ] as const) {
    it(`compiles with moduleResolution ${resolution} and runs under mocks`, () => {
      const outDir = `out-${resolution}`;
      const config = {
        compilerOptions: { strict: true, target: "ES2022", module, moduleResolution: resolution, types: [], skipLibCheck: true, outDir },
        files: ["index.ts"],
      };
      fs.writeFileSync(path.join(app, `tsconfig.${resolution}.json`), JSON.stringify(config));
      execFileSync(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: app, encoding: "utf8" });
      const out = JSON.parse(execFileSync(process.execPath, [path.join(outDir, "index.js")], { cwd: app, encoding: "utf8" }));
      expect(out).toMatchObject({ typedActivePhase: "p1", typedNodes: 100, activePhase: "p1", nodes: 100 });
      expect(out.budgets).toBeGreaterThan(0);
      expect(out.labels["repower.io/pool"]).toBe("h100");
      expect(out.registered).toEqual(
        expect.arrayContaining([
          "repower:index:SitePowerEnvelope::data-envelope",
          "repower:envelope:SitePowerEnvelope::data-envelope",
          "kubernetes:core/v1:ConfigMap::data-envelope-configmap",
          "repower:index:GpuNodePool::data-h100",
          "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule::typed-h100-nodes",
        ]),
      );
      // The installed package is the tarball's, not this repository.
      expect(fs.realpathSync(path.join(app, "node_modules", "repower"))).not.toBe(ROOT);
    }, 300_000);
  }
});
