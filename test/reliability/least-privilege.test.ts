/**
 * Least privilege, checked on the rendered manifests of every example: only
 * the device plugin, dcgm-exporter and the power-cap DaemonSet run with
 * privilege or host access, each in a namespace labelled for it; every
 * other namespace enforces `restricted`; no RBAC is granted beyond need.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repower } from "../helpers/cli";
import { baselineProblems, restrictedProblems } from "../helpers/pod-security";
import { filesBelow } from "../helpers/project";
import { ROOT, tempDir } from "../helpers/stacks";

/** The namespaces allowed to run privileged pods (each scoped by stack: `<base>-<stack>`), and what runs there. */
const PRIVILEGED_BASES = new Map([
  ["nvidia-device-plugin", "the NVIDIA device plugin (and its node-feature-discovery and GPU feature discovery)"],
  ["gpu-operator", "the NVIDIA GPU Operator"],
  ["gpu-monitoring", "dcgm-exporter"],
  ["repower-power-cap", "the power-cap DaemonSets"],
  ["nvidia-dra-driver-gpu", "NVIDIA's DRA driver for GPUs (ComputeDomains of rack-scale pools)"],
]);
const STACKS = ["pecos-yard", "red-hills", "prairie-burst"];
const PRIVILEGED = new Set([...PRIVILEGED_BASES.keys()].flatMap((base) => STACKS.map((stack) => `${base}-${stack}`)));

describe("least privilege in the rendered manifests", () => {
  let out: string;
  let objects: { file: string; obj: any }[];
  let helm: { file: string; obj: any }[];
  beforeAll(() => {
    out = path.join(tempDir(), "out");
    const r = repower(["preview", "--all", "--out", out], { cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    const files = filesBelow(out);
    objects = files.filter((f) => f.includes("1-manifest/") || f.includes("0-crd/")).map((f) => ({ file: f, obj: parse(fs.readFileSync(path.join(out, f), "utf8")) }));
    helm = files.filter((f) => f.includes("/helm/")).map((f) => ({ file: f, obj: parse(fs.readFileSync(path.join(out, f), "utf8")) }));
  });

  it("labels every namespace with its Pod Security level: privileged only where privileged workloads run", () => {
    const namespaces = objects.filter((o) => o.obj.kind === "Namespace");
    expect(namespaces.length).toBeGreaterThan(6);
    for (const { file, obj } of namespaces) {
      const level = obj.metadata.labels["pod-security.kubernetes.io/enforce"];
      expect(level, file).toBe(PRIVILEGED.has(obj.metadata.name) ? "privileged" : "restricted");
    }
  });

  it("runs privileged or host-access pods only in the namespaces labelled for them", () => {
    const pods = objects.filter((o) => ["DaemonSet", "Deployment", "StatefulSet", "Job", "Pod"].includes(o.obj.kind));
    expect(pods.length).toBeGreaterThan(0);
    for (const { file, obj } of pods) {
      const spec = obj.kind === "Pod" ? obj.spec : obj.spec.template.spec;
      if (PRIVILEGED.has(obj.metadata.namespace)) continue;
      expect(restrictedProblems(spec), file).toEqual([]);
    }
  });

  it("gives the power-cap DaemonSet only CAP_SYS_ADMIN where nvidia-smi runs: no privileged mode, no host namespaces or paths, an API token only for kubectl", () => {
    const caps = objects.filter((o) => o.obj.kind === "DaemonSet" && o.obj.metadata.namespace.startsWith("repower-power-cap-"));
    expect(caps.length).toBeGreaterThan(0);
    for (const { file, obj } of caps) {
      const spec = obj.spec.template.spec;
      expect(baselineProblems(spec), file).toEqual([`apply-cap: adds capability SYS_ADMIN`, `power-cap: adds capability SYS_ADMIN`]);
      expect(spec.automountServiceAccountToken, file).toBe(false);
      for (const c of [...spec.initContainers, ...spec.containers]) {
        const smi = !c.image.includes("kubectl");
        expect(c.securityContext, `${file} ${c.name}`).toMatchObject({
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: smi ? { drop: ["ALL"], add: ["SYS_ADMIN"] } : { drop: ["ALL"] },
        });
        if (!smi) expect(restrictedProblems({ ...spec, containers: [c], initContainers: [], volumes: [] }), `${file} ${c.name}`).toEqual([]);
        expect((c.volumeMounts ?? []).some((m: { name: string }) => m.name === "api-token"), `${file} ${c.name}`).toBe(!smi);
      }
      expect(spec.nodeSelector["repower.io/pool"], file).toBeDefined();
    }
  });

  it("deploys the Helm releases only into namespaces labelled for privileged pods (and Cilium, a CNI, into kube-system), with no host access added", () => {
    expect(helm.length).toBeGreaterThan(3);
    for (const { file, obj } of helm) {
      expect(PRIVILEGED.has(obj.namespace) || (obj.chart === "cilium" && obj.namespace === "kube-system"), file).toBe(true);
      const text = JSON.stringify(obj.values);
      expect(text, file).not.toMatch(/"hostNetwork":true|"hostPID":true|"hostIPC":true/);
    }
  });

  it("grants no RBAC beyond the charts' but the power cap's (get and patch nodes, to remove its startup taint) and MIG Manager's (the GPU Operator's own rules for it)", () => {
    const rbac = objects.filter((o) => /^(Cluster)?Role(Binding)?$|^ServiceAccount$/.test(o.obj.kind));
    expect(rbac.length).toBeGreaterThan(0);
    const mig = rbac.filter(({ obj }) => obj.metadata.labels["app.kubernetes.io/component"] === "mig-manager");
    expect(mig.map(({ obj }) => obj.kind).sort()).toEqual(["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ServiceAccount"]);
    for (const { file, obj } of mig) {
      expect(obj.metadata.namespace ?? "", file).toMatch(/^(nvidia-device-plugin-red-hills)?$/);
      if (obj.kind === "ClusterRole") expect(obj.rules, file).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch", "update", "patch"] }]);
      if (obj.kind === "Role") expect(obj.rules, file).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }]);
      if (obj.kind.endsWith("Binding")) expect(obj.subjects, file).toEqual([{ kind: "ServiceAccount", name: "nvidia-mig-manager", namespace: "nvidia-device-plugin-red-hills" }]);
    }
    for (const { file, obj } of rbac.filter((o) => !mig.includes(o))) {
      expect(obj.metadata.labels["app.kubernetes.io/component"], file).toBe("power-cap");
      if (obj.kind === "ClusterRole") expect(obj.rules, file).toEqual([{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "patch"] }]);
      if (obj.kind === "ClusterRoleBinding") expect(obj.subjects.map((s: { kind: string }) => s.kind), file).toEqual(["ServiceAccount"]);
      if (obj.kind === "Role" || obj.kind === "RoleBinding") throw new Error(`${file}: unexpected ${obj.kind}`);
    }
  });
});
