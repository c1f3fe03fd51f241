/**
 * The GPU monitoring rules, as the program makes them, checked with the real
 * `promtool`: `check rules` on every example, and `test rules` on synthetic
 * series for a small fixture site whose thresholds are worked out by hand in
 * test/fixtures/alerts/Pulumi.alert-test.yaml.
 *
 * The unit tests run the rules without their annotations (promtool compares
 * annotations, whose text is not what is under test); `check rules` validates
 * the full rules, templates included.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { one, runStack, runner } from "../helpers/program";
import { ROOT, tempDir } from "../helpers/stacks";

const FIXTURE = path.join(ROOT, "test", "fixtures", "alerts", "Pulumi.alert-test.yaml");
const SITE = "alert-test";
/** A capped pool with its phase's overlap transient in progress (thresholds in the file). */
const CAP_FIXTURE = path.join(ROOT, "test", "fixtures", "alerts", "Pulumi.alert-cap.yaml");
const CAP_SITE = "alert-cap";

function promtool(args: string[]) {
  const r = spawnSync("promtool", args, { encoding: "utf8" });
  if (r.error) throw new Error(`promtool could not run (${r.error.message}); test/setup/tools.ts should have put it on PATH`);
  return r;
}

async function ruleGroups(stackOrFile: string) {
  const run = await runStack(stackOrFile);
  const rule = runner.revealOrMask(one(run.resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").properties) as any;
  return rule.spec.groups as { name: string; rules: Record<string, unknown>[] }[];
}

// ---------------------------------------------------------------- synthetic series

const NODES = ["n1", "n2"];
const GPUS = [0, 1, 2, 3, 4, 5, 6, 7];
type Series = { series: string; values: string };

const nodeLabels = (nodes = NODES, site = SITE): Series[] =>
  nodes.map((n) => ({ series: `kube_node_labels{node="${n}",label_repower_io_site="${site}",label_repower_io_pool="pool"}`, values: "1x60" }));
const gpuSeries = (metric: string, values: string, nodes = NODES): Series[] =>
  nodes.flatMap((n) => GPUS.map((g) => ({ series: `${metric}{node="${n}",gpu="${g}"}`, values })));
const power = (values: string, nodes = NODES) => gpuSeries("DCGM_FI_DEV_POWER_USAGE", values, nodes);
/** dcgm-exporter with MIG: each GPU's power repeated on each of its 7 instances' series. */
const migPower = (values: string, nodes = NODES): Series[] =>
  nodes.flatMap((n) =>
    GPUS.flatMap((g) => [1, 2, 3, 4, 5, 6, 7].map((i) => ({ series: `DCGM_FI_DEV_POWER_USAGE{node="${n}",gpu="${g}",GPU_I_ID="${i}",GPU_I_PROFILE="1g.10gb"}`, values }))),
  );

interface AlertCase {
  name: string;
  /** The capped fixture's rules instead of the plain one's. */
  capped?: boolean;
  series: Series[];
  /** [eval time, alert name, expected alerts' label sets (empty: silent)] */
  expect: [string, string, Record<string, string>[]][];
}

const site = { site: SITE };
const critical = { severity: "critical", ...site };
const warning = { severity: "warning", ...site };
const poolWarn = { severity: "warning", site: SITE, pool: "pool" };

const ALL_POWER = ["RepowerSitePowerOverBudget", "RepowerSitePowerNearBudget", "RepowerFirmPowerOverBudget", "RepowerPoolOverAllocation"];
const ALL_TELEMETRY = ["RepowerGpuTelemetryMissing", "RepowerGpuTelemetryPartial", "RepowerDcgmExporterDown"];
const silent = (at: string, names: string[]) => names.map((n) => [at, n, []] as [string, string, Record<string, string>[]]);

const cases: AlertCase[] = [
  {
    name: "a site well within budget raises nothing",
    // 16 x 400 W = 6.4 kW of GPU: 6.4 x 1.8214 + 30 = 41.7 kW of 50
    series: [...nodeLabels(), ...power("400x60")],
    expect: [...silent("30m", ALL_POWER), ...silent("30m", ALL_TELEMETRY)],
  },
  {
    name: "above 90 % for 10 minutes warns, without paging",
    // 16 x 600 W = 9.6 kW: 9.6 x 1.8214 + 30 = 47.5 kW > 45 kW
    series: [...nodeLabels(), ...power("600x60")],
    expect: [["9m", "RepowerSitePowerNearBudget", []], ["11m", "RepowerSitePowerNearBudget", [warning]], ...silent("30m", ["RepowerSitePowerOverBudget"])],
  },
  {
    name: "a sustained overdraw pages within 3 minutes",
    // 16 x 700 W = 11.2 kW: 11.2 x 1.8214 + 30 = 50.4 kW > 50 kW
    series: [...nodeLabels(), ...power("700x60")],
    expect: [["2m", "RepowerSitePowerOverBudget", []], ["3m", "RepowerSitePowerOverBudget", [critical]], ["20m", "RepowerSitePowerOverBudget", [critical]]],
  },
  {
    name: "a short spike does not page",
    // 700 W for 2 minutes, then back to 400 W
    series: [...nodeLabels(), ...power("700 700 700 400x57")],
    expect: [...silent("2m", ["RepowerSitePowerOverBudget"]), ...silent("3m", ["RepowerSitePowerOverBudget"]), ...silent("6m", ["RepowerSitePowerOverBudget"])],
  },
  {
    name: "a curtailment-style drop raises nothing",
    // 600 W, then the GPUs are throttled to 100 W: telemetry is still there, power is low
    series: [...nodeLabels(), ...power("600x10 100x50")],
    expect: [...silent("40m", ALL_POWER), ...silent("40m", ALL_TELEMETRY)],
  },
  {
    name: "a pool drawing more than its allocation warns",
    // 16 x 720 W x 1.8214 = 20.98 kW > 2 x 10.2 kW
    series: [...nodeLabels(), ...power("720x60")],
    expect: [["4m", "RepowerPoolOverAllocation", []], ["6m", "RepowerPoolOverAllocation", [{ ...poolWarn, zone: "hall" }]]],
  },
  {
    name: "the whole site silent pages after 10 minutes",
    series: [...nodeLabels()],
    expect: [
      ["9m", "RepowerGpuTelemetryMissing", []],
      ["11m", "RepowerGpuTelemetryMissing", [critical]],
      ["20m", "RepowerGpuTelemetryPartial", [poolWarn]],
      ...silent("30m", ["RepowerSitePowerOverBudget"]),
    ],
  },
  {
    name: "half the GPUs missing warns that the pool reads low",
    series: [...nodeLabels(), ...power("600x60", ["n1"])],
    expect: [["14m", "RepowerGpuTelemetryPartial", []], ["16m", "RepowerGpuTelemetryPartial", [poolWarn]], ...silent("30m", ["RepowerGpuTelemetryMissing"])],
  },
  {
    name: "the exporter down on one node warns for that node",
    series: [
      ...nodeLabels(),
      ...power("400x60"),
      { series: `up{job="dcgm-exporter-alert-test",namespace="gpu-monitoring-alert-test",node="n1"}`, values: "1x60" },
      { series: `up{job="dcgm-exporter-alert-test",namespace="gpu-monitoring-alert-test",node="n2"}`, values: "0x60" },
      // Another stack's exporter on the same Prometheus is not this site's.
      { series: `up{job="dcgm-exporter-other",namespace="gpu-monitoring-other",node="n9"}`, values: "0x60" },
    ],
    expect: [["6m", "RepowerDcgmExporterDown", [{ ...warning, job: "dcgm-exporter-alert-test", namespace: "gpu-monitoring-alert-test", node: "n2" }]]],
  },
  {
    name: "a hot GPU warns, a cool one does not",
    series: [
      ...nodeLabels(),
      ...power("400x60"),
      { series: `DCGM_FI_DEV_GPU_TEMP{node="n1",gpu="3"}`, values: "88x60" },
      { series: `DCGM_FI_DEV_GPU_TEMP{node="n2",gpu="0"}`, values: "70x60" },
    ],
    expect: [["10m", "RepowerGpuTooHot", [{ ...warning, node: "n1", gpu: "3" }]], ["10m", "RepowerGpuCritical", []]],
  },
  {
    name: "an XID error warns",
    series: [...nodeLabels(), ...power("400x60"), { series: `DCGM_FI_DEV_XID_ERRORS{node="n2",gpu="5"}`, values: "0x5 79x55" }],
    expect: [["3m", "RepowerGpuXidError", []], ["10m", "RepowerGpuXidError", [{ ...warning, node: "n2", gpu: "5" }]]],
  },
  {
    name: "a hardware XID alert clears once its window passes (the gauge keeps the last XID)",
    series: [...nodeLabels(), ...power("400x60"), { series: `DCGM_FI_DEV_XID_ERRORS{node="n2",gpu="5"}`, values: "0x5 79x55" }],
    expect: [["19m", "RepowerGpuXidError", [{ ...warning, node: "n2", gpu: "5" }]], ["21m", "RepowerGpuXidError", []], ["50m", "RepowerGpuXidError", []]],
  },
  {
    name: "application XIDs (13, 31, 43, 45) do not page",
    series: [
      ...nodeLabels(),
      ...power("400x60"),
      { series: `DCGM_FI_DEV_XID_ERRORS{node="n1",gpu="0"}`, values: "0x5 13x55" },
      { series: `DCGM_FI_DEV_XID_ERRORS{node="n1",gpu="1"}`, values: "0x5 31x5 43x5 45x45" },
    ],
    expect: [...silent("6m", ["RepowerGpuXidError"]), ...silent("12m", ["RepowerGpuXidError"]), ...silent("20m", ["RepowerGpuXidError"])],
  },
  {
    name: "MIG: a GPU's power repeated on each MIG instance is counted once",
    // 16 GPUs x 400 W, each on 7 instance series: still 6.4 kW of GPU, 41.7 kW of 50
    series: [...nodeLabels(), ...migPower("400x60")],
    expect: [...silent("30m", ALL_POWER), ...silent("30m", ALL_TELEMETRY)],
  },
  {
    name: "MIG: half the GPUs missing still warns (instances are not GPUs)",
    // n1 only: 8 GPUs, 56 instance series; 15 of 16 GPUs are needed
    series: [...nodeLabels(), ...migPower("400x60", ["n1"])],
    expect: [["16m", "RepowerGpuTelemetryPartial", [poolWarn]]],
  },
  {
    name: "during an overlap transient the miners still count at their larger number",
    capped: true,
    // 16 x 600 W x 1.9583 = 18.8 kW + 30 kW of miners = 48.8 kW > 46.8 kW; at p2's end counts 33.8 kW
    series: [...nodeLabels(NODES, CAP_SITE), ...power("600x60")],
    expect: [["11m", "RepowerSitePowerNearBudget", [{ severity: "warning", site: CAP_SITE }]], ...silent("20m", ["RepowerSitePowerOverBudget"])],
  },
  {
    name: "a capped pool whose enforced limit is above plan pages",
    capped: true,
    series: [
      ...nodeLabels(NODES, CAP_SITE),
      ...power("300x60"),
      ...gpuSeries("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "600x60").map((s) => (s.series.includes(`node="n1",gpu="2"`) ? { ...s, values: "600x5 700x55" } : s)),
    ],
    expect: [
      ["12m", "RepowerPowerCapNotEnforced", []],
      ["20m", "RepowerPowerCapNotEnforced", [{ severity: "critical", site: CAP_SITE, pool: "pool", node: "n1", gpu: "2" }]],
    ],
  },
  {
    name: "a capped pool holding its cap raises nothing",
    capped: true,
    series: [...nodeLabels(NODES, CAP_SITE), ...power("300x60"), ...gpuSeries("DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "600x60")],
    expect: [...silent("30m", ["RepowerPowerCapNotEnforced", "RepowerSitePowerNearBudget"])],
  },
];

function testFile(c: AlertCase) {
  return {
    rule_files: [c.capped ? "rules-cap.yaml" : "rules.yaml"],
    evaluation_interval: "1m",
    tests: [
      {
        name: c.name,
        interval: "1m",
        input_series: c.series,
        alert_rule_test: c.expect.map(([eval_time, alertname, alerts]) => ({
          eval_time,
          alertname,
          exp_alerts: alerts.map((exp_labels) => ({ exp_labels })),
        })),
      },
    ],
  };
}

describe("GPU monitoring rules under promtool", () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir("repower-rules-");
    const groups = await ruleGroups(FIXTURE);
    fs.writeFileSync(path.join(dir, "rules.full.yaml"), stringify({ groups }));
    const bare = (gs: typeof groups) => gs.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...r }) => r) }));
    fs.writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups: bare(groups) }));
    const capGroups = await ruleGroups(CAP_FIXTURE);
    fs.writeFileSync(path.join(dir, "rules-cap.full.yaml"), stringify({ groups: capGroups }));
    fs.writeFileSync(path.join(dir, "rules-cap.yaml"), stringify({ groups: bare(capGroups) }));
  });

  it("promtool check rules accepts every example's rules", async () => {
    for (const stack of ["pecos-yard", "red-hills", "prairie-burst"]) {
      const file = path.join(dir, `${stack}.rules.yaml`);
      fs.writeFileSync(file, stringify({ groups: await ruleGroups(stack) }));
      const r = promtool(["check", "rules", file]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/SUCCESS: \d+ rules found/);
    }
    for (const f of ["rules.full.yaml", "rules-cap.full.yaml"]) {
      const r = promtool(["check", "rules", path.join(dir, f)]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });

  for (const c of cases) {
    it(`promtool test rules: ${c.name}`, () => {
      const file = path.join(dir, `${c.name.replace(/[^a-z0-9]+/gi, "-")}.test.yaml`);
      fs.writeFileSync(file, stringify(testFile(c)));
      const r = promtool(["test", "rules", file]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    });
  }

  it("promtool test rules fails when an expectation is wrong (the harness can fail)", () => {
    const wrong = { ...cases[0], expect: [["30m", "RepowerSitePowerOverBudget", [critical]]] as AlertCase["expect"] };
    const file = path.join(dir, "wrong.test.yaml");
    fs.writeFileSync(file, stringify(testFile(wrong)));
    expect(promtool(["test", "rules", file]).status).not.toBe(0);
  });
});
