#!/usr/bin/env node
/**
 * Finds the tools the tests need from outside npm, or installs them into the
 * project's own prefix, `.repower/tools` (ignored by git), so that `npm test`
 * passes on a fresh machine by itself. Run by `npm test` (pretest) and by the
 * test setup, which also puts `.repower/tools/bin` on the tests' PATH.
 *
 *   promtool  from Debian's `prometheus` package: the alert-rule tests run
 *             `promtool check rules` and `promtool test rules`.
 *   tmux      from Debian's `tmux` package: the terminal tests run the CLI in
 *             a real terminal at 80 columns. tmux needs its shared libraries,
 *             so it is installed with `apt-get install` (as root), not unpacked.
 *
 * Where a tool is not on PATH, its Debian package is downloaded with
 * `apt-get download` (after `apt-get update` when running as root and the
 * package lists are missing or stale) and unpacked with `dpkg-deb -x`: no
 * system files are touched. Where that is impossible, it prints one line
 * saying how to install the tool and exits 1 before any test runs.
 *
 * Plain JavaScript: it runs before the TypeScript is compiled.
 */
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const PREFIX = path.join(ROOT, ".repower", "tools");
const BIN = path.join(PREFIX, "bin");

/** Each tool: its command, the Debian package that ships it, the file inside the package, and a version check. */
const TOOLS = [
  { name: "promtool", debianPackage: "prometheus", file: "usr/bin/promtool", versionArgs: ["--version"] },
  { name: "tmux", debianPackage: "tmux", systemInstall: true, versionArgs: ["-V"] },
];

function runs(command, args, env) {
  const r = spawnSync(command, args, { encoding: "utf8", env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  return !r.error && r.status === 0;
}

function searchPath(env) {
  return [BIN, ...(env.PATH ?? "").split(path.delimiter).filter(Boolean)].join(path.delimiter);
}

function quiet(command, args, cwd) {
  return spawnSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

/** Installs a tool whose package needs its dependencies with apt-get (root only); returns a reason on failure. */
function systemInstall(tool) {
  if (!isRoot()) return "installing it needs root";
  if (!runs("apt-get", ["--version"])) return "apt-get is not available";
  let r = quiet("apt-get", ["install", "-y", "--no-install-recommends", tool.debianPackage]);
  if (r.status !== 0) {
    quiet("apt-get", ["update"]);
    r = quiet("apt-get", ["install", "-y", "--no-install-recommends", tool.debianPackage]);
  }
  return r.status === 0 ? undefined : `apt-get install ${tool.debianPackage} failed: ${(r.stderr || "").trim().split("\n").pop()}`;
}

/** Downloads and unpacks the tool's Debian package into the prefix; returns a reason on failure. */
function install(tool) {
  if (tool.systemInstall) return systemInstall(tool);
  if (!runs("apt-get", ["--version"]) || !runs("dpkg-deb", ["--version"])) return "apt-get and dpkg-deb are not available";
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "repower-tools-"));
  try {
    let r = quiet("apt-get", ["download", tool.debianPackage], tmp);
    if (r.status !== 0 && isRoot()) {
      // The package lists may be missing or stale on a fresh machine.
      process.stderr.write(`repower: updating Debian's package lists to fetch ${tool.debianPackage}\n`);
      const u = quiet("apt-get", ["update"], tmp);
      if (u.status !== 0) return `apt-get update failed: ${(u.stderr || "").trim().split("\n").pop()}`;
      r = quiet("apt-get", ["download", tool.debianPackage], tmp);
    }
    if (r.status !== 0) return `apt-get download ${tool.debianPackage} failed: ${(r.stderr || "").trim().split("\n").pop()}`;
    const deb = fs.readdirSync(tmp).find((f) => f.endsWith(".deb"));
    if (deb === undefined) return `apt-get download ${tool.debianPackage} left no .deb`;
    const unpacked = path.join(PREFIX, tool.debianPackage);
    fs.rmSync(unpacked, { recursive: true, force: true });
    fs.mkdirSync(unpacked, { recursive: true });
    const x = quiet("dpkg-deb", ["-x", path.join(tmp, deb), unpacked], tmp);
    if (x.status !== 0) return `dpkg-deb -x failed: ${(x.stderr || "").trim()}`;
    const file = path.join(unpacked, tool.file);
    if (!fs.existsSync(file)) return `${tool.debianPackage} has no ${tool.file}`;
    fs.mkdirSync(BIN, { recursive: true });
    const link = path.join(BIN, tool.name);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(BIN, file), link);
    return undefined;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Ensures every tool runs with `.repower/tools/bin` first on PATH; returns the problems left (none when all is well). */
function ensureTools(env = process.env) {
  const problems = [];
  const withPrefix = { ...env, PATH: searchPath(env) };
  for (const tool of TOOLS) {
    if (runs(tool.name, tool.versionArgs, withPrefix)) continue;
    process.stderr.write(`repower: ${tool.name} not found; installing Debian's ${tool.debianPackage} package${tool.systemInstall ? "" : " into .repower/tools"}\n`);
    const why = install(tool);
    if (why === undefined && runs(tool.name, tool.versionArgs, withPrefix)) continue;
    problems.push(
      `repower: the tests need ${tool.name} and it could not be installed (${why ?? "it does not run"}): ` +
        `install Debian's ${tool.debianPackage} package (sudo apt-get install ${tool.debianPackage}) or put ${tool.name} on PATH`,
    );
  }
  return problems;
}

module.exports = { ensureTools, searchPath, TOOLS_BIN: BIN };

if (require.main === module) {
  const problems = ensureTools();
  for (const p of problems) process.stderr.write(p + "\n");
  process.exit(problems.length === 0 ? 0 : 1);
}
