/**
 * The hardware catalog: GPU systems and Bitcoin ASIC miners as one typed table
 * each, every figure with its source. Figures that come from secondary sources
 * or disagree between sources carry `uncertain: true`; a site can override any
 * entry (or add new ones) through `repower:site.catalog`.
 *
 * Pure data and lookups: no Pulumi here.
 */

/** One number with where it came from. */
export interface Figure {
  /** The value, in the unit the field name says (W, kW, TH/s, count). */
  value: number;
  /** Where the number came from. */
  source: string;
  /** True where the source is secondary, disputed, or an estimate. */
  uncertain?: boolean;
}

/** Who makes a system's GPUs (which device plugin and monitoring apply). */
export const GPU_VENDORS = ["nvidia", "amd"] as const;
export type GpuVendor = (typeof GPU_VENDORS)[number];

/** How a GPU system is cooled: `liquid` needs a direct-to-chip or immersion zone. */
export const SYSTEM_COOLING = ["air", "liquid"] as const;
export type SystemCooling = (typeof SYSTEM_COOLING)[number];

/** How a miner is cooled: hydro and immersion models need a zone of their own type. */
export const MINER_COOLING = ["air", "hydro", "immersion"] as const;
export type MinerCooling = (typeof MINER_COOLING)[number];

/** A GPU system: one Kubernetes node (a server, or a compute tray of a rack-scale system). */
export interface GpuSystem {
  id: string;
  description: string;
  /** Where the description, vendor, rack-scale and cooling facts come from (site entries: optional). */
  source?: string;
  vendor: GpuVendor;
  gpusPerNode: Figure;
  /** Board power of one GPU at its default limit, W. */
  gpuTdpW: Figure;
  /** Lowest per-GPU power cap the driver accepts, W. */
  powerCapMinW: Figure;
  /** Highest per-GPU power cap the driver accepts, W. */
  powerCapMaxW: Figure;
  /** Maximum power draw of one node (system), kW. */
  systemKW: Figure;
  /** Nodes in one rack when the site does not say; fixed for a rack-scale system. */
  nodesPerRack: Figure;
  /** True where a rack is one system (NVL72): whole racks only, `nodesPerRack` fixed. */
  rackScale: boolean;
  /** Power of a rack beyond its nodes (switch trays, power shelves), kW. */
  rackOverheadKW: Figure;
  cooling: SystemCooling;
  /** Share (0 to 1) of the heat a direct-to-chip loop takes; 0 for air-cooled systems. */
  liquidFraction: Figure;
}

/** A Bitcoin ASIC miner model. */
export interface Miner {
  id: string;
  description: string;
  hashrateTHs: Figure;
  wattsPerUnit: Figure;
  cooling: MinerCooling;
  /** Where the description and cooling come from (site entries: optional). */
  source?: string;
}

const fig = (value: number, source: string, uncertain = false): Figure =>
  uncertain ? { value, source, uncertain } : { value, source };

const DGX_H100 = "NVIDIA DGX H100 user guide (6 x 3.3 kW PSUs, 4+2)";
const DGX_H200 = "NVIDIA DGX H200 user guide; H200 SXM TGP 700 W in MLCommons v4.1 results";
const DGX_B200 = "NVIDIA DGX B200 user guide (6 x 3.3 kW PSUs, 5+1)";
const GB200 = "NVIDIA DPS device specifications (compute tray 1,000-6,667 W)";
const SMI = "nvidia-smi -pl accepts the board's min/max (one 700 W part reported 200-700 W)";
const RACK4 = "repower default: 4 servers a rack";
const ESTIMATE = "repower estimate: no vendor figure; override in repower:site.catalog";

/** The v2 fields of a server that is not rack-scale, in its air-cooled variant. */
const AIR_SERVER = {
  vendor: "nvidia",
  rackScale: false,
  rackOverheadKW: fig(0, "none in the catalog for servers; a pool gives its ToR switches and PDUs (gpuPools[].rackOverheadKW)"),
  cooling: "air",
  liquidFraction: fig(0, "air-cooled: the built-in id is the air-cooled variant"),
} as const satisfies Partial<GpuSystem>;

