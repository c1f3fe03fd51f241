/** The package's version, from package.json (for `--version` and SARIF). */
import * as fs from "node:fs";
import * as path from "node:path";

export const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;
