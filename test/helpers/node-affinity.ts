/**
 * Kubernetes' required node affinity, evaluated against a node: the terms are
 * ORed, the expressions of a term ANDed (core/v1 NodeSelector). Enough of it
 * for what repower and the charts write: In, NotIn, Exists, DoesNotExist on
 * labels, and `metadata.name` In on fields.
 */
type Expr = { key: string; operator: string; values?: string[] };
type Term = { matchExpressions?: Expr[]; matchFields?: Expr[] };

export interface TestNode {
  name: string;
  labels: Record<string, string>;
}

function exprMatches(e: Expr, value: string | undefined): boolean {
  switch (e.operator) {
    case "In":
      return value !== undefined && (e.values ?? []).includes(value);
    case "NotIn":
      return value === undefined || !(e.values ?? []).includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    default:
      throw new Error(`operator ${e.operator} not modelled`);
  }
}

/** True when `node` satisfies the affinity's requiredDuringScheduling terms (no affinity: every node). */
export function affinityAdmits(affinity: any, node: TestNode): boolean {
  const terms: Term[] | undefined = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some(
    (t) =>
      (t.matchExpressions ?? []).every((e) => exprMatches(e, node.labels[e.key])) &&
      (t.matchFields ?? []).every((e) => exprMatches(e, e.key === "metadata.name" ? node.name : undefined)),
  );
}

/** True when every key of `selector` is a label of `node` with that value. */
export function selectorAdmits(selector: Record<string, string> | undefined, node: TestNode): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => node.labels[k] === v);
}

/**
 * The nvidia-device-plugin chart's default affinity (0.20.0 values.yaml):
 * NFD's NVIDIA PCI or CPU vendor label, or GFD's `nvidia.com/gpu.present`.
 * Helm replaces a list from the user's values wholesale, so this is what the
 * DaemonSets get whenever the values set no affinity of their own.
 */
export const DEVICE_PLUGIN_CHART_DEFAULT_AFFINITY = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key: "feature.node.kubernetes.io/pci-10de.present", operator: "In", values: ["true"] }] },
        { matchExpressions: [{ key: "feature.node.kubernetes.io/cpu-model.vendor_id", operator: "In", values: ["NVIDIA"] }] },
        { matchExpressions: [{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }] },
      ],
    },
  },
};
