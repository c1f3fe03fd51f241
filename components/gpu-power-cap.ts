/**
 * GpuPowerCap: for each pool with `powerCapWatts`, a DaemonSet on exactly
 * that pool's nodes that sets every GPU's power limit with `nvidia-smi -pl`
 * and sets it again whenever it drifts (a driver reload resets it; neither
 * the GPU Operator nor the device plugin sets it). It runs as root with only
 * CAP_SYS_ADMIN added (no `privileged`, no host namespaces, no host paths, no
 * service account token), in its own namespace labelled for privileged pods.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GPU_TAINT, LABEL_POOL, LABEL_SITE, POWER_CAP_ENV, POWER_CAP_IMAGE, type GpuPool, type Site } from "./model";
import { managedBy, NAMESPACES, physicalName, podSecurityLabels } from "./naming";

/** The image that runs nvidia-smi (the NVIDIA container runtime injects the driver's utilities); published in the model for the policy pack. */
export { POWER_CAP_IMAGE };
/** Seconds between checks of the applied limit. */
export const POWER_CAP_INTERVAL_S = 60;

export interface GpuPowerCapArgs {
  /** The validated site: one DaemonSet per on-site pool with `powerCapWatts`. */
  site: Site;
  /** RuntimeClass that gives containers the NVIDIA runtime, where it is not the node's default. */
  runtimeClassName?: string;
}

/** The shell loop the container runs: apply the cap to every GPU, then keep it applied. */
export function powerCapScript(): string {
  return [
    "set -eu",
    'echo "repower power cap: ${POWER_CAP_WATTS} W per GPU on $(hostname)"',
    "while true; do",
    "  nvidia-smi --query-gpu=index,power.limit --format=csv,noheader,nounits | while IFS=', ' read -r idx limit; do",
    '    current=${limit%%.*}',
    '    if [ "$current" != "$POWER_CAP_WATTS" ]; then',
    '      echo "GPU $idx: limit ${limit} W, setting ${POWER_CAP_WATTS} W"',
    '      nvidia-smi -i "$idx" -pl "$POWER_CAP_WATTS"',
    "    fi",
    "  done",
    '  sleep "$INTERVAL_SECONDS"',
    "done",
  ].join("\n");
}

/** The DaemonSet's spec for one pool. */
export function powerCapDaemonSetSpec(site: Site, pool: GpuPool, runtimeClassName?: string): k8s.types.input.apps.v1.DaemonSetSpec {
  const selector = { "app.kubernetes.io/name": "repower-power-cap", [LABEL_POOL]: pool.name };
  return {
    selector: { matchLabels: selector },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
    template: {
      metadata: { labels: { ...selector, [LABEL_SITE]: site.name } },
      spec: {
        nodeSelector: { [LABEL_SITE]: site.name, [LABEL_POOL]: pool.name },
        tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }],
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        priorityClassName: "system-node-critical",
        ...(runtimeClassName !== undefined ? { runtimeClassName } : {}),
        securityContext: { seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "power-cap",
            image: POWER_CAP_IMAGE,
            command: ["/bin/sh", "-c", powerCapScript()],
            env: [
              { name: POWER_CAP_ENV, value: String(pool.powerCapWatts) },
              { name: "INTERVAL_SECONDS", value: String(POWER_CAP_INTERVAL_S) },
              { name: "NVIDIA_VISIBLE_DEVICES", value: "all" },
              { name: "NVIDIA_DRIVER_CAPABILITIES", value: "utility" },
            ],
            resources: { requests: { cpu: "5m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
            securityContext: {
              runAsUser: 0,
              runAsNonRoot: false,
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] },
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
    const pools = site.gpuPools.filter((p) => p.placement === "on-site" && p.powerCapWatts !== undefined);
    const labels = managedBy(site.name, "power-cap");
    if (pools.length > 0) {
      const ns = new k8s.core.v1.Namespace(
        `${name}-ns`,
        { metadata: { name: NAMESPACES.powerCap, labels: { ...labels, ...podSecurityLabels("privileged") } } },
        { parent: this },
      );
      for (const pool of pools) {
        new k8s.apps.v1.DaemonSet(
          `${name}-${pool.name}`,
          {
            metadata: { name: physicalName(["power-cap", pool.name]), namespace: ns.metadata.name, labels: { ...labels, [LABEL_POOL]: pool.name } },
            spec: powerCapDaemonSetSpec(site, pool, args.runtimeClassName),
          },
          { parent: this },
        );
      }
    }
    this.caps = pulumi.output(Object.fromEntries(pools.map((p) => [p.name, p.powerCapWatts as number])));
    this.registerOutputs({ caps: this.caps });
  }
}
