/**
 * The component plugin started the way the engine starts a Node.js plugin,
 * and the two services of the engine it talks to, served here over gRPC:
 *
 * - the language host runs `node <@pulumi/pulumi/cmd/run-plugin> <plugin dir> <engine address>`
 *   (pulumi-language-nodejs RunPlugin: the program directory first, then the
 *   engine's arguments), and reads the port the provider prints on its
 *   first line of stdout;
 * - the engine serves `pulumirpc.Engine` (logs, the root resource) and, for
 *   each Construct, a `pulumirpc.ResourceMonitor` the plugin registers the
 *   component's children with.
 *
 * Only the real SDK's generated protos and @grpc/grpc-js: no mocks of the SDK.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { ROOT } from "./stacks";

const load = createRequire(path.join(ROOT, "package.json"));
const grpc = load("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const resourceGrpc = load("@pulumi/pulumi/proto/resource_grpc_pb");
const resourcePb = load("@pulumi/pulumi/proto/resource_pb");
const engineGrpc = load("@pulumi/pulumi/proto/engine_grpc_pb");
const enginePb = load("@pulumi/pulumi/proto/engine_pb");
const providerGrpc = load("@pulumi/pulumi/proto/provider_grpc_pb");
const providerPb = load("@pulumi/pulumi/proto/provider_pb");
const pluginPb = load("@pulumi/pulumi/proto/plugin_pb");
const statusPb = load("@pulumi/pulumi/proto/status_pb");
const errorsPb = load("@pulumi/pulumi/proto/errors_pb");
const emptyPb = load("google-protobuf/google/protobuf/empty_pb");
const structPb = load("google-protobuf/google/protobuf/struct_pb");

/** The SDK's marker of a special value in a Struct (secret, output, resource reference). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const PROJECT = "consumer";
export const STACK = "dev";
export const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;

/** One resource the plugin registered with the monitor. */
export interface Registered {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  inputs: Record<string, any>;
  outputs?: Record<string, any>;
}

function typeOfUrn(urn: string): string {
  const qualified = urn.split("::")[2];
  return qualified.split("$").pop() as string;
}

/** Features the monitor says it supports (the engine's answer for a current CLI). */
const FEATURES = new Set(["secrets", "resourceReferences", "outputValues", "deletedWith", "aliasSpecs"]);

/** Output values a custom resource gets beyond its inputs, as a provider would return them. */
export type FakeOutputs = (type: string, name: string, inputs: Record<string, any>) => Record<string, any>;

/** The engine's side: Engine and ResourceMonitor on one gRPC server. */
export class EngineServer {
  readonly registered: Registered[] = [];
  readonly logs: { severity: number; message: string; urn: string }[] = [];
  private server = new grpc.Server();
  port = 0;

  constructor(
    private outputsFor: FakeOutputs = () => ({}),
    /** What a provider function (invoke) returns, by token; any other token is an error. */
    private invokes: Record<string, (args: Record<string, any>) => Record<string, any>> = {},
  ) {}

