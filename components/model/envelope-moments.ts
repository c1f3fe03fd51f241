/**
 * The moments of a rollout that are checked: the end of every phase and,
 * where `overlap` holds for a phase (its own `overlap`, else
 * `rollout.overlap`), the transient into it.
 *
 * Pure: no Pulumi here.
 */
import type { Phase, Site } from "./site";

/** What runs at one moment: units of every mining block, nodes of every pool, MW of every itLoad. */
export interface Counts {
  mining: Readonly<Record<string, number>>;
  gpu: Readonly<Record<string, number>>;
  /** MW of each itLoad (v2); where left out, as the spec states them at the moment (see `evaluate`). */
  it?: Readonly<Record<string, number>>;
}

/** A moment that is checked: the end of a phase, or the transient into it. */
export interface Scenario extends Counts {
  /** The phase's name: its limits and equipment apply (for a transient, the phase entered). */
  phase: string;
  /** True for the transient into `phase`: every load at the larger of its two phases' counts. */
  transient: boolean;
  /** With `transient`, the phase before (or "before-rollout" for the first). */
  from?: string;
}

/** What runs before the first phase: the whole mining fleet, no GPU nodes, no itLoad. */
export const BEFORE_ROLLOUT = "before-rollout";

/** The counts before the rollout. */
export function baseline(site: Site): Counts {
  return {
    mining: Object.fromEntries(site.mining.map((m) => [m.name, m.units])),
    gpu: Object.fromEntries(site.gpuPools.map((p) => [p.name, 0])),
    it: Object.fromEntries(site.itLoads.map((l) => [l.name, 0])),
  };
}

const larger = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) => {
  const out: Record<string, number> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
  return out;
};

/** Every load at the larger of its counts (or MW) in two moments. */
export function largerCounts(a: Counts, b: Counts): Required<Counts> {
  return { mining: larger(a.mining, b.mining), gpu: larger(a.gpu, b.gpu), it: larger(a.it ?? {}, b.it ?? {}) };
}

/** The itLoad MW the spec states at a moment: the phase's, or for a transient the larger of the phase's and the one before. */
export function statedIt(site: Site, phase: string, transient: boolean): Readonly<Record<string, number>> {
  const k = site.rollout.phases.findIndex((p) => p.name === phase);
  const ph = site.rollout.phases[k];
  if (ph === undefined) return {};
  if (!transient) return ph.it;
  return larger(k === 0 ? baseline(site).it ?? {} : site.rollout.phases[k - 1].it, ph.it);
}

/** The transient into phase `k`: the counts of phase k−1 (or before the rollout) beside phase k's. */
export function transientScenario(site: Site, phase: Phase): Scenario {
  if (phase.index === 0) return { phase: phase.name, transient: true, from: BEFORE_ROLLOUT, ...largerCounts(baseline(site), phase) };
  const before = site.rollout.phases[phase.index - 1];
  return { phase: phase.name, transient: true, from: before.name, ...largerCounts(before, phase) };
}

/** A phase's counts as a scenario. */
export function phaseScenario(phase: Phase): Scenario {
  return { phase: phase.name, transient: false, mining: phase.mining, gpu: phase.gpu, it: phase.it };
}

/** The moments to check, in rollout order: the transient into each phase where it overlaps, then the phase. */
export function scenarios(site: Site): Scenario[] {
  const out: Scenario[] = [];
  for (const ph of site.rollout.phases) {
    if (ph.overlap) out.push(transientScenario(site, ph));
    out.push(phaseScenario(ph));
  }
  return out;
}
