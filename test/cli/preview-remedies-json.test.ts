/**
 * `repower preview --json` carries each budget violation's `budget` and
 * `remedies` (contract v2, "Offline preview"), run as a user runs it.
 */
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { repower } from "../helpers/cli";
import { tempDir, writeStack } from "../helpers/stacks";

describe("preview --json: budget and remedies", () => {
  it("a site 9.8 kW over its limit: the budget, and the three remedies worked out by hand", () => {
    // 100 miners × 3 kW + 99 × 10.2 kW = 1,309.8 kW against 1.3 MW (PUE 1.0)
    const site = {
      name: "over",
      grid: { interconnectMW: 1.3 },
      coolingZones: [
        { name: "yard", type: "air", capacityMW: 5, pue: 1.0 },
        { name: "hall", type: "direct-to-chip", capacityMW: 5, pue: 1.0 },
      ],
      mining: [{ name: "miners", wattsPerUnit: 3000, units: 100, coolingZone: "yard" }],
      gpuPools: [{ name: "gpu", sku: "dgx-h100", coolingZone: "hall", curtailable: true, backend: { type: "static", nodeNamePrefix: "gpu-" } }],
      rollout: { activePhase: "p1", phases: [{ name: "p1", mining: { miners: 100 }, gpu: { gpu: 99 } }] },
    };
    const file = writeStack(tempDir(), "over", stringify({ config: { "repower:site": site } }));
    const r = repower(["preview", "--config-file", file, "--json"]);
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    const v = report.violations.find((x: { policy: string }) => x.policy === "site-power-budget");
    expect(v).toMatchObject({
      phase: "p1",
      transient: false,
      budget: { kind: "site", name: "site", used: 1.3098, limit: 1.3, unit: "MW" },
      // each watt off the cap saves 99 × 8 W: 9.8 kW / 0.792 kW → 13 W → 687 W
      remedies: ["remove 1 node of gpu (99 → 98)", "run 4 fewer miners of miners (100 → 96)", "cap gpu at 687 W per GPU"],
    });
    // Not a budget: no budget, no remedies.
    for (const x of report.violations.filter((y: { policy: string }) => y.policy === "headroom-advisory")) expect(x.budget).toBeUndefined();
  });
});
