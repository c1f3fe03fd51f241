/**
 * power-cap-range: every per-GPU power cap, planned (powerCapWatts) or
 * deployed (a power-cap DaemonSet), lies within the SKU's range; a planned
 * cap is enforced by a DaemonSet, and no DaemonSet caps higher than planned
 * (the budgets were checked at the planned cap).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { activePhase, POWER_CAP_ENV, type GpuPool } from "../components/model";
import { failClosed } from "./budget-policy";

const range = (p: GpuPool) => `${p.system.powerCapMinW.value}–${p.system.powerCapMaxW.value} W${p.system.powerCapMaxW.uncertain || p.system.powerCapMinW.uncertain ? " (uncertain catalog figures; override them in repower:site.catalog if your boards differ)" : ""}`;
const inRange = (p: GpuPool, w: number) => w >= p.system.powerCapMinW.value && w <= p.system.powerCapMaxW.value;

export const powerCapRange: StackValidationPolicy = {
  name: "power-cap-range",
  description: "Per-GPU power caps lie within the SKU's range, and every planned cap is enforced on the pool's nodes.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set powerCapWatts within the SKU's range (nvidia-smi rejects values outside it, leaving GPUs at full power), and keep the GpuPowerCap DaemonSet of each capped pool.",
  validateStack: (args, report) => {
    const env = failClosed("power-cap-range", args.resources, report);
    if (!env.ok) return;
    const { site } = env;
    const active = activePhase(site);
    const deployed = new Map<string, { watts: number; urn: string }>();
    for (const r of args.resources) {
      if (r.type !== "kubernetes:apps/v1:DaemonSet") continue;
      const spec = (r.props as Record<string, any>).spec?.template?.spec;
      const env = (spec?.containers ?? []).flatMap((c: { env?: { name: string; value?: string }[] }) => c.env ?? []);
      const cap = env.find((e: { name: string }) => e.name === POWER_CAP_ENV);
      if (cap === undefined) continue;
      const poolName = spec?.nodeSelector?.["repower.io/pool"];
      const pool = site.gpuPools.find((p) => p.name === poolName);
      const watts = Number(cap.value);
      if (pool === undefined) {
        report(`DaemonSet ${r.name} caps GPUs of pool ${JSON.stringify(poolName)}, which the site does not declare.`, r.urn);
        continue;
      }
      deployed.set(pool.name, { watts, urn: r.urn });
      if (!Number.isFinite(watts) || !inRange(pool, watts)) {
        report(`DaemonSet ${r.name} caps pool ${pool.name} at ${cap.value} W per GPU, outside ${pool.sku}'s range ${range(pool)}.`, r.urn);
      } else if (pool.powerCapWatts !== undefined && watts > pool.powerCapWatts) {
        report(`DaemonSet ${r.name} caps pool ${pool.name} at ${watts} W per GPU, above the ${pool.powerCapWatts} W the budgets were checked at. Set it to ${pool.powerCapWatts} W or plan the higher cap.`, r.urn);
      }
    }
    for (const pool of site.gpuPools) {
      if (pool.powerCapWatts === undefined) continue;
      if (!inRange(pool, pool.powerCapWatts)) {
        report(`pool ${pool.name}: powerCapWatts ${pool.powerCapWatts} W is outside ${pool.sku}'s range ${range(pool)}. Set a cap within it; a cap the driver rejects leaves the GPUs at full power.`, env.resource.urn);
      } else if ((active.gpu[pool.name] ?? 0) > 0 && pool.placement === "on-site" && !deployed.has(pool.name)) {
        report(`pool ${pool.name}: the budgets assume a ${pool.powerCapWatts} W cap per GPU, but no power-cap DaemonSet enforces it on the pool's nodes.`, env.resource.urn);
      }
    }
  },
};