/** The built-in GPU systems, keyed by id. */
export const GPU_SYSTEMS: Readonly<Record<string, GpuSystem>> = {
  "dgx-h100": {
    id: "dgx-h100",
    description: "NVIDIA DGX H100, 8 x H100 SXM",
    gpusPerNode: fig(8, DGX_H100),
    gpuTdpW: fig(700, DGX_H100),
    powerCapMinW: fig(200, SMI),
    powerCapMaxW: fig(700, SMI),
    systemKW: fig(10.2, DGX_H100),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "dgx-h200": {
    id: "dgx-h200",
    description: "NVIDIA DGX H200, 8 x H200 SXM",
    gpusPerNode: fig(8, DGX_H200),
    gpuTdpW: fig(700, DGX_H200),
    powerCapMinW: fig(200, SMI),
    powerCapMaxW: fig(700, SMI),
    systemKW: fig(10.2, DGX_H200),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "dgx-b200": {
    id: "dgx-b200",
    description: "NVIDIA DGX B200, 8 x B200",
    gpusPerNode: fig(8, DGX_B200),
    gpuTdpW: fig(1000, "secondary sources; NVIDIA publishes system power only", true),
    powerCapMinW: fig(200, "assumed from the H100/H200 range; not published", true),
    powerCapMaxW: fig(1000, "assumed equal to the GPU TDP; not published", true),
    systemKW: fig(14.3, DGX_B200),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "gb200-nvl72": {
    id: "gb200-nvl72",
    vendor: "nvidia",
    description: "NVIDIA GB200 NVL72 compute tray (4 GPUs; 18 trays a rack, ~120 kW a rack)",
    gpusPerNode: fig(4, "NVIDIA GB200 NVL72: 4 GPUs per compute tray"),
    gpuTdpW: fig(1200, "secondary sources disagree (1,000-1,200 W)", true),
    powerCapMinW: fig(200, "not published", true),
    powerCapMaxW: fig(1200, "assumed equal to the GPU TDP; not published", true),
    systemKW: fig(6.667, GB200),
    nodesPerRack: fig(18, "NVIDIA GB200 NVL72: 18 compute trays a rack (~120 kW a rack, secondary)"),
    rackScale: true,
    rackOverheadKW: fig(12, "~132 kW a rack (secondary) less 18 compute trays of 6.667 kW: 9 NVLink switch trays, power shelves, ToR switches", true),
    cooling: "liquid",
    liquidFraction: fig(0.85, "secondary: compute and switch trays cold-plated, NICs, drives and fans air-cooled", true),
  },
  "h100-pcie": {
    id: "h100-pcie",
    description: "8 x H100 PCIe server",
    gpusPerNode: fig(8, "H100 PCIe product brief"),
    gpuTdpW: fig(350, "H100 PCIe product brief"),
    powerCapMinW: fig(200, "not published", true),
    powerCapMaxW: fig(350, "H100 PCIe product brief (board power)"),
    systemKW: fig(5.0, ESTIMATE, true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "l40s": {
    id: "l40s",
    description: "8 x L40S server",
    gpusPerNode: fig(8, "secondary"),
    gpuTdpW: fig(350, "secondary", true),
    powerCapMinW: fig(200, "not published", true),
    powerCapMaxW: fig(350, "secondary", true),
    systemKW: fig(4.8, ESTIMATE, true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "mi300x": {
    id: "mi300x",
    description: "8 x AMD MI300X server",
    gpusPerNode: fig(8, "secondary"),
    gpuTdpW: fig(750, "secondary", true),
    powerCapMinW: fig(300, "not published", true),
    powerCapMaxW: fig(750, "secondary", true),
    systemKW: fig(10.0, ESTIMATE, true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
    vendor: "amd",
  },
};

const LISTINGS = "reseller listings";

/** The built-in ASIC miners, keyed by id (vendor and reseller figures, +/- 5 % bins). */
export const MINERS: Readonly<Record<string, Miner>> = {
  "antminer-s19j-pro": {
    id: "antminer-s19j-pro",
    description: "Bitmain Antminer S19j Pro",
    hashrateTHs: fig(100, LISTINGS),
    wattsPerUnit: fig(3050, LISTINGS),
    cooling: "air",
  },
  "antminer-s19-xp": {
    id: "antminer-s19-xp",
    description: "Bitmain Antminer S19 XP",
    hashrateTHs: fig(140, LISTINGS),
    wattsPerUnit: fig(3010, LISTINGS),
    cooling: "air",
  },
  "antminer-s21": {
    id: "antminer-s21",
    description: "Bitmain Antminer S21",
    hashrateTHs: fig(200, "reviews"),
    wattsPerUnit: fig(3500, "reviews; listings vary 3,200-3,550 W", true),
    cooling: "air",
  },
  "antminer-s21-xp": {
    id: "antminer-s21-xp",
    description: "Bitmain Antminer S21 XP",
    hashrateTHs: fig(270, "listings"),
    wattsPerUnit: fig(3645, "computed from 13.5 J/TH", true),
    cooling: "air",
  },
  "antminer-s21-hyd": {
    id: "antminer-s21-hyd",
    description: "Bitmain Antminer S21 Hydro",
    hashrateTHs: fig(335, "listings"),
    wattsPerUnit: fig(5360, "listings"),
    cooling: "hydro",
  },
  "whatsminer-m50s": {
    id: "whatsminer-m50s",
    description: "MicroBT WhatsMiner M50S",
    hashrateTHs: fig(126, "community lists"),
    wattsPerUnit: fig(3276, "community lists", true),
    cooling: "air",
  },
  "whatsminer-m60s": {
    id: "whatsminer-m60s",
    description: "MicroBT WhatsMiner M60S",
    hashrateTHs: fig(180, "community lists, inconsistent", true),
    wattsPerUnit: fig(3420, "community lists, inconsistent", true),
    cooling: "air",
  },
};

/** A catalog: the built-in tables, possibly extended or overridden by a site. */
export interface Catalog {
  gpuSystems: Readonly<Record<string, GpuSystem>>;
  miners: Readonly<Record<string, Miner>>;
}

/** The built-in catalog alone. */
export const BUILTIN_CATALOG: Catalog = { gpuSystems: GPU_SYSTEMS, miners: MINERS };

/**
 * The catalog a site sees: built-in entries, with the site's entries added and,
 * where an id is the same, replacing the built-in one field by field.
 */
export function mergeCatalog(
  gpuSystems: readonly GpuSystem[] = [],
  miners: readonly Miner[] = [],
): Catalog {
  const g: Record<string, GpuSystem> = { ...GPU_SYSTEMS };
  for (const s of gpuSystems) g[s.id] = s;
  const m: Record<string, Miner> = { ...MINERS };
  for (const x of miners) m[x.id] = x;
  return { gpuSystems: g, miners: m };
}
