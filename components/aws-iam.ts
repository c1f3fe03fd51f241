/**
 * IAM roles for AWS services, shared by the components that make them. The
 * AWS SDK is loaded on first use, so a program that makes no AWS resources
 * (a site on an existing cluster with static pools) never loads it.
 */
import type * as awsSdk from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The AWS SDK, loaded only for pools that make AWS resources (a static pool's program never pays for it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const loadAws = (): typeof awsSdk => require("@pulumi/aws");

/** An IAM role that `service` may assume, with managed policies attached; returns the role and the attachments. */
export function serviceRole(
  name: string,
  args: {
    roleName: string;
    description: string;
    service: string;
    policies: readonly string[];
    tags: Record<string, string>;
    /** What the service may do with the role; default `sts:AssumeRole`. */
    actions?: readonly string[];
    /** Conditions of the trust statement (confused-deputy guards such as `aws:SourceAccount`, `aws:SourceArn`). */
    conditions?: pulumi.Input<Record<string, Record<string, string>>>;
  },
  parent: pulumi.Resource,
): { role: awsSdk.iam.Role; attachments: awsSdk.iam.RolePolicyAttachment[] } {
  const aws = loadAws();
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      name: args.roleName,
      description: args.description,
      assumeRolePolicy: pulumi.output(args.conditions).apply((conditions) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: args.service },
              Action: args.actions ?? "sts:AssumeRole",
              ...(conditions !== undefined ? { Condition: conditions } : {}),
            },
          ],
        }),
      ),
      tags: args.tags,
    },
    { parent, deleteBeforeReplace: true },
  );
  const attachments = args.policies.map(
    (arn) => new aws.iam.RolePolicyAttachment(`${name}-${arn.split("/").pop()}`, { role: role.name, policyArn: arn }, { parent }),
  );
  return { role, attachments };
}
