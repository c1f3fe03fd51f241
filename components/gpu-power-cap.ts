/**
 * GpuPowerCap: for each pool with `powerCapWatts`, a DaemonSet on exactly
 * that pool's nodes that holds every GPU's power limit at the cap with
 * `nvidia-smi -pl` (a driver reload resets it; neither the GPU Operator nor
 * the device plugin sets it), in its own namespace labelled for privileged
 * pods.
 *
 * A pod of the DaemonSet:
 * 1. `apply-cap` (init, the CUDA image under the NVIDIA runtime): persistence
 *    mode on (`nvidia-smi -pm 1`, so the driver, and the limit, stay loaded
 *    between jobs), the cap set on every GPU, then read back; it fails, and
 *    the pod with it, unless every GPU reports the cap. `set -euo pipefail`,
 *    so a missing or failing `nvidia-smi` fails instead of looping.
 * 2. `ensure-taint`, `remove-taint` (init, kubectl): the node's startup taint
 *    `repower.io/power-cap-pending:NoSchedule` (registered by hybrid and
 *    managed nodes' kubelets) keeps workloads off until the cap holds; the
 *    first makes sure it is there so that the second, which removes it, always
 *    succeeds (`kubectl taint …-` fails on a missing taint, and the kubectl
 *    image has no shell). Only these two mount an API token; the RBAC is
 *    `get`/`patch` on nodes.
 * 3. `power-cap`: keeps the cap applied, every 60 s; its readiness probe reads
 *    every GPU's `power.limit` back and is Ready only when all are at the cap.
 *
 * Runs as root with only CAP_SYS_ADMIN added (no `privileged`, no host
 * namespaces, no host paths), with `runtimeClassName` (default `nvidia`) so
 * the NVIDIA container runtime injects `nvidia-smi` and the devices.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GPU_TAINT, LABEL_POOL, LABEL_SITE, POWER_CAP_ENV, POWER_CAP_IMAGE, type GpuPool, type Site } from "./model";
import { FIXED_NAME, managedBy, NAMESPACES, namespaceFor, physicalName, podSecurityLabels, scopeParts, stackOf } from "./naming";

/** The image that runs nvidia-smi (the NVIDIA container runtime injects the driver's utilities); published in the model for the policy pack. */
export { POWER_CAP_IMAGE };
/** Kubernetes' own kubectl image (registry.k8s.io/kubectl, published from v1.28 on; distroless: no shell). */
export const KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.32.9";
/** Seconds between checks of the applied limit. */
export const POWER_CAP_INTERVAL_S = 60;
/** The RuntimeClass giving containers the NVIDIA runtime (the GPU Operator's name for it). */
export const DEFAULT_RUNTIME_CLASS = "nvidia";

/**
 * The taint a capped pool's nodes register with (kubelet `--register-with-taints`
 * for hybrid nodes, the node group's taints for managed ones), removed by the
 * cap pod once every GPU holds the cap. Static nodes already exist: NFD
 * re-applies the taints of a NodeFeatureRule, so this one cannot come from it;
 * a static site adds it to its kubelets' own flags where it wants the same guard.
 */
export const POWER_CAP_STARTUP_TAINT = { key: "repower.io/power-cap-pending", value: "true", effect: "NoSchedule" } as const;

/** Tolerations of every DaemonSet repower runs on GPU nodes: the GPU taint and the cap's startup taint. */
export const GPU_NODE_TOLERATIONS = [
  { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect },
  { key: POWER_CAP_STARTUP_TAINT.key, operator: "Exists", effect: POWER_CAP_STARTUP_TAINT.effect },
];

export interface GpuPowerCapArgs {
  /** The validated site: one DaemonSet per on-site pool with `powerCapWatts`. */
  site: Site;
  /** RuntimeClass that gives containers the NVIDIA runtime; default `nvidia`. */
  runtimeClassName?: string;
  /** The Pulumi stack (scopes names); default the running stack. */
  stack?: string;
  /** What must be running before this component's workloads can schedule (an EKS cluster's system nodes and CNI). */
  after?: pulumi.Input<pulumi.Resource>[];
}

