/**
 * Global setup: the tools the tests need from outside npm are on the tests'
 * PATH before any test runs (scripts/ensure-tools.js finds them, or installs
 * them into .repower/tools), or the run stops here with one line saying how to
 * install them. No test skips itself because a tool is missing.
 */
import * as path from "node:path";
import { createRequire } from "node:module";

const ROOT = path.resolve(__dirname, "..", "..");
const { ensureTools } = createRequire(__filename)(path.join(ROOT, "scripts", "ensure-tools.js")) as {
  ensureTools(env?: NodeJS.ProcessEnv): string[];
};

export default function setup(): void {
  const problems = ensureTools();
  if (problems.length > 0) throw new Error(problems.join("\n"));
}
