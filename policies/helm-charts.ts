/**
 * Which chart a Helm resource deploys, whatever way it names it: a Pulumi
 * Kubernetes `helm.sh/v3` Release or `helm.sh/v4` Chart, with the chart given
 * by name (`nvidia-device-plugin`), repo-prefixed (`nvdp/nvidia-device-plugin`),
 * as a URL or OCI reference (`oci://ghcr.io/nvidia/k8s-device-plugin/nvidia-device-plugin`,
 * with a `:tag` or `@sha256:` digest), or a path to a chart archive
 * (`…/nvidia-device-plugin-0.20.0.tgz`).
 *
 * Pure: no Pulumi here.
 */

/** Engine type tokens of Helm resources whose `chart` and `values` are inputs. */
export const HELM_TYPES: ReadonlySet<string> = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);

/** The chart's own name from a `chart` input, or undefined when there is none. */
export function chartName(chart: unknown): string | undefined {
  if (typeof chart !== "string" || chart === "") return undefined;
  let s = chart.trim().replace(/\/+$/, "");
  s = s.replace(/@sha256:[0-9a-f]+$/i, "");
  const last = s.split("/").pop() ?? s;
  let name = last.replace(/:[^:/]+$/, ""); // an OCI tag
  name = name.replace(/\.tgz$/i, "").replace(/\.tar\.gz$/i, "");
  // A packaged chart archive is <name>-<semver>.
  name = name.replace(/-v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, "");
  return name.toLowerCase();
}

/** True when a Helm resource's properties deploy the chart `name`. */
export function deploysChart(type: string, props: Record<string, any>, name: string): boolean {
  return HELM_TYPES.has(type) && chartName(props?.chart) === name;
}
