/**
 * GpuMonitoring: dcgm-exporter from its upstream Helm chart at a pinned
 * version, a ServiceMonitor for it, a PrometheusRule whose thresholds come
 * from the envelope model, and a Grafana dashboard ConfigMap (sidecar label)
 * showing site power against the envelope per pool and zone.
 *
 * GPU power is measured per GPU (`DCGM_FI_DEV_POWER_USAGE`, W); a node's
 * system power is estimated by scaling it to the SKU's system power, and the
 * facility power by the zone's PUE. Miners are not measured: their planned
 * power in the active phase, and the site's aux load, are added as constants.
 * Pool membership comes from kube-state-metrics' `kube_node_labels` (run it
 * with `--metric-labels-allowlist=nodes=[repower.io/site,repower.io/pool]`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  activePhase,
  DCGM_JOB,
  evaluate,
  firmLimitMW,
  GPU_TAINT,
  LABEL_SITE,
  nodeKW,
  phaseScenario,
  siteLimitMW,
  usableCoolingMW,
  type GpuPool,
  type Site,
} from "./model";
import { CHARTS, pinnedRelease } from "./charts";
import { managedBy, NAMESPACES, podSecurityLabels } from "./naming";

export interface GpuMonitoringArgs {
  /** The validated site: thresholds come from its active phase. */
  site: Site;
  /** Labels the Prometheus operator selects ServiceMonitors and rules by (e.g. `release: kube-prometheus-stack`). */
  prometheusLabels?: Record<string, string>;
  /** Share of a budget at which the warning fires (default 0.9). */
  warnAt?: number;
}

/** Alert timings, stated here and in the runbook text. */
export const ALERT_TIMING = {
  /** Site or firm power over its limit this long pages. */
  overBudgetFor: "3m",
  /** Site or firm power above the warning share this long warns. */
  nearBudgetFor: "10m",
  poolOverFor: "5m",
  telemetryMissingFor: "10m",
  telemetryPartialFor: "15m",
  exporterDownFor: "5m",
  hotFor: "5m",
} as const;

/** GPU temperature thresholds, °C. */
export const GPU_TEMP = { warning: 85, critical: 90 } as const;


/** System watts per GPU watt: the node's power at full GPU draw over its GPUs' draw. */
export function systemScale(pool: GpuPool): number {
  const perGpuW = pool.powerCapWatts ?? pool.system.gpuTdpW.value;
  return (nodeKW(pool) * 1000) / (pool.system.gpusPerNode.value * perGpuW);
}

