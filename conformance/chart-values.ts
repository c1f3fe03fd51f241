/**
 * "A chart value the chart never reads": every value repower sets must be a
 * value of the chart (present in its values.yaml, or read by its templates),
 * or of one of its subcharts under the subchart's name or alias. Helm ignores
 * any other key silently, which is how a setting that does nothing ships.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

type Json = Record<string, any>;

interface ChartSource {
  defaults: Json;
  /** All template text of the chart (helpers included), and its dependencies' conditions as `.Values.<path>`. */
  templates: string;
  subcharts: Map<string, ChartSource>;
}

function readTree(dir: string): string {
  if (!fs.existsSync(dir)) return "";
  let text = "";
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    text += e.isDirectory() ? readTree(p) : fs.readFileSync(p, "utf8") + "\n";
  }
  return text;
}

function loadChart(dir: string): ChartSource {
  const meta = parse(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as Json;
  const valuesFile = path.join(dir, "values.yaml");
  const source: ChartSource = {
    defaults: fs.existsSync(valuesFile) ? ((parse(fs.readFileSync(valuesFile, "utf8")) as Json | null) ?? {}) : {},
    // Helm reads a dependency's `condition` (and `tags`) from the parent's values.
    templates:
      readTree(path.join(dir, "templates")) +
      ((meta.dependencies ?? []) as Json[])
        .flatMap((d) => [...String(d.condition ?? "").split(","), ...((d.tags ?? []) as string[]).map((t) => `tags.${t}`)])
        .filter((c) => c.trim() !== "")
        .map((c) => `{{ .Values.${c.trim()} }}\n`)
        .join(""),
    subcharts: new Map(),
  };
  for (const dep of (meta.dependencies ?? []) as Json[]) {
    const key = (dep.alias ?? dep.name) as string;
    const charts = path.join(dir, "charts");
    let subDir = path.join(charts, dep.name);
    if (!fs.existsSync(path.join(subDir, "Chart.yaml"))) {
      const tgz = fs.existsSync(charts) ? fs.readdirSync(charts).find((f) => f.startsWith(`${dep.name}-`) && f.endsWith(".tgz")) : undefined;
      if (tgz === undefined) continue;
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "repower-subchart-"));
      const r = spawnSync("tar", ["xzf", path.join(charts, tgz), "-C", tmp]);
      if (r.status !== 0) throw new Error(`cannot unpack ${tgz}`);
      subDir = path.join(tmp, dep.name);
    }
    source.subcharts.set(key, loadChart(subDir));
  }
  return source;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** True when the templates use `.Values.<a prefix of keys>` as a whole value (e.g. `toYaml .Values.a`). */
function readsWhole(templates: string, keys: string[]): boolean {
  for (let n = keys.length; n >= 1; n--) {
    if (new RegExp(`\\.Values\\.${keys.slice(0, n).map(escape).join("\\.")}(?![\\w.-])`).test(templates)) return true;
    const indexed = keys.slice(0, n).map((k) => `"${escape(k)}"`).join("\\s+");
    if (new RegExp(`index\\s+\\.Values\\s+${indexed}(?![\\w"-])`).test(templates)) return true;
  }
  return false;
}

/** True when the templates read the leaf `.Values.<keys>`, or a prefix of it as a whole. */
function readsLeaf(templates: string, keys: string[]): boolean {
  return new RegExp(`\\.Values\\.${keys.map(escape).join("\\.")}(?![\\w-])`).test(templates) || readsWhole(templates, keys);
}

function unread(chart: ChartSource, values: Json, defaults: Json, keys: string[], out: string[]): void {
  for (const [k, v] of Object.entries(values)) {
    const at = [...keys, k];
    if (keys.length === 0 && chart.subcharts.has(k) && isObject(v)) {
      const sub = chart.subcharts.get(k) as ChartSource;
      const nested: string[] = [];
      unread(sub, v, sub.defaults, [], nested);
      // A parent may also read its subchart's keys (e.g. `.Values.nfd.enabled`).
      for (const p of nested) if (!readsLeaf(chart.templates, [k, ...p.split(".")])) out.push(`${k}.${p}`);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(defaults, k)) {
      const d = defaults[k];
      // A map of user data (`{}`, `nodeSelector`, `config.map`) or a leaf: set as the chart expects.
      if (isObject(v) && isObject(d) && Object.keys(d).length > 0) unread(chart, v, d, at, out);
      continue;
    }
    // Not a default: each leaf must be read, by its own path or a prefix read as a whole.
    if (isObject(v) && Object.keys(v).length > 0) {
      if (!readsWhole(chart.templates, at)) unread(chart, v, {}, at, out);
    } else if (!readsLeaf(chart.templates, at)) out.push(at.join("."));
  }
}

/** The dotted paths of `values` the chart (and its subcharts) never read. */
export function unreadValues(chartDir: string, values: Json): string[] {
  const chart = loadChart(chartDir);
  const out: string[] = [];
  unread(chart, values, chart.defaults, [], out);
  return out;
}
