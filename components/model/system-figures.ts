/**
 * The version 2 figures of a GPU system that the site model reads (rack-scale,
 * per-rack overhead, cooling, liquid share), each with the contract's default
 * for an entry that does not carry it ("The catalog (v2)": `rackScale` false,
 * `rackOverheadKW` 0, `cooling` air, `liquidFraction` 0 for air systems).
 *
 * Pure: no Pulumi here.
 */
import type { Figure, GpuSystem } from "./catalog";

/** The v2 fields of a catalog system, optional here so that any entry can be read. */
type SystemV2 = GpuSystem & Partial<{ rackScale: boolean; rackOverheadKW: Figure; cooling: "air" | "liquid"; liquidFraction: Figure }>;

/** True when a rack is one system (e.g. NVL72): whole racks only, fixed `nodesPerRack`. */
export function isRackScale(system: GpuSystem): boolean {
  return (system as SystemV2).rackScale === true;
}

/** The system's per-rack overhead (switch trays, power shelves), kW; 0 when it gives none. */
export function systemRackOverheadKW(system: GpuSystem): number {
  return (system as SystemV2).rackOverheadKW?.value ?? 0;
}

/** `air` or `liquid`; air when the entry does not say. */
export function systemCooling(system: GpuSystem): "air" | "liquid" {
  return (system as SystemV2).cooling ?? "air";
}

/** Share of the system's heat a direct-to-chip loop takes: 0 for air-cooled systems. */
export function systemLiquidFraction(system: GpuSystem): number {
  const s = system as SystemV2;
  return systemCooling(s) === "liquid" ? (s.liquidFraction?.value ?? 1) : 0;
}
