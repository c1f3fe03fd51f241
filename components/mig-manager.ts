/**
 * MIG Manager: NVIDIA's MIG Manager for the site's MIG pools (pools with a
 * `devicePlugin.migProfile`). It applies, on each node, the mig-parted config
 * named by the node's `nvidia.com/mig.config` label (node-labels.ts: the
 * pool's `migConfigName`), from one ConfigMap that holds every MIG pool's
 * layout and `all-disabled` (mig-pools.ts, mig-parted `api/spec/v1`).
 *
 * - `gpu-operator` mode: the operator deploys MIG Manager itself; its chart's
 *   `migManager.config.{name,default}` (gpu-operator v25.3.0 values.yaml,
 *   read by templates/clusterpolicy.yaml) point it at our ConfigMap, which
 *   this component makes in the operator's namespace.
 * - `device-plugin` mode: a MIG Manager DaemonSet after NVIDIA's own example
 *   (mig-parted v0.15.0 `deployments/nvidia-mig-manager-example-hopper-blackwell.yaml`:
 *   image `nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.15.0`, privileged,
 *   hostPID and hostIPC, `/` and `/sys` of the host, the config at
 *   `/mig-parted-config/config.yaml`), on the MIG pools' nodes only, with the
 *   RBAC the GPU Operator gives its own MIG Manager (assets/state-mig-manager:
 *   nodes get/list/watch/update/patch cluster-wide; pods in its namespace)
 *   instead of the example's every verb on every core resource.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { LABEL_POOL, LABEL_SITE, MIG_CONFIGMAP, MIG_DEFAULT_CONFIG, migPools, siteMigPartedConfig, type Site } from "./model";
import { GPU_NODE_TOLERATIONS } from "./gpu-power-cap";
import { managedBy, physicalName, scopeParts, stackOf } from "./naming";

/** MIG Manager's image in device-plugin mode (NVIDIA's example at mig-parted v0.15.0). */
export const MIG_MANAGER_IMAGE = "nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.15.0";

export interface MigManagerArgs {
  site: Site;
  mode: "device-plugin" | "gpu-operator";
  /** The namespace of the device plugin (or the operator). */
  namespace: pulumi.Input<string>;
  stack?: string;
}

/** The ConfigMap's data: `config.yaml`, the mig-parted config. */
export function migConfigMapData(site: Site): Record<string, string> {
  return { "config.yaml": stringify(siteMigPartedConfig(site)) };
}

/** The gpu-operator chart's values for MIG Manager: none without MIG pools (the chart's defaults stand). */
export function migManagerOperatorValues(site: Site): Record<string, unknown> {
  if (migPools(site).length === 0) return {};
  return { migManager: { enabled: true, config: { name: MIG_CONFIGMAP, default: MIG_DEFAULT_CONFIG } } };
}

/** The DaemonSet's pod spec (device-plugin mode): NVIDIA's example, on the MIG pools' nodes. */
export function migManagerPodSpec(site: Site, namespace: string, serviceAccountName: string): Record<string, unknown> {
  return {
    hostPID: true,
    hostIPC: true,
    serviceAccountName,
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: LABEL_SITE, operator: "In", values: [site.name] },
                { key: LABEL_POOL, operator: "In", values: migPools(site).map((p) => p.name) },
              ],
            },
          ],
        },
      },
    },
    tolerations: GPU_NODE_TOLERATIONS,
    containers: [
      {
        name: "nvidia-mig-manager",
        image: MIG_MANAGER_IMAGE,
        imagePullPolicy: "IfNotPresent",
        env: [
          { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
          { name: "CONFIG_FILE", value: "/mig-parted-config/config.yaml" },
          { name: "HOST_ROOT_MOUNT", value: "/host" },
          { name: "HOST_NVIDIA_DIR", value: "/usr/local/nvidia" },
          { name: "HOST_MIG_MANAGER_STATE_FILE", value: "/etc/systemd/system/nvidia-mig-manager.service.d/override.conf" },
          { name: "DEFAULT_GPU_CLIENTS_NAMESPACE", value: namespace },
          { name: "WITH_REBOOT", value: "false" },
        ],
        securityContext: { privileged: true },
        volumeMounts: [
          { mountPath: "/host", name: "host-root" },
          { mountPath: "/sys", name: "host-sys" },
          { mountPath: "/mig-parted-config", name: "mig-parted-config" },
        ],
      },
    ],
    volumes: [
      { name: "host-root", hostPath: { path: "/", type: "Directory" } },
      { name: "host-sys", hostPath: { path: "/sys", type: "Directory" } },
      { name: "mig-parted-config", configMap: { name: MIG_CONFIGMAP } },
    ],
  };
}

/**
 * Makes MIG Manager's objects as children of `parent` (the NvidiaDevicePlugin
 * whose namespace they share); returns the ConfigMap, which the GPU Operator's
 * release waits for.
 */
export function migManager(name: string, args: MigManagerArgs, parent: pulumi.Resource): k8s.core.v1.ConfigMap {
  const { site } = args;
  if (migPools(site).length === 0) {
    throw new pulumi.InputPropertyError({ propertyPath: "site.gpuPools", reason: `site ${site.name} has no pool with a migProfile: MIG Manager has nothing to apply` });
  }
  const labels = managedBy(site.name, "mig-manager");
  const opts = { parent };
  const configMap = new k8s.core.v1.ConfigMap(
    `${name}-config`,
    { metadata: { name: MIG_CONFIGMAP, namespace: args.namespace, labels }, data: migConfigMapData(site) },
    opts,
  );
  if (args.mode === "device-plugin") {
    const scoped = physicalName(["nvidia-mig-manager", ...scopeParts(site.name, stackOf(args.stack))]);
    const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: { name: "nvidia-mig-manager", namespace: args.namespace, labels } }, opts);
    const subjects = [{ kind: "ServiceAccount", name: "nvidia-mig-manager", namespace: args.namespace }];
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      `${name}-clusterrole`,
      { metadata: { name: scoped, labels }, rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch", "update", "patch"] }] },
      opts,
    );
    const clusterBinding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-clusterrolebinding`,
      { metadata: { name: scoped, labels }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name }, subjects },
      opts,
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-role`,
      { metadata: { name: "nvidia-mig-manager", namespace: args.namespace, labels }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }] },
      opts,
    );
    const binding = new k8s.rbac.v1.RoleBinding(
      `${name}-rolebinding`,
      { metadata: { name: "nvidia-mig-manager", namespace: args.namespace, labels }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name }, subjects },
      opts,
    );
    const selector = { "app.kubernetes.io/name": "nvidia-mig-manager", [LABEL_SITE]: site.name };
    new k8s.apps.v1.DaemonSet(
      `${name}-daemonset`,
      {
        metadata: { name: "nvidia-mig-manager", namespace: args.namespace, labels },
        spec: {
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: { ...labels, ...selector } },
            spec: pulumi.output(args.namespace).apply((ns) => migManagerPodSpec(site, ns, "nvidia-mig-manager")) as any,
          },
        },
      },
      { parent, dependsOn: [sa, clusterBinding, binding, configMap] },
    );
  }
  return configMap;
}
