/**
 * headroom-advisory over the real gRPC Analyzer path: a rack-scale pool's
 * room is given in whole racks (contract, "Arithmetic": whole racks only).
 */
import * as path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, expect, it } from "vitest";
import { diagnose, policyClient, type PolicyPackProcess } from "../helpers/policy-pack";
import { runStack } from "../helpers/program";
import { ROOT, tempDir, writeStack } from "../helpers/stacks";

let pack: PolicyPackProcess;
beforeAll(async () => {
  pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
});
afterAll(async () => {
  await pack?.close();
});

it("a rack-scale pool's room is whole racks: 29 more trays fit, 18 of them (1 rack) are usable", async () => {
  // 40 NVL72 racks: 720 × 6.667 + 40 × 12 = 5,280.24 kW against 5.5 MW (96.0 %): 219.76 kW of room.
  // One more rack is 132.006 kW; 11 trays beyond it need a 42nd rack: 132.006 + 11 × 6.667 + 12 = 217.343 fits, 12 do not.
  const site = {
    name: "nvl-room",
    grid: { interconnectMW: 5.5 },
    coolingZones: [{ name: "hall", type: "direct-to-chip", capacityMW: 20, pue: 1.0, maxRackKW: 200 }],
    gpuPools: [{ name: "nvl", sku: "gb200-nvl72", coolingZone: "hall", curtailable: true, backend: { type: "static", nodeNamePrefix: "nvl-" } }],
    rollout: { activePhase: "p1", phases: [{ name: "p1", gpu: { nvl: 720 } }] },
  };
  const run = await runStack(writeStack(tempDir(), "nvl-room", stringify({ config: { "repower:site": site } })));
  const ds = (await diagnose(pack, "nvl-room", run.resources)).filter((d) => d.policyName === "headroom-advisory");
  expect(ds.map((d) => d.message)).toEqual([
    "phase p1: facility power 5.28 MW is 96.0 % of the site limit 5.50 MW (interconnect 5.5 MW). Still fits: 18 more nvl (1 whole rack).",
  ]);
});
