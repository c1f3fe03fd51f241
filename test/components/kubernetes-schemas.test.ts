/**
 * Every Kubernetes object the program makes, for every example and both
 * device-plugin modes, validates against the Kubernetes OpenAPI schemas and,
 * for ServiceMonitor and PrometheusRule, the prometheus-operator CRD schemas.
 */
import { describe, expect, it } from "vitest";
import { runStack, runner } from "../helpers/program";
import { validateObject } from "../helpers/kubernetes-schemas";

const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release"]);

async function objectsOf(stack: string, config: Record<string, string> = {}) {
  const run = await runStack(stack, config);
  return run.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !NOT_OBJECTS.has(r.type))
    .map((r) => ({ name: r.name, obj: runner.revealOrMask(r.properties) as { apiVersion: string; kind: string } }));
}

describe("Kubernetes objects validate against their schemas", () => {
  const cases: [string, Record<string, string>][] = [
    ["pecos-yard", {}],
    ["red-hills", {}],
    ["prairie-burst", {}],
    ["pecos-yard", { "repower:devicePluginMode": "gpu-operator" }],
  ];
  for (const [stack, config] of cases) {
    it(`${stack}${config["repower:devicePluginMode"] ? " (gpu-operator)" : ""}`, async () => {
      const objects = await objectsOf(stack, config);
      expect(objects.length).toBeGreaterThan(5);
      for (const { name, obj } of objects) {
        await expect(validateObject(obj), `${name} (${obj.kind})`).resolves.toBeUndefined();
      }
    });
  }

  it("the validator rejects an object that breaks its schema", async () => {
    const objects = await objectsOf("pecos-yard");
    const ds = structuredClone(objects.find((o) => o.obj.kind === "DaemonSet")!.obj) as any;
    ds.spec.template.spec.containers[0].securityContext.privileged = "no";
    await expect(validateObject(ds)).rejects.toThrow(/privileged must be boolean/);
    const rule = structuredClone(objects.find((o) => o.obj.kind === "PrometheusRule")!.obj) as any;
    rule.spec.groups[0].rules.find((r: { for?: string }) => r.for).for = "three minutes";
    await expect(validateObject(rule)).rejects.toThrow(/for must match pattern/);
  });
});
