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
 * with `--metric-labels-allowlist=nodes=[repower.io/site,repower.io/pool,repower.io/rack]`;
 * the rack label for rack-alerts.ts).
 *
 * - With MIG, dcgm-exporter repeats a whole GPU's power (and temperature, and
 *   last XID) on the series of each MIG instance (labels `GPU_I_ID`,
 *   `GPU_I_PROFILE`): every per-GPU figure is first reduced to one series per
 *   physical GPU, `max by (node, gpu)`.
 * - While the active phase is in progress and its transient applies
 *   (`overlap`), miners may still run at the phase before's count: the
 *   unmeasured load is the transient's (each load at the larger count).
 * - The XID alert counts changes of `DCGM_FI_DEV_XID_ERRORS` (it holds the
 *   last XID) over a window, for hardware XIDs only (not the application
 *   faults 13, 31, 43, 45), so it clears once the window passes.
 * - The exporter's counters add `DCGM_FI_DEV_ENFORCED_POWER_LIMIT` (field
 *   164, W) and `DCGM_FI_DEV_POWER_MGMT_LIMIT` (160) to its defaults, and a
 *   capped pool whose enforced limit is above the planned cap alerts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  activePhase,
  DCGM_JOB,
  evaluate,
  scenarios,
  firmLimitMW,
  LABEL_SITE,
  nodeKW,
  phaseScenario,
  siteLimitMW,
  usableCoolingMW,
  type GpuPool,
  type Site,
} from "./model";
import { CHARTS, pinnedRelease } from "./charts";
import { GPU_NODE_TOLERATIONS } from "./gpu-power-cap";
import { rackDegradedAlerts } from "./rack-alerts";
import { FIXED_NAME, managedBy, NAMESPACES, namespaceFor, physicalName, podSecurityLabels, releaseNameFor, scopeParts, stackOf } from "./naming";

export interface GpuMonitoringArgs {
  /** The validated site: thresholds come from its active phase. */
  site: Site;
  /** Labels the Prometheus operator selects ServiceMonitors and rules by (e.g. `release: kube-prometheus-stack`). */
  prometheusLabels?: Record<string, string>;
  /** Share of a budget at which the warning fires (default 0.9). */
  warnAt?: number;
  /** The Pulumi stack (scopes the namespace, release and object names); default the running stack. */
  stack?: string;
  /** What must be running before this component's workloads can schedule (an EKS cluster's system nodes and CNI). */
  after?: pulumi.Input<pulumi.Resource>[];
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
  /** The window over which hardware XIDs are counted; the alert clears this long after the last one. */
  xidWindow: "15m",
  /** A capped pool's enforced limit above plan this long. */
  capNotEnforcedFor: "10m",
} as const;

/** XIDs that an application causes (NVIDIA's XID catalog): 13 graphics engine exception, 31 GPU memory page fault, 43 GPU stopped processing, 45 preemptive cleanup. */
export const APPLICATION_XIDS = [13, 31, 43, 45] as const;

