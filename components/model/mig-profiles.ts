/**
 * MIG partitions: the profiles each GPU of the catalog really has, a pool's
 * `migProfile` resolved to a layout, NVIDIA's rules for a layout, and the
 * mig-parted config MIG Manager applies (selected per node by the label
 * `nvidia.com/mig.config`).
 *
 * Sources (record these when figures change):
 * - profile names and the most instances of each: NVIDIA's GPU Operator
 *   default MIG config, `assets/state-mig-manager/0400_configmap.yaml`, at
 *   v26.7.0 (commit 10ee5b3; the `all-<profile>` configs and the per-device
 *   `all-balanced` entries, which name the GPUs by PCI device id), and the
 *   NVIDIA MIG User Guide's "Supported MIG Profiles" tables (H100, H200,
 *   B200, GB200, B300, GB300);
 * - the config format: mig-parted v0.15.0 `api/spec/v1` (`version: v1`,
 *   `mig-configs: {<name>: [{devices, mig-enabled, mig-devices}]}`).
 * A GPU has 7 compute slices and 8 memory slices; `<g>g.<mem>gb` takes g
 * compute slices and the memory slices its memory needs. A layout must fit
 * both; mig-parted places the instances (the sums are necessary conditions,
 * and every layout of NVIDIA's own default config passes them).
 *
 * Pure: no Pulumi here.
 */

export interface MigProfile {
  /** Compute slices of 7. */
  compute: number;
  /** Memory slices of 8. */
  memory: number;
  /** The most instances of this profile one GPU holds. */
  max: number;
}

export interface MigGpu {
  /** NVIDIA's name of the GPU. */
  gpu: string;
  /** PCI device ids (as mig-parted's device-filter writes them). */
  deviceIds: readonly string[];
  profiles: Readonly<Record<string, MigProfile>>;
}

const p = (compute: number, memory: number, max: number): MigProfile => ({ compute, memory, max });

/** The six full-GPU-slice profiles every Hopper and Blackwell data-centre GPU has, by its memory sizes. */
function hopperBlackwell(gpu: string, deviceIds: string[], m: [string, string, string, string, string]): MigGpu {
  const [one, oneDouble, three, seven] = [m[0], m[1], m[3], m[4]];
  return {
    gpu,
    deviceIds,
    profiles: {
      [`1g.${one}`]: p(1, 1, 7),
      [`1g.${oneDouble}`]: p(1, 2, 4),
      [`2g.${m[2]}`]: p(2, 2, 3),
      [`3g.${three}`]: p(3, 4, 2),
      [`4g.${three}`]: p(4, 4, 1),
      [`7g.${seven}`]: p(7, 8, 1),
    },
  };
}

/** MIG-capable GPUs, keyed by name. */
export const MIG_GPUS = {
  "H100-80GB": hopperBlackwell("H100 80GB (SXM5 and PCIe)", ["0x233010DE", "0x233110DE"], ["10gb", "20gb", "20gb", "40gb", "80gb"]),
  "H200-141GB": hopperBlackwell("H200 141GB", ["0x233510DE"], ["18gb", "35gb", "35gb", "71gb", "141gb"]),
  "B200-180GB": hopperBlackwell("B200 180GB", ["0x290110DE"], ["23gb", "45gb", "45gb", "90gb", "180gb"]),
  "GB200-186GB": hopperBlackwell("GB200 (186GB a GPU)", ["0x294110DE"], ["23gb", "47gb", "47gb", "93gb", "186gb"]),
  "B300-288GB": hopperBlackwell("B300 (HGX B300)", ["0x318210DE"], ["34gb", "67gb", "67gb", "135gb", "269gb"]),
  "GB300-288GB": hopperBlackwell("GB300", ["0x31C210DE"], ["35gb", "70gb", "70gb", "139gb", "278gb"]),
} as const satisfies Record<string, MigGpu>;

export type MigGpuName = keyof typeof MIG_GPUS;

/**
 * The GPU of each built-in system, for MIG; null where the GPU has no MIG
 * (L40S) or is not NVIDIA's (MI300X: AMD's partition modes are another
 * mechanism). A site's own catalog entries have no MIG profiles known here.
 */
export const SYSTEM_MIG_GPU: Readonly<Record<string, MigGpuName | null>> = {
  "dgx-h100": "H100-80GB",
  "hgx-h100": "H100-80GB",
  "h100-pcie": "H100-80GB",
  "dgx-h200": "H200-141GB",
  "hgx-h200": "H200-141GB",
  "dgx-b200": "B200-180GB",
  "hgx-b200": "B200-180GB",
  "gb200-nvl72": "GB200-186GB",
  "dgx-b300": "B300-288GB",
  "gb300-nvl72": "GB300-288GB",
  l40s: null,
  mi300x: null,
};

