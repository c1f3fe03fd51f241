/**
 * gpu-monitoring-present: where on-site GPU nodes run in the active phase,
 * dcgm-exporter is deployed and scraped, and the site alerts GpuMonitoring
 * promises (SITE_ALERTS, published by the model) exist, read with a real
 * PromQL parser:
 *
 * - each alert is exactly `<record>{site="<site>"} > <threshold>` (or
 *   `absent(<record>{site="<site>"})` for the telemetry alert), with the
 *   threshold the envelope gives the active phase: the site limit, the firm
 *   limit, or (the warning) a value below the site limit;
 * - each record it reads is defined by a recording rule, and the chain of
 *   records reaches DCGM's GPU power metric: an alert on a record nobody
 *   writes can never fire;
 * - every rule expression parses (Prometheus refuses a rule group with one
 *   that does not).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { activePhase, DCGM_JOB, firmLimitMW, SITE_ALERTS, siteLimitMW } from "../components/model";
import { deploysChart } from "./helm-charts";
import { raw } from "./known";
import { parsePromQL, type Parsed } from "./promql";
import { stackEnvelope } from "./site-context";

/** The GPU power metric every site power record derives from (dcgm-exporter's default counters). */
export const GPU_POWER_METRIC = "DCGM_FI_DEV_POWER_USAGE";

type Props = Record<string, any>;
interface Rule {
  alert?: string;
  record?: string;
  expr?: unknown;
  labels?: Record<string, string>;
  where: string;
}
const fmt = (x: number) => String(Number(x.toFixed(6)));
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

export const gpuMonitoringPresent: StackValidationPolicy = {
  name: "gpu-monitoring-present",
  description: "On-site GPU nodes run with dcgm-exporter scraped by a ServiceMonitor and the site power alerts (site, firm, near-budget, telemetry-missing) at the envelope's thresholds.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Deploy the GpuMonitoring component for the site (dcgm-exporter, its ServiceMonitor and the repower PrometheusRule).",
  validateStack: (args, report) => {
    const env = stackEnvelope(args);
    const site = env.site;
    const phase = activePhase(site);
    const onSite = site.gpuPools.filter((p) => p.placement === "on-site" && (phase.gpu[p.name] ?? 0) > 0);
    if (onSite.length === 0) return;
    const nodes = onSite.reduce((n, p) => n + (phase.gpu[p.name] ?? 0), 0);
    const what = `${nodes} on-site GPU nodes (${onSite.map((p) => p.name).join(", ")}) in phase ${phase.name}`;
    const at = env.resource.urn;
    const props = (r: { props: unknown }) => raw(r.props) as Props;

    const exporter = args.resources.some(
      (r) =>
        deploysChart(r.type, props(r), DCGM_JOB) ||
        (deploysChart(r.type, props(r), "gpu-operator") && props(r).values?.dcgmExporter?.enabled !== false) ||
        (r.type === "kubernetes:apps/v1:DaemonSet" && String(props(r).metadata?.name ?? "").includes(DCGM_JOB)),
    );
    if (!exporter) report(`${what} run without dcgm-exporter: no dcgm-exporter release or DaemonSet in the stack.`, at);

    const monitor = args.resources.some(
      (r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor" && props(r).spec?.selector?.matchLabels?.["app.kubernetes.io/name"] === DCGM_JOB,
    );
    if (!monitor) report(`${what} run without DCGM scraping: no ServiceMonitor selects dcgm-exporter.`, at);

    const rules: Rule[] = [];
    for (const r of args.resources) {
      if (r.type !== "kubernetes:monitoring.coreos.com/v1:PrometheusRule") continue;
      for (const g of (props(r).spec?.groups ?? []) as { name?: string; rules?: Rule[] }[]) {
        for (const rule of g.rules ?? []) rules.push({ ...rule, where: `PrometheusRule ${r.name}, group ${g.name}` });
      }
    }
    const parsed = new Map<Rule, Parsed>();
    const parse = (r: Rule) => {
      let p = parsed.get(r);
      if (p === undefined) {
        p = typeof r.expr === "string" ? parsePromQL(r.expr) : { error: "no expression", shape: { kind: "other" }, metrics: [] };
        parsed.set(r, p);
      }
      return p;
    };
    for (const r of rules) {
      const p = parse(r);
      if (p.error !== undefined) report(`${r.where}: the expression of ${r.alert ? `alert ${r.alert}` : `record ${r.record}`} does not parse (${p.error}): Prometheus refuses the whole group. expr: ${String(r.expr)}`, at);
    }

    // Which records reach the GPU power metric, following recording rules by name.
    const recorders = new Map<string, Rule[]>();
    for (const r of rules) if (typeof r.record === "string") recorders.set(r.record, [...(recorders.get(r.record) ?? []), r]);
    const reaches = (metric: string, seen = new Set<string>()): boolean => {
      if (metric === GPU_POWER_METRIC) return true;
      if (seen.has(metric)) return false;
      seen.add(metric);
      return (recorders.get(metric) ?? []).some((r) => parse(r).error === undefined && parse(r).metrics.some((m) => reaches(m, seen)));
    };

    const siteLimit = siteLimitMW(site);
    const firmLimit = firmLimitMW(site);
    for (const [name, spec] of Object.entries(SITE_ALERTS)) {
      const found = rules.filter((r) => r.alert === name);
      const ok = found.some((r) => {
        const p = parse(r);
        const s = p.shape;
        const sel = s.kind === "compare" || s.kind === "absent" ? s.selector : undefined;
        if (sel === undefined || sel.metric !== spec.record || sel.equal.site !== site.name || sel.other.length > 0 || Object.keys(sel.equal).length !== 1) return false;
        if (spec.threshold === "absent") return s.kind === "absent";
        if (s.kind !== "compare" || s.op !== ">" || s.bool) return false;
        if (spec.threshold === "siteLimit") return same(s.value, siteLimit);
        if (spec.threshold === "firmLimit") return same(s.value, firmLimit);
        return s.value > 0 && s.value < siteLimit;
      });
      if (!ok) {
        const expect =
          spec.threshold === "absent"
            ? `absent(${spec.record}{site="${site.name}"})`
            : `${spec.record}{site="${site.name}"} > ${spec.threshold === "siteLimit" ? fmt(siteLimit) : spec.threshold === "firmLimit" ? fmt(firmLimit) : `a value below ${fmt(siteLimit)}`}`;
        const seen = found.length ? ` (found: ${found.map((r) => String(r.expr)).join("; ")})` : "";
        report(`${what} run without the ${name} alert for site ${site.name} as the envelope of phase ${phase.name} requires: expected ${expect}${seen}.`, at);
      } else if (!reaches(spec.record)) {
        report(`the ${name} alert reads ${spec.record}, but no recording rule chain from ${GPU_POWER_METRIC} writes it: the alert can never fire.`, at);
      }
    }
  },
};
