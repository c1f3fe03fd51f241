/**
 * The budget policies on version 2 sites, through the real path: the site
 * program under the SDK's mocks registers the envelope ConfigMap, and the
 * policy pack, started as the engine starts it, judges it over the gRPC
 * Analyzer protocol. Substations, generation, grid steps, equipment in
 * service, itLoads, the air side of a direct-to-chip zone, transients that
 * check cooling, and one cause reported once.
 *
 * The site, worked out by hand: miners (100 × 3 kW, curtailable) in zone
 * yard on substation n; pool gpu of dgx-h100 (10.2 kW a node) in zone hall
 * on substation s; PUE 1.0 everywhere, no aux.
 */
import * as path from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnose, policyClient, type Diagnostic, type PolicyPackProcess } from "../helpers/policy-pack";
import { one, runStack } from "../helpers/program";
import { envelopeRows, validateSite } from "../../components/model";
import { ROOT, tempDir, writeStack } from "../helpers/stacks";

let pack: PolicyPackProcess;
beforeAll(async () => {
  pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
});
afterAll(async () => {
  await pack?.close();
});

type Json = Record<string, any>;

/** Two phases, p1 and p2; `nodes` in p1 (carried into p2 unless `p2` says otherwise). */
function v2Site(o: { nodes: number; substations?: boolean; edit?: (s: Json) => void }): string {
  const sub = (name: string) => (o.substations === false ? {} : { substation: name });
  const site: Json = {
    name: "v2site",
    grid: { interconnectMW: 2 },
    ...(o.substations === false
      ? {}
      : {
          substations: [
            { name: "n", voltageKV: 345, interconnectMW: 1.5 },
            { name: "s", voltageKV: 138, interconnectMW: 1 },
          ],
        }),
    feeds: [{ name: "f", voltage: 480, amperage: 3000 }],
    coolingZones: [
      { name: "yard", type: "air", capacityMW: 5, pue: 1.0, ...sub("n") },
      { name: "hall", type: "direct-to-chip", capacityMW: 5, pue: 1.0, ...sub("s") },
    ],
    mining: [{ name: "miners", wattsPerUnit: 3000, units: 100, coolingZone: "yard" }],
    gpuPools: [{ name: "gpu", sku: "dgx-h100", coolingZone: "hall", backend: { type: "static", nodeNamePrefix: "gpu-" } }],
    rollout: {
      activePhase: "p1",
      phases: [
        { name: "p1", start: "2026-03-01", gpu: { gpu: o.nodes } },
        { name: "p2", start: "2026-09-01" },
      ],
    },
  };
  o.edit?.(site);
  return stringify({ config: { "repower:site": site } });
}

async function check(text: string): Promise<Diagnostic[]> {
  const run = await runStack(writeStack(tempDir(), "v2site", text));
  return diagnose(pack, "v2site", run.resources);
}
const of = (ds: Diagnostic[], policy: string) => ds.filter((d) => d.policyName === policy).map((d) => d.message);
const mandatory = (ds: Diagnostic[]) => ds.filter((d) => d.enforcementLevel === "mandatory");

describe("the envelope ConfigMap publishes the whole v2 site", () => {
  it("pecos-yard's site.json validates to the same site: every phase's dates, grid, substations, generation and budgets", async () => {
    const run = await runStack("pecos-yard");
    const data = (one(run.resources, "kubernetes:core/v1:ConfigMap", "envelope-configmap").properties as Json).data;
    const spec = JSON.parse(data["site.json"]);
    expect(spec.substations.map((s: Json) => s.name)).toEqual(["north", "south"]);
    expect(spec.rollout.phases[2]).toMatchObject({ start: "2027-06-01", grid: { interconnectMW: 200, firmMW: 90 } });
    const r = validateSite(spec);
    expect(r.ok).toBe(true);
    if (r.ok) expect(JSON.parse(data["envelope.json"])).toEqual(JSON.parse(JSON.stringify(envelopeRows(r.site))));
    // and the pack finds nothing wrong with it
    expect(mandatory(await diagnose(pack, "pecos-yard", run.resources))).toEqual([]);
  });
});

