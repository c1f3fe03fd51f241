/**
 * power-cap-range: every pool's per-GPU power cap (`powerCapWatts`) lies
 * within its SKU's range. A cap the driver rejects leaves the GPUs at full
 * power while the budgets assume the cap. The budgets count an out-of-range
 * cap at the nearest cap in range (contract, "Arithmetic"), and the message
 * suggests exactly that cap, so following it changes no budget. This policy
 * alone reports the out-of-range cap (one cause, one violation); that the
 * cap is enforced on the pool's nodes is pool-matches-spec's check.
 */
import { effectiveCapW, type GpuPool } from "../components/model";
import { envelopePolicy } from "./budget-policy";

export const capRange = (p: GpuPool) =>
  `${p.system.powerCapMinW.value}–${p.system.powerCapMaxW.value} W${p.system.powerCapMaxW.uncertain || p.system.powerCapMinW.uncertain ? " (uncertain catalog figures; override them in repower:site.catalog if your boards differ)" : ""}`;
export const capInRange = (p: GpuPool, w: number) => w >= p.system.powerCapMinW.value && w <= p.system.powerCapMaxW.value;

export const powerCapRange = envelopePolicy(
  {
    name: "power-cap-range",
    description: "Per-GPU power caps (powerCapWatts) lie within the SKU's range.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set powerCapWatts within the SKU's range (nvidia-smi rejects values outside it, leaving GPUs at full power).",
  },
  (site, report) => {
    for (const pool of site.gpuPools) {
      if (pool.powerCapWatts === undefined || capInRange(pool, pool.powerCapWatts)) continue;
      // The nearest cap in range, held to TDP: what the budgets already count.
      const nearest = effectiveCapW(pool);
      report(
        `pool ${pool.name}: powerCapWatts ${pool.powerCapWatts} W is outside ${pool.sku}'s range ${capRange(pool)}. ` +
          `Set powerCapWatts to ${nearest} W (the nearest cap in range, which the budgets already count); a cap the driver rejects leaves the GPUs at full power.`,
      );
    }
  },
);
