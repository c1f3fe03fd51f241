/**
 * SitePowerEnvelope for any Pulumi language: the site as data (or a stack
 * file), the envelope ConfigMap published by the TypeScript component
 * inside, and the active phase's budgets as typed outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { SitePowerEnvelope as EnvelopeComponent } from "../components/site-power-envelope";
import { SITE_SPEC_VERSION, type BudgetRow, type PhaseRow, type PoolHeadroom } from "../components/model";
import { siteOf, type SiteInputs } from "./site-input";

/** Inputs of SitePowerEnvelope. */
export interface SitePowerEnvelopeArgs extends SiteInputs {
  /** Make the system namespace, `repower-system-<stack>` (default true); false when it exists already. */
  createNamespace?: boolean;
}

/** One budget of a phase: what is used against what is allowed. */
export interface EnvelopeBudget {
  /** The kind of budget: site, firm, transformer, feed, cooling, rack, ... */
  kind: string;
  /** What the budget belongs to: the site, a transformer, a feed, a cooling zone or a pool. */
  subject: string;
  /** Unit of `used` and `limit`: MW or kW. */
  unit: string;
  /** Load on the budget, in `unit`; absent when it cannot be counted. */
  used?: number;
  /** The budget's limit, in `unit`; absent when unlimited. */
  limit?: number;
  /** Percent of the limit used; absent when the limit is 0 and something is used. */
  utilisationPercent?: number;
  /** True when the load fits the limit. */
  ok: boolean;
  /** True for the most used budget of the phase. */
  binding: boolean;
}

/** A GPU pool in a phase: its nodes and how many more would fit. */
export interface EnvelopePoolHeadroom {
  /** The pool's name in `gpuPools`. */
  pool: string;
  /** GPU nodes of the pool in the phase. */
  nodes: number;
  /** More nodes that fit every budget; absent for cloud pools. */
  moreNodesFit?: number;
}

/** One moment of the rollout: a phase, or the transient into it. */
export interface EnvelopePhase {
  /** The phase's name. */
  name: string;
  /** True for the transient into this phase (overlap: true), when both phases' loads run. */
  transient: boolean;
  /** For a transient: the phase it starts from. */
  from?: string;
  /** True for the site's active phase. */
  active: boolean;
  /** IT load in MW. */
  itMW: number;
  /** Facility load (IT times PUE, plus auxiliary) in MW. */
  facilityMW: number;
  /** The site's usable limit in MW. */
  siteLimitMW: number;
  /** The budgets of the moment. */
  budgets: EnvelopeBudget[];
  /** The GPU pools of the moment. */
  pools: EnvelopePoolHeadroom[];
}

function present<T>(v: T | null | undefined): T | undefined {
  return v === null ? undefined : v;
}

function budget(b: BudgetRow): EnvelopeBudget {
  return {
    kind: b.kind,
    subject: b.subject,
    unit: b.unit,
    used: present(b.used),
    limit: present(b.limit),
    utilisationPercent: present(b.utilisationPercent),
    ok: b.ok,
    binding: b.binding,
  };
}

function headroom(p: PoolHeadroom): EnvelopePoolHeadroom {
  return { pool: p.pool, nodes: p.nodes, moreNodesFit: present(p.moreNodesFit) };
}

function phase(r: PhaseRow): EnvelopePhase {
  return {
    name: r.name,
    transient: r.transient,
    from: r.from,
    active: r.active,
    itMW: r.itMW,
    facilityMW: r.facilityMW,
    siteLimitMW: r.siteLimitMW,
    budgets: r.budgets.map(budget),
    pools: r.pools.map(headroom),
  };
}

/**
 * Publishes the validated site spec and the budgets of every phase of its
 * rollout as the ConfigMap `repower-site-envelope` in the `repower-system-<stack>`
 * namespace, where the repower policy pack reads them; outputs the active
 * phase's budgets and headroom.
 */
export class SitePowerEnvelope extends pulumi.ComponentResource {
  /** The namespace holding the envelope ConfigMap. */
  public readonly namespace: pulumi.Output<string>;
  /** The envelope ConfigMap's name (repower-site-envelope). */
  public readonly configMapName: pulumi.Output<string>;
  /** The site's name. */
  public readonly siteName: pulumi.Output<string>;
  /** The site's active phase. */
  public readonly activePhase: pulumi.Output<string>;
  /** The site spec version this package understands and published in the ConfigMap. */
  public readonly specVersion: pulumi.Output<string>;
  /** Every budget of the active phase: used, limit, utilisation. */
  public readonly budgets: pulumi.Output<EnvelopeBudget[]>;
  /** Per GPU pool: nodes in the active phase and how many more fit. */
  public readonly headroom: pulumi.Output<EnvelopePoolHeadroom[]>;
  /** Every moment of the rollout, in order. */
  public readonly phases: pulumi.Output<EnvelopePhase[]>;

  constructor(name: string, args: SitePowerEnvelopeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("repower:index:SitePowerEnvelope", name, {}, opts);
    const site = siteOf(args);
    const inner = new EnvelopeComponent(
      name,
      { site, stack: pulumi.getStack(), ...(args.createNamespace === undefined ? {} : { createNamespace: args.createNamespace }) },
      { parent: this },
    );
    this.namespace = inner.namespace;
    this.configMapName = inner.configMapName;
    this.siteName = pulumi.output(site.name);
    this.activePhase = inner.activePhase;
    this.specVersion = pulumi.output(SITE_SPEC_VERSION);
    this.budgets = inner.budgets.apply((bs) => bs.map(budget));
    this.headroom = inner.headroom.apply((ps) => ps.map(headroom));
    this.phases = inner.phases.apply((rs) => rs.map(phase));
    this.registerOutputs({
      namespace: this.namespace,
      configMapName: this.configMapName,
      siteName: this.siteName,
      activePhase: this.activePhase,
      specVersion: this.specVersion,
      budgets: this.budgets,
      headroom: this.headroom,
      phases: this.phases,
    });
  }
}
