/**
 * What each phase changes against the one before, in the words of a site
 * engineer: "retires 42.14 MW of antminer-s19-xp (yard-south), adds
 * 10.44 MW IT of h100-a in hall-a". From the model's loads at each phase's
 * end (the first phase against the site before the rollout).
 */
import { evaluate, scenarios, type Site } from "../components/model";
import { grouped } from "./format";

export interface LoadChange {
  kind: string;
  /** The block, pool or itLoad. */
  name: string;
  /** A mining block's model, a pool's SKU. */
  model?: string;
  zone: string;
  /** IT MW before and after. */
  fromMW: number;
  toMW: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Per phase (by name): the loads whose IT power changes at its end against the phase before. */
export function loadChanges(site: Site): Map<string, LoadChange[]> {
  const ends = scenarios(site).filter((s) => !s.transient);
  const out = new Map<string, LoadChange[]>();
  const before = new Map<string, { kw: number; zone: string }>();
  const keyOf = (l: { kind: string; name: string }) => `${l.kind}/${l.name}`;
  // The site before the rollout: every block at its units, no GPU and no itLoad.
  for (const b of site.mining) before.set(`mining/${b.name}`, { kw: (b.units * b.wattsPerUnit) / 1000, zone: b.coolingZone });
  for (const s of ends) {
    const now = new Map<string, { kw: number; zone: string; kind: string; name: string }>();
    for (const l of evaluate(site, s).loads) now.set(keyOf(l), { kw: l.itKW, zone: l.zone, kind: l.kind, name: l.name });
    const changes: LoadChange[] = [];
    const keys = [...new Set([...before.keys(), ...now.keys()])];
    for (const k of keys) {
      const a = before.get(k)?.kw ?? 0;
      const b = now.get(k)?.kw ?? 0;
      if (Math.abs(a - b) < 1e-6) continue;
      const [kind, name] = k.split("/");
      const model = kind === "mining" ? site.mining.find((m) => m.name === name)?.model : kind === "gpu" ? site.gpuPools.find((p) => p.name === name)?.sku : undefined;
      changes.push({ kind, name, ...(model !== undefined ? { model } : {}), zone: now.get(k)?.zone ?? before.get(k)?.zone ?? "", fromMW: r3(a / 1000), toMW: r3(b / 1000) });
    }
    out.set(s.phase, changes);
    before.clear();
    for (const [k, v] of now) before.set(k, v);
  }
  return out;
}

/** "retires 42.14 MW of antminer-s19-xp (yard-south)", "adds 10.44 MW IT of h100-a in hall-a". */
export function loadChangeText(c: LoadChange): string {
  const delta = c.toMW - c.fromMW;
  const amount = `${grouped(Math.abs(delta), 2)} MW`;
  const what = c.kind === "mining" ? `${c.model ?? "miners"} (${c.name})` : c.kind === "gpu" ? `IT of ${c.name}` : `IT of ${c.name}`;
  if (c.kind === "mining") return delta < 0 ? (c.toMW === 0 ? `retires ${amount} of ${what}` : `retires ${amount} of ${what}`) : `adds ${amount} of ${what}`;
  return delta > 0 ? `adds ${amount} ${what} in ${c.zone}` : `removes ${amount} ${what} from ${c.zone}`;
}
