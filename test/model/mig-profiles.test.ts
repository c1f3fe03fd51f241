/**
 * MIG: the profiles of the catalog's GPUs, layouts checked by NVIDIA's rules,
 * the mig-parted config, and a pool's migProfile rejected at the line that
 * gives it when it does not fit its GPU or its migStrategy.
 */
import { describe, expect, it } from "vitest";
import { GPU_SYSTEMS, MIG_GPUS, migLayout, migPartedConfig, migProblems, SYSTEM_MIG_GPU } from "../../components/model";
import { repower } from "../helpers/cli";
import { exampleText, lineOf, replaceOnce, tempDir, writeStack } from "../helpers/stacks";

describe("MIG profiles", () => {
  it("every built-in NVIDIA system with a MIG GPU is mapped, and no profile overfills its GPU", () => {
    for (const id of Object.keys(GPU_SYSTEMS)) expect(Object.prototype.hasOwnProperty.call(SYSTEM_MIG_GPU, id), id).toBe(true);
    for (const gpu of Object.values(MIG_GPUS)) {
      for (const [name, p] of Object.entries(gpu.profiles)) {
        expect(Number(name.split("g.")[0]), name).toBe(p.compute);
        expect(p.compute * p.max, `${gpu.gpu} ${name}`).toBeLessThanOrEqual(7);
        expect(p.memory * p.max, `${gpu.gpu} ${name}`).toBeLessThanOrEqual(8);
      }
    }
  });

  it("all-<profile> takes as many instances as one GPU holds", () => {
    expect(migLayout("all-1g.10gb", MIG_GPUS["H100-80GB"])).toEqual({ "1g.10gb": 7 });
    expect(migLayout("all-3g.71gb", MIG_GPUS["H200-141GB"])).toEqual({ "3g.71gb": 2 });
    expect(migLayout("all-1g.10gb", MIG_GPUS["H200-141GB"])).toBeUndefined();
  });

  it("NVIDIA's balanced layouts fit; overfilled, foreign and mismatched layouts do not", () => {
    // all-balanced of the GPU Operator's default MIG config, for H100 80GB.
    expect(migProblems("dgx-h100", "mixed", { "1g.10gb": 2, "2g.20gb": 1, "3g.40gb": 1 })).toEqual([]);
    expect(migProblems("dgx-h100", "mixed", { "3g.40gb": 2, "1g.10gb": 1 }).join()).toMatch(/7 compute slices|memory slices/);
    expect(migProblems("dgx-h100", "single", { "1g.10gb": 8 }).join()).toMatch(/holds at most 7/);
    expect(migProblems("dgx-h100", "single", "all-1g.18gb").join()).toMatch(/not one of H100/);
    expect(migProblems("dgx-h100", "single", { "1g.10gb": 2, "2g.20gb": 1 }).join()).toMatch(/needs migStrategy mixed/);
    expect(migProblems("dgx-h100", "none", "all-1g.10gb").join()).toMatch(/needs migStrategy single or mixed/);
    expect(migProblems("l40s", "single", "all-1g.10gb").join()).toMatch(/l40s has no MIG/);
    expect(migProblems("gb200-nvl72", "single", "all-1g.23gb")).toEqual([]);
  });

  it("the mig-parted config holds each pool's layout and all-disabled", () => {
    const c = migPartedConfig([
      { name: "b", sku: "dgx-h100", migProfile: "all-1g.10gb" },
      { name: "a", sku: "dgx-h200", migProfile: { "3g.71gb": 1, "1g.18gb": 3 } },
    ]);
    expect(c.version).toBe("v1");
    expect(Object.keys(c["mig-configs"])).toEqual(["all-disabled", "repower-a", "all-1g.10gb"]);
    expect(c["mig-configs"]["all-1g.10gb"]).toEqual([{ devices: "all", "mig-enabled": true, "mig-devices": { "1g.10gb": 7 } }]);
  });
});

describe("migProfile in a stack file", () => {
  const text = exampleText("pecos-yard");
  const cases: [string, string, RegExp, string][] = [
    ["a profile the GPU does not have", "migStrategy: none", /migProfile: MIG: .*not one of H100/, "migStrategy: single\n          migProfile: all-1g.18gb"],
    ["a profile with no strategy", "migStrategy: none", /migStrategy: MIG: a migProfile needs migStrategy single or mixed/, "migStrategy: none\n          migProfile: all-1g.10gb"],
    ["a layout that overfills the GPU", "migStrategy: none", /migProfile: MIG: the layout takes 9 compute slices/, 'migStrategy: mixed\n          migProfile: { "7g.80gb": 1, "2g.20gb": 1 }'],
    ["a misspelt profile", "migStrategy: none", /migProfile.*must be all-<profile>/, "migStrategy: single\n          migProfile: one-g"],
  ];
  for (const [what, from, message, to] of cases) {
    it(`rejects ${what} at its line, exit 2`, () => {
      const dir = tempDir();
      const edited = replaceOnce(text, from, to);
      const file = writeStack(dir, "mig", edited);
      const r = repower(["envelope", "--config-file", file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      const line = lineOf(edited, from.split(":")[0]);
      expect(r.stderr).toMatch(new RegExp(`Pulumi\\.mig\\.yaml:(${line}|${line + 1}):`));
    });
  }
});
