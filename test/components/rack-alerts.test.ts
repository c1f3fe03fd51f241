/**
 * The rack alert of rack-scale pools (NVL72), as the program makes it, under
 * the real `promtool test rules`: a rack whose trays do not all report DCGM
 * telemetry is degraded as a whole, per rack, by the `repower.io/rack` label;
 * a rack that reports nothing alerts too. Fixture: two racks of 18 trays
 * (test/fixtures/alerts/Pulumi.rack-test.yaml).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { one, runStack, runner } from "../helpers/program";
import { ROOT, tempDir } from "../helpers/stacks";

const FIXTURE = path.join(ROOT, "test", "fixtures", "alerts", "Pulumi.rack-test.yaml");
const SITE = "rack-test";
const ALERT = "RepowerRackDegraded";

function promtool(args: string[]) {
  const r = spawnSync("promtool", args, { encoding: "utf8" });
  if (r.error) throw new Error(`promtool could not run (${r.error.message}); test/setup/tools.ts should have put it on PATH`);
  return r;
}

type Series = { series: string; values: string };
const tray = (i: number) => `gb-${String(i).padStart(4, "0")}`;
const rackOf = (i: number) => `gb-rack-0${Math.floor((i - 1) / 18)}`;
const TRAYS = Array.from({ length: 36 }, (_, i) => i + 1);

const nodeLabels = (trays = TRAYS): Series[] =>
  trays.map((i) => ({
    series: `kube_node_labels{node="${tray(i)}",label_repower_io_site="${SITE}",label_repower_io_pool="gb",label_repower_io_rack="${rackOf(i)}"}`,
    values: "1x60",
  }));
const power = (trays = TRAYS, values = "900x60"): Series[] =>
  trays.flatMap((i) => [0, 1, 2, 3].map((g) => ({ series: `DCGM_FI_DEV_POWER_USAGE{node="${tray(i)}",gpu="${g}"}`, values })));

const degraded = (rack: string) => ({ severity: "critical", site: SITE, pool: "gb", rack });

interface Case {
  name: string;
  series: Series[];
  expect: [string, Record<string, string>[]][];
}

const cases: Case[] = [
  { name: "every tray reporting raises nothing", series: [...nodeLabels(), ...power()], expect: [["30m", []]] },
  {
    name: "one tray silent degrades its rack only, after 10 minutes",
    series: [...nodeLabels(), ...power(TRAYS.filter((i) => i !== 25))],
    expect: [
      ["9m", []],
      ["11m", [degraded("gb-rack-01")]],
    ],
  },
  {
    name: "one GPU of a tray silent does not make the tray missing",
    series: [...nodeLabels(), ...power(TRAYS.filter((i) => i !== 3)), ...[0, 1, 2].map((g) => ({ series: `DCGM_FI_DEV_POWER_USAGE{node="${tray(3)}",gpu="${g}"}`, values: "900x60" }))],
    expect: [["30m", []]],
  },
  {
    name: "a whole rack gone from Kubernetes and DCGM alerts at 0",
    series: [...nodeLabels(TRAYS.slice(18)), ...power(TRAYS.slice(18))],
    expect: [["15m", [degraded("gb-rack-00")]]],
  },
  {
    name: "a tray that comes back clears the alert",
    series: [...nodeLabels(), ...power(TRAYS.filter((i) => i !== 7)), ...power([7], "_x20 900x40")],
    expect: [
      ["15m", [degraded("gb-rack-00")]],
      ["25m", []],
    ],
  },
];

function testFile(c: Case) {
  return {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: [
      {
        name: c.name,
        interval: "1m",
        input_series: c.series,
        alert_rule_test: c.expect.map(([eval_time, alerts]) => ({ eval_time, alertname: ALERT, exp_alerts: alerts.map((exp_labels) => ({ exp_labels })) })),
      },
    ],
  };
}

describe("the rack alert under promtool", () => {
  let dir: string;
  let rules: Record<string, unknown>[];
  beforeAll(async () => {
    dir = tempDir("repower-rack-rules-");
    const run = await runStack(FIXTURE);
    const groups = (runner.revealOrMask(one(run.resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").properties) as any).spec.groups as {
      name: string;
      rules: Record<string, unknown>[];
    }[];
    rules = groups.flatMap((g) => g.rules);
    fs.writeFileSync(path.join(dir, "rules.full.yaml"), stringify({ groups }));
    const bare = groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...r }) => r) }));
    fs.writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups: bare }));
  });

  it("makes one rack alert for the rack-scale pool, and promtool check rules accepts it with its annotations", () => {
    expect(rules.filter((r) => r.alert === ALERT)).toHaveLength(1);
    const r = promtool(["check", "rules", path.join(dir, "rules.full.yaml")]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  for (const c of cases) {
    it(`promtool test rules: ${c.name}`, () => {
      const file = path.join(dir, `${c.name.replace(/[^a-z0-9]+/gi, "-")}.test.yaml`);
      fs.writeFileSync(file, stringify(testFile(c)));
      const r = promtool(["test", "rules", file]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    });
  }

  it("fails when a missing tray is expected to go unnoticed (the harness can fail)", () => {
    const file = path.join(dir, "wrong.test.yaml");
    fs.writeFileSync(file, stringify(testFile({ ...cases[1], expect: [["11m", []]] })));
    expect(promtool(["test", "rules", file]).status).not.toBe(0);
  });
});
