/**
 * The Pod Security Standards' `restricted` and `baseline` checks that apply
 * to a pod template, as the Kubernetes docs state them
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/).
 * Returns what a pod breaks; empty when it meets the level.
 */
type Json = any;

const BASELINE_CAPS = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

export function baselineProblems(pod: Json): string[] {
  const out: string[] = [];
  if (pod.hostNetwork) out.push("hostNetwork");
  if (pod.hostPID) out.push("hostPID");
  if (pod.hostIPC) out.push("hostIPC");
  for (const v of pod.volumes ?? []) if (v.hostPath) out.push(`hostPath volume ${v.name}`);
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`${c.name}: privileged`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPS.has(cap)) out.push(`${c.name}: adds capability ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${c.name}: hostPort ${p.hostPort}`);
  }
  return out;
}

export function restrictedProblems(pod: Json): string[] {
  const out = baselineProblems(pod);
  const podSc = pod.securityContext ?? {};
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation is not false`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) out.push(`${c.name}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) out.push(`${c.name}: runAsUser 0`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes("ALL")) out.push(`${c.name}: does not drop ALL capabilities`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== "NET_BIND_SERVICE") out.push(`${c.name}: adds ${cap}`);
    const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${c.name}: no RuntimeDefault seccomp profile`);
  }
  for (const v of pod.volumes ?? []) {
    const allowed = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
    const kind = Object.keys(v).find((k) => k !== "name");
    if (kind && !allowed.includes(kind)) out.push(`volume ${v.name}: ${kind}`);
  }
  return out;
}
