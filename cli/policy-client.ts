/**
 * Starts the policy pack the way the Pulumi engine does
 * (`node <@pulumi/pulumi>/cmd/run-policy-pack <engine-address> .` inside the
 * pack's directory; the pack serves the gRPC Analyzer protocol on 127.0.0.1
 * and prints its port) and speaks that protocol to it: GetAnalyzerInfo,
 * ConfigureStack, Configure, Analyze and AnalyzeStack.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import type { RegisteredResource } from "./program-run";

/**
 * gRPC and the SDK's own generated protocol code (the messages the engine
 * sends), loaded on first use: the pack is spawned before they load.
 */
let loaded: { grpc: typeof import("@grpc/grpc-js"); Struct: any; analyzerpb: any; analyzergrpc: any; emptypb: any } | undefined;
function proto() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  loaded ??= {
    grpc: require("@grpc/grpc-js"),
    Struct: require("google-protobuf/google/protobuf/struct_pb").Struct,
    analyzerpb: require("@pulumi/pulumi/proto/analyzer_pb"),
    analyzergrpc: require("@pulumi/pulumi/proto/analyzer_grpc_pb"),
    emptypb: require("google-protobuf/google/protobuf/empty_pb"),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const SEVERITIES = ["", "low", "medium", "high", "critical"];

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  severity: string;
  remediationSteps: string;
  type: "resource" | "stack" | "unknown";
  configSchema?: Record<string, unknown>;
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  severity: string;
  urn: string;
  description: string;
}

/** A policy that said it does not apply (`args.notApplicable(reason)`): to one resource (Analyze) or to the stack (no urn). */
export interface NotApplicable {
  policyName: string;
  reason: string;
  urn?: string;
}

/** What the pack answered: violations, and the policies that said they do not apply. */
export interface Analysis {
  diagnostics: Diagnostic[];
  notApplicable: NotApplicable[];
}

/** Per-policy settings, as `pulumi preview --policy-pack-config` gives them. */
export type PolicyConfig = Record<string, { enforcementLevel?: EnforcementLevel; [k: string]: unknown }>;

/** The engine's address handed to the pack. The pack does not call the engine back; nothing listens there. */
export const NO_ENGINE = "127.0.0.1:0";

function options(r: RegisteredResource) {
  const o = new (proto().analyzerpb.AnalyzerResourceOptions)();
  o.setProtect(r.protect);
  o.setIgnorechangesList(r.ignoreChanges);
  o.setDeletebeforereplace(r.deleteBeforeReplace);
  o.setDeletebeforereplacedefined(true);
  o.setAdditionalsecretoutputsList(r.additionalSecretOutputs);
  if (r.parent) o.setParent(r.parent);
  return o;
}

function toStruct(v: Record<string, unknown>) {
  return proto().Struct.fromJavaScript(v);
}

function providerOf(r: RegisteredResource, byUrn: Map<string, RegisteredResource>) {
  if (!r.provider) return undefined;
  const urn = r.provider.split("::").slice(0, -1).join("::");
  const prov = byUrn.get(urn);
  const p = new (proto().analyzerpb.AnalyzerProviderResource)();
  p.setUrn(urn);
  p.setType(prov?.type ?? urn.split("::")[2]?.split("$").pop() ?? "");
  p.setName(prov?.name ?? urn.split("::").pop() ?? "");
  p.setProperties(toStruct(prov?.properties ?? {}));
  return p;
}

function toDiagnostics(list: any[]): Diagnostic[] {
  return list.map((d) => {
    // @pulumi/policy sends "<policy description>\n<message>"; the description has its own field.
    const description: string = d.getDescription();
    const raw: string = d.getMessage();
    const message = description && raw.startsWith(`${description}\n`) ? raw.slice(description.length + 1) : raw;
    return {
      policyName: d.getPolicyname(),
      policyPackName: d.getPolicypackname(),
      policyPackVersion: d.getPolicypackversion(),
      message,
      enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "mandatory",
      severity: SEVERITIES[d.getSeverity?.() ?? 0] ?? "",
      urn: d.getUrn(),
      description,
    };
  });
}