const num = (x: number) => String(Number(x.toFixed(6)));

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The rule groups of a site, thresholds from its active phase. */
export function alertRuleGroups(site: Site, warnAt = 0.9): { name: string; rules: Rule[] }[] {
  const s = JSON.stringify(site.name);
  const phase = activePhase(site);
  const env = evaluate(site, phaseScenario(phase));
  const onSite = site.gpuPools.filter((p) => p.placement === "on-site");
  const zonePue = new Map(site.coolingZones.map((z) => [z.name, z.pue]));

  // Planned, unmeasured load: miners and itLoads (facility and firm), and aux. DCGM measures only the GPU pools.
  let miningFacilityMW = 0;
  let miningFirmMW = 0;
  const miningHeatMW = new Map<string, number>();
  for (const l of env.loads) {
    if (l.kind === "gpu") continue;
    miningFacilityMW += (l.itKW * l.pue) / 1000;
    if (!l.curtailable) miningFirmMW += (l.itKW * l.pue) / 1000;
    miningHeatMW.set(l.zone, (miningHeatMW.get(l.zone) ?? 0) + l.itKW / 1000);
  }
  const constMW = phase.grid.auxMW + miningFacilityMW;
  const constFirmMW = phase.grid.auxMW + miningFirmMW;
  const siteLimit = siteLimitMW(site);
  const firmLimit = firmLimitMW(site);

  const joined = `DCGM_FI_DEV_POWER_USAGE * on(node) group_left(label_repower_io_pool) kube_node_labels{label_repower_io_site=${s}}`;
  const records: Rule[] = [
    {
      record: "repower:pool_gpu_power_watts",
      expr: `sum by (pool) (label_replace(${joined}, "pool", "$1", "label_repower_io_pool", "(.+)"))`,
      labels: { site: site.name },
    },
    {
      record: "repower:pool_gpu_count",
      expr: `count by (pool) (label_replace(${joined}, "pool", "$1", "label_repower_io_pool", "(.+)"))`,
      labels: { site: site.name },
    },
  ];
  for (const p of onSite) {
    const sel = `{site=${s}, pool=${JSON.stringify(p.name)}}`;
    records.push({
      record: "repower:pool_system_power_watts",
      expr: `repower:pool_gpu_power_watts${sel} * ${num(systemScale(p))}`,
      labels: { pool: p.name, zone: p.coolingZone as string },
    });
    records.push({
      record: "repower:pool_facility_power_watts",
      expr: `repower:pool_system_power_watts${sel} * ${num(zonePue.get(p.coolingZone as string) ?? 1)}`,
      labels: { pool: p.name, curtailable: String(p.curtailable) },
    });
  }
  records.push({
    record: "repower:site_facility_power_mw",
    expr: `(sum(repower:pool_facility_power_watts{site=${s}}) or vector(0)) / 1e6 + ${num(constMW)}`,
    labels: { site: site.name },
  });
  records.push({
    record: "repower:site_firm_power_mw",
    expr: `(sum(repower:pool_facility_power_watts{site=${s}, curtailable="false"}) or vector(0)) / 1e6 + ${num(constFirmMW)}`,
    labels: { site: site.name },
  });
  for (const z of site.coolingZones) {
    records.push({
      record: "repower:zone_heat_mw",
      expr: `(sum(repower:pool_system_power_watts{site=${s}, zone=${JSON.stringify(z.name)}}) or vector(0)) / 1e6 + ${num(miningHeatMW.get(z.name) ?? 0)}`,
      labels: { site: site.name, zone: z.name },
    });
  }

  const where = `site ${site.name}, phase ${phase.name}`;
  const alerts: Rule[] = [
    {
      alert: "RepowerSitePowerOverBudget",
      expr: `repower:site_facility_power_mw{site=${s}} > ${num(siteLimit)}`,
      for: ALERT_TIMING.overBudgetFor,
      labels: { severity: "critical", site: site.name },
      annotations: {
        summary: `Site power over its budget (${where})`,
        description: `Estimated facility power {{ $value | printf "%.2f" }} MW is over the site limit of ${num(siteLimit)} MW (interconnect less reserve) for ${ALERT_TIMING.overBudgetFor}. Curtail miners or cap GPU power now.`,
      },
    },
    {
      alert: "RepowerSitePowerNearBudget",
      expr: `repower:site_facility_power_mw{site=${s}} > ${num(siteLimit * warnAt)}`,
      for: ALERT_TIMING.nearBudgetFor,
      labels: { severity: "warning", site: site.name },
      annotations: {
        summary: `Site power near its budget (${where})`,
        description: `Estimated facility power {{ $value | printf "%.2f" }} MW is above ${Math.round(warnAt * 100)} % of the site limit of ${num(siteLimit)} MW.`,
      },
    },
    {
      alert: "RepowerFirmPowerOverBudget",
      expr: `repower:site_firm_power_mw{site=${s}} > ${num(firmLimit)}`,
      for: ALERT_TIMING.overBudgetFor,
      labels: { severity: "critical", site: site.name },
      annotations: {
        summary: `Firm power over its budget (${where})`,
        description: `Estimated firm power {{ $value | printf "%.2f" }} MW is over the firm limit of ${num(firmLimit)} MW: a curtailment would not bring the site within its contract.`,
      },
    },
    {
      alert: "RepowerGpuTelemetryMissing",
      expr: `absent(repower:pool_gpu_count{site=${s}})`,
      for: ALERT_TIMING.telemetryMissingFor,
      labels: { severity: "critical", site: site.name },
      annotations: {
        summary: `No GPU power telemetry from ${site.name}`,
        description: "No GPU of the site reports DCGM_FI_DEV_POWER_USAGE (or kube_node_labels lacks repower.io labels): the power alerts cannot see the GPUs.",
      },
    },
    {
      alert: "RepowerDcgmExporterDown",
      expr: `up{job=${JSON.stringify(DCGM_JOB)}, namespace=${JSON.stringify(NAMESPACES.monitoring)}} == 0`,
      for: ALERT_TIMING.exporterDownFor,
      labels: { severity: "warning", site: site.name },
      annotations: {
        summary: "dcgm-exporter is down on {{ $labels.node }}",
        description: "Prometheus cannot scrape dcgm-exporter on {{ $labels.node }}; that node's GPUs are missing from the site power estimate.",
      },
    },
    {
      alert: "RepowerGpuTooHot",
      expr: `DCGM_FI_DEV_GPU_TEMP * on(node) group_left() kube_node_labels{label_repower_io_site=${s}} > ${GPU_TEMP.warning}`,
      for: ALERT_TIMING.hotFor,
      labels: { severity: "warning", site: site.name },
      annotations: {
        summary: "GPU {{ $labels.gpu }} on {{ $labels.node }} is at {{ $value }} °C",
        description: `Above ${GPU_TEMP.warning} °C for ${ALERT_TIMING.hotFor}: check the zone's cooling and the rack's flow.`,
      },
    },
    {
      alert: "RepowerGpuCritical",
      expr: `DCGM_FI_DEV_GPU_TEMP * on(node) group_left() kube_node_labels{label_repower_io_site=${s}} > ${GPU_TEMP.critical}`,
      for: "2m",
      labels: { severity: "critical", site: site.name },
      annotations: {
        summary: "GPU {{ $labels.gpu }} on {{ $labels.node }} is at {{ $value }} °C",
        description: `Above ${GPU_TEMP.critical} °C: the GPU will throttle or shut down.`,
      },
    },
    {
      alert: "RepowerGpuXidError",
      expr: `DCGM_FI_DEV_XID_ERRORS * on(node) group_left() kube_node_labels{label_repower_io_site=${s}} > 0`,
      labels: { severity: "warning", site: site.name },
      annotations: {
        summary: "XID {{ $value }} on GPU {{ $labels.gpu }} of {{ $labels.node }}",
        description: "The driver reported an XID error; see NVIDIA's XID catalog for what it means and whether the node needs draining.",
      },
    },
  ];
  for (const p of onSite) {
    const n = phase.gpu[p.name] ?? 0;
    if (n === 0) continue;
    const sel = `{site=${s}, pool=${JSON.stringify(p.name)}}`;
    const allocationW = n * nodeKW(p) * 1000;
    const expected = n * p.system.gpusPerNode.value;
    alerts.push({
      alert: "RepowerPoolOverAllocation",
      expr: `repower:pool_system_power_watts${sel} > ${num(allocationW)}`,
      for: ALERT_TIMING.poolOverFor,
      labels: { severity: "warning", site: site.name, pool: p.name },
      annotations: {
        summary: `Pool ${p.name} draws more than its allocation`,
        description: `Estimated system power {{ $value | humanize }}W is over the ${num(allocationW / 1000)} kW allocated to ${n} nodes in phase ${phase.name}.`,
      },
    });
    alerts.push({
      alert: "RepowerGpuTelemetryPartial",
      expr: `(repower:pool_gpu_count${sel} or on() vector(0)) < ${Math.ceil(expected * 0.9)}`,
      for: ALERT_TIMING.telemetryPartialFor,
      labels: { severity: "warning", site: site.name, pool: p.name },
      annotations: {
        summary: `Pool ${p.name}: only {{ $value }} of ${expected} GPUs report power`,
        description: "More than 10 % of the pool's GPUs are missing from the power estimate, so it reads low.",
      },
    });
  }
  // One group: Prometheus evaluates a group's rules in order, so each alert sees the
  // records of the same evaluation (across groups it could see the previous one's).
  return [{ name: `repower-${site.name}`, rules: [...records, ...alerts] }];
}

