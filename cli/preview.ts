/**
 * `repower preview`, entry point: starts the policy pack first, so that it
 * loads while this process loads the Pulumi SDK and runs the program; the
 * work itself is in preview-run.ts.
 */
import * as path from "node:path";
import { PolicyPackProcess } from "./policy-client";

export const POLICY_PACK_DIR = path.join(__dirname, "..", "..", "policies");

export interface PreviewIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function previewCommand(args: string[], io: PreviewIo, usage: (msg: string) => never): Promise<number> {
  const pack = PolicyPackProcess.starting(POLICY_PACK_DIR);
  pack.ready.catch(() => undefined);
  try {
    if (args.includes("--watch")) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { watchPreview } = require("./preview-watch") as typeof import("./preview-watch");
      return await watchPreview(
        args.filter((a) => a !== "--watch"),
        io,
        usage,
        pack,
        POLICY_PACK_DIR,
      );
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runPreview } = require("./preview-run") as typeof import("./preview-run");
    return await runPreview(args, io, usage, pack.ready);
  } finally {
    // Stops the pack whether or not it got to serve (invalid input needs no pack).
    pack.cancel();
  }
}
