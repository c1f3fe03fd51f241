/**
 * `npm run conformance`: every Helm release the project makes, rendered by a
 * real Helm from the real chart at its pinned version, and every object the
 * chart renders validated against the Kubernetes OpenAPI of each supported
 * version and the CRDs; every value repower sets must be one the chart reads.
 * The project's own objects (`0-crd/`, `1-manifest/`) are validated too.
 *
 * The releases are those `repower preview --out` writes for every stack in
 * stacks/, in each device-plugin mode (`device-plugin`, `gpu-operator`).
 * The charts, swagger and CRDs come from the team's shared/upstream folder
 * (see paths.ts); without them the check fails, it never skips.
 *
 * Exit status: 0 all conform, 1 something does not (or cannot be checked).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { parse, parseAllDocuments, parseDocument, stringify } from "yaml";
import { unreadValues } from "./chart-values";
import { helmBinary, helmTemplate, helmVersion } from "./helm";
import { ConformanceError, ROOT, upstreamDir } from "./paths";
import { OUTSIDE_UPSTREAM } from "./outside-upstream";
import { SchemaSet, type KubeObject } from "./schemas";

/** Kubernetes versions checked: those whose OpenAPI the upstream folder holds. */
export const KUBE_VERSIONS = ["1.32", "1.33", "1.34"] as const;
export const MODES = ["device-plugin", "gpu-operator"] as const;

interface Release {
  name: string;
  namespace: string;
  chart: string;
  version: string;
  repository?: string;
  values: Record<string, unknown>;
  /** Where it came from: stack and mode. */
  origins: string[];
}

const stripV = (v: string) => v.replace(/^v/, "");

/**
 * The chart directory in the upstream folder with this name and version. A
 * chart's version is its Chart.yaml `version`, or the tag it was taken at
 * (SOURCES.tsv: the GPU Operator's tree says `v1.0.0-devel` until release).
 */
export function findChart(upstream: string, name: string, version: string): string {
  const charts = path.join(upstream, "charts");
  const tags = new Map<string, string>();
  const sources = path.join(upstream, "SOURCES.tsv");
  if (fs.existsSync(sources)) {
    for (const row of fs.readFileSync(sources, "utf8").split("\n").slice(1)) {
      const [, ref, , , storedAs] = row.split("\t");
      if (storedAs?.startsWith("charts/")) tags.set(storedAs.slice("charts/".length).replace(/\/$/, ""), ref);
    }
  }
  const seen: string[] = [];
  for (const d of fs.readdirSync(charts).sort()) {
    const file = path.join(charts, d, "Chart.yaml");
    if (!fs.existsSync(file)) continue;
    const meta = parse(fs.readFileSync(file, "utf8")) as { name: string; version: string };
    const versions = [String(meta.version), ...(tags.has(d) ? [tags.get(d) as string] : [])].map(stripV);
    seen.push(`${meta.name} ${versions.join("/")}`);
    if (meta.name === name && versions.includes(stripV(version))) return path.join(charts, d);
  }
  throw new ConformanceError(`chart ${name} ${version} is not in ${charts} (it has: ${seen.join(", ")})`);
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

function objectsOf(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === "object" && typeof o.kind === "string");
}

