/** Where a stack's config file lives, and the stack a file belongs to. Pure and light: no Pulumi, no zod. */
import * as path from "node:path";

/** `<x>` of `Pulumi.<x>.yaml`, else the file name without its extension. */
export function stackNameOf(file: string): string {
  const base = path.basename(file);
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
  return m ? m[1] : base.replace(/\.ya?ml$/, "");
}

/** The file of a stack in a project whose `stackConfigDir` is `dir`. */
export function stackFile(stack: string, dir = "stacks"): string {
  return path.join(dir, `Pulumi.${stack}.yaml`);
}