  async start(): Promise<void> {
    this.server.addService(engineGrpc.EngineService, {
      log: (call: any, cb: any) => {
        const r = call.request;
        this.logs.push({ severity: r.getSeverity(), message: r.getMessage(), urn: r.getUrn() });
        cb(null, new emptyPb.Empty());
      },
      getRootResource: (_call: any, cb: any) => {
        const resp = new enginePb.GetRootResourceResponse();
        resp.setUrn(STACK_URN);
        cb(null, resp);
      },
      setRootResource: (_call: any, cb: any) => cb(null, new enginePb.SetRootResourceResponse()),
    });
    this.server.addService(resourceGrpc.ResourceMonitorService, {
      supportsFeature: (call: any, cb: any) => {
        const resp = new resourcePb.SupportsFeatureResponse();
        resp.setHassupport(FEATURES.has(call.request.getId()));
        cb(null, resp);
      },
      registerResource: (call: any, cb: any) => {
        const r = call.request;
        const type: string = r.getType();
        const name: string = r.getName();
        const parent: string = r.getParent();
        const chain = parent && parent !== STACK_URN ? `${parent.split("::")[2]}$` : "";
        const urn = `urn:pulumi:${STACK}::${PROJECT}::${chain}${type}::${name}`;
        const inputs = (r.getObject()?.toJavaScript() ?? {}) as Record<string, any>;
        const custom: boolean = r.getCustom();
        this.registered.push({ urn, type, name, parent, custom, inputs });
        const resp = new resourcePb.RegisterResourceResponse();
        resp.setUrn(urn);
        if (custom) {
          resp.setId(`${name}-id`);
          resp.setObject(structPb.Struct.fromJavaScript({ ...inputs, ...this.outputsFor(type, name, inputs) }));
        }
        cb(null, resp);
      },
      registerResourceOutputs: (call: any, cb: any) => {
        const r = call.request;
        const res = this.registered.find((x) => x.urn === r.getUrn());
        if (res) res.outputs = (r.getOutputs()?.toJavaScript() ?? {}) as Record<string, any>;
        cb(null, new emptyPb.Empty());
      },
      invoke: (call: any, cb: any) => {
        const tok: string = call.request.getTok();
        const fn = this.invokes[tok];
        if (fn === undefined) return cb({ code: grpc.status.UNIMPLEMENTED, details: `no invoke ${tok} in this test` });
        const resp = new providerPb.InvokeResponse();
        resp.setReturn(structPb.Struct.fromJavaScript(fn((call.request.getArgs()?.toJavaScript() ?? {}) as Record<string, any>)));
        cb(null, resp);
      },
      signalAndWaitForShutdown: (_call: any, cb: any) => cb(null, new emptyPb.Empty()),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
    );
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Registered resources whose URN lies under `urn` (its children, their children, ...). */
  under(urn: string): Registered[] {
    const byUrn = new Map(this.registered.map((r) => [r.urn, r]));
    return this.registered.filter((r) => {
      let p = r.parent;
      while (p) {
        if (p === urn) return true;
        p = byUrn.get(p)?.parent ?? "";
      }
      return false;
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

export { typeOfUrn };

/**
 * A gRPC error with the input property errors the engine prints appended to
 * its message: the provider sends them as a google.rpc.Status in the
 * `grpc-status-details-bin` trailer, one `pulumirpc.InputPropertiesError`
 * in its details.
 */
function withPropertyErrors(e: any): Error {
  const bin = e?.metadata?.get?.("grpc-status-details-bin")?.[0];
  if (!bin) return e;
  const status = statusPb.Status.deserializeBinary(new Uint8Array(bin));
  const lines: string[] = [];
  for (const any of status.getDetailsList()) {
    const details = any.unpack(errorsPb.InputPropertiesError.deserializeBinary, "pulumirpc.InputPropertiesError");
    for (const pe of details?.getErrorsList() ?? []) lines.push(`  ${pe.getPropertyPath()}: ${pe.getReason()}`);
  }
  return Object.assign(new Error([e.message, ...lines].join("\n")), { code: e.code, propertyErrors: lines });
}

/** The plugin process and a ResourceProvider client to it. */
export class PluginProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private client: any,
    readonly stderr: () => string,
  ) {}

  /** Starts the plugin in `dir` as pulumi-language-nodejs does, with `engine` as the engine's address. */
  static async start(dir: string, engine: string, timeoutMs = 180_000): Promise<PluginProcess> {
    const runPlugin = load.resolve("@pulumi/pulumi/cmd/run-plugin");
    const child = spawn(process.execPath, [runPlugin, dir, engine], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env } });
    let out = "";
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`plugin printed no port in ${timeoutMs} ms; stderr:\n${err}`)), timeoutMs);
      child.stdout!.on("data", (d) => {
        out += d;
        const line = out.split("\n")[0];
        if (out.includes("\n")) {
          clearTimeout(timer);
          if (/^\d+$/.test(line.trim())) resolve(Number(line.trim()));
          else reject(new Error(`plugin's first line is not a port: ${JSON.stringify(line)}; stderr:\n${err}`));
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`plugin exited with ${code} before printing its port; stderr:\n${err}`));
      });
    });
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PluginProcess(child, port, client, () => err);
  }

  private unary<T>(method: string, req: unknown, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const deadline = new Date(Date.now() + timeoutMs);
      this.client[method](req, { deadline }, (e: any, resp: T) => (e ? reject(withPropertyErrors(e)) : resolve(resp)));
    });
  }

  /** GetSchema: the package schema, parsed. */
  async getSchema(timeoutMs = 240_000): Promise<any> {
    const resp: any = await this.unary("getSchema", new providerPb.GetSchemaRequest(), timeoutMs);
    return JSON.parse(resp.getSchema());
  }

  /** GetPluginInfo: the version the plugin reports. */
  async pluginInfo(): Promise<string> {
    const resp: any = await this.unary("getPluginInfo", new emptyPb.Empty(), 30_000);
    return resp.getVersion();
  }

  /** Construct: builds component `type` named `name` from `inputs` against the monitor at `monitor`. */
  async construct(
    monitor: string,
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    opts: { dryRun?: boolean; timeoutMs?: number } = {},
  ): Promise<{ urn: string; state: Record<string, any> }> {
    const req = new providerPb.ConstructRequest();
    req.setProject(PROJECT);
    req.setStack(STACK);
    req.setOrganization("organization");
    req.setDryrun(opts.dryRun ?? false);
    req.setParallel(4);
    req.setMonitorendpoint(monitor);
    req.setType(type);
    req.setName(name);
    req.setParent(STACK_URN);
    req.setInputs(structPb.Struct.fromJavaScript(inputs));
    req.setAcceptsOutputValues(true);
    const resp: any = await this.unary("construct", req, opts.timeoutMs ?? 240_000);
    return { urn: resp.getUrn(), state: (resp.getState()?.toJavaScript() ?? {}) as Record<string, any> };
  }

  stop(): void {
    this.client.close();
    if (this.child.exitCode === null) this.child.kill();
  }
}

export { pluginPb };
