/** A scratch project directory with a stacks/ folder, for running `repower preview --all` on chosen stacks. */
import * as fs from "node:fs";
import * as path from "node:path";
import { tempDir } from "./stacks";

export function projectWith(stacks: Record<string, string>): string {
  const dir = tempDir("repower-project-");
  fs.mkdirSync(path.join(dir, "stacks"));
  for (const [name, text] of Object.entries(stacks)) fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${name}.yaml`), text);
  return dir;
}

/** Every file below `dir`, relative, sorted. */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
