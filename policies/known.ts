/**
 * Reading resource properties that may be unknown.
 *
 * During `pulumi preview` the engine sends a value that depends on an output
 * not yet known (an ARN, an ID, anything computed from one) as an "unknown"
 * sentinel (the engine's `UnknownStringValue` and its kin, the same strings
 * the Node SDK and @pulumi/policy use). @pulumi/policy wraps the properties in
 * a proxy that throws when a policy touches such a value, and turns the throw
 * into an *advisory* "can't run during preview" diagnostic: a mandatory
 * policy would silently become advisory.
 *
 * The policies here never let that happen: they read the unwrapped
 * properties (`raw`), test for unknowns themselves (`isUnknown`), decide from
 * the known values where they can, and where an unknown hides what must be
 * checked they report a mandatory violation that says what is unknown.
 */

/** @pulumi/policy's proxy answers this property with the object it wraps (policy/proxy.ts, `getSpecialProxyTarget`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The sentinels of unknown values (pulumi sdk/go/common/resource/plugin/rpc.go; @pulumi/policy proxy.ts). */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // bool
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (also what the Node SDK sends for any unknown)
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The properties without @pulumi/policy's unknown-checking proxy (nested values come out unwrapped too). */
export function raw<T>(props: T): T {
  if (props !== null && typeof props === "object") {
    const target = (props as Record<string, unknown>)[PROXY_TARGET];
    if (target !== undefined) return target as T;
  }
  return props;
}

export const isUnknown = (v: unknown): boolean => typeof v === "string" && UNKNOWN_SENTINELS.has(v);

/** The dotted paths under `v` whose values are unknown (at most `limit`). */
export function unknownPaths(v: unknown, at = "", limit = 5, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (isUnknown(v)) out.push(at || "(the whole value)");
  else if (Array.isArray(v)) v.forEach((x, i) => unknownPaths(x, `${at}[${i}]`, limit, out));
  else if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) unknownPaths(x, at ? `${at}.${k}` : k, limit, out);
  return out;
}

/** The message of a check an unknown value blocks: what could not be decided, and why it is not a pass. */
export function unknownMessage(what: string, paths: readonly string[]): string {
  return `${what} cannot be decided during preview: ${paths.join(", ")} ${paths.length === 1 ? "is" : "are"} unknown until the update. A mandatory check never passes on a value it cannot see; make the value known at preview (set it from config, not from another resource's output).`;
}
