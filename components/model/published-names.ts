/**
 * Names that the components publish and the policy pack looks for: one
 * place, so the two cannot drift apart.
 */

/** The ConfigMap holding a site's validated spec and budgets (namespace `repower-system`). */
export const ENVELOPE_CONFIGMAP = "repower-site-envelope";
/** Version of that ConfigMap's data layout; its `specVersion` key is the site spec version of its `site.json` (spec-version.ts). */
export const ENVELOPE_SCHEMA = "repower.io/envelope/v1";
/** The ConfigMap of device-plugin configs the GPU Operator reads (gpu-operator mode). */
export const OPERATOR_CONFIGMAP = "repower-device-plugin-configs";
/** dcgm-exporter's Helm release and Service name, hence its Prometheus job. */
export const DCGM_JOB = "dcgm-exporter";
/** The per-GPU cap a power-cap DaemonSet applies, as its container's environment variable. */
export const POWER_CAP_ENV = "POWER_CAP_WATTS";
/** Alerts that gpu-monitoring-present requires. */
export const SITE_POWER_ALERTS = ["RepowerSitePowerOverBudget", "RepowerSitePowerNearBudget"] as const;
