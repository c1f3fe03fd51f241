/** Alternating runs of a baseline and a measurement, and their medians and spread. */

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Paired {
  baseline: number[];
  measured: number[];
}

/**
 * Runs baseline, measurement, baseline, measurement, … `runs` times each, so
 * that a machine getting busier or quieter moves both alike.
 */
export async function alternate(runs: number, baseline: () => Promise<number>, measured: () => Promise<number>): Promise<Paired> {
  const out: Paired = { baseline: [], measured: [] };
  for (let i = 0; i < runs; i++) {
    out.baseline.push(await baseline());
    out.measured.push(await measured());
  }
  return out;
}

/** "1.23 s (1.20–1.31)": median and the range of the runs. */
export function spread(xs: readonly number[], fmt: (v: number) => string): string {
  return `${fmt(median(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