/** A Grafana dashboard: site power against the envelope, per pool and per zone. */
export function grafanaDashboard(site: Site): Record<string, unknown> {
  const s = JSON.stringify(site.name);
  const phase = activePhase(site);
  const ts = (id: number, title: string, targets: { expr: string; legendFormat: string }[], y: number, unit: string) => ({
    id,
    type: "timeseries",
    title,
    gridPos: { h: 8, w: 24, x: 0, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), expr: t.expr, legendFormat: t.legendFormat })),
  });
  const pools = site.gpuPools.filter((p) => p.placement === "on-site");
  return {
    uid: `repower-${site.name}`.slice(0, 40),
    title: `repower: ${site.name} power envelope`,
    tags: ["repower", "gpu", "power"],
    timezone: "utc",
    schemaVersion: 39,
    time: { from: "now-24h", to: "now" },
    panels: [
      ts(
        1,
        `Site power against the envelope (phase ${phase.name})`,
        [
          { expr: `repower:site_facility_power_mw{site=${s}}`, legendFormat: "facility (estimate)" },
          { expr: `repower:site_firm_power_mw{site=${s}}`, legendFormat: "firm (estimate)" },
          { expr: `vector(${num(siteLimitMW(site))})`, legendFormat: "site limit" },
          { expr: `vector(${num(firmLimitMW(site))})`, legendFormat: "firm limit" },
        ],
        0,
        "megwatt",
      ),
      ts(
        2,
        "Pool power against allocation",
        pools.flatMap((p) => [
          { expr: `repower:pool_system_power_watts{site=${s}, pool=${JSON.stringify(p.name)}}`, legendFormat: `${p.name}` },
          { expr: `vector(${num((phase.gpu[p.name] ?? 0) * nodeKW(p) * 1000)})`, legendFormat: `${p.name} allocation` },
        ]),
        8,
        "watt",
      ),
      ts(
        3,
        "Heat per cooling zone against usable cooling",
        site.coolingZones.flatMap((z) => [
          { expr: `repower:zone_heat_mw{site=${s}, zone=${JSON.stringify(z.name)}}`, legendFormat: `${z.name}` },
          { expr: `vector(${num(usableCoolingMW(z))})`, legendFormat: `${z.name} usable cooling` },
        ]),
        16,
        "megwatt",
      ),
      ts(4, "GPUs reporting per pool", [{ expr: `repower:pool_gpu_count{site=${s}}`, legendFormat: "{{pool}}" }], 24, "none"),
    ],
  };
}

