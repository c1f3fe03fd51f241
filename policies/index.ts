/**
 * The repower policy pack: `pulumi preview --stack <site> --policy-pack policies`.
 * Each policy lives in the file named after it; this file only assembles them.
 */
import { PolicyPack } from "@pulumi/policy";
import { coolingCapacity } from "./cooling-capacity";
import { coolingCompatibility } from "./cooling-compatibility";
import { devicePluginConfigValid } from "./device-plugin-config-valid";
import { feedContinuousLoad } from "./feed-continuous-load";
import { firmPowerBudget } from "./firm-power-budget";
import { gpuMonitoringPresent } from "./gpu-monitoring-present";
import { headroomAdvisory } from "./headroom-advisory";
import { poolMatchesSpec } from "./pool-matches-spec";
import { powerCapRange } from "./power-cap-range";
import { rackDensity } from "./rack-density";
import { rolloutTransientBudget } from "./rollout-transient-budget";
import { sitePowerBudget } from "./site-power-budget";
import { transformerCapacity } from "./transformer-capacity";
import { failClosedOnUnknown } from "./unknown-guard";

new PolicyPack("repower", {
  enforcementLevel: "mandatory",
  // No mandatory policy becomes advisory during preview (unknown-guard.ts).
  policies: [
    sitePowerBudget,
    firmPowerBudget,
    transformerCapacity,
    feedContinuousLoad,
    coolingCapacity,
    coolingCompatibility,
    rackDensity,
    rolloutTransientBudget,
    powerCapRange,
    devicePluginConfigValid,
    gpuMonitoringPresent,
    poolMatchesSpec,
    headroomAdvisory,
  ].map(failClosedOnUnknown),
});
