/**
 * The policy pack, started exactly as the Pulumi engine starts it and driven
 * over the gRPC Analyzer protocol with the resources the real program
 * registers under mocks. Each policy: a stack that makes it fire with the
 * expected message, and the nearest stack that keeps it silent.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boundarySite, type BoundaryOptions } from "../helpers/boundary-site";
import { diagnose, policyClient, type Diagnostic, type PolicyPackProcess } from "../helpers/policy-pack";
import { ofType, runStack, type RegisteredResource } from "../helpers/program";
import { ROOT, tempDir, writeStack } from "../helpers/stacks";

let pack: PolicyPackProcess;
beforeAll(async () => {
  pack = await policyClient.PolicyPackProcess.start(path.join(ROOT, "policies"));
});
afterAll(async () => {
  await pack?.close();
});

async function resourcesOf(text: string, stack = "boundary"): Promise<RegisteredResource[]> {
  return (await runStack(writeStack(tempDir(), stack, text))).resources;
}
async function check(text: string, tamper?: (rs: RegisteredResource[]) => RegisteredResource[] | void, stack = "boundary"): Promise<Diagnostic[]> {
  let rs = await resourcesOf(text, stack);
  rs = tamper?.(rs) ?? rs;
  return diagnose(pack, stack, rs);
}
const site = (o: BoundaryOptions) => boundarySite(o);
const of = (ds: Diagnostic[], policy: string) => ds.filter((d) => d.policyName === policy);
const mandatory = (ds: Diagnostic[]) => ds.filter((d) => d.enforcementLevel === "mandatory");

const CONTRACT: [string, string][] = [
  ["site-power-budget", "mandatory"],
  ["firm-power-budget", "mandatory"],
  ["transformer-capacity", "mandatory"],
  ["feed-continuous-load", "mandatory"],
  ["cooling-capacity", "mandatory"],
  ["cooling-compatibility", "mandatory"],
  ["rack-density", "mandatory"],
  ["rollout-transient-budget", "mandatory"],
  ["power-cap-range", "mandatory"],
  ["device-plugin-config-valid", "mandatory"],
  ["gpu-monitoring-present", "mandatory"],
  ["pool-matches-spec", "mandatory"],
  ["headroom-advisory", "advisory"],
];

describe("GetAnalyzerInfo", () => {
  it("lists every contract policy at its level, each with a description and remediation", async () => {
    const info = await pack.info();
    expect(info.name).toBe("repower");
    expect(info.policies.map((p) => [p.name, p.enforcementLevel]).sort()).toEqual([...CONTRACT].sort());
    for (const p of info.policies) {
      expect(p.description.length).toBeGreaterThan(20);
      expect(p.remediationSteps.length).toBeGreaterThan(20);
    }
    expect(info.policies.find((p) => p.name === "headroom-advisory")!.configSchema).toMatchObject({ thresholdPercent: { type: "number" } });
  });
});

describe("the examples pass", () => {
  for (const stack of ["pecos-yard", "red-hills", "prairie-burst"]) {
    it(stack, async () => {
      const run = await runStack(stack);
      const ds = await diagnose(pack, stack, run.resources);
      expect(mandatory(ds), JSON.stringify(ds, null, 1)).toEqual([]);
    });
  }
});

describe("each budget policy fires at the boundary, and is silent one step inside it", () => {
  it("site-power-budget: 99 nodes break 1.3 MW, 98 fit", async () => {
    const over = of(await check(site({ interconnectMW: 1.3, nodes: 99 })), "site-power-budget");
    expect(over).toHaveLength(1);
    expect(over[0].message).toMatch(/^phase p1: facility power 1\.31 MW is over the site limit 1\.30 MW \(interconnect 1\.3 MW\) by 0\.01 MW\. To fit: remove 1 node of gpu \(99 → 98\)/);
    // 9.8 kW over; each watt off the cap saves 99 × 8 W = 0.792 kW: 13 W off → 687 W
    expect(over[0].message).toMatch(/cap gpu at 687 W per GPU/);
    expect(over[0].message).toMatch(/run 4 fewer miners of miners \(100 → 96\)/);
    expect(of(await check(site({ interconnectMW: 1.3, nodes: 98 })), "site-power-budget")).toEqual([]);
  });

  it("firm-power-budget: only firm load counts (the miners are curtailable)", async () => {
    const over = of(await check(site({ firmMW: 1.0, nodes: 99 })), "firm-power-budget");
    expect(over).toHaveLength(1);
    expect(over[0].message).toMatch(/^phase p1: firm \(not curtailable\) power 1\.01 MW is over the firm limit 1\.00 MW/);
    expect(of(await check(site({ firmMW: 1.0, nodes: 98 })), "firm-power-budget")).toEqual([]);
  });

  it("transformer-capacity: N+1 holds a unit back; one unit more makes it fit", async () => {
    const t = (units: number) => [{ name: "t1", ratingMVA: 1.3, units, redundancy: "N+1", powerFactor: 1 }];
    const over = of(await check(site({ transformers: t(2), nodes: 99 })), "transformer-capacity");
    expect(over).toHaveLength(1);
    expect(over[0].message).toMatch(/facility power 1\.31 MW through the transformers is over the transformers' 1\.30 MW/);
    expect(of(await check(site({ transformers: t(2), nodes: 98 })), "transformer-capacity")).toEqual([]);
    expect(of(await check(site({ transformers: t(3), nodes: 99 })), "transformer-capacity")).toEqual([]);
  });

  it("feed-continuous-load: each of the A/B feeds carries the whole pool", async () => {
    // 480 V × 1583 A × √3 × 0.8 × 0.95 = 1,000.2 kW
    const feeds = [
      { name: "a", voltage: 480, amperage: 1583 },
      { name: "b", voltage: 480, amperage: 1583 },
    ];
    const over = of(await check(site({ feeds, poolFeeds: ["a", "b"], nodes: 99 })), "feed-continuous-load");
    expect(over.map((d) => d.message.match(/feed (\w)/)![1]).sort()).toEqual(["a", "b"]);
    expect(over[0].message).toMatch(/IT load on feed a 1009\.8 kW is over feed a's continuous capacity 1000\.2 kW/);
    expect(of(await check(site({ feeds, poolFeeds: ["a", "b"], nodes: 98 })), "feed-continuous-load")).toEqual([]);
  });

  it("cooling-capacity: N+1 of 6 units; a seventh unit makes it fit", async () => {
    const hall = (units: number) => ({ capacityMW: 0.2 * units, units, redundancy: "N+1" });
    const over = of(await check(site({ hall: hall(6), nodes: 99 })), "cooling-capacity");
    expect(over).toHaveLength(1);
    expect(over[0].message).toMatch(/^phase p1: heat in zone hall 1\.01 MW is over zone hall's usable cooling 1\.00 MW.*remove 1 node of gpu \(99 → 98\)/);
    expect(of(await check(site({ hall: hall(6), nodes: 98 })), "cooling-capacity")).toEqual([]);
    expect(of(await check(site({ hall: hall(7), nodes: 99 })), "cooling-capacity")).toEqual([]);
  });

  it("rack-density: 4 × 10.2 kW against 40.7 and 40.8 kW a rack", async () => {
    const over = of(await check(site({ hall: { maxRackKW: 40.7 }, nodesPerRack: 4 })), "rack-density");
    expect(over).toHaveLength(1);
    expect(over[0].message).toMatch(/a full rack of pool gpu at 40\.8 kW is over its zone's 40\.7 kW a rack\. To fit: set nodesPerRack of gpu to 3 \(from 4\); or cap gpu at 696 W per GPU/);
    // 0.1 kW over a rack of 32 GPUs: 4 W off each → 696 W
    expect(of(await check(site({ hall: { maxRackKW: 40.8 }, nodesPerRack: 4 })), "rack-density")).toEqual([]);
  });

  it("rollout-transient-budget: the new GPUs beside the last phase's miners", async () => {
    const ds = await check(site({ overlap: true, interconnectMW: 1.3, nodes: 99 }));
    const over = of(ds, "rollout-transient-budget");
    expect(over).toHaveLength(1);
    expect(over[0].message).toMatch(/^the transient into p2 \(p1's miners beside p2's GPUs\): facility power 1\.31 MW is over the site limit 1\.30 MW/);
    expect(over[0].message).toMatch(/set overlap: false/);
    // The phase itself fits: its miners are gone.
    expect(of(ds, "site-power-budget")).toEqual([]);
    expect(of(await check(site({ overlap: true, interconnectMW: 1.3, nodes: 98 })), "rollout-transient-budget")).toEqual([]);
    expect(of(await check(site({ overlap: false, interconnectMW: 1.3, nodes: 99, miners: 0 })), "rollout-transient-budget")).toEqual([]);
  });
});

describe("the other policies", () => {
  it("power-cap-range: 199 W is below the H100's 200 W; 200 W is in range", async () => {
    const ds = await check(site({ powerCapWatts: 199 }));
    expect(of(ds, "power-cap-range").map((d) => d.message)).toEqual([
      "pool gpu: powerCapWatts 199 W is outside dgx-h100's range 200–700 W. Set powerCapWatts to 200 W (the nearest cap in range, which the budgets already count); a cap the driver rejects leaves the GPUs at full power.",
    ]);
    // One cause, one violation: the DaemonSet applies the spec's own (wrong) value, which is not drift.
    expect(of(ds, "pool-matches-spec")).toEqual([]);
    const ok = await check(site({ powerCapWatts: 200 }));
    expect(of(ok, "power-cap-range")).toEqual([]);
    expect(of(ok, "pool-matches-spec")).toEqual([]);
  });

  it("pool-matches-spec: a planned cap with no DaemonSet enforcing it, or one edited above the plan, fails", async () => {
    const missing = of(await check(site({ powerCapWatts: 500 }), (rs) => rs.filter((r) => r.type !== "kubernetes:apps/v1:DaemonSet")), "pool-matches-spec");
    expect(missing.map((d) => d.message)).toEqual(["pool gpu: the budgets assume a 500 W cap per GPU, but no power-cap DaemonSet enforces it on the pool's nodes."]);
    const raised = of(
      await check(site({ powerCapWatts: 500 }), (rs) => {
        const ds = rs.find((r) => r.type === "kubernetes:apps/v1:DaemonSet")!;
        (ds.properties as any).spec.template.spec.containers[0].env[0].value = "650";
      }),
      "pool-matches-spec",
    );
    expect(raised.map((d) => d.message)).toEqual(["DaemonSet boundary-power-cap-gpu caps pool gpu at 650 W per GPU, not the 500 W the budgets were checked at. Set it to 500 W, or plan the new cap in repower:site."]);
  });

  it("device-plugin-config-valid: a release edited to 1 replica fails at Analyze; the program's config passes", async () => {
    const text = site({ devicePlugin: { sharing: "time-slicing", replicas: 2 } });
    expect(of(await check(text), "device-plugin-config-valid")).toEqual([]);
    const over = of(
      await check(text, (rs) => {
        const rel = rs.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && (r.properties as any).chart === "nvidia-device-plugin")!;
        const values = (rel.properties as any).values;
        values.config.map.gpu = values.config.map.gpu.replace("replicas: 2", "replicas: 1");
      }),
      "device-plugin-config-valid",
    );
    expect(over).toHaveLength(1);
    expect(over[0].message).toMatch(/config gpu: sharing\.timeSlicing\.resources\[0\]\.replicas must be a whole number of at least 2, found 1/);
    expect(over[0].urn).toMatch(/helm\.sh\/v3:Release::boundary-device-plugin-release$/);
  });

  it("gpu-monitoring-present: GPU nodes without the ServiceMonitor or the alerts fail", async () => {
    expect(of(await check(site({})), "gpu-monitoring-present")).toEqual([]);
    const noMonitor = of(await check(site({}), (rs) => rs.filter((r) => !r.type.endsWith(":ServiceMonitor"))), "gpu-monitoring-present");
    expect(noMonitor.map((d) => d.message)).toEqual(["10 on-site GPU nodes (gpu) in phase p1 run without DCGM scraping: no ServiceMonitor selects dcgm-exporter."]);
    const noRules = of(await check(site({}), (rs) => rs.filter((r) => !r.type.endsWith(":PrometheusRule"))), "gpu-monitoring-present");
    expect(noRules.map((d) => d.message)).toEqual([
      '10 on-site GPU nodes (gpu) in phase p1 run without the RepowerSitePowerOverBudget alert for site boundary as the envelope of phase p1 requires: expected repower:site_facility_power_mw{site="boundary"} > 5.',
      '10 on-site GPU nodes (gpu) in phase p1 run without the RepowerSitePowerNearBudget alert for site boundary as the envelope of phase p1 requires: expected repower:site_facility_power_mw{site="boundary"} > a value below 5.',
      '10 on-site GPU nodes (gpu) in phase p1 run without the RepowerFirmPowerOverBudget alert for site boundary as the envelope of phase p1 requires: expected repower:site_firm_power_mw{site="boundary"} > 5.',
      '10 on-site GPU nodes (gpu) in phase p1 run without the RepowerGpuTelemetryMissing alert for site boundary as the envelope of phase p1 requires: expected absent(repower:pool_gpu_count{site="boundary"}).',
    ]);
    // No GPU nodes in the phase: nothing to monitor.
    expect(of(await check(site({ nodes: 0 }), (rs) => rs.filter((r) => !r.type.endsWith(":ServiceMonitor"))), "gpu-monitoring-present")).toEqual([]);
  });

  it("headroom-advisory: above 90 % is advised, at or below is not; the threshold is configurable", async () => {
    // 300 + 86 × 10.2 = 1,177.2 kW of 1,300 = 90.6 %; 85 nodes = 89.8 %
    const near = of(await check(site({ interconnectMW: 1.3, nodes: 86 })), "headroom-advisory");
    expect(near).toHaveLength(1);
    expect(near[0].enforcementLevel).toBe("advisory");
    expect(near[0].message).toMatch(/^phase p1: facility power 1\.18 MW is 90\.6 % of the site limit 1\.30 MW.*Still fits: 12 more gpu\./);
    expect(of(await check(site({ interconnectMW: 1.3, nodes: 85 })), "headroom-advisory")).toEqual([]);
    await pack.configure({ "headroom-advisory": { thresholdPercent: 95 } });
    try {
      expect(of(await check(site({ interconnectMW: 1.3, nodes: 86 })), "headroom-advisory")).toEqual([]);
    } finally {
      await pack.configure({});
    }
  });
});

describe("pool-matches-spec and tampering", () => {
  const edit = (type: string, f: (p: any) => void) => (rs: RegisteredResource[]) => {
    const targets = ofType(rs, type);
    expect(targets.length).toBeGreaterThan(0);
    for (const r of targets) f(r.properties);
  };

  it("a NodeFeatureRule naming one node more than the phase states fails; the program's does not", async () => {
    expect(of(await check(site({ nodes: 10 })), "pool-matches-spec")).toEqual([]);
    const over = of(
      await check(site({ nodes: 10 }), edit("kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule", (p) => p.spec.rules[0].matchFeatures[0].matchExpressions.nodename.value.push("gpu-0011"))),
      "pool-matches-spec",
    );
    expect(over).toHaveLength(1);
    expect(over[0].message).toBe(
      "pool gpu: NodeFeatureRule naming 11 nodes (boundary-gpu-nodes) admits 11 nodes, 1 more than the 10 phase p1 states. Set it back to 10, or raise gpu.gpu in phase p1 so every budget is checked for 11.",
    );
    expect(over[0].urn).toMatch(/NodeFeatureRule::boundary-gpu-nodes$/);
  });

  it("a hand-edited node group maxSize and SSM activation limit are caught", async () => {
    const ng = of(await check(await import("node:fs").then((fs) => fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prairie-burst.yaml"), "utf8")), edit("aws:eks/nodeGroup:NodeGroup", (p) => (p.scalingConfig.maxSize = 12)), "prairie-burst"), "pool-matches-spec");
    expect(ng.map((d) => d.message)).toEqual([expect.stringMatching(/^pool burst-p5: node group maxSize 12 \(prairie-burst-burst-p5-nodegroup\) admits 12 nodes, 4 more than the 8 phase phase-1 states/)]);
    const act = of(await check(await import("node:fs").then((fs) => fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prairie-burst.yaml"), "utf8")), edit("aws:ssm/activation:Activation", (p) => (p.registrationLimit = 257)), "prairie-burst"), "pool-matches-spec");
    expect(act.map((d) => d.message)).toEqual([expect.stringMatching(/^pool h200-c: SSM activation registrationLimit 257 .* admits 257 nodes, 1 more than the 256 phase phase-1 states/)]);
  });

  it("a NodeFeatureRule admitting more nodes than the budgets were checked for is caught, though the budgets hold at the spec's counts", async () => {
    const ds = await check(
      site({ interconnectMW: 1.3, nodes: 98 }),
      edit("kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule", (p) => p.spec.rules[0].matchFeatures[0].matchExpressions.nodename.value.push("gpu-0099")),
    );
    expect(of(ds, "pool-matches-spec").map((d) => d.message)).toEqual([expect.stringMatching(/^pool gpu: NodeFeatureRule naming 99 nodes .* admits 99 nodes, 1 more than the 98 phase p1 states/)]);
  });

  it("a node group labelled with an unknown SKU fails closed", async () => {
    const text = await import("node:fs").then((fs) => fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.prairie-burst.yaml"), "utf8"));
    const ds = of(await check(text, edit("aws:eks/nodeGroup:NodeGroup", (p) => (p.labels["repower.io/sku"] = "dgx-z900")), "prairie-burst"), "pool-matches-spec");
    expect(ds.map((d) => d.message)).toEqual([expect.stringMatching(/labels its nodes with SKU "dgx-z900", which the catalog does not know/)]);
  });
});

describe("fail closed", () => {
  const ENVELOPE_POLICIES = CONTRACT.filter(([n, l]) => l === "mandatory" && n !== "device-plugin-config-valid").map(([n]) => n);
  const isEnvelope = (r: RegisteredResource) => r.type === "kubernetes:core/v1:ConfigMap" && (r.properties as any).metadata?.name === "repower-site-envelope";

  it("a deleted envelope ConfigMap is one mandatory violation (site-power-budget's, in stack analysis), never a pass", async () => {
    const ds = await check(site({}), (rs) => rs.filter((r) => !isEnvelope(r)));
    expect(mandatory(ds).map((d) => d.policyName)).toEqual(["site-power-budget"]);
    expect(mandatory(ds)[0].message).toMatch(/^the site's budgets cannot be checked: no repower-site-envelope ConfigMap among the stack's \d+ resources/);
    expect(ENVELOPE_POLICIES).toContain(mandatory(ds)[0].policyName);
  });

  it("a garbled envelope is a mandatory violation that says what is wrong", async () => {
    const ds = await check(site({}), (rs) => {
      (rs.find(isEnvelope)!.properties as any).data["site.json"] = "{ not json";
    });
    // One cause, one violation: site-power-budget reports it when the engine analyzes the ConfigMap.
    expect(mandatory(ds).map((d) => d.policyName)).toEqual(["site-power-budget"]);
    expect(of(ds, "site-power-budget")[0].message).toMatch(/cannot be checked: repower-site-envelope's site\.json cannot be evaluated: .*site\.json is not JSON/);
    expect(ENVELOPE_POLICIES).toContain("site-power-budget");
  });

  it("an envelope whose pool's zone is missing cannot be evaluated", async () => {
    const ds = await check(site({}), (rs) => {
      const data = (rs.find(isEnvelope)!.properties as any).data;
      const spec = JSON.parse(data["site.json"]);
      spec.coolingZones = spec.coolingZones.filter((z: { name: string }) => z.name !== "hall");
      data["site.json"] = JSON.stringify(spec);
    });
    expect(mandatory(ds).map((d) => d.policyName)).toEqual(["site-power-budget"]);
    expect(of(ds, "site-power-budget")[0].message).toMatch(/gpuPools\.0\.coolingZone: unknown cooling zone "hall"/);
  });

  it("an envelope from another stack is not used", async () => {
    const ds = await check(site({}), (rs) => {
      (rs.find(isEnvelope)!.properties as any).data.stack = "some-other-site";
    });
    expect(of(ds, "site-power-budget")[0].message).toMatch(/belongs to stack "some-other-site", not to this stack \(boundary\)/);
  });
});
