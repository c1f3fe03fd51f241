/**
 * SitePowerEnvelope: publishes the validated site spec and the budgets of
 * every phase as the ConfigMap `repower-site-envelope` in the `repower-system`
 * namespace (Pod Security `restricted`), for the policy pack and for anything
 * that needs the numbers at run time; outputs the active phase's budgets and
 * headroom.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ENVELOPE_CONFIGMAP, ENVELOPE_SCHEMA, SITE_SPEC_VERSION, envelopeRows, type BudgetRow, type PhaseRow, type PoolHeadroom, type Site } from "./model";
import { FIXED_NAME, managedBy, NAMESPACES, namespaceFor, podSecurityLabels } from "./naming";


export interface SitePowerEnvelopeArgs {
  /** The validated site (`validateSite` or `loadStackFile`). */
  site: Site;
  /** The Pulumi stack the site belongs to, recorded in the ConfigMap. */
  stack: string;
  /** Make the `repower-system` namespace (default true); false when it exists already. */
  createNamespace?: boolean;
}

/**
 * The ConfigMap's data: the spec as validated, the phases' rows, and the
 * active phase. The JSON is compact: a ConfigMap holds at most 1 MiB of data
 * (Kubernetes, "ConfigMaps": "The data stored in a ConfigMap cannot exceed
 * 1 MiB"), and indentation was 40 % of a large site's rows (`jq .` shows
 * them indented).
 */
export function envelopeData(site: Site, stack: string, rows: PhaseRow[] = envelopeRows(site)): Record<string, string> {
  return {
    schema: ENVELOPE_SCHEMA,
    specVersion: SITE_SPEC_VERSION,
    stack,
    site: site.name,
    activePhase: site.rollout.activePhase,
    "site.json": JSON.stringify(site.spec),
    "envelope.json": JSON.stringify(rows),
  };
}

export class SitePowerEnvelope extends pulumi.ComponentResource {
  static readonly __pulumiType = "repower:envelope:SitePowerEnvelope";

  /** The namespace holding the envelope. */
  readonly namespace: pulumi.Output<string>;
  /** The ConfigMap's name. */
  readonly configMapName: pulumi.Output<string>;
  /** The active phase. */
  readonly activePhase: pulumi.Output<string>;
  /** Every budget of the active phase: used / limit / utilisation. */
  readonly budgets: pulumi.Output<BudgetRow[]>;
  /** Per pool: nodes in the active phase and how many more fit. */
  readonly headroom: pulumi.Output<PoolHeadroom[]>;
  /** Every moment of the rollout. */
  readonly phases: pulumi.Output<PhaseRow[]>;

  constructor(name: string, args: SitePowerEnvelopeArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SitePowerEnvelope.__pulumiType, name, {}, opts);
    const { site } = args;
    const labels = managedBy(site.name, "envelope");
    const rows = envelopeRows(site);

    const ns =
      args.createNamespace === false
        ? undefined
        : new k8s.core.v1.Namespace(
            `${name}-ns`,
            { metadata: { name: namespaceFor(NAMESPACES.system, args.stack), labels: { ...labels, ...podSecurityLabels("restricted") } } },
            { parent: this, ...FIXED_NAME },
          );
    const cm = new k8s.core.v1.ConfigMap(
      `${name}-configmap`,
      {
        metadata: { name: ENVELOPE_CONFIGMAP, namespace: ns ? ns.metadata.name : namespaceFor(NAMESPACES.system, args.stack), labels },
        data: envelopeData(site, args.stack, rows),
      },
      { parent: this, ...FIXED_NAME },
    );

    const active = rows.find((r) => r.active) as PhaseRow;
    this.namespace = cm.metadata.namespace;
    this.configMapName = cm.metadata.name;
    this.activePhase = pulumi.output(site.rollout.activePhase);
    this.budgets = pulumi.output(active.budgets);
    this.headroom = pulumi.output(active.pools);
    this.phases = pulumi.output(rows);
    this.registerOutputs({
      namespace: this.namespace,
      configMapName: this.configMapName,
      activePhase: this.activePhase,
      budgets: this.budgets,
      headroom: this.headroom,
    });
  }
}
