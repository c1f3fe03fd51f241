/**
 * Writes schema.json: the package schema as the plugin serves it from
 * GetSchema, inferred from provider/*.ts by the Node SDK's analyzer. The
 * file is committed so that consumers and reviewers can read the package's
 * interface; test/package/component-plugin.test.ts fails when it drifts.
 *
 *   npm run schema
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

/** The repository's root: where package.json, PulumiPlugin.yaml and schema.json are. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");
/** The package's name as run-plugin derives it from package.json. */
export const PACKAGE_NAME = "repower";

/** The schema text as committed: two-space JSON and a final newline. */
export function schemaText(schema: unknown): string {
  return JSON.stringify(schema, null, 2) + "\n";
}

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const components = getPulumiComponents(require(PACKAGE_ROOT));
  const provider = new ComponentProvider({ name: PACKAGE_NAME, dirname: PACKAGE_ROOT, components });
  const schema = JSON.parse(await provider.getSchema());
  const file = path.join(PACKAGE_ROOT, "schema.json");
  fs.writeFileSync(file, schemaText(schema));
  console.log(`wrote ${path.relative(process.cwd(), file) || file}: ${Object.keys(schema.resources).length} components`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
