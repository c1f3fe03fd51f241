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
/** The image of the power-cap DaemonSet (nvidia-smi comes from the NVIDIA container runtime). */
export const POWER_CAP_IMAGE = "nvcr.io/nvidia/cuda:12.8.1-base-ubuntu24.04";
/**
 * The site alerts GpuMonitoring promises and gpu-monitoring-present requires,
 * with the recording rule each reads and the threshold it compares against:
 * `siteLimit`/`firmLimit` (the envelope's limits in the active phase, MW),
 * `belowSiteLimit` (a warning under the site limit), `absent` (fires when the
 * record is absent). Without telemetry the over-budget alerts can never fire,
 * so the telemetry alert is as required as they are.
 */
export const SITE_ALERTS = {
  RepowerSitePowerOverBudget: { record: "repower:site_facility_power_mw", threshold: "siteLimit" },
  RepowerSitePowerNearBudget: { record: "repower:site_facility_power_mw", threshold: "belowSiteLimit" },
  RepowerFirmPowerOverBudget: { record: "repower:site_firm_power_mw", threshold: "firmLimit" },
  RepowerGpuTelemetryMissing: { record: "repower:pool_gpu_count", threshold: "absent" },
} as const;
/** Alerts that gpu-monitoring-present requires. */
export const SITE_POWER_ALERTS = Object.keys(SITE_ALERTS) as (keyof typeof SITE_ALERTS)[];
