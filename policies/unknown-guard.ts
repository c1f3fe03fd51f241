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

export function failClosedOnUnknown<P extends Policy>(policy: P): P {
  if ("validateStack" in policy && typeof (policy as StackValidationPolicy).validateStack === "function") {
    const p = policy as unknown as StackValidationPolicy;
    return { ...p, validateStack: guard(p.name, p.validateStack) } as unknown as P;
  }
  const p = policy as unknown as ResourceValidationPolicy;
  if (typeof p.validateResource === "function") return { ...p, validateResource: guard(p.name, p.validateResource) } as unknown as P;
  return policy;
}
