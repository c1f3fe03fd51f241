// The repower Pulumi program: `pulumi up --stack <site> --policy-pack policies`.
// It reads repower:site from stacks/Pulumi.<site>.yaml, validates it, and
// builds the site's active phase; the envelope of every phase is exported.
import { siteProgram, settingsFromConfig } from "./program";
import { siteFromConfig } from "./site-config";

const { site } = siteFromConfig();
export = siteProgram(site, settingsFromConfig(site));
