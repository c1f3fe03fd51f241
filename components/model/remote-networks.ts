/**
 * The rules for an EKS cluster's remote networks (`cluster.remoteNodeCIDRs`
 * and `cluster.remotePodCIDRs`), as Amazon EKS states them for
 * `RemoteNodeNetwork` and `RemotePodNetwork` (EKS API Reference): each block
 * IPv4, within an RFC 1918 range, between /8 and /32, and no block
 * overlapping another. Overlap with the VPC's own CIDR blocks can only be
 * known at deploy time (`vpcOverlapProblems`, used by EksSiteCluster).
 *
 * Pure: no Pulumi here.
 */
import type { FieldPath, SpecIssue } from "./spec-errors";

/** An IPv4 block as a 32-bit start and a prefix length. */
export interface Ipv4Block {
  start: number;
  prefix: number;
}

/** RFC 1918, section 3. */
export const RFC1918 = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** Parses `a.b.c.d/n`; a string naming why it is not one otherwise. */
export function parseIpv4Cidr(text: string): Ipv4Block | string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return `"${text}" is not an IPv4 CIDR block like 10.80.0.0/16`;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return `"${text}" is not an IPv4 CIDR block like 10.80.0.0/16`;
  const start = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) {
    const base = start - (start % size);
    return `"${text}" has host bits set: the block is ${formatIpv4(base)}/${prefix}`;
  }
  return { start, prefix };
}

function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

const size = (b: Ipv4Block) => 2 ** (32 - b.prefix);
/** True when two blocks share an address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.start < b.start + size(b) && b.start < a.start + size(a);
}
const within = (inner: Ipv4Block, outer: Ipv4Block) => inner.start >= outer.start && inner.start + size(inner) <= outer.start + size(outer);
const PRIVATE = RFC1918.map((c) => parseIpv4Cidr(c) as Ipv4Block);

/** Every broken rule of the cluster's remote networks, at its field path. */
export function remoteNetworkIssues(cluster: { remoteNodeCIDRs?: readonly string[]; remotePodCIDRs?: readonly string[] }): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const seen: { block: Ipv4Block; text: string; path: FieldPath }[] = [];
  for (const field of ["remoteNodeCIDRs", "remotePodCIDRs"] as const) {
    (cluster[field] ?? []).forEach((text, i) => {
      const path: FieldPath = ["cluster", field, i];
      const block = parseIpv4Cidr(text);
      if (typeof block === "string") {
        issues.push({ path, message: block });
        return;
      }
      if (block.prefix < 8) issues.push({ path, message: `"${text}" is larger than /8, the largest block EKS accepts for a remote network` });
      else if (!PRIVATE.some((p) => within(block, p))) {
        issues.push({ path, message: `"${text}" is not within an RFC 1918 range (${RFC1918.join(", ")}); EKS accepts only private remote networks` });
      }
      const clash = seen.find((s) => overlaps(s.block, block));
      if (clash) {
        const where = `cluster.${clash.path[1]}[${clash.path[2]}]`;
        issues.push({ path, message: `"${text}" overlaps "${clash.text}" (${where}); remote node and pod networks must not overlap` });
      }
      seen.push({ block, text, path });
    });
  }
  return issues;
}

/** Deploy time: remote networks that overlap one of the VPC's CIDR blocks, one sentence each. */
export function vpcOverlapProblems(remote: readonly string[], vpcCidrs: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of remote) {
    const rb = parseIpv4Cidr(r);
    if (typeof rb === "string") continue;
    for (const v of vpcCidrs) {
      const vb = parseIpv4Cidr(v);
      if (typeof vb !== "string" && overlaps(rb, vb)) out.push(`remote network ${r} overlaps the VPC's CIDR block ${v}`);
    }
  }
  return out;
}
