/**
 * The conformance check's own parts, on small charts and schemas made here
 * (the real upstream charts live outside the repository; `npm run conformance`
 * uses them): the real Helm from npm renders a chart, a value the chart never
 * reads is found, strict schema validation rejects unknown fields, and the
 * check fails, never skips, when the upstream folder is missing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { unreadValues } from "../../conformance/chart-values";
import { helmBinary, helmTemplate } from "../../conformance/helm";
import { SchemaSet } from "../../conformance/schemas";
import { ROOT, tempDir } from "../helpers/stacks";

function writeTree(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A chart with a subchart under an alias and a dependency condition. */
function fixtureChart(): string {
  return writeTree(tempDir("repower-chart-"), {
    "Chart.yaml": stringify({
      apiVersion: "v2",
      name: "demo",
      version: "1.2.3",
      dependencies: [{ name: "helper", alias: "extra", version: "0.1.0", condition: "extra.enabled" }],
    }),
    "values.yaml": stringify({ replicas: 1, nodeSelector: {}, config: { map: {} }, resources: { limits: { cpu: 1 } } }),
    "templates/deploy.yaml": [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: { name: {{ .Release.Name }} }",
      "spec:",
      "  replicas: {{ .Values.replicas }}",
      "  selector: { matchLabels: { app: demo } }",
      "  template:",
      "    metadata: { labels: { app: demo } }",
      "    spec:",
      "      nodeSelector: {{ toYaml .Values.nodeSelector | nindent 8 }}",
      "      containers: [{ name: demo, image: demo:1, resources: {{ toJson .Values.resources }} }]",
      "{{- if .Values.hidden.feature }}",
      "      hostNetwork: true",
      "{{- end }}",
      "",
    ].join("\n"),
    "charts/helper/Chart.yaml": stringify({ apiVersion: "v2", name: "helper", version: "0.1.0" }),
    "charts/helper/values.yaml": stringify({ enabled: false, level: 1 }),
    "charts/helper/templates/cm.yaml": "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: helper }\ndata: { level: {{ .Values.level | quote }} }\n{{- end }}\n",
  });
}

/** A two-kind swagger in the shape of Kubernetes' own. */
function fixtureSwagger(): string {
  const swagger = {
    definitions: {
      "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": { type: "object", properties: { name: { type: "string" }, namespace: { type: "string" }, labels: { type: "object", additionalProperties: { type: "string" } } } },
      "io.k8s.api.core.v1.ConfigMap": {
        type: "object",
        properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }, data: { type: "object", additionalProperties: { type: "string" } } },
        "x-kubernetes-group-version-kind": [{ group: "", kind: "ConfigMap", version: "v1" }],
      },
    },
  };
  const file = path.join(tempDir("repower-swagger-"), "swagger.json.gz");
  fs.writeFileSync(file, zlib.gzipSync(JSON.stringify(swagger)));
  return file;
}

describe("chart values", () => {
  it("finds values the chart never reads, and accepts what it reads", () => {
    const chart = fixtureChart();
    expect(unreadValues(chart, { replicas: 2, nodeSelector: { "repower.io/site": "x" }, config: { map: { a: "b" } } })).toEqual([]);
    // Read through a whole-map reference, a dependency condition and the subchart's own values.
    expect(unreadValues(chart, { resources: { requests: { cpu: 1 } }, extra: { enabled: true, level: 3 }, hidden: { feature: true } })).toEqual([]);
    expect(unreadValues(chart, { node: { selector: { a: "b" } }, extra: { colour: "red" }, hidden: { other: 1 } })).toEqual(["node.selector.a", "extra.colour", "hidden.other"]);
  });
});

describe("Helm", () => {
  let helm: string;
  beforeAll(async () => {
    helm = await helmBinary();
  });

  it("is the real Helm 3 from the npm package", () => {
    const r = spawnSync(helm, ["version", "--short"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^v3\.18\./);
  });

  it("renders a chart with values, subcharts included", () => {
    const chart = fixtureChart();
    const values = path.join(tempDir(), "values.yaml");
    fs.writeFileSync(values, stringify({ replicas: 3, extra: { enabled: true, level: 7 }, hidden: { feature: false } }));
    const text = helmTemplate(helm, { releaseName: "r1", namespace: "ns", chartDir: chart, valuesFile: values, kubeVersion: "1.32.0", apiVersions: [] });
    expect(text).toContain("replicas: 3");
    expect(text).toContain('level: "7"');
  });

  it("reports a chart that does not render", () => {
    const chart = writeTree(tempDir("repower-chart-"), { "Chart.yaml": stringify({ apiVersion: "v2", name: "bad", version: "0.0.1" }), "templates/x.yaml": "{{ .Values.a.b.c }}\n" });
    const values = path.join(tempDir(), "values.yaml");
    fs.writeFileSync(values, "{}\n");
    expect(() => helmTemplate(helm, { releaseName: "r", namespace: "ns", chartDir: chart, valuesFile: values, kubeVersion: "1.32.0", apiVersions: [] })).toThrow(/helm template failed/);
  });
});

describe("schemas", () => {
  it("validates built-in kinds strictly", () => {
    const s = new SchemaSet("test", fixtureSwagger());
    expect(s.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "v" } })).toEqual([]);
    expect(s.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, dataa: { k: "v" } }).join()).toMatch(/additional properties \(dataa\)/);
    expect(s.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: 1 } }).join()).toMatch(/must be string/);
    expect(s.validate({ apiVersion: "v1", kind: "Secret", metadata: { name: "a" } }).join()).toMatch(/no schema for v1\/Secret/);
  });

  it("validates custom resources by their CRD, defaults applied first, Go patterns understood", () => {
    const s = new SchemaSet("test", fixtureSwagger());
    s.addCrd(
      {
        kind: "CustomResourceDefinition",
        spec: {
          group: "example.com",
          names: { kind: "Widget" },
          versions: [
            {
              name: "v1",
              schema: {
                openAPIV3Schema: {
                  type: "object",
                  properties: {
                    spec: {
                      type: "object",
                      required: ["mode"],
                      properties: {
                        mode: { type: "string", default: "fast", enum: ["fast", "slow"] },
                        size: { "x-kubernetes-int-or-string": true },
                        action: { type: "string", pattern: "^(?i)(abort|warn)?$" },
                        free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                      },
                    },
                  },
                },
              },
            },
          ],
        },
      },
      "test",
    );
    const ok = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: "10%", action: "WARN", free: { anything: 1 } } };
    expect(s.validate(ok)).toEqual([]);
    expect(s.validate({ ...ok, spec: { ...ok.spec, colour: "red" } }).join()).toMatch(/additional properties \(colour\)/);
    expect(s.validate({ ...ok, spec: { ...ok.spec, mode: "medium" } }).join()).toMatch(/allowed values/);
  });
});

describe("npm run conformance", () => {
  it("fails, never skips, when the upstream charts are missing", () => {
    const empty = tempDir("repower-no-upstream-");
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist", "conformance", "run.js")], {
      encoding: "utf8",
      env: { ...process.env, REPOWER_UPSTREAM: empty },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the upstream charts and schemas are missing");
  });
});
