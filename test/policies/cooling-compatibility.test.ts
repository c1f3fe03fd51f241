/**
 * cooling-compatibility over the real gRPC Analyzer path: the pack started as
 * the engine starts it, the resources the site program registers under mocks.
 * Each rule: a stack that breaks it, with the message worked out by hand, and
 * the nearest stack that keeps it silent.
 */
import * as path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose, policyClient, type Diagnostic, type PolicyPackProcess } from "../helpers/policy-pack";
import { runStack, type RegisteredResource } from "../helpers/program";
import { ROOT, tempDir, writeStack } from "../helpers/stacks";

let pack: PolicyPackProcess;
beforeAll(async () => {
  pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
});
afterAll(async () => {
  await pack?.close();
});

const POLICY = "cooling-compatibility";

interface Options {
  sku?: string;
  poolZone?: string;
  nodes?: number;
  miner?: { model?: string; wattsPerUnit?: number };
  minerZone?: string;
  overlap?: boolean;
}

/**
 * Zones of every type but rear-door, a pool and a mining block, roomy
 * enough that no budget breaks (so only the zone's type is in question).
 */
function stackText(o: Options = {}): string {
  const zone = (name: string, type: string, extra: Record<string, unknown> = {}) => ({ name, type, capacityMW: 20, pue: 1.1, ...extra });
  const site = {
    name: "compat",
    grid: { interconnectMW: 100 },
    coolingZones: [zone("yard", "air"), zone("hall", "direct-to-chip"), zone("tank", "immersion"), zone("hyd", "hydro")],
    mining: [{ name: "block", ...(o.miner ?? { model: "antminer-s21" }), units: 100, coolingZone: o.minerZone ?? "yard" }],
    gpuPools: [{ name: "nvl", sku: o.sku ?? "gb200-nvl72", coolingZone: o.poolZone ?? "hall", backend: { type: "static", nodeNamePrefix: "nvl-" } }],
    rollout: o.overlap
      ? {
          activePhase: "p2",
          overlap: true,
          phases: [
            { name: "p1", mining: { block: 100 }, gpu: { nvl: 0 } },
            { name: "p2", mining: { block: 0 }, gpu: { nvl: o.nodes ?? 18 } },
          ],
        }
      : { activePhase: "p1", phases: [{ name: "p1", mining: { block: 100 }, gpu: { nvl: o.nodes ?? 18 } }] },
  };
  return stringify({ config: { "repower:site": site } });
}

async function check(o: Options, tamper?: (rs: RegisteredResource[]) => void): Promise<Diagnostic[]> {
  const run = await runStack(writeStack(tempDir(), "compat", stackText(o)));
  tamper?.(run.resources);
  return (await diagnose(pack, "compat", run.resources)).filter((d) => d.policyName === POLICY);
}
const messages = (ds: Diagnostic[]) => ds.map((d) => d.message);

describe("cooling-compatibility over gRPC", () => {
  it("is in the pack, mandatory", async () => {
    const info = await pack.info();
    expect(info.policies.find((p) => p.name === POLICY)?.enforcementLevel).toBe("mandatory");
  });

  it("a liquid-cooled NVL72 in an air zone fails; in a direct-to-chip or immersion zone it passes", async () => {
    const ds = await check({ poolZone: "yard" });
    expect(ds.map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
    expect(messages(ds)).toEqual([
      "phase p1: pool nvl (gb200-nvl72, liquid-cooled) runs 18 nodes in zone yard (air); it needs liquid cooling (a direct-to-chip or immersion zone). " +
        "To fit: move nvl to zone hall (direct-to-chip); or move nvl to zone tank (immersion).",
    ]);
    expect(await check({ poolZone: "hall" })).toEqual([]);
    expect(await check({ poolZone: "tank" })).toEqual([]);
  });

  it("an air-cooled DGX is not judged in an air zone", async () => {
    expect(await check({ sku: "dgx-h100", poolZone: "yard", nodes: 4 })).toEqual([]);
  });

  it("a hydro miner outside a hydro zone fails; an air miner in a hydro zone fails; a block given by wattsPerUnit is not judged", async () => {
    expect(messages(await check({ miner: { model: "antminer-s21-hyd" }, minerZone: "yard" }))).toEqual([
      "phase p1: mining block block (antminer-s21-hyd, hydro-cooled) runs 100 units in zone yard (air); it needs a hydro zone. To fit: move block to zone hyd (hydro).",
    ]);
    expect(await check({ miner: { model: "antminer-s21-hyd" }, minerZone: "hyd" })).toEqual([]);
    expect(messages(await check({ minerZone: "hyd" }))).toEqual([
      "phase p1: mining block block (antminer-s21, air-cooled) runs 100 units in zone hyd (hydro); it needs air cooling (not a hydro zone). " +
        "To fit: move block to zone yard (air); or move block to zone hall (direct-to-chip); or move block to zone tank (immersion).",
    ]);
    expect(await check({ miner: { wattsPerUnit: 3500 }, minerZone: "hyd" })).toEqual([]);
  });

  it("with overlap, a transient where the load runs is judged and reported in its phase, once per moment", async () => {
    // The air miners in the hydro zone run 100 units before the rollout (not checked), at the
    // transient into p1 (max(100, 100)) and at p1's end; at the transient into p2 (max(100, 0)); not at p2's end.
    const ds = await check({ minerZone: "hyd", overlap: true });
    expect(messages(ds).map((m) => m.replace(/ runs .*/, ""))).toEqual([
      "the transient into p1 (the fleet before the rollout beside p1's GPUs): mining block block (antminer-s21, air-cooled)",
      "phase p1: mining block block (antminer-s21, air-cooled)",
      "the transient into p2 (p1's miners beside p2's GPUs): mining block block (antminer-s21, air-cooled)",
    ]);
  });

  it("an envelope that cannot be evaluated fails the pack once, not once per policy", async () => {
    const run = await runStack(writeStack(tempDir(), "compat", stackText({ poolZone: "yard" })));
    const cm = run.resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.properties as any).metadata?.name === "repower-site-envelope")!;
    (cm.properties as any).data["site.json"] = "{ not json";
    const ds = (await diagnose(pack, "compat", run.resources)).filter((d) => d.enforcementLevel === "mandatory");
    // One cause, one violation: the pack fails, reported by site-power-budget; cooling-compatibility does not repeat it.
    expect(ds.map((d) => d.policyName)).toEqual(["site-power-budget"]);
    expect(ds[0].message).toMatch(/cannot be checked: .*site\.json is not JSON/);
  });
});
