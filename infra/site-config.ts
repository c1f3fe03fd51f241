/**
 * Reads `repower:site` from the stack's config and validates it. Where the
 * stack file (`stacks/Pulumi.<stack>.yaml`) holds the same value, problems
 * are reported at its lines; otherwise by field path alone.
 */
import * as fs from "node:fs";
import { isDeepStrictEqual } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { formatIssues, parseStackText, SITE_KEY, SiteSpecError, stackFile, stackFileData, validateSite, type Site } from "../components/model";

/** The stack file the program reads lines from: `REPOWER_STACK_FILE`, else stacks/Pulumi.<stack>.yaml. */
export function stackFilePath(stack: string): string {
  return process.env.REPOWER_STACK_FILE ?? stackFile(stack);
}

function siteValueIn(text: string): unknown {
  try {
    return (stackFileData(text) as { config?: Record<string, unknown> } | null)?.config?.[SITE_KEY];
  } catch {
    return undefined;
  }
}

/** The validated site of this stack; throws a `RunError` (no stack trace) naming file, path and line when invalid. */
export function siteFromConfig(): { site: Site; file: string } {
  const stack = pulumi.getStack();
  const file = stackFilePath(stack);
  const raw = new pulumi.Config("repower").getObject<unknown>("site");
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;

  if (text !== undefined && (raw === undefined || isDeepStrictEqual(siteValueIn(text), raw))) {
    try {
      return { site: parseStackText(text, file).site, file };
    } catch (e) {
      if (e instanceof SiteSpecError) throw new pulumi.RunError(`invalid site spec\n${e.message}`);
      throw e;
    }
  }
  if (raw === undefined) throw new pulumi.RunError(`config ${SITE_KEY} is not set for stack ${stack} (looked in ${file})`);
  const r = validateSite(raw);
  if (!r.ok) throw new pulumi.RunError(`invalid site spec\n${formatIssues(`config ${SITE_KEY} of stack ${stack}`, r.issues)}`);
  return { site: r.site, file };
}
