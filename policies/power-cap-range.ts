/**
 * power-cap-range: every pool's per-GPU power cap (`powerCapWatts`) lies
 * within its SKU's range. A cap the driver rejects leaves the GPUs at full
 * power while the budgets assume the cap. (That the cap is enforced on the
 * pool's nodes, and at that value, is pool-matches-spec's check.)
 */
import type { GpuPool } from "../components/model";
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
      report(`pool ${pool.name}: powerCapWatts ${pool.powerCapWatts} W is outside ${pool.sku}'s range ${capRange(pool)}. Set a cap within it; a cap the driver rejects leaves the GPUs at full power.`);
    }
  },
);