const PREAMBLE = ["set -euo pipefail", 'want="${POWER_CAP_WATTS}"'];

/** Shell that prints every GPU's index and power limit (W, integer part), failing when nvidia-smi fails or lists no GPU. */
const READ_LIMITS = [
  'limits="$(nvidia-smi --query-gpu=index,power.limit --format=csv,noheader,nounits)"',
  '[ -n "$limits" ] || { echo "nvidia-smi lists no GPU" >&2; exit 1; }',
];

/** The init script: persistence mode, the cap on every GPU, and a read-back that fails unless all hold it. */
export function applyCapScript(): string {
  return [
    ...PREAMBLE,
    'echo "repower power cap: ${want} W per GPU on ${NODE_NAME}"',
    "nvidia-smi -pm 1",
    "nvidia-smi -pl \"$want\"",
    ...READ_LIMITS,
    'while IFS=", " read -r idx limit; do',
    '  [ "${limit%%.*}" = "$want" ] || { echo "GPU $idx: limit ${limit} W, not ${want} W" >&2; exit 1; }',
    'done <<< "$limits"',
    'echo "every GPU holds ${want} W"',
  ].join("\n");
}

/** The main loop: check every GPU's limit and set it again where it drifted. */
export function powerCapScript(): string {
  return [
    ...PREAMBLE,
    "while true; do",
    ...READ_LIMITS.map((l) => `  ${l}`),
    '  while IFS=", " read -r idx limit; do',
    '    if [ "${limit%%.*}" != "$want" ]; then',
    '      echo "GPU $idx: limit ${limit} W, setting ${want} W"',
    '      nvidia-smi -i "$idx" -pm 1',
    '      nvidia-smi -i "$idx" -pl "$want"',
    "    fi",
    '  done <<< "$limits"',
    '  sleep "$INTERVAL_SECONDS"',
    "done",
  ].join("\n");
}

/** The readiness probe: every GPU's power.limit read back equals the cap. */
export function readinessScript(): string {
  return [...PREAMBLE, ...READ_LIMITS, 'while IFS=", " read -r idx limit; do [ "${limit%%.*}" = "$want" ] || exit 1; done <<< "$limits"'].join("\n");
}

