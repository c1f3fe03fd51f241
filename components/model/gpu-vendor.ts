/**
 * Which GPU vendor's software a pool needs. repower deploys NVIDIA's stack
 * only (the device plugin, GPU feature discovery, DCGM and `nvidia-smi` power
 * caps), and none of it may run on AMD nodes: an AMD system (catalog
 * `vendor: amd`, e.g. `mi300x`) in a pool is refused at validation, with the
 * pool's `sku` line, until repower deploys AMD's own stack (the AMD GPU
 * device plugin, device-metrics-exporter and `amd-smi` caps).
 *
 * Pure: no Pulumi here.
 */
import type { Catalog, GpuSystem } from "./catalog";
import type { SpecIssue } from "./spec-errors";

/** The vendor of a system; `nvidia` where the catalog entry states none (the catalog's own default). */
export function systemVendor(system: GpuSystem | undefined): string {
  return (system as { vendor?: string } | undefined)?.vendor ?? "nvidia";
}

/** Pools whose system is not NVIDIA's, at their `sku` field. */
export function unsupportedVendorIssues(spec: { gpuPools: readonly { name: string; sku: string }[] }, catalog: Catalog): SpecIssue[] {
  const issues: SpecIssue[] = [];
  spec.gpuPools.forEach((p, i) => {
    const system = catalog.gpuSystems[p.sku];
    if (system === undefined) return; // an unknown SKU is reported on its own
    const vendor = systemVendor(system);
    if (vendor !== "nvidia") {
      issues.push({
        path: ["gpuPools", i, "sku"],
        message:
          `pool ${p.name}: ${p.sku} is ${vendor === "amd" ? "an AMD" : `a ${vendor}`} system (catalog vendor: ${vendor}); repower deploys only NVIDIA's ` +
          `device plugin, DCGM exporter and nvidia-smi power caps, which must never run on ${vendor.toUpperCase()} nodes. ` +
          `Use an NVIDIA system, or leave this pool out until repower deploys ${vendor.toUpperCase()}'s own stack`,
      });
    }
  });
  return issues;
}
