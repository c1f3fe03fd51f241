/**
 * Generated sites for `repower plan`: a seeded generator of valid sites of a
 * chosen size (phases, pools, mining blocks), with a hand-written rollout
 * that is plausible but not optimised (and may break a budget). Used by the
 * planner's benchmark and by its tests.
 */

/** A small seeded generator (mulberry32), so every site is the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PlanSiteShape {
  name: string;
  phases: number;
  pools: number;
  blocks: number;
  seed: number;
  /** Transients checked (rollout.overlap). */
  overlap?: boolean;
  /** Give the phases start dates a quarter apart. */
  dated?: boolean;
  /** Add a plan: block with deliveries and mining contracts. */
  bounds?: boolean;
}

const SKUS = [
  { sku: "dgx-h100", kw: 10.2 },
  { sku: "dgx-h200", kw: 10.2 },
  { sku: "dgx-b200", kw: 14.3 },
  { sku: "h100-pcie", kw: 3.5 },
] as const;
const MINERS = [
  { model: "antminer-s21", kw: 3.5 },
  { model: "antminer-s19-xp", kw: 3.01 },
  { model: "antminer-s19j-pro", kw: 3.05 },
  { model: "whatsminer-m50s", kw: 3.3 },
] as const;

const isoDate = (base: number, days: number) => new Date(base + days * 86_400_000).toISOString().slice(0, 10);

/** A valid site of the given shape (a `repower:site` value). */
export function planSite(shape: PlanSiteShape): Record<string, unknown> {
  const r = rng(shape.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const halls = Math.max(1, Math.ceil(shape.pools / 3));
  const yards = Math.max(1, Math.ceil(shape.blocks / 6));

  const blocks = Array.from({ length: shape.blocks }, (_, i) => {
    const m = pick(MINERS);
    return { name: `block-${i}`, model: m.model, units: int(200, 2000), coolingZone: `yard-${i % yards}`, kw: m.kw };
  });
  const yardHeat = Array.from({ length: yards }, (_, y) => blocks.filter((b) => b.coolingZone === `yard-${y}`).reduce((s, b) => s + b.units * b.kw, 0) / 1000);
  const miningMW = yardHeat.reduce((a, b) => a + b, 0);
  const pools = Array.from({ length: shape.pools }, (_, i) => {
    const s = pick(SKUS);
    return { name: `pool-${i}`, sku: s.sku, coolingZone: `hall-${i % halls}`, feeds: [`feed-${i % halls}-a`, `feed-${i % halls}-b`], kw: s.kw };
  });
  const hallMW = Array.from({ length: halls }, () => int(4, 20));
  const gpuMW = hallMW.reduce((a, b) => a + b, 0);
  // The grid carries the miners and a part of the halls: the rollout must retire miners to fill them.
  const interconnectMW = Math.ceil(miningMW * 1.1 + gpuMW * 0.5 + 2);

  const phases = Array.from({ length: shape.phases }, (_, k) => {
    const frac = (k + 1) / shape.phases;
    const mining = Object.fromEntries(blocks.map((b) => [b.name, Math.floor(b.units * (1 - frac) * (0.5 + 0.5 * r()))]));
    const gpu = Object.fromEntries(
      pools.map((p) => {
        const share = hallMW[Number(p.coolingZone.split("-")[1])] / Math.ceil(shape.pools / halls);
        return [p.name, Math.floor(((share * 1000) / p.kw) * frac * 0.6)];
      }),
    );
    return {
      name: `phase-${k + 1}`,
      ...(shape.dated ? { start: isoDate(Date.UTC(2027, 0, 1), k * int(60, 120)) } : {}),
      mining,
      gpu,
    };
  });
  // Dates must not decrease: make them cumulative.
  if (shape.dated) {
    let day = 0;
    for (const ph of phases) {
      (ph as { start?: string }).start = isoDate(Date.UTC(2027, 0, 1), day);
      day += int(60, 120);
    }
  }
  // Phase counts carry over; the hand-written rollout must keep pools growing and blocks shrinking.
  for (let k = 1; k < phases.length; k++) {
    for (const p of pools) phases[k].gpu[p.name] = Math.max(phases[k].gpu[p.name], phases[k - 1].gpu[p.name]);
    for (const b of blocks) phases[k].mining[b.name] = Math.min(phases[k].mining[b.name], phases[k - 1].mining[b.name]);
  }

  const site: Record<string, unknown> = {
    name: shape.name,
    grid: { interconnectMW, firmMW: Math.ceil(interconnectMW * 0.7), reservePercent: 5, auxMW: 0.5 },
    transformers: [{ name: "main", ratingMVA: Math.ceil(interconnectMW / 2), units: 3, redundancy: "N+1" }],
    feeds: Array.from({ length: halls }, (_, h) => [
      { name: `feed-${h}-a`, voltage: 13800, amperage: Math.ceil((hallMW[h] * 1000) / (13.8 * Math.sqrt(3) * 0.8 * 0.95)) },
      { name: `feed-${h}-b`, voltage: 13800, amperage: Math.ceil((hallMW[h] * 1000) / (13.8 * Math.sqrt(3) * 0.8 * 0.95)) },
    ]).flat(),
    coolingZones: [
      ...yardHeat.map((mw, y) => ({ name: `yard-${y}`, type: "air", capacityMW: Math.ceil(mw * 1.2 + 1), units: 10, redundancy: "N+1", pue: 1.08 })),
      ...hallMW.map((mw, h) => ({ name: `hall-${h}`, type: "direct-to-chip", capacityMW: Math.ceil(mw * 1.25), units: 4, redundancy: "N+1", pue: 1.15 })),
    ],
    mining: blocks.map(({ kw: _kw, ...b }) => ({ ...b, curtailable: true })),
    gpuPools: pools.map(({ kw: _kw, ...p }) => ({ ...p, backend: { type: "static", nodeNamePrefix: `${p.name}-` } })),
    cluster: { type: "existing" },
    rollout: { activePhase: "phase-1", overlap: shape.overlap ?? true, phases },
  };
  if (shape.bounds) {
    const mid = `phase-${Math.max(1, Math.floor(shape.phases / 2))}`;
    site.plan = {
      pools: Object.fromEntries(
        pools.slice(0, Math.ceil(pools.length / 2)).map((p, i) => [
          p.name,
          i % 2 === 0 ? { notBefore: `phase-${Math.min(shape.phases, 2)}` } : { maxNodes: { "phase-1": 64, [mid]: 512 } },
        ]),
      ),
      mining: Object.fromEntries(blocks.slice(0, Math.ceil(blocks.length / 3)).map((b) => [b.name, { minUnits: { "phase-1": Math.floor(b.units / 2), [mid]: Math.floor(b.units / 4) } }])),
    };
    site.economics = { hostingUSDPerKWMonth: 130, hashpriceUSDPerPHDay: 50, powerPriceUSDPerMWh: 35 };
  }
  return site;
}
