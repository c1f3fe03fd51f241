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

// Sources. Primary (vendor user guides, datasheets, product briefs, NVIDIA's
// own software) first; secondary figures carry `uncertain: true`.
const DGX_H100 = "NVIDIA DGX H100/H200 user guide: 6 x 3.3 kW PSUs (4+2), 10.2 kW max";
const DGX_H200 = "NVIDIA DGX H100/H200 user guide (10.2 kW max); H200 SXM TGP 700 W in MLCommons v4.1 results";
const DGX_B200 = "NVIDIA DGX B200 user guide: 6 x 3.3 kW PSUs (5+1), 14.3 kW max";
const DPS_GB200 =
  "NVIDIA Dynamic Power Software device specifications, DGX_GB200: compute tray 1,000-6,667 W, GB200 GPU 200-1,200 W";
const DGX_GB = "NVIDIA DGX GB rack scale systems user guide: 18 compute trays of 4 GPUs, 9 NVLink switch trays, power shelves a rack";
const SMI = "nvidia-smi -pl accepts the board's min/max (one 700 W part reported 200-700 W)";
const H100_SXM = "NVIDIA H100 datasheet: H100 SXM up to 700 W";
const H100_PCIE = "NVIDIA H100 PCIe product brief PB-11133-001: maximum TDP 350 W";
const L40S = "NVIDIA L40S datasheet: max power consumption 350 W";
const RACK4 = "repower default: 4 servers a rack";
const EIGHT = "repower default: an 8-GPU server (OEM servers of this GPU vary)";
const ESTIMATE = "repower estimate: no vendor figure; override in repower:site.catalog";
const B300_TDP = "secondary: B300 SXM in air-cooled 8-GPU systems 1,100 W (OEM reports); NVIDIA publishes system power only";
const B300_SYS = "secondary: NVIDIA DGX B300 documentation as cited by press, 14.5 kW";
const GB300_TDP = "secondary: Blackwell Ultra in GB300 NVL72 1,400 W (press, Morgan Stanley model); no DPS figure found";
const GB300_TRAY =
  "repower estimate: 4 x 1,400 W B300 + 2 x 420 W Grace (DPS Grace maximum) + NICs, DPUs and drives; racks quoted at 132-142 kW (secondary)";
const NVL72_OVERHEAD =
  "secondary: racks quoted at ~132 kW less 18 compute trays: 9 NVLink switch trays, 2 management ToR switches, power-shelf losses";
const NVL72_LIQUID =
  "secondary: CPUs, GPUs, NICs and NVLink switches cold-plated, the rest air-cooled (NVIDIA DGX GB user guide, MLCommons system notes); share ~85 %";
