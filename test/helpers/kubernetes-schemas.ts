/**
 * Validation of Kubernetes objects against the Kubernetes OpenAPI schemas
 * (the `kubernetes-models` package, generated from them) and the
 * prometheus-operator CRD schemas (`@kubernetes-models/prometheus-operator`).
 */

/** Kinds with no published schema on npm; their objects are checked by ObjectMeta alone. */
export const WITHOUT_SCHEMA = new Set(["nfd.k8s-sigs.io/v1alpha1/NodeFeatureRule"]);

async function modelModule(apiVersion: string): Promise<Record<string, unknown> | undefined> {
  if (apiVersion === "monitoring.coreos.com/v1") return import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1");
  const path = apiVersion === "v1" ? "kubernetes-models/v1" : `kubernetes-models/${apiVersion}`;
  try {
    return (await import(path)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Throws with the schema's message when `obj` is not a valid object of its kind. */
export async function validateObject(obj: { apiVersion: string; kind: string; [k: string]: unknown }): Promise<void> {
  const key = `${obj.apiVersion}/${obj.kind}`;
  if (WITHOUT_SCHEMA.has(key)) {
    const { ObjectMeta } = (await import("@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta")) as any;
    new ObjectMeta(obj.metadata).validate();
    return;
  }
  const mod = await modelModule(obj.apiVersion);
  const Model = mod?.[obj.kind] as (new (o: unknown) => { validate(): void }) | undefined;
  if (Model === undefined) throw new Error(`no schema known for ${key}`);
  new Model(obj).validate();
}