const TOKEN_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The DaemonSet's spec for one pool. */
export function powerCapDaemonSetSpec(
  site: Site,
  pool: GpuPool,
  opts: { runtimeClassName?: string; serviceAccountName?: string } = {},
): k8s.types.input.apps.v1.DaemonSetSpec {
  const selector = { "app.kubernetes.io/name": "repower-power-cap", [LABEL_POOL]: pool.name };
  const env = [
    { name: POWER_CAP_ENV, value: String(pool.powerCapWatts) },
    { name: "INTERVAL_SECONDS", value: String(POWER_CAP_INTERVAL_S) },
    { name: "NVIDIA_VISIBLE_DEVICES", value: "all" },
    { name: "NVIDIA_DRIVER_CAPABILITIES", value: "utility" },
    { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
  ];
  const rootWithSysAdmin = {
    runAsUser: 0,
    runAsNonRoot: false,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] },
  };
  const unprivileged = {
    runAsUser: 65532,
    runAsNonRoot: true,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  };
  const taint = `${POWER_CAP_STARTUP_TAINT.key}=${POWER_CAP_STARTUP_TAINT.value}:${POWER_CAP_STARTUP_TAINT.effect}`;
  const kubectl = (name: string, args: string[]) => ({
    name,
    image: KUBECTL_IMAGE,
    args,
    env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
    resources: { requests: { cpu: "5m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
    securityContext: unprivileged,
    volumeMounts: [{ name: "api-token", mountPath: TOKEN_PATH, readOnly: true }],
  });
  return {
    selector: { matchLabels: selector },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
    template: {
      metadata: { labels: { ...selector, [LABEL_SITE]: site.name } },
      spec: {
        nodeSelector: { [LABEL_SITE]: site.name, [LABEL_POOL]: pool.name },
        tolerations: GPU_NODE_TOLERATIONS,
        ...(opts.serviceAccountName !== undefined ? { serviceAccountName: opts.serviceAccountName } : {}),
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        priorityClassName: "system-node-critical",
        runtimeClassName: opts.runtimeClassName ?? DEFAULT_RUNTIME_CLASS,
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        initContainers: [
          {
            name: "apply-cap",
            image: POWER_CAP_IMAGE,
            command: ["/bin/bash", "-c", applyCapScript()],
            env,
            resources: { requests: { cpu: "5m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
            securityContext: rootWithSysAdmin,
          },
          kubectl("ensure-taint", ["taint", "node", "$(NODE_NAME)", taint, "--overwrite"]),
          kubectl("remove-taint", ["taint", "node", "$(NODE_NAME)", `${POWER_CAP_STARTUP_TAINT.key}:${POWER_CAP_STARTUP_TAINT.effect}-`]),
        ],
        containers: [
          {
            name: "power-cap",
            image: POWER_CAP_IMAGE,
            command: ["/bin/bash", "-c", powerCapScript()],
            env,
            readinessProbe: {
              exec: { command: ["/bin/bash", "-c", readinessScript()] },
              initialDelaySeconds: 5,
              periodSeconds: 30,
              timeoutSeconds: 20,
              failureThreshold: 2,
            },
            resources: { requests: { cpu: "5m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
            securityContext: rootWithSysAdmin,
          },
        ],
        volumes: [
          {
            // The API token, only for the two kubectl init containers (what automounting would give every container).
            name: "api-token",
            projected: {
              sources: [
                { serviceAccountToken: { path: "token", expirationSeconds: 3607 } },
                { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } },
              ],
            },
          },
        ],
      },
    },
  };
}

export class GpuPowerCap extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:nvidia:GpuPowerCap";

  /** Pools whose GPUs are capped, with the cap in W. */
  readonly caps: pulumi.Output<Record<string, number>>;

  constructor(name: string, args: GpuPowerCapArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GpuPowerCap.__pulumiType, name, {}, opts);
    const { site } = args;
    const stack = stackOf(args.stack);
    const pools = site.gpuPools.filter((p) => p.placement === "on-site" && p.powerCapWatts !== undefined);
    const labels = managedBy(site.name, "power-cap");
    if (pools.length > 0) {
      const parent = { parent: this, ...FIXED_NAME };
      const ns = new k8s.core.v1.Namespace(
        `${name}-ns`,
        { metadata: { name: namespaceFor(NAMESPACES.powerCap, stack), labels: { ...labels, ...podSecurityLabels("privileged") } } },
        { ...parent, dependsOn: args.after ?? [] },
      );
      const accountName = "repower-power-cap";
      const account = new k8s.core.v1.ServiceAccount(
        `${name}-account`,
        { metadata: { name: accountName, namespace: ns.metadata.name, labels }, automountServiceAccountToken: false },
        parent,
      );
      const roleName = physicalName(["repower-power-cap", ...scopeParts(site.name, stack)]);
      const role = new k8s.rbac.v1.ClusterRole(
        `${name}-role`,
        { metadata: { name: roleName, labels }, rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "patch"] }] },
        parent,
      );
      const binding = new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-binding`,
        {
          metadata: { name: roleName, labels },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
          subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: ns.metadata.name }],
        },
        parent,
      );
      for (const pool of pools) {
        new k8s.apps.v1.DaemonSet(
          `${name}-${pool.name}`,
          {
            metadata: { name: physicalName(["power-cap", pool.name]), namespace: ns.metadata.name, labels: { ...labels, [LABEL_POOL]: pool.name } },
            spec: powerCapDaemonSetSpec(site, pool, { runtimeClassName: args.runtimeClassName, serviceAccountName: accountName }),
          },
          { ...parent, dependsOn: [account, binding] },
        );
      }
    }
    this.caps = pulumi.output(Object.fromEntries(pools.map((p) => [p.name, p.powerCapWatts as number])));
    this.registerOutputs({ caps: this.caps });
  }
}