/** A pool's `migProfile`: `all-<profile>` (every GPU cut the same way, NVIDIA's naming) or a layout per GPU. */
export type MigProfileSpec = string | Readonly<Record<string, number>>;

/** The layout of one GPU: profile → instances. */
export type MigLayout = Readonly<Record<string, number>>;

/** The layout a `migProfile` asks for: `all-1g.10gb` → as many 1g.10gb as one GPU holds. */
export function migLayout(spec: MigProfileSpec, gpu: MigGpu | undefined): MigLayout | undefined {
  if (typeof spec !== "string") return spec;
  const m = /^all-(\d+g\.\d+gb)$/.exec(spec);
  if (m === null) return undefined;
  const profile = gpu?.profiles[m[1]];
  return profile === undefined ? undefined : { [m[1]]: profile.max };
}

/** The name of a pool's mig-parted config (the `nvidia.com/mig.config` label's value). */
export function migConfigName(pool: string, spec: MigProfileSpec): string {
  return typeof spec === "string" ? spec : `repower-${pool}`;
}

/** NVIDIA's rules for a pool's MIG settings; each broken rule is one sentence. Empty when they hold. */
export function migProblems(sku: string, migStrategy: "none" | "single" | "mixed", spec: MigProfileSpec | undefined): string[] {
  const problems: string[] = [];
  // Without a migProfile, repower creates no partitions: a pool with migStrategy single or mixed
  // then relies on partitions made outside repower (valid since version 1; README, "MIG pools").
  if (spec === undefined) return problems;
  if (migStrategy === "none") problems.push("a migProfile needs migStrategy single or mixed: with none the device plugin advertises whole GPUs and ignores the partitions");
  const gpuName = Object.prototype.hasOwnProperty.call(SYSTEM_MIG_GPU, sku) ? SYSTEM_MIG_GPU[sku] : undefined;
  if (gpuName === null) return [...problems, `${sku} has no MIG: its GPUs cannot be partitioned`];
  if (gpuName === undefined) return [...problems, `${sku} has no known MIG profiles (only the built-in NVIDIA systems do): leave migProfile out`];
  const gpu = MIG_GPUS[gpuName];
  const known = Object.keys(gpu.profiles).join(", ");
  const layout = migLayout(spec, gpu);
  if (layout === undefined) {
    return [...problems, `migProfile ${JSON.stringify(spec)} is not one of ${gpu.gpu}'s: use all-<profile> or a layout, with profiles ${known}`];
  }
  let compute = 0;
  let memory = 0;
  for (const [name, count] of Object.entries(layout)) {
    const prof = gpu.profiles[name];
    if (prof === undefined) {
      problems.push(`${name} is not a MIG profile of ${gpu.gpu} (its profiles: ${known})`);
      continue;
    }
    if (!Number.isInteger(count) || count < 1) problems.push(`${name}: the count must be a whole number of at least 1, found ${count}`);
    else if (count > prof.max) problems.push(`${name}: one ${gpu.gpu} holds at most ${prof.max}, found ${count}`);
    compute += prof.compute * count;
    memory += prof.memory * count;
  }
  if (compute > 7) problems.push(`the layout takes ${compute} compute slices; a GPU has 7`);
  if (memory > 8) problems.push(`the layout takes ${memory} memory slices; a GPU has 8`);
  if (migStrategy === "single" && Object.keys(layout).length > 1) {
    problems.push("migStrategy single advertises one MIG profile per node: a layout of several profiles needs migStrategy mixed");
  }
  return problems;
}

/** The mig-parted config (mig-parted `api/spec/v1`) holding each pool's layout, and `all-disabled`. */
export function migPartedConfig(pools: readonly { name: string; sku: string; migProfile: MigProfileSpec }[]): {
  version: "v1";
  "mig-configs": Record<string, { devices: "all"; "mig-enabled": boolean; "mig-devices"?: Record<string, number> }[]>;
} {
  const configs: Record<string, { devices: "all"; "mig-enabled": boolean; "mig-devices"?: Record<string, number> }[]> = {
    "all-disabled": [{ devices: "all", "mig-enabled": false }],
  };
  for (const pool of [...pools].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const gpuName = SYSTEM_MIG_GPU[pool.sku];
    const layout = migLayout(pool.migProfile, gpuName ? MIG_GPUS[gpuName] : undefined);
    if (layout === undefined) continue;
    configs[migConfigName(pool.name, pool.migProfile)] = [{ devices: "all", "mig-enabled": true, "mig-devices": { ...layout } }];
  }
  return { version: "v1", "mig-configs": configs };
}
