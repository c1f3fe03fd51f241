/**
 * How a component of the package gets its site: the `repower:site` value as
 * data, a stack file's text, or a stack file's path. Exactly one of them.
 * Every problem is an `InputPropertiesError` naming the input and the field
 * path (and, for stack files, the file, line and column), which the engine
 * prints for the program's author.
 */
import * as pulumi from "@pulumi/pulumi";
import { formatIssue, formatPath, loadStackFile, parseStackText, SiteSpecError, validateSite, type Site } from "../components/model";

/** The inputs every component of the package takes to know its site: give exactly one. */
export interface SiteInputs {
  /**
   * The site as data: the value of `repower:site` (the contract in
   * docs/site-spec.md), e.g. a YAML or Python map. Must be known when the
   * program is previewed (not the output of another resource).
   */
  site?: any;
  /**
   * The text of a Pulumi stack config file (`Pulumi.<stack>.yaml`) holding
   * `config.repower:site`, e.g. `fn::readFile: ./Pulumi.pecos-yard.yaml` in
   * YAML or `open(path).read()` in Python. Errors name `stackFileLabel`, the
   * field path, the line and the column.
   */
  stackYaml?: string;
  /** The name that errors in `stackYaml` give the file (default `stackYaml`). */
  stackFileLabel?: string;
  /**
   * The path of a Pulumi stack config file holding `config.repower:site`.
   * Give an absolute path: a relative one is read from the plugin process's
   * working directory, which the engine chooses. `stackYaml` avoids the
   * question.
   */
  stackFile?: string;
}

const SOURCES = ["site", "stackYaml", "stackFile"] as const;

function invalid(message: string, errors: { propertyPath: string; reason: string }[]): never {
  throw new pulumi.InputPropertiesError({ message, errors });
}

function fromSpecError(input: string, e: SiteSpecError): never {
  invalid(
    `the site in ${input} is not valid:\n${e.message}`,
    e.issues.map((i) => ({ propertyPath: input, reason: formatIssue(e.file, i) })),
  );
}

/** The validated site of a component's inputs. */
export function siteOf(args: SiteInputs): Site {
  const given = SOURCES.filter((k) => args[k] !== undefined && args[k] !== null);
  if (given.length !== 1) {
    const reason =
      given.length === 0
        ? `give the site as one of ${SOURCES.join(", ")}`
        : `give only one of ${SOURCES.join(", ")}; found ${given.join(" and ")}`;
    invalid(reason, [{ propertyPath: given[1] ?? "site", reason }]);
  }
  const source = given[0];
  const value = args[source] as unknown;
  if (pulumi.Output.isInstance(value)) {
    invalid(`${source} must be plain data`, [{ propertyPath: source, reason: "must be known at preview: plain data, not the output of another resource" }]);
  }
  if (source === "site") {
    const r = validateSite(value);
    if (!r.ok) {
      invalid(
        `the site in site is not valid: ${r.issues.length} problem(s)`,
        r.issues.map((i) => ({ propertyPath: i.path.length > 0 ? `site.${formatPath(i.path)}` : "site", reason: i.message })),
      );
    }
    return r.site;
  }
  if (typeof value !== "string") {
    invalid(`${source} must be a string`, [{ propertyPath: source, reason: `must be a string, found ${typeof value}` }]);
  }
  try {
    if (source === "stackYaml") return parseStackText(value, args.stackFileLabel ?? "stackYaml").site;
    return loadStackFile(value).site;
  } catch (e) {
    if (e instanceof SiteSpecError) fromSpecError(source, e);
    throw e;
  }
}
