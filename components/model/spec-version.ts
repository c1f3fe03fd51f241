/**
 * Which version of the site spec (docs/site-spec.md, "version 2" and so on)
 * this code understands. The components publish it in the envelope
 * ConfigMap (`specVersion`), the package and the policy pack declare it in
 * their package.json (`repower.siteSpecVersion`), and a pack refuses (fails
 * closed on) an envelope whose spec is newer than it understands: it cannot
 * know what a newer spec's fields change in the budgets.
 *
 * Pure: no Pulumi here.
 */

/** The site spec version this model validates: version 2 with its planning blocks (2.1, `repower plan`). Raise it when the schema accepts a newer version's fields. */
export const SITE_SPEC_VERSION = "2.1";

/** The version an envelope published before `specVersion` existed follows. */
export const UNVERSIONED_SPEC = "1";

/** `major.minor` as numbers, or undefined when `v` is not such a version. */
function parts(v: string): [number, number] | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0)] : undefined;
}

/**
 * Whether code that understands spec `known` can read a spec of version
 * `published`: true when `published` is that version or older. A version
 * that is not `major[.minor]` cannot be read.
 */
export function specVersionReadable(published: string, known: string = SITE_SPEC_VERSION): boolean {
  const p = parts(published);
  const k = parts(known);
  if (p === undefined || k === undefined) return false;
  return p[0] < k[0] || (p[0] === k[0] && p[1] <= k[1]);
}