describe("substations and generation", () => {
  it("site-power-budget: a substation's load over its own limit, with the site total within it", async () => {
    // s: 99 × 10.2 = 1,009.8 kW > 1 MW; the site: 300 + 1,009.8 kW < 2 MW. p1 and p2 (counts carry over).
    const ds = await check(v2Site({ nodes: 99 }));
    expect(of(ds, "site-power-budget")).toEqual([
      expect.stringMatching(/^phase p1: facility power of substation s's zones 1\.01 MW is over substation s's limit 1\.00 MW \(interconnect 1 MW\) by 0\.01 MW\. To fit: remove 1 node of gpu \(99 → 98\)/),
      expect.stringMatching(/^phase p2: facility power of substation s's zones 1\.01 MW/),
    ]);
    expect(mandatory(ds)).toHaveLength(2);
    expect(mandatory(await check(v2Site({ nodes: 98 })))).toEqual([]);
  });

  it("generation at the substation raises its limit; a standby source does not", async () => {
    const gen = (standby: boolean) => (s: Json) => (s.generation = [{ name: "gas", type: "gas", capacityMW: 0.1, standby, substation: "s" }]);
    expect(mandatory(await check(v2Site({ nodes: 99, edit: gen(false) })))).toEqual([]);
    expect(of(await check(v2Site({ nodes: 99, edit: gen(true) })), "site-power-budget")).toHaveLength(2);
  });

  it("firm-power-budget: a substation's firm load over its firmMW; the site's own firm limit is not checked where it equals the site limit", async () => {
    // s's firm limit 0.6 MW: 59 × 10.2 = 601.8 kW over, 58 (591.6 kW) within
    const firm = (s: Json) => (s.substations[1].firmMW = 0.6);
    const ds = await check(v2Site({ nodes: 59, edit: firm }));
    expect(of(ds, "firm-power-budget")).toEqual([
      expect.stringMatching(/^phase p1: firm \(not curtailable\) power of substation s's zones 0\.60 MW is over substation s's firm limit 0\.60 MW \(firm 0\.6 MW\)/),
      expect.stringMatching(/^phase p2: /),
    ]);
    expect(of(await check(v2Site({ nodes: 58, edit: firm })), "firm-power-budget")).toEqual([]);
  });

  it("transformer-capacity: each substation's transformers carry its own load", async () => {
    // ts: 0.95 MVA × PF 1 = 0.95 MW: 94 nodes (958.8 kW) over, 93 (948.6 kW) within; tn carries only the miners
    const t = (s: Json) =>
      (s.transformers = [
        { name: "tn", ratingMVA: 0.4, units: 1, powerFactor: 1, substation: "n" },
        { name: "ts", ratingMVA: 0.95, units: 1, powerFactor: 1, substation: "s" },
      ]);
    const ds = await check(v2Site({ nodes: 94, edit: t }));
    expect(of(ds, "transformer-capacity")).toEqual([
      expect.stringMatching(/^phase p1: facility power 0\.96 MW through substation s's transformers is over substation s's transformers' 0\.95 MW \(ts, spares held back\)/),
      expect.stringMatching(/^phase p2: /),
    ]);
    expect(mandatory(await check(v2Site({ nodes: 93, edit: t })))).toEqual([]);
  });
});

describe("phases that change the site", () => {
  it("site-power-budget: a grid step in p2 makes room that p1 does not have", async () => {
    // 300 + 99 × 10.2 = 1,309.8 kW: over 1.3 MW in p1, within 1.4 MW from p2
    const ds = await check(
      v2Site({
        nodes: 99,
        substations: false,
        edit: (s) => {
          s.grid.interconnectMW = 1.3;
          s.rollout.phases[1].grid = { interconnectMW: 1.4 };
        },
      }),
    );
    expect(of(ds, "site-power-budget")).toEqual([expect.stringMatching(/^phase p1: facility power 1\.31 MW is over the site limit 1\.30 MW \(interconnect 1\.3 MW\)/)]);
    expect(mandatory(ds)).toHaveLength(1);
  });

  it("a load behind a substation not yet in service: one violation, saying when it is", async () => {
    const later = (s: Json) => {
      s.substations[1].inService = { from: "p2" };
      s.transformers = [{ name: "ts", ratingMVA: 2, units: 1, substation: "s" }];
    };
    const ds = await check(v2Site({ nodes: 10, edit: later }));
    expect(mandatory(ds).map((d) => d.message)).toEqual([
      expect.stringMatching(/^phase p1: facility power of substation s's zones 0\.10 MW is over substation s's limit 0\.00 MW \(not in service at p1: in service from p2\)/),
    ]);
    expect(of(ds, "site-power-budget")).toHaveLength(1);
  });

  it("feed-continuous-load: a feed retired while the pool still uses it", async () => {
    const ds = await check(
      v2Site({
        nodes: 10,
        edit: (s) => {
          s.feeds[0].inService = { until: "p1" };
          s.gpuPools[0].feeds = ["f"];
        },
      }),
    );
    expect(of(ds, "feed-continuous-load")).toEqual([expect.stringMatching(/^phase p2: IT load on feed f 102\.0 kW is over feed f's continuous capacity 0\.0 kW \(not in service at p2: in service until p1\)/)]);
  });

  it("cooling-capacity: racks in a hall not yet built", async () => {
    const ds = await check(v2Site({ nodes: 10, edit: (s) => (s.coolingZones[1].inService = { from: "p2" }) }));
    expect(of(ds, "cooling-capacity")).toEqual([expect.stringMatching(/^phase p1: heat in zone hall 0\.10 MW is over zone hall's usable cooling 0\.00 MW \(not in service at p1: in service from p2\)/)]);
  });

  it("rollout-transient-budget: the transient into p2 checks cooling with p2's equipment", async () => {
    // The yard is retired after p1, but with overlap the miners still run during the transient into p2.
    const retire = (until: string) => (s: Json) => {
      s.rollout.overlap = true;
      s.rollout.phases[0].mining = { miners: 100 };
      s.rollout.phases[1].mining = { miners: 0 };
      s.coolingZones[0].inService = { until };
    };
    const ds = await check(v2Site({ nodes: 10, edit: retire("p1") }));
    expect(of(ds, "rollout-transient-budget")).toEqual([
      expect.stringMatching(/^the transient into p2 \(p1's miners beside p2's GPUs\): heat in zone yard 0\.30 MW is over zone yard's usable cooling 0\.00 MW \(not in service at p2: in service until p1\)/),
    ]);
    // Reported once, by the transient's policy; the phase end has no miners left.
    expect(mandatory(ds)).toHaveLength(1);
    expect(mandatory(await check(v2Site({ nodes: 10, edit: retire("p2") })))).toEqual([]);
  });
});

describe("itLoads and the air side", () => {
  it("an itLoad's MW count against the substation and propose lowering it", async () => {
    // 90 × 10.2 = 918 kW + 100 kW of storage = 1.018 MW > s's 1 MW
    const ds = await check(
      v2Site({
        nodes: 90,
        edit: (s) => {
          s.itLoads = [{ name: "storage", coolingZone: "hall" }];
          s.rollout.phases[0].it = { storage: 0.1 };
        },
      }),
    );
    const msgs = of(ds, "site-power-budget");
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatch(/^phase p1: facility power of substation s's zones 1\.02 MW is over substation s's limit 1\.00 MW/);
    expect(msgs[0]).toMatch(/lower itLoad storage by 0\.018 MW \(0\.1 → 0\.082 MW\)/);
  });

  it("cooling-capacity: the air part of a direct-to-chip zone's heat against its air side", async () => {
    // An air-cooled DGX puts all its heat into the room: 50 × 10.2 = 510 kW over a 0.5 MW air side, 49 (499.8 kW) within
    const air = (s: Json) => (s.coolingZones[1].air = { capacityMW: 0.5 });
    expect(of(await check(v2Site({ nodes: 50, edit: air })), "cooling-capacity")).toEqual([
      expect.stringMatching(/^phase p1: air heat in zone hall 0\.51 MW is over zone hall's usable air cooling 0\.50 MW/),
      expect.stringMatching(/^phase p2: air heat in zone hall/),
    ]);
    expect(mandatory(await check(v2Site({ nodes: 49, edit: air })))).toEqual([]);
  });
});

describe("one cause, one violation", () => {
  it("a site over its limit with firm following the interconnect fails site-power-budget only", async () => {
    const ds = await check(v2Site({ nodes: 99, substations: false, edit: (s) => (s.grid.interconnectMW = 1.3) }));
    expect(of(ds, "site-power-budget")).toHaveLength(2);
    expect(of(ds, "firm-power-budget")).toEqual([]);
    expect(mandatory(ds)).toHaveLength(2);
  });

  it("a transient and its phase end breaking the same budget are each reported once, by their own policy", async () => {
    const ds = await check(
      v2Site({
        nodes: 99,
        substations: false,
        edit: (s) => {
          s.grid.interconnectMW = 1.3;
          s.rollout.phases[1].overlap = true;
        },
      }),
    );
    expect(of(ds, "site-power-budget").map((m) => m.slice(0, 9))).toEqual(["phase p1:", "phase p2:"]);
    expect(of(ds, "rollout-transient-budget")).toEqual([expect.stringMatching(/^the transient into p2 /)]);
  });
});
