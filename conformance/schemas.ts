/**
 * Validation of Kubernetes objects against the real schemas: the Kubernetes
 * OpenAPI (swagger) of each supported version, and the openAPIV3Schema of
 * every CRD the project or a chart installs.
 *
 * Strict, as `kubectl apply` is by default (server-side field validation
 * `Strict`): a field the schema does not declare is an error, except under
 * `x-kubernetes-preserve-unknown-fields`. A kind with no schema is an error.
 * Structural defaults (`default:`) are applied before validation, as the API
 * server does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";

type Json = Record<string, any>;

const INT_OR_STRING = { anyOf: [{ type: "integer" }, { type: "string" }] };
const NUMBER_OR_STRING = { anyOf: [{ type: "number" }, { type: "string" }] };

/** Swagger 2 definitions → JSON Schema draft-07, strict about unknown fields. */
function fromSwagger(def: Json): Json {
  if (Array.isArray(def)) return def.map(fromSwagger) as unknown as Json;
  if (def === null || typeof def !== "object") return def;
  if (def.format === "int-or-string") return INT_OR_STRING;
  const out: Json = {};
  for (const [k, v] of Object.entries(def)) {
    if (k === "$ref") out.$ref = v;
    else if (k === "properties") out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, fromSwagger(s as Json)]));
    else if (k === "items" || k === "additionalProperties") out[k] = typeof v === "object" ? fromSwagger(v as Json) : v;
    else if (["type", "required", "enum"].includes(k)) out[k] = v;
  }
  if (out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** A CRD's openAPIV3Schema → JSON Schema, with the Kubernetes extensions applied. */
function fromCrdSchema(s: Json): Json {
  if (s === null || typeof s !== "object") return s;
  if (s["x-kubernetes-int-or-string"]) return INT_OR_STRING;
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "properties") out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, x]) => [p, fromCrdSchema(x as Json)]));
    else if (k === "items" || (k === "additionalProperties" && typeof v === "object")) out[k] = fromCrdSchema(v as Json);
    else if (k === "allOf" || k === "anyOf" || k === "oneOf") out[k] = (v as Json[]).map(fromCrdSchema);
    else if (k === "not") out[k] = fromCrdSchema(v as Json);
    else if (["type", "required", "enum", "default", "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "additionalProperties", "exclusiveMinimum", "exclusiveMaximum"].includes(k)) out[k] = v;
  }
  if (s.nullable === true && out.type !== undefined) out.type = [out.type, "null"].flat();
  if (s["x-kubernetes-preserve-unknown-fields"] !== true && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  // metadata of a custom resource is ObjectMeta; the CRD's schema says little of it.
  return out;
}

/**
 * CRD patterns are Go (RE2) expressions; the one construct JavaScript lacks in
 * them is an inline flag such as `(?i)`, which becomes a flag of the whole RegExp.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string) => {
    let extra = "";
    const js = pattern.replace(/\(\?([imsU]+)\)/g, (_m, f: string) => {
      extra += [...f].filter((c) => "ims".includes(c) && !extra.includes(c)).join("");
      return "";
    });
    return new RegExp(js, flags + extra);
  },
  { code: "new RegExp" },
);

/** Drops nulls (Kubernetes treats an explicit null as unset). */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v as Json).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  }
  return v;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
  [k: string]: unknown;
}

/** Validators for one Kubernetes version plus CRDs, keyed by `apiVersion/kind`. */
export class SchemaSet {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, useDefaults: true, code: { regExp: goRegExp } });
  private readonly byKind = new Map<string, ValidateFunction | string>();
  private readonly crdSources = new Map<string, string>();

  constructor(readonly kubeVersion: string, swaggerGz: string) {
    const swagger = JSON.parse(zlib.gunzipSync(fs.readFileSync(swaggerGz)).toString("utf8")) as Json;
    const definitions: Json = {};
    for (const [name, def] of Object.entries(swagger.definitions as Json)) definitions[name] = fromSwagger(def as Json);
    // Quantities are written as numbers or strings in manifests.
    definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"] = NUMBER_OR_STRING;
    definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = INT_OR_STRING;
    this.ajv.addSchema({ $id: "k8s", definitions });
    for (const [name, def] of Object.entries(swagger.definitions as Json)) {
      for (const gvk of (def as Json)["x-kubernetes-group-version-kind"] ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        this.byKind.set(`${apiVersion}/${gvk.kind}`, `k8s#/definitions/${name}`);
      }
    }
  }

  /** Adds every version of a CRD (a parsed CustomResourceDefinition). */
  addCrd(crd: Json, source: string): void {
    const group = crd.spec?.group;
    const kind = crd.spec?.names?.kind;
    for (const v of crd.spec?.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (!schema) continue;
      const key = `${group}/${v.name}/${kind}`;
      const js = fromCrdSchema(schema);
      // The object's metadata is checked as ObjectMeta, like any object.
      js.properties = { ...(js.properties ?? {}), metadata: { $ref: "k8s#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" }, apiVersion: { type: "string" }, kind: { type: "string" } };
      this.byKind.set(key, this.ajv.compile(js));
      this.crdSources.set(key, source);
    }
  }

  /** Adds every CRD in a YAML file (several documents allowed). */
  addCrdFile(file: string): void {
    for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"))) {
      const crd = doc.toJS() as Json | null;
      if (crd?.kind === "CustomResourceDefinition") this.addCrd(crd, path.basename(file));
    }
  }

  has(apiVersion: string, kind: string): boolean {
    return this.byKind.has(`${apiVersion}/${kind}`);
  }

  /** The problems of one object: empty when it is valid. */
  validate(obj: KubeObject): string[] {
    const key = `${obj.apiVersion}/${obj.kind}`;
    let v = this.byKind.get(key);
    if (v === undefined) return [`no schema for ${key} on Kubernetes ${this.kubeVersion} or in any known CRD`];
    if (typeof v === "string") {
      v = this.ajv.compile({ $ref: v });
      this.byKind.set(key, v);
    }
    if (v(withoutNulls(obj))) return [];
    return (v.errors ?? []).map((e) => {
      const extra = e.keyword === "additionalProperties" ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : "";
      return `${e.instancePath || "/"} ${e.message}${extra}`;
    });
  }
}
