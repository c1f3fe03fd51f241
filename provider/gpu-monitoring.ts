/** GpuMonitoring for any Pulumi language (the TypeScript component inside). */
import * as pulumi from "@pulumi/pulumi";
import { GpuMonitoring as MonitoringComponent } from "../components/gpu-monitoring";
import { siteOf, type SiteInputs } from "./site-input";

/** Inputs of GpuMonitoring. */
export interface GpuMonitoringArgs extends SiteInputs {
  /** Labels the Prometheus operator selects ServiceMonitors and rules by (e.g. release: kube-prometheus-stack). */
  prometheusLabels?: Record<string, string>;
  /** Share of a budget at which the warning alert fires, above 0 and below 1 (default 0.9). */
  warnAt?: number;
}

/**
 * dcgm-exporter, a ServiceMonitor, and the site's power and GPU alerts, with
 * thresholds from the active phase's budgets, plus a Grafana dashboard.
 */
export class GpuMonitoring extends pulumi.ComponentResource {
  /** The namespace of the exporter and the rules. */
  public readonly namespace: pulumi.Output<string>;
  /** The PrometheusRule's name. */
  public readonly ruleName: pulumi.Output<string>;

  constructor(name: string, args: GpuMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("repower:index:GpuMonitoring", name, {}, opts);
    const site = siteOf(args);
    if (args.warnAt !== undefined && !(typeof args.warnAt === "number" && args.warnAt > 0 && args.warnAt < 1)) {
      throw new pulumi.InputPropertyError({ propertyPath: "warnAt", reason: `must be above 0 and below 1, found ${JSON.stringify(args.warnAt)}` });
    }
    const inner = new MonitoringComponent(
      name,
      {
        site,
        ...(args.prometheusLabels === undefined ? {} : { prometheusLabels: args.prometheusLabels }),
        ...(args.warnAt === undefined ? {} : { warnAt: args.warnAt }),
      },
      { parent: this },
    );
    this.namespace = inner.namespace;
    this.ruleName = inner.ruleName;
    this.registerOutputs({ namespace: this.namespace, ruleName: this.ruleName });
  }
}
