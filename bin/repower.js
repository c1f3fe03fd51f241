#!/usr/bin/env node
"use strict";
// The `repower` command. The TypeScript sources are compiled to dist/ by
// `npm ci` (the package's prepare script) or `npm run build`.
const path = require("node:path");
const fs = require("node:fs");
const entry = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(entry)) {
  process.stderr.write("repower: not built yet; run `npm ci` (or `npm run build`) in the project first\n");
  process.exit(2);
}
require(entry)
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`repower: internal error: ${err && err.message ? err.message : String(err)}\n`);
      process.exitCode = 2;
    },
  );
