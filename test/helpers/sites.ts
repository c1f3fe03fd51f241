/** Small site specs for tests, built as plain values and validated like a stack file's. */
import { validateSite, type Site } from "../../components/model";

type Json = Record<string, unknown>;

/** A one-hall site: 1000 S21 miners in an air yard, an H100 pool in a direct-to-chip hall. */
export function baseSpec(): Json {
  return {
    name: "test-site",
    grid: { interconnectMW: 20, auxMW: 0.5 },
    feeds: [
      { name: "a", voltage: 480, amperage: 3000 },
      { name: "b", voltage: 480, amperage: 3000 },
    ],
    coolingZones: [
      { name: "yard", type: "air", capacityMW: 10, pue: 1.1 },
      { name: "hall", type: "direct-to-chip", capacityMW: 4, pue: 1.2 },
    ],
    mining: [{ name: "block", model: "antminer-s21", units: 1000, coolingZone: "yard" }],
    gpuPools: [
      {
        name: "h100",
        sku: "dgx-h100",
        coolingZone: "hall",
        feeds: ["a", "b"],
        backend: { type: "static", nodeNamePrefix: "h100-" },
      },
    ],
    rollout: { activePhase: "p1", phases: [{ name: "p1", mining: { block: 500 }, gpu: { h100: 100 } }] },
  };
}

/** Validates a spec; throws with the issues when it is invalid. */
export function siteOf(spec: Json): Site {
  const r = validateSite(spec);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"));
  return r.site;
}

/** A deep copy of `spec` changed by `edit`. */
export function edited(spec: Json, edit: (s: any) => void): Json {
  const copy = structuredClone(spec);
  edit(copy);
  return copy;
}