/** Runs `repower preview --out` for a stack in a mode; returns the out dir. */
function render(stackFile: string, mode: (typeof MODES)[number], work: string): string {
  const stack = path.basename(stackFile).replace(/^Pulumi\.|\.yaml$/g, "");
  const doc = parseDocument(fs.readFileSync(stackFile, "utf8"));
  if (mode !== "device-plugin") doc.setIn(["config", "repower:devicePluginMode"], mode);
  const dir = path.join(work, `${stack}-${mode}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, doc.toString());
  const out = path.join(dir, "out");
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "repower.js"), "preview", "--config-file", file, "--out", out, "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1" },
  });
  // 0 and 1 are verdicts on the envelope; the manifests are written either way.
  if (r.status !== 0 && r.status !== 1) {
    throw new ConformanceError(`repower preview of ${stack} (${mode}) failed with status ${r.status}: ${(r.stderr || "").trim().split("\n").slice(0, 5).join(" | ")}`);
  }
  return out;
}

/**
 * The resource.k8s.io versions (DRA) that Kubernetes `kube` serves, newest first, from its OpenAPI
 * (alpha left out). `helm template` cannot take Helm's built-in API list away (it is Kubernetes
 * 1.33's: resource.k8s.io/v1beta2 is there even for 1.32), so a chart that picks its DRA version
 * from `.Capabilities` would render for a version the cluster does not serve.
 */
export function servedResourceApis(upstream: string, kube: string): string[] {
  const text = zlib.gunzipSync(fs.readFileSync(path.join(upstream, "kubernetes", `swagger-v${kube}.json.gz`))).toString("utf8");
  const found = new Set([...text.matchAll(/"\/apis\/resource\.k8s\.io\/(v1(?:beta\d+)?)\//g)].map((m) => m[1]));
  return ["v1", "v1beta2", "v1beta1"].filter((v) => found.has(v)).map((v) => `resource.k8s.io/${v}`);
}

/**
 * A release's values as Helm would render them against a live cluster of version `kube`: where the
 * chart has a `resourceApiVersion` value (NVIDIA's DRA driver: templates/_helpers.tpl, the value or
 * else v1, v1beta2, v1beta1 as the cluster serves them) and the release leaves it unset, the newest
 * version that Kubernetes serves, as the chart's discovery would find it.
 */
export function withServedResourceApi(chartDir: string, values: Record<string, unknown>, kube: string, upstream: string): Record<string, unknown> {
  const defaults = (parse(fs.readFileSync(path.join(chartDir, "values.yaml"), "utf8")) ?? {}) as Record<string, unknown>;
  if (!("resourceApiVersion" in defaults) || values.resourceApiVersion) return values;
  const served = servedResourceApis(upstream, kube);
  return served.length === 0 ? values : { ...values, resourceApiVersion: served[0] };
}

export interface Outcome {
  problems: string[];
  lines: string[];
}

export async function conformance(opts: { stacks?: string[]; upstream?: string } = {}): Promise<Outcome> {
  const upstream = opts.upstream ?? upstreamDir();
  const helm = await helmBinary();
  const lines: string[] = [`helm ${helmVersion(helm)}; upstream ${upstream}`];
  const problems: string[] = [];
  const stacks =
    opts.stacks ??
    fs
      .readdirSync(path.join(ROOT, "stacks"))
      .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
      .sort()
      .map((f) => path.join(ROOT, "stacks", f));

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "repower-conformance-"));
  try {
    // Every release, deduplicated by chart and values; and every object the project renders itself.
    const releases = new Map<string, Release>();
    const own: { origin: string; obj: KubeObject }[] = [];
    for (const stackFile of stacks) {
      for (const mode of MODES) {
        const out = render(stackFile, mode, work);
        const origin = `${path.basename(stackFile)} (${mode})`;
        for (const f of yamlFiles(path.join(out, "helm"))) {
          const r = parse(fs.readFileSync(f, "utf8")) as Release;
          const key = JSON.stringify([r.chart, r.version, r.namespace, r.name, r.values]);
          const seen = releases.get(key);
          if (seen) seen.origins.push(origin);
          else releases.set(key, { ...r, values: r.values ?? {}, origins: [origin] });
        }
        for (const f of [...yamlFiles(path.join(out, "0-crd")), ...yamlFiles(path.join(out, "1-manifest"))]) {
          for (const obj of objectsOf(fs.readFileSync(f, "utf8"))) own.push({ origin: `${origin} ${path.relative(out, f)}`, obj });
        }
      }
    }

    const crdFiles = yamlFiles(path.join(upstream, "crds"));
    for (const kube of KUBE_VERSIONS) {
      const schemas = new SchemaSet(kube, path.join(upstream, "kubernetes", `swagger-v${kube}.json.gz`));
      for (const f of crdFiles) schemas.addCrdFile(f);
      const rendered: { origin: string; obj: KubeObject }[] = [];
      for (const r of releases.values()) {
        const label = `${r.chart} ${r.version} as ${r.namespace}/${r.name} (from ${r.origins.join(", ")})`;
        let chartDir: string;
        try {
          // A chart from an OCI registry is named by its full reference (oci://host/path/<name>).
          chartDir = findChart(upstream, r.chart.replace(/^oci:\/\/.*\//, ""), r.version);
        } catch (e) {
          const listed = OUTSIDE_UPSTREAM[r.chart];
          if (kube !== KUBE_VERSIONS[0]) continue;
          if (listed !== undefined && stripV(listed.version) === stripV(r.version)) {
            lines.push(`NOT RENDERED ${label}: the chart is not in shared/upstream (ask for ${listed.source}); values checked ${listed.checked}`);
          } else {
            problems.push((e as Error).message + (listed !== undefined ? ` (conformance/outside-upstream.ts lists ${r.chart} ${listed.version}, not ${r.version})` : ""));
          }
          continue;
        }
        for (const f of yamlFiles(path.join(chartDir, "crds"))) schemas.addCrdFile(f);
        if (kube === KUBE_VERSIONS[0]) {
          for (const p of unreadValues(chartDir, r.values)) problems.push(`${label}: value ${p} is not read by the chart (not in its values.yaml or templates)`);
        }
        const valuesFile = path.join(work, `values-${r.namespace}-${r.name}-${kube}.yaml`);
        fs.writeFileSync(valuesFile, stringify(withServedResourceApi(chartDir, r.values, kube, upstream)));
        let text: string;
        try {
          text = helmTemplate(helm, {
            releaseName: r.name,
            namespace: r.namespace,
            chartDir,
            valuesFile,
            kubeVersion: `${kube}.0`,
            apiVersions: ["monitoring.coreos.com/v1", "nfd.k8s-sigs.io/v1alpha1", "nvidia.com/v1", "resource.nvidia.com/v1beta1"],
          });
        } catch (e) {
          problems.push(`${label} on Kubernetes ${kube}: ${(e as Error).message}`);
          continue;
        }
        const objs = objectsOf(text);
        for (const o of objs) if (o.kind === "CustomResourceDefinition") schemas.addCrd(o as any, `${r.chart} ${r.version}`);
        for (const o of objs) rendered.push({ origin: label, obj: o });
        if (kube === KUBE_VERSIONS[0]) lines.push(`rendered ${label}: ${objs.length} objects`);
      }
      // The project's own CRDs (0-crd) register before its objects are checked.
      for (const { obj } of own) if (obj.kind === "CustomResourceDefinition") schemas.addCrd(obj as any, "repower");
      let checked = 0;
      for (const { origin, obj } of [...rendered, ...own]) {
        checked++;
        for (const p of schemas.validate(obj)) {
          problems.push(`${origin}: ${obj.kind} ${obj.metadata?.namespace ? obj.metadata.namespace + "/" : ""}${obj.metadata?.name ?? "?"} on Kubernetes ${kube}: ${p}`);
        }
      }
      lines.push(`Kubernetes ${kube}: ${checked} objects validated (${rendered.length} rendered by charts, ${own.length} by repower)`);
    }
    return { problems: [...new Set(problems)], lines };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  try {
    const { problems, lines } = await conformance();
    for (const l of lines) process.stdout.write(`conformance: ${l}\n`);
    for (const p of problems) process.stdout.write(`conformance: FAIL ${p}\n`);
    process.stdout.write(problems.length === 0 ? "conformance: every release and object conforms\n" : `conformance: ${problems.length} problems\n`);
    return problems.length === 0 ? 0 : 1;
  } catch (e) {
    process.stderr.write(`conformance: ${e instanceof ConformanceError ? e.message : (e as Error).stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