/** Values of the dcgm-exporter chart: on the site's GPU nodes only, ServiceMonitor made separately. */
export function dcgmExporterValues(site: Site): Record<string, unknown> {
  return {
    serviceMonitor: { enabled: false },
    nodeSelector: { [LABEL_SITE]: site.name },
    tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }],
  };
}

export class GpuMonitoring extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:monitoring:GpuMonitoring";

  readonly namespace: pulumi.Output<string>;
  readonly ruleName: pulumi.Output<string>;

  constructor(name: string, args: GpuMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GpuMonitoring.__pulumiType, name, {}, opts);
    const { site } = args;
    const labels = { ...managedBy(site.name, "gpu-monitoring"), ...(args.prometheusLabels ?? {}) };
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: NAMESPACES.monitoring, labels: { ...managedBy(site.name, "gpu-monitoring"), ...podSecurityLabels("privileged") } } },
      { parent: this },
    );
    const release = pinnedRelease(
      `${name}-dcgm-exporter`,
      { releaseName: DCGM_JOB, chart: CHARTS.dcgmExporter, namespace: ns.metadata.name, values: dcgmExporterValues(site) },
      { parent: this },
    );
    new k8s.apiextensions.CustomResource(
      `${name}-servicemonitor`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: DCGM_JOB, namespace: ns.metadata.name, labels },
        spec: {
          selector: { matchLabels: { "app.kubernetes.io/name": "dcgm-exporter" } },
          namespaceSelector: { matchNames: [NAMESPACES.monitoring] },
          endpoints: [
            {
              port: "metrics",
              interval: "15s",
              relabelings: [{ sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node", action: "replace" }],
            },
          ],
        },
      },
      { parent: this, dependsOn: [release] },
    );
    const rule = new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: `repower-${site.name}`, namespace: ns.metadata.name, labels },
        spec: { groups: alertRuleGroups(site, args.warnAt) },
      },
      { parent: this },
    );
    new k8s.core.v1.ConfigMap(
      `${name}-dashboard`,
      {
        metadata: {
          name: `repower-${site.name}-dashboard`,
          namespace: ns.metadata.name,
          labels: { ...managedBy(site.name, "gpu-monitoring"), grafana_dashboard: "1" },
        },
        data: { [`repower-${site.name}.json`]: JSON.stringify(grafanaDashboard(site), null, 2) },
      },
      { parent: this },
    );
    this.namespace = ns.metadata.name;
    this.ruleName = rule.metadata.name;
    this.registerOutputs({ namespace: this.namespace, ruleName: this.ruleName });
  }
}
