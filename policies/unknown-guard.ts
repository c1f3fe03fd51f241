/**
 * The last line against "can't run during preview": @pulumi/policy turns an
 * `UnknownValueError` thrown by a policy (its proxy throws one when a policy
 * touches a value unknown during preview) into an *advisory* diagnostic, so
 * a mandatory policy would pass silently. The policies read unwrapped
 * properties and handle unknowns themselves (known.ts); this wrapper makes
 * sure that one they missed is still a mandatory violation that says what
 * was unknown.
 */
import type { Policy, ReportViolation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { unknownMessage } from "./known";

/** @pulumi/policy's UnknownValueError (policy/proxy.ts): carries the property path it was thrown at. */
const isUnknownValueError = (e: unknown): e is Error & { props: string[] } => e instanceof Error && e.constructor.name === "UnknownValueError" && Array.isArray((e as { props?: unknown }).props);

function guard<A>(name: string, validate: (args: A, report: ReportViolation) => void | Promise<void>) {
  const wrapped = async (args: A, report: ReportViolation) => {
    try {
      await validate(args, report);
    } catch (e) {
      if (!isUnknownValueError(e)) throw e;
      report(unknownMessage(`${name}`, [e.props.map(String).join(".")]));
    }
  };
  // Keep the type filter @pulumi/policy reads from a resource policy's function (`__pulumiType`).
  return Object.assign(wrapped, validate);
}

/** Guards each half a policy has: `validateStack`, `validateResource`, or both (device-plugin-config-valid). */
export function failClosedOnUnknown<P extends Policy>(policy: P): P {
  const out = { ...policy } as Record<string, unknown>;
  const s = (policy as unknown as Partial<StackValidationPolicy>).validateStack;
  if (typeof s === "function") out.validateStack = guard(policy.name, s);
  const r = (policy as unknown as Partial<ResourceValidationPolicy>).validateResource;
  if (typeof r === "function") out.validateResource = guard(policy.name, r);
  return out as unknown as P;
}
