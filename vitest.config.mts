import * as path from "node:path";
import { defineConfig } from "vitest/config";

// Tools installed by scripts/ensure-tools.js (pretest and the global setup) come first on the tests' PATH.
const toolsBin = path.join(import.meta.dirname, ".repower", "tools", "bin");

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The Quick start test runs `npm test` in a clone; that inner run leaves the Quick start test out.
    exclude: process.env.REPOWER_QUICKSTART_INNER ? ["**/node_modules/**", "test/quickstart/**"] : ["**/node_modules/**"],
    globalSetup: ["test/setup/tools.ts"],
    env: { PATH: [toolsBin, process.env.PATH ?? ""].join(path.delimiter) },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
