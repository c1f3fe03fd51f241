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

/** A GPU system: one Kubernetes node (a server, or a compute tray of a rack-scale system). */
export interface GpuSystem {
  id: string;
  description: string;
  gpusPerNode: Figure;
  /** Board power of one GPU at its default limit, W. */
  gpuTdpW: Figure;
  /** Lowest per-GPU power cap the driver accepts, W. */
  powerCapMinW: Figure;
  /** Highest per-GPU power cap the driver accepts, W. */
  powerCapMaxW: Figure;
  /** Maximum power draw of one node (system), kW. */
  systemKW: Figure;
  /** Nodes in one rack when the site does not say. */
  nodesPerRack: Figure;
  /** True where the system cannot be air-cooled at all. */
  liquidCoolingRequired: boolean;
}

/** A Bitcoin ASIC miner model. */
export interface Miner {
  id: string;
  description: string;
  hashrateTHs: Figure;
  wattsPerUnit: Figure;
  /** True for hydro-cooled models. */
  hydroCooled: boolean;
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
    liquidCoolingRequired: false,
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
    liquidCoolingRequired: false,
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
    liquidCoolingRequired: false,
  },
  "gb200-nvl72": {
    id: "gb200-nvl72",
    description: "NVIDIA GB200 NVL72 compute tray (4 GPUs; 18 trays a rack, ~120 kW a rack)",
    gpusPerNode: fig(4, "NVIDIA GB200 NVL72: 4 GPUs per compute tray"),
    gpuTdpW: fig(1200, "secondary sources disagree (1,000-1,200 W)", true),
    powerCapMinW: fig(200, "not published", true),
    powerCapMaxW: fig(1200, "assumed equal to the GPU TDP; not published", true),
    systemKW: fig(6.667, GB200),
    nodesPerRack: fig(18, "NVIDIA GB200 NVL72: 18 compute trays a rack (~120 kW a rack, secondary)"),
    liquidCoolingRequired: true,
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
    liquidCoolingRequired: false,
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
    liquidCoolingRequired: false,
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
    liquidCoolingRequired: false,
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
    hydroCooled: false,
  },
  "antminer-s19-xp": {
    id: "antminer-s19-xp",
    description: "Bitmain Antminer S19 XP",
    hashrateTHs: fig(140, LISTINGS),
    wattsPerUnit: fig(3010, LISTINGS),
    hydroCooled: false,
  },
  "antminer-s21": {
    id: "antminer-s21",
    description: "Bitmain Antminer S21",
    hashrateTHs: fig(200, "reviews"),
    wattsPerUnit: fig(3500, "reviews; listings vary 3,200-3,550 W", true),
    hydroCooled: false,
  },
  "antminer-s21-xp": {
    id: "antminer-s21-xp",
    description: "Bitmain Antminer S21 XP",
    hashrateTHs: fig(270, "listings"),
    wattsPerUnit: fig(3645, "computed from 13.5 J/TH", true),
    hydroCooled: false,
  },
  "antminer-s21-hyd": {
    id: "antminer-s21-hyd",
    description: "Bitmain Antminer S21 Hydro",
    hashrateTHs: fig(335, "listings"),
    wattsPerUnit: fig(5360, "listings"),
    hydroCooled: true,
  },
  "whatsminer-m50s": {
    id: "whatsminer-m50s",
    description: "MicroBT WhatsMiner M50S",
    hashrateTHs: fig(126, "community lists"),
    wattsPerUnit: fig(3276, "community lists", true),
    hydroCooled: false,
  },
  "whatsminer-m60s": {
    id: "whatsminer-m60s",
    description: "MicroBT WhatsMiner M60S",
    hashrateTHs: fig(180, "community lists, inconsistent", true),
    wattsPerUnit: fig(3420, "community lists, inconsistent", true),
    hydroCooled: false,
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
