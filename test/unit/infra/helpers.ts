import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { accountOfRoleArn, STAGES, type StageConfig } from '../../../infra/config';
import { buildHub, type Hub } from '../../../infra/hub';

/** The dev stage, the one the tests synthesize. */
export const DEV: StageConfig = STAGES.dev!;

export interface Synthesized {
  readonly hub: Hub;
  readonly outdir: string;
  readonly stateful: Template;
  readonly stateless: Template;
}

/**
 * Synthesizes the dev hub once (cdk-nag included: synthesis throws on an unacknowledged finding).
 * Bundling is skipped by default: these tests check the template, and the functions' code belongs
 * to other issues; bundling itself is tested in bundling.test.ts.
 */
export function synthesizeHub(options: { bundle?: boolean; config?: StageConfig; cloudFormationValidation?: boolean } = {}): Synthesized {
  const outdir = mkdtempSync(path.join(tmpdir(), 'art60-infra-'));
  const hub = buildHub(options.config ?? DEV, {
    outdir,
    // CDK's own CloudFormation schema validation takes ~15 s; nag.test.ts runs it, the others need not.
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  hub.app.synth();
  return { hub, outdir, stateful: Template.fromStack(hub.stateful), stateless: Template.fromStack(hub.stateless) };
}

/** Removes a synthesis's cloud assembly. */
export function removeOutdir(s: Synthesized | undefined): void {
  if (s) rmSync(s.outdir, { recursive: true, force: true });
}

/** The logical id of an L2 construct's resource. */
export function logicalId(construct: IConstruct): string {
  const child = construct.node.defaultChild;
  if (!child) throw new Error(`${construct.node.path} has no default child`);
  return Stack.of(construct).getLogicalId(child as never);
}

export type Resource = {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
};

export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Role ARNs a statement lets in: named as principals (which the hub never does, see
 * party-access.ts) or by an `aws:PrincipalArn` condition on the party's account.
 */
export function principalRoleArns(statement: Statement): string[] {
  const principal = statement.Principal as { AWS?: unknown } | string | undefined;
  const named = principal === undefined || typeof principal === 'string' ? [] : asList(principal.AWS);
  const byCondition = Object.values(statement.Condition ?? {}).flatMap((c) => asList(c['aws:PrincipalArn']));
  return [...named, ...byCondition].filter((p): p is string => typeof p === 'string' && p.includes(':role/'));
}

/**
 * The hub's own roles in the dev stage (functions, operator) are named in key policies by their
 * IAM path, `role/art60-hub/dev/…` (lock-down.test.ts checks those); everything else a statement
 * names by role is a party's.
 */
export const HUB_ROLES = `arn:aws:iam::${DEV.account}:role/art60-hub/${DEV.stageName}/`;

/** The role ARNs a statement lets in that are not the hub's own (see {@link HUB_ROLES}). */
export function nonHubRoleArns(statement: Statement): string[] {
  return principalRoleArns(statement).filter((arn) => !arn.startsWith(HUB_ROLES));
}

/** The parties' role ARNs in the dev stage. */
export const ROLE = {
  VDAB: DEV.recipients.VDAB.roleArn,
  ACTIRIS: DEV.recipients.ACTIRIS.roleArn,
  FOREM: DEV.recipients.FOREM.roleArn,
  PPS: DEV.pps.roleArn,
} as const;

/** How the hub's policies name a party: its account as principal… */
export function partyAccountPrincipal(party: keyof typeof ROLE): { AWS: string } {
  return { AWS: `arn:aws:iam::${accountOfRoleArn(ROLE[party])}:root` };
}

/** …limited to its role by the role's ARN, which need not exist at deploy time (party-access.ts). */
export function onlyPartyRole(party: keyof typeof ROLE): { ArnEquals: { 'aws:PrincipalArn': string } } {
  return { ArnEquals: { 'aws:PrincipalArn': ROLE[party] } };
}

/** IAM's `StringLike`: `?` is one character, `*` any run of them, and the whole value must match. */
export function stringLike(pattern: string, value: string): boolean {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\?/g, '.')
      .replace(/\*/g, '.*')}$`,
  ).test(value);
}
