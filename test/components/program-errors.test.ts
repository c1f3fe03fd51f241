/** The program stops on bad input with the contract's message, before making anything. */
import { describe, expect, it } from "vitest";
import * as path from "node:path";
import { createRequire } from "node:module";
import { runStack } from "../helpers/program";
import { exampleText, lineOf, replaceOnce, ROOT, tempDir, writeStack } from "../helpers/stacks";

describe("the program on bad input", () => {
  it("stops with file, field path and line for an invalid site", async () => {
    const text = replaceOnce(exampleText("pecos-yard"), "coolingZone: hall-a\n", "coolingZone: hal-a\n");
    const file = writeStack(tempDir(), "bad", text);
    await expect(runStack(file)).rejects.toThrow(`${file}:${lineOf(text, "coolingZone: hal-a")}:22: repower:site.gpuPools[0].coolingZone: unknown cooling zone "hal-a"; did you mean "hall-a"?`);
  });

  it("checks device-plugin configs against NVIDIA's rules before making anything", async () => {
    const file = writeStack(tempDir(), "dp", replaceOnce(exampleText("prairie-burst"), "replicas: 2", "replicas: 1"));
    await expect(runStack(file)).rejects.toThrow(
      /Pulumi\.dp\.yaml:\d+:\d+: repower:site\.gpuPools\[0\]\.devicePlugin\.replicas: NVIDIA device plugin: sharing\.timeSlicing\.resources\[0\]\.replicas must be a whole number of at least 2, found 1/,
    );
  });

  it("rejects an unknown device-plugin mode", async () => {
    await expect(runStack("pecos-yard", { "repower:devicePluginMode": "operator" })).rejects.toThrow(/repower:devicePluginMode: must be one of device-plugin \| gpu-operator/);
  });
});

describe("the package", () => {
  it("exports the components as repower/components", () => {
    const req = createRequire(path.join(ROOT, "package.json"));
    const components = req("repower/components");
    expect(components.GpuNodePool.__pulumiType).toBe("repower:nodes:GpuNodePool");
    expect(components.SitePowerEnvelope.__pulumiType).toBe("repower:envelope:SitePowerEnvelope");
    expect(components.NvidiaDevicePlugin.__pulumiType).toBe("repower:nvidia:NvidiaDevicePlugin");
    expect(components.GpuMonitoring.__pulumiType).toBe("repower:monitoring:GpuMonitoring");
    expect(components.GpuPowerCap.__pulumiType).toBe("repower:nvidia:GpuPowerCap");
  });
});