function toNotApplicable(list: any[] | undefined, urn?: string): NotApplicable[] {
  return (list ?? []).map((n) => ({ policyName: n.getPolicyName(), reason: n.getReason(), ...(urn ? { urn } : {}) }));
}

/**
 * The policy pack failed: it crashed, did not answer in time, or answered
 * something that is not the Analyzer protocol. `message` is one line that
 * says which, and what the pack last wrote to stderr.
 */
export class PolicyPackError extends Error {
  override readonly name = "PolicyPackError";
}

/** The last non-empty line of a pack's stderr, for a one-line message. */
function lastLine(text: string): string {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const last = lines[lines.length - 1] ?? "";
  return last.length > 200 ? `${last.slice(0, 197)}...` : last;
}
const said = (stderr: string) => (lastLine(stderr) ? ` (its stderr: ${lastLine(stderr)})` : "");

/** Milliseconds the pack may take to answer one call (`REPOWER_POLICY_PACK_TIMEOUT_MS`, default 300 000). */
export function callTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.REPOWER_POLICY_PACK_TIMEOUT_MS);
  return Number.isFinite(v) && v > 0 ? v : 300_000;
}

/** A running policy pack and a gRPC client to it. */
export class PolicyPackProcess {
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitWaiters = new Set<() => void>();
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly client: any,
    private readonly stderr: () => string,
  ) {
    child.once("exit", (code, signal) => {
      this.exited = { code, signal };
      for (const w of this.exitWaiters) w();
    });
  }

  /** Starts the pack in `packDir` exactly as the engine does; resolves once it prints its port. */
  static start(packDir: string, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<PolicyPackProcess> {
    return PolicyPackProcess.starting(packDir, opts).ready;
  }

  /** As `start`, with a way to stop the pack before it serves (when nothing turns out to need it). */
  static starting(packDir: string, opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): { ready: Promise<PolicyPackProcess>; cancel(): void } {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    const child = spawn(process.execPath, [runner, NO_ENGINE, "."], {
      cwd: path.resolve(packDir),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...opts.env },
    });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    let cancelled = false;
    const ready = new Promise<PolicyPackProcess>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => {
        child.kill();
        reject(new PolicyPackError(`the policy pack did not start serving within ${(opts.timeoutMs ?? 60000) / 1000} s${said(err)}`));
      }, opts.timeoutMs ?? 60_000);
      const onData = (d: Buffer) => {
        out += d;
        const nl = out.indexOf("\n");
        if (nl < 0) return;
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        const port = Number(out.slice(0, nl).trim());
        if (!Number.isInteger(port) || port <= 0) {
          child.kill();
          reject(new PolicyPackError(`the policy pack printed ${JSON.stringify(out.slice(0, Math.min(nl, 80)))} instead of the port it serves on${said(err)}`));
          return;
        }
        const { analyzergrpc, grpc } = proto();
        const client = new analyzergrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
          "grpc.max_receive_message_length": 400 * 1024 * 1024,
          "grpc.max_send_message_length": 400 * 1024 * 1024,
        });
        resolve(new PolicyPackProcess(child, port, client, () => err));
      };
      child.stdout!.on("data", onData);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(cancelled ? new Error("the policy pack was not needed") : new PolicyPackError(`the policy pack exited (code ${code}) before serving${said(err)}`));
      });
    });
    return {
      ready,
      cancel: () => {
        cancelled = true;
        if (child.exitCode === null && child.signalCode === null) child.kill();
      },
    };
  }

  private exitReason(): string {
    const x = this.exited!;
    return `it exited (${x.signal ? `signal ${x.signal}` : `code ${x.code}`})`;
  }

  /**
   * One gRPC call with a deadline; rejects with a one-line PolicyPackError when
   * the pack exits before answering, does not answer in time, or answers
   * something the client cannot read.
   */
  private call<T>(method: string, req: unknown, what = method): Promise<T> {
    const timeout = callTimeoutMs();
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.exitWaiters.delete(onExit);
        f();
      };
      const onExit = () => finish(() => reject(new PolicyPackError(`the policy pack stopped during ${what}: ${this.exitReason()}${said(this.stderr())}`)));
      if (this.exited) return onExit();
      this.exitWaiters.add(onExit);
      const timer = setTimeout(
        () => finish(() => reject(new PolicyPackError(`the policy pack did not answer ${what} within ${timeout / 1000} s (REPOWER_POLICY_PACK_TIMEOUT_MS)${said(this.stderr())}`))),
        timeout,
      );
      try {
        this.client[method](req, { deadline: Date.now() + timeout + 1000 }, (e: (Error & { code?: number; details?: string }) | null, resp: T) => {
          if (!e) return finish(() => resolve(resp));
          // A pack that dies mid-call shows first as a dropped connection: say that it exited.
          setTimeout(() => {
            if (this.exited) return onExit();
            const detail = (e.details || e.message).split("\n")[0];
            finish(() => reject(new PolicyPackError(`the policy pack failed ${what}: ${detail}${said(this.stderr())}`)));
          }, 200);
        });
      } catch (e) {
        finish(() => reject(new PolicyPackError(`the policy pack failed ${what}: ${(e as Error).message.split("\n")[0]}`)));
      }
    });
  }

  /** Reads a response, turning a message the client cannot read into a PolicyPackError. */
  private read<T>(what: string, f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw new PolicyPackError(`the policy pack answered ${what} with something that is not the Analyzer protocol: ${(e as Error).message.split("\n")[0]}`);
    }
  }

  async info(): Promise<AnalyzerInfo> {
    const r: any = await this.call("getAnalyzerInfo", new (proto().emptypb.Empty)(), "GetAnalyzerInfo");
    return this.read("GetAnalyzerInfo", () => ({
      name: r.getName(),
      version: r.getVersion(),
      supportsConfig: r.getSupportsconfig(),
      policies: r.getPoliciesList().map((p: any) => ({
        name: p.getName(),
        description: p.getDescription(),
        enforcementLevel: LEVELS[p.getEnforcementlevel()],
        severity: SEVERITIES[p.getSeverity()] ?? "",
        remediationSteps: p.getRemediationSteps(),
        type: ["unknown", "resource", "stack"][p.getPolicyType()] as PolicyInfo["type"],
        ...(p.getConfigschema() ? { configSchema: p.getConfigschema().getProperties()?.toJavaScript() } : {}),
      })),
    }));
  }

  async configureStack(stack: string, project: string, dryRun = true): Promise<void> {
    const req = new (proto().analyzerpb.AnalyzerStackConfigureRequest)();
    req.setStack(stack);
    req.setProject(project);
    req.setDryRun(dryRun);
    await this.call("configureStack", req, `ConfigureStack for stack ${stack}`);
  }

  async configure(config: PolicyConfig): Promise<void> {
    const req = new (proto().analyzerpb.ConfigureAnalyzerRequest)();
    const map = req.getPolicyconfigMap();
    for (const [name, { enforcementLevel, ...props }] of Object.entries(config)) {
      const pc = new (proto().analyzerpb.PolicyConfig)();
      if (enforcementLevel) pc.setEnforcementlevel(LEVELS.indexOf(enforcementLevel));
      pc.setProperties(toStruct(props));
      map.set(name, pc);
    }
    await this.call("configure", req, "Configure");
  }

  /** Analyze: one resource, before it is created or updated (resource policies). */
  async analyze(r: RegisteredResource, all: readonly RegisteredResource[] = []): Promise<Diagnostic[]> {
    return (await this.analysis(r, all)).diagnostics;
  }

  /** Analyze, with the policies that said they do not apply to the resource. */
  async analysis(r: RegisteredResource, all: readonly RegisteredResource[] = []): Promise<Analysis> {
    const req = new (proto().analyzerpb.AnalyzeRequest)();
    req.setType(r.type);
    req.setName(r.name);
    req.setUrn(r.urn);
    req.setProperties(toStruct(r.properties));
    req.setOptions(options(r));
    const prov = providerOf(r, new Map(all.map((x) => [x.urn, x])));
    if (prov) req.setProvider(prov);
    const resp: any = await this.call("analyze", req, `Analyze of ${r.name}`);
    // The engine attributes a resource policy's diagnostics to the resource analyzed.
    return this.read(`Analyze of ${r.name}`, () => ({
      diagnostics: toDiagnostics(resp.getDiagnosticsList()).map((d) => (d.urn ? d : { ...d, urn: r.urn })),
      notApplicable: toNotApplicable(resp.getNotApplicableList(), r.urn),
    }));
  }

  /** AnalyzeStack: every resource of the stack at once (stack policies). */
  async analyzeStack(resources: readonly RegisteredResource[]): Promise<Diagnostic[]> {
    return this.sendStackRequest(PolicyPackProcess.stackRequest(resources));
  }

  /** AnalyzeStack, with the policies that said they do not apply to the stack. */
  async stackAnalysis(resources: readonly RegisteredResource[]): Promise<Analysis> {
    const resp: any = await this.call("analyzeStack", PolicyPackProcess.stackRequest(resources), "AnalyzeStack");
    return this.read("AnalyzeStack", () => ({ diagnostics: toDiagnostics(resp.getDiagnosticsList()), notApplicable: toNotApplicable(resp.getNotApplicableList()) }));
  }

  /** Sends a request built by `stackRequest` (so that building it can be timed apart from the pack's work). */
  async sendStackRequest(req: unknown): Promise<Diagnostic[]> {
    const resp: any = await this.call("analyzeStack", req, "AnalyzeStack");
    return this.read("AnalyzeStack", () => toDiagnostics(resp.getDiagnosticsList()));
  }

  /** The AnalyzeStack request the engine would send for `resources`. */
  static stackRequest(resources: readonly RegisteredResource[]): unknown {
    const byUrn = new Map(resources.map((x) => [x.urn, x]));
    const req = new (proto().analyzerpb.AnalyzeStackRequest)();
    req.setResourcesList(
      resources.map((r) => {
        const a = new (proto().analyzerpb.AnalyzerResource)();
        a.setType(r.type);
        a.setName(r.name);
        a.setUrn(r.urn);
        a.setProperties(toStruct(r.properties));
        a.setOptions(options(r));
        if (r.parent) a.setParent(r.parent);
        a.setDependenciesList(r.dependencies);
        const deps = a.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies)) {
          const pd = new (proto().analyzerpb.AnalyzerPropertyDependencies)();
          pd.setUrnsList(urns);
          deps.set(k, pd);
        }
        const prov = providerOf(r, byUrn);
        if (prov) a.setProvider(prov);
        return a;
      }),
    );
    return req;
  }

  /**
   * What the engine does in a preview: configure the stack, Analyze each
   * custom resource and AnalyzeStack the whole; the calls are in flight
   * together, as the engine's are while a program registers its resources.
   */
  async diagnose(stack: string, resources: readonly RegisteredResource[], project = "repower"): Promise<Diagnostic[]> {
    await this.configureStack(stack, project, true);
    const each = Promise.all(PolicyPackProcess.analyzable(resources).map((r) => this.analyze(r, resources)));
    const whole = this.analyzeStack(resources);
    // Both settle before either's failure is thrown: no rejection is left unhandled.
    const [a, b] = await Promise.all([each, whole]);
    return [...a.flat(), ...b];
  }

  /** As `diagnose`, with every policy's not-applicable answers (per resource and for the stack). */
  async analyses(stack: string, resources: readonly RegisteredResource[], project = "repower"): Promise<{ resources: Analysis[]; stack: Analysis }> {
    await this.configureStack(stack, project, true);
    const each = Promise.all(PolicyPackProcess.analyzable(resources).map((r) => this.analysis(r, resources)));
    const whole = this.stackAnalysis(resources);
    const [a, b] = await Promise.all([each, whole]);
    return { resources: a, stack: b };
  }

  /** Custom resources only, as the engine analyzes them (components are not sent). */
  static analyzable(resources: readonly RegisteredResource[]): RegisteredResource[] {
    return resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  }

  /** Stops the pack; resolves once it has exited. */
  async close(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill();
      await exited;
    }
  }
}