/** DCGM fields the exporter reports: its 4.1.1 defaults (etc/default-counters.csv) and the power limits. */
export const DCGM_COUNTERS = [
  ["DCGM_FI_DEV_SM_CLOCK", "gauge", "SM clock frequency (in MHz)."],
  ["DCGM_FI_DEV_MEM_CLOCK", "gauge", "Memory clock frequency (in MHz)."],
  ["DCGM_FI_DEV_MEMORY_TEMP", "gauge", "Memory temperature (in C)."],
  ["DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C)."],
  ["DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W)."],
  ["DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Total energy consumption since boot (in mJ)."],
  ["DCGM_FI_DEV_ENFORCED_POWER_LIMIT", "gauge", "Enforced power limit (in W)."],
  ["DCGM_FI_DEV_POWER_MGMT_LIMIT", "gauge", "Power management limit (in W)."],
  ["DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "counter", "Total number of PCIe retries."],
  ["DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %)."],
  ["DCGM_FI_DEV_MEM_COPY_UTIL", "gauge", "Memory utilization (in %)."],
  ["DCGM_FI_DEV_ENC_UTIL", "gauge", "Encoder utilization (in %)."],
  ["DCGM_FI_DEV_DEC_UTIL", "gauge", "Decoder utilization (in %)."],
  ["DCGM_FI_DEV_XID_ERRORS", "gauge", "Value of the last XID error encountered."],
  ["DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB)."],
  ["DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB)."],
  ["DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", "counter", "Total number of NVLink bandwidth counters for all lanes."],
  ["DCGM_FI_DEV_VGPU_LICENSE_STATUS", "gauge", "vGPU License status"],
  ["DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "counter", "Number of remapped rows for uncorrectable errors"],
  ["DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", "counter", "Number of remapped rows for correctable errors"],
  ["DCGM_FI_DEV_ROW_REMAP_FAILURE", "gauge", "Whether remapping of rows has failed"],
  ["DCGM_FI_DRIVER_VERSION", "label", "Driver Version"],
  ["DCGM_FI_PROF_GR_ENGINE_ACTIVE", "gauge", "Ratio of time the graphics engine is active."],
  ["DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", "gauge", "Ratio of cycles the tensor (HMMA) pipe is active."],
  ["DCGM_FI_PROF_DRAM_ACTIVE", "gauge", "Ratio of cycles the device memory interface is active sending or receiving data."],
  ["DCGM_FI_PROF_PCIE_TX_BYTES", "gauge", "The rate of data transmitted over the PCIe bus in bytes per second."],
  ["DCGM_FI_PROF_PCIE_RX_BYTES", "gauge", "The rate of data received over the PCIe bus in bytes per second."],
] as const;

/** The counters as the exporter's CSV (`customMetrics` of the chart). */
export function dcgmCountersCsv(): string {
  return ["# DCGM FIELD, Prometheus metric type, help message", ...DCGM_COUNTERS.map(([f, t, h]) => `${f}, ${t}, ${h}`)].join("\n") + "\n";
}

/** One series per physical GPU: MIG instances repeat their GPU's figures. */
export const perGpu = (metric: string) => `max by (node, gpu) (${metric})`;

/** The Prometheus job of a stack's dcgm-exporter: its Service, named after the release. */
export function dcgmJobName(stack: string): string {
  return releaseNameFor(DCGM_JOB, stack);
}

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
export function alertRuleGroups(site: Site, warnAt = 0.9, stack: string = site.name): { name: string; rules: Rule[] }[] {
  const s = JSON.stringify(site.name);
  const phase = activePhase(site);
  // While the phase is in progress its transient holds: the unmeasured loads at their larger counts.
  const moment = scenarios(site).find((m) => m.phase === phase.name && m.transient) ?? phaseScenario(phase);
  const env = evaluate(site, moment);
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

  const nodes = `kube_node_labels{label_repower_io_site=${s}}`;
  const joined = `${perGpu("DCGM_FI_DEV_POWER_USAGE")} * on(node) group_left(label_repower_io_pool) ${nodes}`;
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

  const where = `site ${site.name}, phase ${phase.name}${moment.transient ? " in progress" : ""}`;
  const hardwareXid = `${perGpu("DCGM_FI_DEV_XID_ERRORS")} > 0 ${APPLICATION_XIDS.map((x) => `!= ${x}`).join(" ")}`;
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
      expr: `up{job=${JSON.stringify(dcgmJobName(stack))}, namespace=${JSON.stringify(namespaceFor(NAMESPACES.monitoring, stack))}} == 0`,
      for: ALERT_TIMING.exporterDownFor,
      labels: { severity: "warning", site: site.name },
      annotations: {
        summary: "dcgm-exporter is down on {{ $labels.node }}",
        description: "Prometheus cannot scrape dcgm-exporter on {{ $labels.node }}; that node's GPUs are missing from the site power estimate.",
      },
    },
    {
      alert: "RepowerGpuTooHot",
      expr: `${perGpu("DCGM_FI_DEV_GPU_TEMP")} * on(node) group_left() ${nodes} > ${GPU_TEMP.warning}`,
      for: ALERT_TIMING.hotFor,
      labels: { severity: "warning", site: site.name },
      annotations: {
        summary: "GPU {{ $labels.gpu }} on {{ $labels.node }} is at {{ $value }} °C",
        description: `Above ${GPU_TEMP.warning} °C for ${ALERT_TIMING.hotFor}: check the zone's cooling and the rack's flow.`,
      },
    },
    {
      alert: "RepowerGpuCritical",
      expr: `${perGpu("DCGM_FI_DEV_GPU_TEMP")} * on(node) group_left() ${nodes} > ${GPU_TEMP.critical}`,
      for: "2m",
      labels: { severity: "critical", site: site.name },
      annotations: {
        summary: "GPU {{ $labels.gpu }} on {{ $labels.node }} is at {{ $value }} °C",
        description: `Above ${GPU_TEMP.critical} °C: the GPU will throttle or shut down.`,
      },
    },
    {
      alert: "RepowerGpuXidError",
      // New XIDs in the window (the gauge changed), where the last one is a hardware XID.
      expr: `(${perGpu(`changes(DCGM_FI_DEV_XID_ERRORS[${ALERT_TIMING.xidWindow}])`)} > 0) and on(node, gpu) (${hardwareXid}) and on(node) ${nodes}`,
      labels: { severity: "warning", site: site.name },
      annotations: {
        summary: "{{ $value }} hardware XID error(s) on GPU {{ $labels.gpu }} of {{ $labels.node }} in the last " + ALERT_TIMING.xidWindow,
        description: `The driver reported hardware XID errors (not the application faults ${APPLICATION_XIDS.join(", ")}); see NVIDIA's XID catalog for whether the node needs draining. The alert clears ${ALERT_TIMING.xidWindow} after the last one.`,
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
    if (p.powerCapWatts !== undefined) {
      const poolNodes = `kube_node_labels{label_repower_io_site=${s}, label_repower_io_pool=${JSON.stringify(p.name)}}`;
      alerts.push({
        alert: "RepowerPowerCapNotEnforced",
        expr: `${perGpu("DCGM_FI_DEV_ENFORCED_POWER_LIMIT")} * on(node) group_left() ${poolNodes} > ${num(p.powerCapWatts)}`,
        for: ALERT_TIMING.capNotEnforcedFor,
        labels: { severity: "critical", site: site.name, pool: p.name },
        annotations: {
          summary: `Pool ${p.name}: GPU {{ $labels.gpu }} on {{ $labels.node }} enforces {{ $value }} W, above the planned ${p.powerCapWatts} W cap`,
          description: `The budgets count pool ${p.name} at ${p.powerCapWatts} W a GPU; this GPU's enforced power limit is higher, so the site can draw more than planned. Check the pool's power-cap DaemonSet on that node.`,
        },
      });
    }
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
  alerts.push(...rackDegradedAlerts(site));
  // One group: Prometheus evaluates a group's rules in order, so each alert sees the
  // records of the same evaluation (across groups it could see the previous one's).
  return [{ name: physicalName(["repower", ...scopeParts(site.name, stack)]), rules: [...records, ...alerts] }];
}

/** A Grafana dashboard: site power against the envelope, per pool and per zone. */
export function grafanaDashboard(site: Site, stack: string = site.name): Record<string, unknown> {
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
    uid: physicalName(["repower", ...scopeParts(site.name, stack)], 40),
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
    tolerations: GPU_NODE_TOLERATIONS,
    // Replaces the chart's metrics ConfigMap, mounted as /etc/dcgm-exporter/default-counters.csv (the -f argument).
    customMetrics: dcgmCountersCsv(),
  };
}

export class GpuMonitoring extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:monitoring:GpuMonitoring";

  readonly namespace: pulumi.Output<string>;
  readonly ruleName: pulumi.Output<string>;

  constructor(name: string, args: GpuMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GpuMonitoring.__pulumiType, name, {}, opts);
    const { site } = args;
    const stack = stackOf(args.stack);
    const scoped = physicalName(["repower", ...scopeParts(site.name, stack)]);
    const nsName = namespaceFor(NAMESPACES.monitoring, stack);
    const releaseName = dcgmJobName(stack);
    const parent = { parent: this, ...FIXED_NAME };
    const labels = { ...managedBy(site.name, "gpu-monitoring"), ...(args.prometheusLabels ?? {}) };
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: nsName, labels: { ...managedBy(site.name, "gpu-monitoring"), ...podSecurityLabels("privileged") } } },
      { ...parent, dependsOn: args.after ?? [] },
    );
    const release = pinnedRelease(
      `${name}-dcgm-exporter`,
      { releaseName, chart: CHARTS.dcgmExporter, namespace: ns.metadata.name, values: dcgmExporterValues(site) },
      parent,
    );
    new k8s.apiextensions.CustomResource(
      `${name}-servicemonitor`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: releaseName, namespace: ns.metadata.name, labels },
        spec: {
          // The chart's selector labels: its name, and this release.
          selector: { matchLabels: { "app.kubernetes.io/name": DCGM_JOB, "app.kubernetes.io/instance": releaseName } },
          namespaceSelector: { matchNames: [nsName] },
          endpoints: [
            {
              port: "metrics",
              interval: "15s",
              relabelings: [{ sourceLabels: ["__meta_kubernetes_pod_node_name"], targetLabel: "node", action: "replace" }],
            },
          ],
        },
      },
      { ...parent, dependsOn: [release] },
    );
    const rule = new k8s.apiextensions.CustomResource(
      `${name}-rules`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: scoped, namespace: ns.metadata.name, labels },
        spec: { groups: alertRuleGroups(site, args.warnAt, stack) },
      },
      parent,
    );
    new k8s.core.v1.ConfigMap(
      `${name}-dashboard`,
      {
        metadata: {
          name: physicalName([scoped, "dashboard"]),
          namespace: ns.metadata.name,
          labels: { ...managedBy(site.name, "gpu-monitoring"), grafana_dashboard: "1" },
        },
        data: { [`${scoped}.json`]: JSON.stringify(grafanaDashboard(site, stack), null, 2) },
      },
      parent,
    );
    this.namespace = ns.metadata.name;
    this.ruleName = rule.metadata.name;
    this.registerOutputs({ namespace: this.namespace, ruleName: this.ruleName });
  }
}
