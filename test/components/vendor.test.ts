/**
 * AMD systems never get NVIDIA's pieces (issue 12, item 13): repower
 * deploys only NVIDIA's device plugin, DCGM and nvidia-smi caps, so a pool of
 * a `vendor: amd` system is refused at validation, naming the file, the
 * field path and the line, with exit status 2.
 */
import { describe, expect, it } from "vitest";
import { repower, hasStackTrace } from "../helpers/cli";
import { runStack } from "../helpers/program";
import { exampleText, lineOf, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

const amdPecos = () => replaceOnce(exampleText("pecos-yard"), "sku: dgx-h100", "sku: mi300x");

describe("AMD pools", () => {
  it("repower preview refuses a pool of the built-in mi300x with file, field path and line, exit 2", () => {
    const text = amdPecos();
    const file = writeStack(tempDir(), "amd", text);
    const r = repower(["preview", "--config-file", file]);
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file}:${lineOf(text, "sku: mi300x")}:`);
    expect(r.stderr).toMatch(/repower:site\.gpuPools\[0\]\.sku: pool h100-a: mi300x is an AMD system \(catalog vendor: amd\).*never run on AMD nodes/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("refuses a site's own AMD entry the same way, and makes nothing", async () => {
    const text = replaceOnce(
      exampleText("pecos-yard").replace("sku: dgx-h100", "sku: my-amd"),
      "    gpuPools:\n",
      "    catalog:\n      gpuSystems:\n        - { id: my-amd, vendor: amd, gpusPerNode: 8, gpuTdpW: 750, powerCapMinW: 300, powerCapMaxW: 750, systemKW: 10.2, nodesPerRack: 4 }\n    gpuPools:\n",
    );
    await expect(runStack(writeStack(tempDir(), "own-amd", text))).rejects.toThrow(/repower:site\.gpuPools\[0\]\.sku: pool h100-a: my-amd is an AMD system/);
  });
});