const CAP_MIN_ASSUMED = "assumed from the H100/H200 and GB200 range (200 W); not published";

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
    source: "NVIDIA DGX H100/H200 user guide (8U, air-cooled)",
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
    source: "NVIDIA DGX H100/H200 user guide (8U, air-cooled)",
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
    source: "NVIDIA DGX B200 user guide (10U, air-cooled)",
    gpusPerNode: fig(8, DGX_B200),
    gpuTdpW: fig(1000, "secondary: HGX B200 configurable to 1,000 W a GPU; B200 TGP 1,000 W in MLCommons results", true),
    powerCapMinW: fig(200, CAP_MIN_ASSUMED, true),
    powerCapMaxW: fig(1000, "assumed equal to the GPU TDP; not published", true),
    systemKW: fig(14.3, DGX_B200),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "dgx-b300": {
    id: "dgx-b300",
    description: "NVIDIA DGX B300, 8 x B300 (Blackwell Ultra)",
    source: "NVIDIA DGX SuperPOD B300 reference architecture (air-cooled DGX B300, 4 a rack)",
    gpusPerNode: fig(8, "NVIDIA DGX B300: 8 Blackwell Ultra GPUs"),
    gpuTdpW: fig(1100, B300_TDP, true),
    powerCapMinW: fig(200, CAP_MIN_ASSUMED, true),
    powerCapMaxW: fig(1100, "assumed equal to the GPU TDP; not published", true),
    systemKW: fig(14.5, B300_SYS, true),
    nodesPerRack: fig(4, "NVIDIA DGX SuperPOD B300 reference architecture: four DGX B300 a rack, above 50 kW"),
    ...AIR_SERVER,
  },
  "gb200-nvl72": {
    id: "gb200-nvl72",
    description: "NVIDIA GB200 NVL72 compute tray (4 GPUs, 2 Grace CPUs; 18 trays a rack)",
    source: DGX_GB,
    vendor: "nvidia",
    gpusPerNode: fig(4, DGX_GB),
    gpuTdpW: fig(1200, DPS_GB200),
    powerCapMinW: fig(200, DPS_GB200),
    powerCapMaxW: fig(1200, DPS_GB200),
    systemKW: fig(6.667, DPS_GB200),
    nodesPerRack: fig(18, DGX_GB),
    rackScale: true,
    rackOverheadKW: fig(12, NVL72_OVERHEAD, true),
    cooling: "liquid",
    liquidFraction: fig(0.85, NVL72_LIQUID, true),
  },
  "gb300-nvl72": {
    id: "gb300-nvl72",
    description: "NVIDIA GB300 NVL72 compute tray (4 Blackwell Ultra GPUs, 2 Grace CPUs; 18 trays a rack)",
    source: DGX_GB,
    vendor: "nvidia",
    gpusPerNode: fig(4, DGX_GB),
    gpuTdpW: fig(1400, GB300_TDP, true),
    powerCapMinW: fig(200, "assumed equal to GB200's (NVIDIA DPS); not published", true),
    powerCapMaxW: fig(1400, "assumed equal to the GPU TDP; not published", true),
    systemKW: fig(7.2, GB300_TRAY, true),
    nodesPerRack: fig(18, DGX_GB),
    rackScale: true,
    rackOverheadKW: fig(12, NVL72_OVERHEAD, true),
    cooling: "liquid",
    liquidFraction: fig(0.85, NVL72_LIQUID, true),
  },
  "hgx-h100": {
    id: "hgx-h100",
    description: "8-GPU OEM server on the NVIDIA HGX H100 baseboard (air-cooled)",
    source: "NVIDIA HGX H100: 8 H100 SXM on one baseboard; OEM servers",
    gpusPerNode: fig(8, "NVIDIA HGX H100 8-GPU baseboard"),
    gpuTdpW: fig(700, H100_SXM),
    powerCapMinW: fig(200, SMI),
    powerCapMaxW: fig(700, SMI),
    systemKW: fig(10.2, "taken as the DGX H100's 10.2 kW on the same baseboard; OEM servers vary with CPUs, NICs and PSUs", true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "hgx-h200": {
    id: "hgx-h200",
    description: "8-GPU OEM server on the NVIDIA HGX H200 baseboard (air-cooled)",
    source: "NVIDIA HGX H200: 8 H200 SXM on one baseboard; OEM servers",
    gpusPerNode: fig(8, "NVIDIA HGX H200 8-GPU baseboard"),
    gpuTdpW: fig(700, "H200 SXM TGP 700 W in MLCommons v4.1 results"),
    powerCapMinW: fig(200, SMI),
    powerCapMaxW: fig(700, SMI),
    systemKW: fig(10.2, "taken as the DGX H200's 10.2 kW on the same baseboard; OEM servers vary with CPUs, NICs and PSUs", true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "hgx-b200": {
    id: "hgx-b200",
    description: "8-GPU OEM server on the NVIDIA HGX B200 baseboard (air-cooled)",
    source: "NVIDIA HGX B200: 8 B200 on one baseboard; OEM servers",
    gpusPerNode: fig(8, "NVIDIA HGX B200 8-GPU baseboard"),
    gpuTdpW: fig(1000, "secondary: HGX B200 configurable to 1,000 W a GPU; B200 TGP 1,000 W in MLCommons results", true),
    powerCapMinW: fig(200, CAP_MIN_ASSUMED, true),
    powerCapMaxW: fig(1000, "assumed equal to the GPU TDP; not published", true),
    systemKW: fig(14.3, "taken as the DGX B200's 14.3 kW on the same baseboard; OEM servers vary with CPUs, NICs and PSUs", true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "h100-pcie": {
    id: "h100-pcie",
    description: "8 x H100 PCIe server",
    source: H100_PCIE,
    gpusPerNode: fig(8, EIGHT),
    gpuTdpW: fig(350, H100_PCIE),
    powerCapMinW: fig(200, "not published", true),
    powerCapMaxW: fig(350, H100_PCIE),
    systemKW: fig(5.0, ESTIMATE, true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "l40s": {
    id: "l40s",
    description: "8 x L40S server",
    source: L40S,
    gpusPerNode: fig(8, EIGHT),
    gpuTdpW: fig(350, L40S),
    powerCapMinW: fig(200, "not published", true),
    powerCapMaxW: fig(350, L40S),
    systemKW: fig(4.8, ESTIMATE, true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
  },
  "mi300x": {
    id: "mi300x",
    description: "8 x AMD Instinct MI300X server (OAM)",
    source: "AMD Instinct MI300X platform: 8 OAM modules",
    gpusPerNode: fig(8, "AMD Instinct MI300X platform: 8 OAM modules a server"),
    gpuTdpW: fig(750, "secondary: AMD's launch footnote, 750 W a module, as reported by press", true),
    powerCapMinW: fig(300, "not published", true),
    powerCapMaxW: fig(750, "secondary: equal to the board power", true),
    systemKW: fig(10.0, ESTIMATE, true),
    nodesPerRack: fig(4, RACK4),
    ...AIR_SERVER,
    vendor: "amd",
  },
};

const LISTINGS = "reseller listings";
const BITMAIN = (jth: number) => `secondary: Bitmain's published ${jth} J/TH as listed by resellers (+/- 5 % bins)`;

/** The built-in ASIC miners, keyed by id (vendor and reseller figures, +/- 5 % bins). */
export const MINERS: Readonly<Record<string, Miner>> = {
  "antminer-s19j-pro": {
    id: "antminer-s19j-pro",
    description: "Bitmain Antminer S19j Pro",
    hashrateTHs: fig(100, LISTINGS),
    wattsPerUnit: fig(3050, LISTINGS),
    cooling: "air",
  },
  "antminer-s19k-pro": {
    id: "antminer-s19k-pro",
    description: "Bitmain Antminer S19k Pro",
    hashrateTHs: fig(120, LISTINGS, true),
    wattsPerUnit: fig(2760, BITMAIN(23), true),
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
    hashrateTHs: fig(200, "reviews; Bitmain's 200 TH/s at 17.5 J/TH"),
    wattsPerUnit: fig(3500, "reviews; listings vary 3,200-3,550 W", true),
    cooling: "air",
  },
  "antminer-s21-pro": {
    id: "antminer-s21-pro",
    description: "Bitmain Antminer S21 Pro",
    hashrateTHs: fig(234, LISTINGS, true),
    wattsPerUnit: fig(3510, BITMAIN(15), true),
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
    source: "Bitmain: Hydro models are water-cooled",
    hashrateTHs: fig(335, "listings"),
    wattsPerUnit: fig(5360, "listings"),
    cooling: "hydro",
  },
  "antminer-t21": {
    id: "antminer-t21",
    description: "Bitmain Antminer T21",
    hashrateTHs: fig(190, LISTINGS, true),
    wattsPerUnit: fig(3610, BITMAIN(19), true),
    cooling: "air",
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
