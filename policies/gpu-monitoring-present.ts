/**
 * gpu-monitoring-present: where on-site GPU nodes run, dcgm-exporter is
 * deployed and scraped, and the site power alerts exist with the thresholds
 * the envelope model gives today.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { activePhase, DCGM_JOB, SITE_POWER_ALERTS, siteLimitMW } from "../components/model";
import { failClosed } from "./budget-policy";


export const gpuMonitoringPresent: StackValidationPolicy = {
  name: "gpu-monitoring-present",
  description: "On-site GPU nodes run with dcgm-exporter scraped by a ServiceMonitor and the site power alerts, at the envelope's thresholds.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Deploy the GpuMonitoring component for the site (dcgm-exporter, its ServiceMonitor and the repower PrometheusRule).",
  validateStack: (args, report) => {
    const env = failClosed("gpu-monitoring-present", args.resources, report);
    if (!env.ok) return;
    const site = env.site;
    const phase = activePhase(site);
    const onSite = site.gpuPools.filter((p) => p.placement === "on-site" && (phase.gpu[p.name] ?? 0) > 0);
    if (onSite.length === 0) return;
    const nodes = onSite.reduce((n, p) => n + (phase.gpu[p.name] ?? 0), 0);
    const what = `${nodes} on-site GPU nodes (${onSite.map((p) => p.name).join(", ")}) in phase ${phase.name}`;
    const props = (r: { props: unknown }) => r.props as Record<string, any>;

    const exporter = args.resources.some(
      (r) => (r.type === "kubernetes:helm.sh/v3:Release" && props(r).chart === DCGM_JOB) || (r.type === "kubernetes:apps/v1:DaemonSet" && String(props(r).metadata?.name ?? "").includes(DCGM_JOB)),
    );
    if (!exporter) report(`${what} run without dcgm-exporter: no dcgm-exporter release or DaemonSet in the stack.`, env.resource.urn);

    const monitor = args.resources.some(
      (r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor" && props(r).spec?.selector?.matchLabels?.["app.kubernetes.io/name"] === DCGM_JOB,
    );
    if (!monitor) report(`${what} run without DCGM scraping: no ServiceMonitor selects dcgm-exporter.`, env.resource.urn);

    const rules = args.resources
      .filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
      .flatMap((r) => ((props(r).spec?.groups ?? []) as { rules?: { alert?: string; expr?: string }[] }[]).flatMap((g) => g.rules ?? []));
    const limit = siteLimitMW(site);
    for (const name of SITE_POWER_ALERTS) {
      const rule = rules.find((r) => r.alert === name && String(r.expr ?? "").includes(JSON.stringify(site.name)));
      if (rule === undefined) {
        report(`${what} run without the ${name} alert for site ${site.name}.`, env.resource.urn);
      } else if (name === "RepowerSitePowerOverBudget" && !String(rule.expr).includes(`> ${String(Number(limit.toFixed(6)))}`)) {
        report(`the ${name} alert does not use the site limit of ${Number(limit.toFixed(6))} MW the envelope gives today (expr: ${rule.expr}).`, env.resource.urn);
      }
    }
  },
};
