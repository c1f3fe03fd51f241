/**
 * Alerts for rack-scale pools (NVL72): a rack is one NVLink domain, so a rack
 * with a tray missing from DCGM telemetry is degraded as a whole (a job that
 * spans the rack's trays cannot run at its size). Trays are counted per rack by
 * the `repower.io/rack` node label (rack-labels.ts), joined from
 * kube-state-metrics' `kube_node_labels` (run it with
 * `--metric-labels-allowlist=nodes=[repower.io/site,repower.io/pool,repower.io/rack]`);
 * a tray reports when any of its GPUs has `DCGM_FI_DEV_POWER_USAGE`. Each rack
 * the active phase plans is compared with the trays it should hold, so a rack
 * that reports nothing at all alerts too (at 0).
 */
import { activePhase, isRackScale, traysPerRack, type Site } from "./model";

/** How long a rack may miss a tray before the alert fires. */
export const RACK_DEGRADED_FOR = "10m";

export interface RackAlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** `label_replace(vector(v), "rack", <rack>, "", "")` for every rack, joined by `or`. */
function perRack(racks: { rack: string; trays: number }[], value: (trays: number) => number): string {
  return racks.map((r) => `label_replace(vector(${value(r.trays)}), "rack", ${JSON.stringify(r.rack)}, "", "")`).join(" or ");
}

/** One alert per rack-scale pool with nodes in the active phase; it fires per rack (label `rack`). */
export function rackDegradedAlerts(site: Site): RackAlertRule[] {
  const s = JSON.stringify(site.name);
  const phase = activePhase(site);
  const out: RackAlertRule[] = [];
  for (const p of site.gpuPools.filter(isRackScale)) {
    const n = phase.gpu[p.name] ?? 0;
    if (n === 0) continue;
    const racks = traysPerRack(p, n);
    const nodes = `kube_node_labels{label_repower_io_site=${s}, label_repower_io_pool=${JSON.stringify(p.name)}}`;
    const reporting =
      `count by (rack) (label_replace(count by (node, label_repower_io_rack) ` +
      `(DCGM_FI_DEV_POWER_USAGE * on(node) group_left(label_repower_io_rack) ${nodes}), "rack", "$1", "label_repower_io_rack", "(.+)"))`;
    const expected = `(${perRack(racks, (t) => t)})`;
    out.push({
      alert: "RepowerRackDegraded",
      expr: `(${reporting} or on(rack) (${perRack(racks, () => 0)})) < on(rack) ${expected}`,
      for: RACK_DEGRADED_FOR,
      labels: { severity: "critical", site: site.name, pool: p.name },
      annotations: {
        summary: `Rack {{ $labels.rack }} of pool ${p.name}: only {{ $value }} of its trays report GPU telemetry`,
        description: `Rack {{ $labels.rack }} should report ${p.nodesPerRack} trays (${p.system.gpusPerNode.value} GPUs each) in phase ${phase.name}; with a tray missing the rack's NVLink domain is degraded as a whole, and a job sized to the rack cannot run. Check the missing trays' dcgm-exporter, node and NVLink switch trays.`,
      },
    });
  }
  return out;
}
