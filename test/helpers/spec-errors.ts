/** Stack texts that must be rejected, and the SiteSpecError they give (for bad-input tests). */
import { expect } from "vitest";
import { parseStackText, SiteSpecError } from "../../components/model";

/** The name edited stack texts are reported under. */
export const FILE = "stacks/Pulumi.edited.yaml";

/** The error `text` is rejected with; fails the test when it is accepted. */
export function errorsOf(text: string): SiteSpecError {
  try {
    parseStackText(text, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(SiteSpecError);
    return e as SiteSpecError;
  }
  throw new Error("expected the spec to be rejected");
}
