/**
 * The phase-to-phase load diff, worked out by hand from the catalog's
 * figures: antminer-s21 3,500 W a unit, antminer-s19-xp 3,010 W, dgx-h100
 * 10.2 kW a node (no rack overhead), dgx-b200 14.3 kW a node with eight
 * 1,000 W GPUs (capped at 850 W: 14.3 − 8 × 0.15 = 13.1 kW).
 */
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadStackFile, phaseDiff } from "../../components/model";
import { baseSpec, edited, siteOf } from "../helpers/sites";
import { ROOT } from "../helpers/stacks";

const pecos = () => loadStackFile(path.join(ROOT, "stacks", "Pulumi.pecos-yard.yaml")).site;

describe("phaseDiff on pecos-yard", () => {
  it("phase-1 against the fleet before the rollout: 8,000 S19 XPs retired, 512 H100 nodes and fabric-a's 0.3 MW added", () => {
    const d = phaseDiff(pecos(), "phase-1");
    expect(d.from).toBe("before-rollout");
    // yard-south 14,000 → 6,000 units × 3.01 kW = 24.08 MW
    expect(d.mining).toHaveLength(1);
    expect(d.mining[0]).toMatchObject({ model: "antminer-s19-xp", blocks: ["yard-south"], retiredUnits: 8000, addedUnits: 0, addedMW: 0 });
    expect(d.mining[0].retiredMW).toBeCloseTo(24.08, 9);
    // h100-a 0 → 512 nodes × 10.2 kW = 5.2224 MW in hall-a
    expect(d.gpu).toHaveLength(1);
    expect(d.gpu[0]).toMatchObject({ zone: "hall-a", pools: ["h100-a"], addedNodes: 512, removedNodes: 0, removedMW: 0 });
    expect(d.gpu[0].addedMW).toBeCloseTo(5.2224, 9);
    expect(d.it).toEqual([{ name: "fabric-a", zone: "hall-a", fromMW: 0, toMW: 0.3 }]);
    expect(d.cloud).toEqual([]);
    expect(d.retiredItMW).toBeCloseTo(24.08, 9);
    expect(d.addedItMW).toBeCloseTo(5.2224 + 0.3, 9);
    expect(d.loads.map((l) => `${l.kind}/${l.name} ${l.from}→${l.to}`)).toEqual([
      "mining/yard-south 14000→6000",
      "gpu/h100-a 0→512",
      "it/fabric-a 0→0.3",
    ]);
  });

  it("phase-2: the last 6,000 S19 XPs (18.06 MW) off, 1,024 more H100 nodes (10.4448 MW) in hall-a; yard-north unchanged", () => {
    const d = phaseDiff(pecos(), "phase-2");
    expect(d.from).toBe("phase-1");
    expect(d.mining.map((m) => m.model)).toEqual(["antminer-s19-xp"]);
    expect(d.mining[0].retiredMW).toBeCloseTo(18.06, 9);
    expect(d.gpu[0].addedNodes).toBe(1024);
    expect(d.gpu[0].addedMW).toBeCloseTo(10.4448, 9);
    expect(d.it).toEqual([]); // fabric-a carries over at 0.3 MW
  });

  it("phase-3, the grid step: half the S21s (28 MW) retired, hall-b's 1,600 capped B200 nodes (20.96 MW) added", () => {
    const d = phaseDiff(pecos(), 2);
    expect(d.mining).toHaveLength(1);
    expect(d.mining[0]).toMatchObject({ model: "antminer-s21", retiredUnits: 8000 });
    expect(d.mining[0].retiredMW).toBeCloseTo(28, 9); // 8,000 × 3.5 kW
    expect(d.gpu).toHaveLength(1);
    expect(d.gpu[0]).toMatchObject({ zone: "hall-b", pools: ["b200-b"], addedNodes: 1600 });
    expect(d.gpu[0].addedMW).toBeCloseTo(20.96, 9); // 1,600 × 13.1 kW
  });
});

