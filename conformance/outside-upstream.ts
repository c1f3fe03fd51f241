/**
 * Charts repower deploys that the team's shared/upstream folder does not yet
 * hold. Each is named here with its exact pinned version and how its values
 * were checked instead; conformance prints it as NOT RENDERED on every run
 * (never silently), and fails if the pinned version moves away from the one
 * listed or a chart missing upstream is not listed. Remove an entry once the
 * chart is in shared/upstream/charts: conformance then renders it.
 */
export interface OutsideUpstream {
  version: string;
  /** What to ask for, so the chart can be added upstream. */
  source: string;
  /** How the values were checked meanwhile. */
  checked: string;
}

export const OUTSIDE_UPSTREAM: Readonly<Record<string, OutsideUpstream>> = {
  cilium: {
    version: "1.16.11",
    source: "cilium/cilium, tag v1.16.11, install/kubernetes/cilium (the repository is over the snapshot size limit here)",
    checked:
      "by hand, 2026-11-26: every value repower sets (affinity, ipam.mode cluster-pool, ipam.operator.clusterPoolIPv4MaskSize and clusterPoolIPv4PodCIDRList, operator.affinity, operator.unmanagedPodWatcher.restart, envoy.enabled) is one the EKS user guide's 'Configure a CNI for hybrid nodes' values file sets for this chart",
  },
};
