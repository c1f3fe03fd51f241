/**
 * Runs the site's real Pulumi program (`infra/`) in this process under the
 * SDK's own mocks (`pulumi.runtime.setMocks`): no CLI, no credentials, no
 * network. Every resource the program registers is recorded as the engine
 * would see it (URN, type, parent, provider, dependencies, and its input
 * properties in the wire encoding, secrets still marked) so that it can be
 * sent to the policy pack and rendered.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { stackFileData } from "../components/model";
import { isSecretValue, revealOrMask, SECRET_SIG, SIG_KEY } from "./wire-secrets";

export { isSecretValue, revealOrMask, SECRET_SIG, SIG_KEY };

// The SDK's own RPC queue (internal, but the one the language host waits on before it exits).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** Pulumi project name (Pulumi.yaml). */
export const PROJECT = "repower";

/** A resource as registered with the engine. */
export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  provider?: string;
  dependencies: string[];
  /** Input properties in the engine's wire encoding (secrets wrapped with the secret signature). */
  properties: Record<string, unknown>;
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
}

export interface ProgramRun {
  resources: RegisteredResource[];
  /** The stack's outputs in the wire encoding: secrets still wrapped (see `isSecretValue`). */
  outputs: Record<string, unknown>;
}

/** Stack config as the engine hands it to a program: every value a string, objects as JSON. */
export function stackConfig(stackFileText: string): { config: Record<string, string>; secretKeys: string[] } {
  const doc = (stackFileData(stackFileText) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const full = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in (value as object)) {
      // Encrypted with the stack's key: offline, the program sees a placeholder, still marked secret.
      config[full] = "[secret]";
      secretKeys.push(full);
    } else {
      config[full] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys };
}

/** Deterministic outputs for what providers would compute (ARNs, endpoints, activation codes). */
function computed(type: string, name: string): Record<string, unknown> {
  const arn = (svc: string, kind: string) => `arn:aws:${svc}::000000000000:${kind}/${name}`;
  switch (type) {
    case "aws:iam/role:Role":
      return { arn: arn("iam", "role") };
    case "aws:eks/cluster:Cluster":
      return {
        arn: arn("eks", "cluster"),
        endpoint: `https://${name}.eks.example.invalid`,
        certificateAuthority: { data: "TU9DSy1DQQ==" },
      };
    case "aws:ssm/activation:Activation":
      return { activationCode: `MOCK-ACTIVATION-CODE-${name}` };
    default:
      return {};
  }
}

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const state: Record<string, unknown> = { ...args.inputs, ...computed(args.type, args.name) };
    if (args.inputs?.name === undefined && args.custom) state.name = args.name;
    return { id: `${args.name}-id`, state };
  },
  call() {
    return {};
  },
};

/**
 * As a real provider answers during `pulumi preview` for a resource it would
 * create: its inputs come back, and what the provider computes (the ID, ARNs,
 * endpoints, activation codes, an auto-named resource's name) is unknown. The
 * SDK, in a preview, makes every output the mock leaves out unknown.
 */
const previewMocks: pulumi.runtime.Mocks = {
  newResource(args) {
    return { id: undefined, state: { ...args.inputs } };
  },
  call() {
    return {};
  },
};

type Callback = (err: Error | null, resp?: { getUrn(): string }) => void;
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getProtect?(): boolean;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
}

interface OutputsRequest {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

/**
 * Runs `programDir` (the compiled `infra/`) for `stack` with `config`, under
 * mocks; resolves to every registered resource, in registration order.
 * Throws what the program throws (a `RunError` for invalid input).
 */
export async function runProgram(opts: {
  programDir: string;
  stack: string;
  config: Record<string, string>;
  secretKeys?: string[];
  env?: Record<string, string>;
  /** Run as `pulumi preview` does: values the providers compute are unknown (default: known, as after an update). */
  preview?: boolean;
}): Promise<ProgramRun> {
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
  await pulumi.runtime.setMocks(opts.preview ? previewMocks : mocks, PROJECT, opts.stack, opts.preview ?? false);
  const monitor = (
    pulumi.runtime as unknown as {
      getMonitor(): {
        registerResource(req: RegisterRequest, cb: Callback): void;
        registerResourceOutputs(req: OutputsRequest, cb: (err: Error | null, resp?: unknown) => void): void;
      };
    }
  ).getMonitor();
  const resources: RegisteredResource[] = [];
  const outputsByUrn = new Map<string, Record<string, unknown>>();
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: OutputsRequest, cb) => {
    outputsByUrn.set(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
    originalOutputs(req, cb);
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: RegisterRequest, cb: Callback) => {
    original(req, (err, resp) => {
      if (!err && resp) {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((v, k) => {
          propertyDependencies[k] = v.getUrnsList();
        });
        resources.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          ...(req.getParent() ? { parent: req.getParent() } : {}),
          ...(req.getProvider() ? { provider: req.getProvider() } : {}),
          dependencies: req.getDependenciesList(),
          properties: req.getObject()?.toJavaScript() ?? {},
          propertyDependencies,
          protect: req.getProtect?.() ?? false,
          deleteBeforeReplace: req.getDeletebeforereplace(),
          ignoreChanges: req.getIgnorechangesList(),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        });
      }
      cb(err, resp);
    });
  };

  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  const entry = require.resolve(path.resolve(opts.programDir));
  // As the language host does: an error the program throws, or a rejection nobody handles
  // (an error inside an apply), fails the run. A thrown error is caught inside the stack's
  // init so that the SDK's own promises settle instead of rejecting unhandled.
  let failure: unknown;
  const onRejection = (reason: unknown) => {
    failure ??= reason;
  };
  process.on("unhandledRejection", onRejection);
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      delete require.cache[entry];
      try {
        return await require(entry);
      } catch (e) {
        failure ??= e;
        return {};
      }
    });
    // Registrations still in flight when the outputs resolve: wait for every RPC to finish.
    await settings.waitForRPCs();
    if (failure !== undefined) throw failure;
    const root = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    return { resources, outputs: (root && outputsByUrn.get(root.urn)) ?? {} };
  } finally {
    process.off("unhandledRejection", onRejection);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