describe("phaseDiff by hand on small sites", () => {
  it("groups miners by ASIC model and GPU IT by cooling zone, keeps additions and retirements apart", () => {
    const site = siteOf(
      edited(baseSpec(), (s) => {
        s.mining = [
          { name: "m1", model: "antminer-s21", units: 1000, coolingZone: "yard" },
          { name: "m2", model: "antminer-s21", units: 800, coolingZone: "yard" },
          { name: "m3", wattsPerUnit: 2000, units: 100, coolingZone: "yard" },
        ];
        s.gpuPools.push({ name: "h100-2", sku: "dgx-h100", nodesPerRack: 2, rackOverheadKW: 1.5, coolingZone: "hall", feeds: ["a", "b"], backend: { type: "static", nodeNamePrefix: "h2-" } });
        s.rollout.phases = [
          { name: "p1", mining: { m1: 600, m2: 200 }, gpu: { h100: 10, "h100-2": 3 } },
          { name: "p2", mining: { m2: 500, m3: 0 }, gpu: { h100: 4 } },
        ];
      }),
    );
    const p1 = phaseDiff(site, "p1");
    // m1: 400 and m2: 600 S21s, one model: 1,000 × 3.5 kW = 3.5 MW retired; m3 unchanged
    expect(p1.mining).toEqual([{ model: "antminer-s21", blocks: ["m1", "m2"], retiredUnits: 1000, retiredMW: expect.closeTo(3.5, 9), addedUnits: 0, addedMW: 0 }]);
    // h100: 10 × 10.2 = 102 kW; h100-2: 3 × 10.2 + 2 racks × 1.5 = 33.6 kW; one zone
    expect(p1.gpu).toHaveLength(1);
    expect(p1.gpu[0]).toMatchObject({ zone: "hall", pools: ["h100", "h100-2"], addedNodes: 13, removedNodes: 0 });
    expect(p1.gpu[0].addedMW).toBeCloseTo(0.1356, 9);

    const p2 = phaseDiff(site, "p2");
    // m2: +300 × 3.5 kW = 1.05 MW added; m3 (no model): 100 × 2 kW = 0.2 MW retired
    expect(p2.mining).toEqual([
      { model: "antminer-s21", blocks: ["m2"], retiredUnits: 0, retiredMW: 0, addedUnits: 300, addedMW: expect.closeTo(1.05, 9) },
      { model: "m3", blocks: ["m3"], retiredUnits: 100, retiredMW: expect.closeTo(0.2, 9), addedUnits: 0, addedMW: 0 },
    ]);
    // h100: 10 → 4 nodes, 61.2 kW removed
    expect(p2.gpu[0]).toMatchObject({ zone: "hall", pools: ["h100"], addedNodes: 0, addedMW: 0, removedNodes: 6 });
    expect(p2.gpu[0].removedMW).toBeCloseTo(0.0612, 9);
    expect(p2.retiredItMW).toBeCloseTo(0.2 + 0.0612, 9);
    expect(p2.addedItMW).toBeCloseTo(1.05, 9);
  });

  it("counts a pool's rack overhead by whole racks, as the budgets do", () => {
    const site = siteOf(
      edited(baseSpec(), (s) => {
        s.gpuPools[0].nodesPerRack = 4;
        s.gpuPools[0].rackOverheadKW = 2;
        s.rollout.phases = [{ name: "p1", gpu: { h100: 5 } }];
      }),
    );
    // 5 × 10.2 + ceil(5 / 4) = 2 racks × 2 kW = 55 kW
    expect(phaseDiff(site, "p1").gpu[0].addedMW).toBeCloseTo(0.055, 9);
  });

  it("a cloud pool's nodes are listed with no MW; a phase that changes nothing has an empty diff", () => {
    const site = siteOf(
      edited(baseSpec(), (s) => {
        s.cluster = { type: "eks", kubernetesVersion: "1.33", subnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], remoteNodeCIDRs: ["10.80.0.0/16"], remotePodCIDRs: ["10.90.0.0/16"] };
        s.gpuPools.push({ name: "burst", sku: "dgx-h100", placement: "cloud", backend: { type: "eks-managed", instanceType: "p5.48xlarge" } });
        s.rollout.phases = [
          { name: "p1", mining: { block: 500 }, gpu: { h100: 100, burst: 8 } },
          { name: "p2" },
        ];
      }),
    );
    const p1 = phaseDiff(site, "p1");
    expect(p1.cloud).toEqual([{ pool: "burst", from: 0, to: 8 }]);
    expect(p1.gpu.map((g) => g.pools)).toEqual([["h100"]]);
    expect(p1.addedItMW).toBeCloseTo(1.02, 9); // 100 × 10.2 kW; the cloud nodes add nothing
    expect(p1.retiredItMW).toBeCloseTo(1.75, 9); // 500 × 3.5 kW
    const p2 = phaseDiff(site, "p2");
    expect(p2).toEqual({ phase: "p2", from: "p1", loads: [], mining: [], gpu: [], it: [], cloud: [], retiredItMW: 0, addedItMW: 0 });
  });
});
