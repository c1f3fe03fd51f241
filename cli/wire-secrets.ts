/**
 * Secrets in the engine's wire encoding: a secret value travels as
 * `{ <sig key>: <secret sig>, value }`. Light on purpose: no Pulumi SDK here.
 */

/** The signature the SDK and the engine use to mark a secret value. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const SIG_KEY = "4dabf18193072939515e22adb298388d";

/** True for a value in the wire encoding of a secret. */
export function isSecretValue(v: unknown): v is { value: unknown } {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** `value` with every secret replaced by `mask` (or unwrapped, when `mask` is undefined). */
export function revealOrMask(value: unknown, mask?: string): unknown {
  if (isSecretValue(value)) return mask ?? revealOrMask(value.value);
  if (Array.isArray(value)) return value.map((v) => revealOrMask(v, mask));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealOrMask(v, mask)]));
  }
  return value;
}

