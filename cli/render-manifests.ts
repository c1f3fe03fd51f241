/**
 * Writes the Kubernetes objects a program registered as YAML, in the layout
 * of the Kubernetes provider's `renderYamlToDirectory` (`0-crd/` for
 * CustomResourceDefinitions, `1-manifest/` for everything else, files named
 * `<apiVersion>-<kind>-<namespace>-<name>.yaml`), Helm releases as their
 * chart reference and values (`helm/`), and hybrid nodes' NodeConfigs
 * without their activation codes (`nodeadm/`). Secrets are never written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { RegisteredResource } from "./program-run";
import { revealOrMask } from "./wire-secrets";

export const SECRET_MASK = "[secret]";

const sanitise = (s: string) => s.replace(/[/:]/g, "_");

/** Files to write: relative path → content. */
export function manifestFiles(resources: readonly RegisteredResource[], outputs: Record<string, unknown>): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of resources) {
    if (!r.custom || !r.type.startsWith("kubernetes:") || r.type.startsWith("pulumi:providers:")) continue;
    const obj = revealOrMask(r.properties, SECRET_MASK) as Record<string, any>;
    if (r.type === "kubernetes:helm.sh/v3:Release" || r.type === "kubernetes:helm.sh/v4:Chart") {
      const ref = {
        name: obj.name ?? r.name,
        namespace: obj.namespace ?? "default",
        chart: obj.chart,
        version: obj.version,
        repository: obj.repositoryOpts?.repo,
        values: obj.values ?? {},
      };
      files.set(path.join("helm", `${sanitise(ref.namespace)}-${sanitise(ref.name)}.yaml`), stringify(ref, { sortMapEntries: false }));
      continue;
    }
    if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") continue;
    const ns = obj.metadata?.namespace || "default";
    const name = obj.metadata?.name ?? r.name;
    const dir = obj.kind === "CustomResourceDefinition" ? "0-crd" : "1-manifest";
    files.set(path.join(dir, `${sanitise(obj.apiVersion)}-${obj.kind.toLowerCase()}-${ns}-${name}.yaml`), stringify(obj));
  }
  const rendered = revealOrMask(outputs.nodeConfigsRendered ?? {}, SECRET_MASK) as Record<string, string>;
  for (const [pool, text] of Object.entries(rendered)) {
    if (typeof text === "string") files.set(path.join("nodeadm", `${pool}.yaml`), text);
  }
  return files;
}

/** Writes `files` under `dir` (made if missing). */
export function writeFiles(dir: string, files: Map<string, string | Buffer>): void {
  for (const [rel, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}
