/**
 * EKS and hybrid nodes as the program makes them (issue 12, items 5–7 and
 * 12): a CNI and an untainted system node group, SSM activations within
 * AWS's limits, remote networks AWS accepts, hardening, names scoped by
 * stack, fixed names replaced delete-first, and a protected cluster.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repower } from "../helpers/cli";
import { parse, parseAllDocuments } from "yaml";
import { one, ofType, runStack, runner, type ProgramRun } from "../helpers/program";
import { exampleText, lineOf, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

// Activations are issued on this day (reproducible runs); they must expire 30 days later.
process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2026, 10, 26, 17, 45) / 1000);

const props = (r: { properties: Record<string, unknown> }) => runner.revealOrMask(r.properties) as Record<string, any>;
const withNodes = (n: number) => replaceOnce(exampleText("prairie-burst"), "gpu: { h200-c: 256, burst-p5: 8 }", `gpu: { h200-c: ${n}, burst-p5: 8 }`);

let prairie: ProgramRun;
beforeAll(async () => {
  prairie = await runStack("prairie-burst");
});
const res = () => prairie.resources;

describe("the cluster runs what hybrid GPU nodes need (item 5)", () => {
  it("installs Cilium, AWS's supported CNI for hybrid nodes, on hybrid nodes only, over the remote pod networks", () => {
    const rel = props(one(res(), "kubernetes:helm.sh/v3:Release", "cluster-cilium"));
    expect(rel.chart).toBe("cilium");
    expect(rel.version).toMatch(/^1\.16\.\d+$/);
    expect(rel.namespace).toBe("kube-system");
    expect(rel.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "eks.amazonaws.com/compute-type", operator: "In", values: ["hybrid"] }] },
    ]);
    expect(rel.values.ipam).toEqual({ mode: "cluster-pool", operator: { clusterPoolIPv4MaskSize: 25, clusterPoolIPv4PodCIDRList: ["10.90.0.0/16"] } });
    expect(one(res(), "kubernetes:helm.sh/v3:Release", "cluster-cilium").provider).toMatch(/prairie-burst-cluster-k8s/);
  });

  it("gives the cluster a small untainted system node group for CoreDNS, the Cilium operator and monitoring", () => {
    const ng = props(one(res(), "aws:eks/nodeGroup:NodeGroup", "system-nodes"));
    expect(ng.taints ?? []).toEqual([]);
    expect(ng.amiType).toBe("AL2023_x86_64_STANDARD");
    expect(ng.scalingConfig.minSize).toBeGreaterThanOrEqual(2);
    expect(ng.labels["repower.io/pool"]).toBeUndefined();
  });

  it("makes the GPU components wait for the system nodes", () => {
    const system = one(res(), "aws:eks/nodeGroup:NodeGroup", "system-nodes").urn;
    for (const suffix of ["device-plugin-ns", "monitoring-ns", "power-cap-ns"]) {
      expect(one(res(), "kubernetes:core/v1:Namespace", suffix).dependencies, suffix).toContain(system);
    }
  });
});

describe("SSM activations (item 6)", () => {
  it("limits the one activation to the phase's 256 nodes, expiring 30 days after the issue day, its code a secret", () => {
    const a = one(res(), "aws:ssm/activation:Activation");
    expect(props(a).registrationLimit).toBe(256);
    expect(props(a).expirationDate).toBe("2026-12-26T00:00:00Z");
    expect(a.additionalSecretOutputs).toContain("activationCode");
  });

  it("splits a pool of 2,500 nodes into activations of 1,000, 1,000 and 500, one NodeConfig each", async () => {
    const run = await runStack(writeStack(tempDir(), "big", withNodes(2500)));
    const limits = ofType(run.resources, "aws:ssm/activation:Activation").map((r) => props(r).registrationLimit);
    expect(limits).toEqual([1000, 1000, 500]);
    const docs = parseAllDocuments((run.outputs.nodeConfigsRendered as Record<string, string>)["h200-c"]).map((d) => d.toJS());
    expect(docs).toHaveLength(3);
    expect(new Set(docs.map((d) => d.spec.hybrid.ssm.activationId)).size).toBe(3);
  });

  it("makes no activation and no NodeConfig for a pool with no nodes", async () => {
    const run = await runStack(writeStack(tempDir(), "empty", withNodes(0)));
    expect(ofType(run.resources, "aws:ssm/activation:Activation")).toEqual([]);
    expect((run.outputs.nodeConfigsRendered as Record<string, string> | undefined)?.["h200-c"]).toBeUndefined();
  });

  it("never asks AWS for more than 1,000 registrations an activation, nor for an activation of none", async () => {
    const { activationLimits, activationExpiry } = await import("../../components/gpu-node-pool");
    expect(activationLimits(0)).toEqual([]);
    expect(activationLimits(1)).toEqual([1]);
    expect(activationLimits(1000)).toEqual([1000]);
    expect(activationLimits(1001)).toEqual([1000, 1]);
    // 30 days after the issue day's midnight: never more than 30 days after the activation is made that day.
    expect(activationExpiry(new Date("2026-11-26T23:59:00Z"))).toBe("2026-12-26T00:00:00Z");
  });

  it("at deploy time, refuses remote networks that overlap the VPC's CIDR blocks", async () => {
    const { vpcOverlapProblems } = await import("../../components/model/remote-networks");
    expect(vpcOverlapProblems(["10.80.0.0/16", "10.90.0.0/16"], ["10.0.0.0/16"])).toEqual([]);
    expect(vpcOverlapProblems(["10.80.0.0/16"], ["10.0.0.0/8"])).toEqual(["remote network 10.80.0.0/16 overlaps the VPC's CIDR block 10.0.0.0/8"]);
  });

  it("issues on the day repower:ssmActivationIssued names, to rotate codes for rebuilt servers", async () => {
    const run = await runStack("prairie-burst", { "repower:ssmActivationIssued": "2026-12-01" });
    expect(props(one(run.resources, "aws:ssm/activation:Activation")).expirationDate).toBe("2026-12-31T00:00:00Z");
    await expect(runStack("prairie-burst", { "repower:ssmActivationIssued": "2026-02-30" })).rejects.toThrow(/repower:ssmActivationIssued: must be a date YYYY-MM-DD/);
  });

  const cidrCases: [string, string, RegExp][] = [
    ["a public block", "10.80.0.0/16", /remoteNodeCIDRs\[0\]: "8\.8\.0\.0\/16" is not within an RFC 1918 range/],
    ["a block larger than /8", "10.80.0.0/16", /remoteNodeCIDRs\[0\]: "10\.0\.0\.0\/7" is larger than \/8/],
    ["overlapping node and pod networks", "10.80.0.0/16", /remotePodCIDRs\[0\]: "10\.80\.128\.0\/17" overlaps "10\.80\.0\.0\/16" \(cluster\.remoteNodeCIDRs\[0\]\)/],
  ];
  const edits: Record<string, [string, string]> = {
    "a public block": ["remoteNodeCIDRs: [10.80.0.0/16]", "remoteNodeCIDRs: [8.8.0.0/16]"],
    "a block larger than /8": ["remoteNodeCIDRs: [10.80.0.0/16]", "remoteNodeCIDRs: [10.0.0.0/7]"],
    "overlapping node and pod networks": ["remotePodCIDRs: [10.90.0.0/16]", "remotePodCIDRs: [10.80.128.0/17]"],
  };
  for (const [what, , message] of cidrCases) {
    it(`refuses ${what} in the remote networks, with file, field path and line`, async () => {
      const [from, to] = edits[what];
      const text = replaceOnce(exampleText("prairie-burst"), from, to);
      const file = writeStack(tempDir(), "cidr", text);
      const line = lineOf(text, to);
      await expect(runStack(file)).rejects.toThrow(new RegExp(`Pulumi\\.cidr\\.yaml:${line}:\\d+: repower:site\\.cluster\\.${message.source}`));
    });
  }
});

describe("hardening (item 7)", () => {
  it("trusts SSM for the hybrid role only from this account's activations in the cluster's region", () => {
    const role = props(one(res(), "aws:iam/role:Role", "h200-c-hybrid-role"));
    const statement = JSON.parse(role.assumeRolePolicy).Statement[0];
    expect(statement.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "000000000000" },
      ArnEquals: { "aws:SourceArn": "arn:aws:ssm:us-east-2:000000000000:*" },
    });
  });

  it("keeps the public endpoint off unless CIDRs are given, then open only to them", async () => {
    const off = props(one(res(), "aws:eks/cluster:Cluster")).vpcConfig;
    expect(off.endpointPublicAccess).toBe(false);
    expect(off.endpointPrivateAccess).toBe(true);
    const run = await runStack("prairie-burst", { "repower:eksPublicAccessCidrs": JSON.stringify(["203.0.113.0/24"]) });
    const on = props(one(run.resources, "aws:eks/cluster:Cluster")).vpcConfig;
    expect(on.endpointPublicAccess).toBe(true);
    expect(on.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
    await expect(runStack("prairie-burst", { "repower:eksPublicAccessCidrs": JSON.stringify(["anywhere"]) })).rejects.toThrow(/repower:eksPublicAccessCidrs: must be a list of IPv4 CIDR blocks/);
  });

  it("opens the cluster security group on 443 to the remote node and pod networks, nothing else", () => {
    const rules = ofType(res(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(props);
    expect(rules.map((r) => [r.cidrIpv4, r.ipProtocol, r.fromPort, r.toPort]).sort()).toEqual([
      ["10.80.0.0/16", "tcp", 443, 443],
      ["10.90.0.0/16", "tcp", 443, 443],
    ]);
  });
});

describe("names, replacement and protection (item 12)", () => {
  it("protects the EKS cluster", () => {
    expect(one(res(), "aws:eks/cluster:Cluster").protect).toBe(true);
  });

  it("replaces delete-first every resource whose physical name is fixed", () => {
    const named = res().filter(
      (r) =>
        r.custom &&
        !r.type.startsWith("pulumi:providers:") &&
        (typeof props(r).name === "string" || typeof props(r).metadata?.name === "string" || typeof props(r).nodeGroupName === "string"),
    );
    expect(named.length).toBeGreaterThan(10);
    for (const r of named) if (!r.type.startsWith("aws:iam/rolePolicy")) expect(r.deleteBeforeReplace, `${r.type} ${r.name}`).toBe(true);
  });

  it("two stacks of one site share no physical name: namespaces, releases, ConfigMaps, monitors, IAM and EKS", async () => {
    const dev = await runStack(writeStack(tempDir(), "prairie-burst-dev", exampleText("prairie-burst")));
    const names = (run: ProgramRun) =>
      new Set(
        run.resources
          .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && r.type !== "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
          .filter((r) => !(r.type === "kubernetes:helm.sh/v3:Release" && props(r).namespace === "kube-system" && false))
          .map((r) => {
            const p = props(r);
            const name = p.metadata?.name ?? p.nodeGroupName ?? p.name;
            return name === undefined ? undefined : `${r.type} ${p.metadata?.namespace ?? p.namespace ?? ""}/${name}`;
          })
          .filter((n): n is string => n !== undefined && !n.endsWith("/kube-root-ca.crt")),
      );
    const a = names(prairie);
    const b = names(dev);
    const shared = [...a].filter((n) => b.has(n));
    expect(shared).toEqual([]);
    expect([...b].some((n) => n.includes("prairie-burst-dev"))).toBe(true);
  });

  it("makes the static pools' NodeFeatureRule wait for the release that installs its CRD", async () => {
    const run = await runStack("pecos-yard");
    const release = one(run.resources, "kubernetes:helm.sh/v3:Release", "device-plugin-release").urn;
    for (const rule of ofType(run.resources, "kubernetes:nfd.k8s-sigs.io/v1alpha1:NodeFeatureRule")) expect(rule.dependencies).toContain(release);
  });

  it("orders pools by code point, whatever the machine's locale", () => {
    // Lithuanian collation puts y between i and j: localeCompare sorts "yb" before "ja" there.
    expect("yb".localeCompare("ja", "lt")).toBeLessThan(0);
    let text = exampleText("prairie-burst").replace(/h200-c/g, "yb").replace(/burst-p5/g, "ja");
    const dir = tempDir();
    const file = writeStack(dir, "order", text);
    const out = path.join(dir, "out");
    const r = repower(["preview", "--config-file", file, "--out", out], { env: { LC_ALL: "lt_LT.UTF-8", LANG: "lt_LT.UTF-8" } });
    expect(r.status, r.stderr).not.toBe(2);
    const helm = fs.readdirSync(path.join(out, "helm")).find((f) => f.includes("nvidia-device-plugin"))!;
    const values = parse(fs.readFileSync(path.join(out, "helm", helm), "utf8")).values;
    expect(Object.keys(values.config.map)).toEqual(["ja", "yb"]);
    expect(values.config.default).toBe("ja");
  });
});
