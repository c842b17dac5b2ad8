import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import type { StageConfig } from '../../../../infra/config';
import { PROJECT_ROOT } from '../../../../infra/hub';
import { PARTIES, type Party, partyPolicyStatements } from '../../../../infra/party-access';
import { BUCKETS, type BucketKey, deadLetterQueueOf, FUNCTIONS, TABLES, type TableKey } from '../../../../shared/topology';
import { logicalId, type Synthesized } from '../helpers';
import { type CfnTemplate, type Json, ResolvedTemplates } from './resolved-templates';

/**
 * The hub as the access evaluation sees it: every bucket, queue, key, table and role of the
 * synthesized stacks with its policies, intrinsics resolved to concrete ARNs (resolved-templates.ts),
 * and every principal that may call them with its identity policies: the parties (the policy each
 * attaches on its side, `partyPolicyStatements`), the operator role and the functions' roles (from the
 * templates), an administrator and the deployment path of the hub's account, and an outsider.
 */

export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: Array<Record<string, Json>>;
}

export interface Caller {
  readonly name: string;
  /** The role's ARN (`aws:PrincipalArn`). */
  readonly roleArn: string;
  readonly account: string;
  readonly identity: readonly PolicyDocument[];
  /** Whether the organisation's SCP applies: a principal of the hub's account. */
  readonly inHubAccount: boolean;
}

export interface HubBucket {
  readonly name: string;
  readonly arn: string;
  readonly policy: PolicyDocument;
  readonly keyArn: string | undefined;
  /** An object key a request is made on (one the hub writes there). */
  readonly sampleKey: string;
}
export interface HubQueue {
  readonly name: string;
  readonly arn: string;
  readonly policy: PolicyDocument | undefined;
  readonly keyArn: string;
}
export interface HubKey {
  readonly arn: string;
  readonly policy: PolicyDocument;
  /** Its aliases (`alias/art60-<stage>-…`): what a party's policy names it by (`kms:ResourceAliases`). */
  readonly aliases: readonly string[];
}
export interface HubTable {
  readonly name: string;
  readonly arn: string;
  readonly policy: PolicyDocument | undefined;
  readonly keyArn: string;
  /** Its global secondary indexes' names. */
  readonly indexes: readonly string[];
}
export interface HubRole {
  readonly arn: string;
  readonly trust: PolicyDocument;
  readonly identity: PolicyDocument[];
}

/** The names the matrix uses for each resource: a bucket's key, a queue's topology name, a key's name. */
export type KeyName =
  | 'inbound'
  | 'storage'
  | 'archive'
  | 'tables'
  | 'hubQueues'
  | `queues-${Party}`
  | 'operations'
  | 'disclosureParameter'
  | 'logs';
export const KEY_NAMES: readonly KeyName[] = [
  'inbound',
  'storage',
  'archive',
  'tables',
  'hubQueues',
  ...PARTIES.map((p) => `queues-${p}` as const),
  'operations',
  'disclosureParameter',
  'logs',
];

/** A sample object key per bucket, as the hub writes them (shared/domain/batch/object-keys.ts). */
const SHA = 'a'.repeat(64);
export const SAMPLE_KEYS: Readonly<Record<BucketKey | 'accessLogs', string>> = {
  inbound: 'monthly/2026-11/ocmw-2026-11.csv',
  staging: `${SHA}/attempt-1/VDAB/part-000001.ndjson`,
  archive: `VDAB/2026-11/${SHA}/part-000001.ndjson`,
  reports: `2026-11/${SHA}.json`,
  accessLogs: 'inbound/2026-12-07-10-00-00-0123456789ABCDEF',
};

/** An administrator of the hub's account: an Identity Center role with AdministratorAccess. */
export const ADMIN_ARN = (account: string) =>
  `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef`;
/** The CloudFormation execution role of the CDK bootstrap (the default qualifier). */
export const DEPLOYMENT_ARN = (account: string, region: string) =>
  `arn:aws:iam::${account}:role/cdk-hnb659fds-cfn-exec-role-${account}-${region}`;
export const OUTSIDER_ARN = 'arn:aws:iam::999999999999:role/anyone';
const EVERYTHING: PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** A JSON policy file of the project, e.g. infra/scp.json. */
export function projectPolicy(file: string): PolicyDocument {
  return JSON.parse(readFileSync(path.join(PROJECT_ROOT, file), 'utf8')) as PolicyDocument;
}

export class HubModel {
  readonly templates: ResolvedTemplates;
  readonly buckets: Readonly<Record<BucketKey | 'accessLogs', HubBucket>>;
  readonly queues: ReadonlyMap<string, HubQueue>;
  readonly keys: Readonly<Record<KeyName, HubKey>>;
  readonly tables: Readonly<Record<TableKey, HubTable>>;
  readonly operatorRole: HubRole;
  readonly functionRoles: ReadonlyMap<string, HubRole>;
  readonly functionArns: ReadonlyMap<string, string>;
  readonly disclosureParameterArn: string;

  constructor(
    readonly synthesized: Synthesized,
    readonly config: StageConfig,
  ) {
    const { hub } = synthesized;
    const stacks = [hub.stateful, hub.stateless].map((stack) => ({
      stackName: stack.stackName,
      template: Template.fromStack(stack).toJSON() as CfnTemplate,
    }));
    const t = new ResolvedTemplates(stacks, { account: config.account, region: config.region, partition: 'aws' });
    this.templates = t;
    const att = (id: string, attribute: string) => String(t.attribute(t.stackOf(id), id, attribute));
    const resolved = (id: string) => {
      const stack = t.stackOf(id);
      return t.resolve(stack, (stack.template.Resources[id]?.Properties ?? {}) as Json) as Record<string, Json>;
    };

    const bucketPolicies = new Map(
      t
        .resourcesOfType('AWS::S3::BucketPolicy')
        .map((p) => [String(p.properties.Bucket), p.properties.PolicyDocument as unknown as PolicyDocument]),
    );
    const bucketOf = (b: BucketKey | 'accessLogs'): HubBucket => {
      const bucket = b === 'accessLogs' ? hub.stateful.accessLogs : hub.stateful.buckets[b];
      const id = logicalId(bucket);
      const name = att(id, 'Ref');
      const encryption = resolved(id).BucketEncryption as {
        ServerSideEncryptionConfiguration: Array<Record<string, Record<string, string>>>;
      };
      const keyArn = encryption.ServerSideEncryptionConfiguration[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
      return { name, arn: att(id, 'Arn'), policy: bucketPolicies.get(name) as PolicyDocument, keyArn, sampleKey: SAMPLE_KEYS[b] };
    };
    this.buckets = Object.fromEntries(
      ([...Object.keys(BUCKETS), 'accessLogs'] as Array<BucketKey | 'accessLogs'>).map((b) => [b, bucketOf(b)]),
    ) as Record<BucketKey | 'accessLogs', HubBucket>;

    const queuePolicies = new Map<string, PolicyDocument>();
    for (const p of t.resourcesOfType('AWS::SQS::QueuePolicy'))
      for (const url of p.properties.Queues as string[]) queuePolicies.set(url, p.properties.PolicyDocument as unknown as PolicyDocument);
    const queues = new Map<string, HubQueue>();
    for (const q of hub.stateful.queues.values()) {
      for (const [name, queue] of [
        [q.spec.name, q.queue],
        [deadLetterQueueOf(q.spec).name, q.deadLetterQueue],
      ] as const) {
        const id = logicalId(queue);
        queues.set(name, {
          name: att(id, 'QueueName'),
          arn: att(id, 'Arn'),
          policy: queuePolicies.get(att(id, 'Ref')),
          keyArn: String(resolved(id).KmsMasterKeyId),
        });
      }
    }
    this.queues = queues;

    const k = hub.stateful.keys;
    const keyConstructs: Record<KeyName, Parameters<typeof logicalId>[0]> = {
      inbound: k.inbound,
      storage: k.storage,
      archive: k.archive,
      tables: k.tables,
      hubQueues: k.hubQueues,
      ...(Object.fromEntries(PARTIES.map((p) => [`queues-${p}`, k.partyQueues[p]])) as Record<`queues-${Party}`, typeof k.inbound>),
      operations: k.operations,
      disclosureParameter: k.disclosureParameter,
      logs: k.logs,
    };
    const aliases = t.resourcesOfType('AWS::KMS::Alias').map((a) => [String(a.properties.TargetKeyId), String(a.properties.AliasName)]);
    this.keys = Object.fromEntries(
      KEY_NAMES.map((name) => {
        const id = logicalId(keyConstructs[name]);
        const arn = att(id, 'Arn');
        const named = aliases.filter(([target]) => target === arn).map(([, alias]) => alias as string);
        return [name, { arn, policy: resolved(id).KeyPolicy as unknown as PolicyDocument, aliases: named }];
      }),
    ) as unknown as Record<KeyName, HubKey>;

    this.tables = Object.fromEntries(
      (Object.keys(TABLES) as TableKey[]).map((key) => {
        const id = logicalId(hub.stateful.tables[key].table);
        const props = resolved(id);
        const policy = (props.ResourcePolicy as { PolicyDocument?: PolicyDocument } | undefined)?.PolicyDocument;
        const keyArn = String((props.SSESpecification as { KMSMasterKeyId: string }).KMSMasterKeyId);
        const indexes = (hub.stateful.tables[key].spec.globalIndexes ?? []).map((i) => i.name);
        return [key, { name: att(id, 'Ref'), arn: att(id, 'Arn'), policy, keyArn, indexes }];
      }),
    ) as unknown as Record<TableKey, HubTable>;

    const identityOf = (roleId: string): PolicyDocument[] => {
      const roleName = att(roleId, 'Ref');
      const attached = t
        .resourcesOfType('AWS::IAM::Policy')
        .filter((p) => (p.properties.Roles as string[]).includes(roleName))
        .map((p) => p.properties.PolicyDocument as unknown as PolicyDocument);
      const inline = ((resolved(roleId).Policies ?? []) as unknown as Array<{ PolicyDocument: PolicyDocument }>).map(
        (p) => p.PolicyDocument,
      );
      if (resolved(roleId).ManagedPolicyArns !== undefined) throw new Error(`${roleId}: a managed policy the evaluation does not know`);
      return [...attached, ...inline];
    };
    const roleOf = (roleId: string): HubRole => ({
      arn: att(roleId, 'Arn'),
      trust: resolved(roleId).AssumeRolePolicyDocument as unknown as PolicyDocument,
      identity: identityOf(roleId),
    });
    this.operatorRole = roleOf(logicalId(hub.stateful.operatorRole.role));
    this.functionRoles = new Map(Object.entries(hub.stateless.functions).map(([, f]) => [f.spec.name, roleOf(logicalId(f.role))] as const));
    this.functionArns = new Map(
      Object.entries(hub.stateless.functions).map(([, f]) => [f.spec.name, att(logicalId(f.fn), 'Arn')] as const),
    );
    this.disclosureParameterArn = `arn:aws:ssm:${config.region}:${config.account}:parameter/${config.disclosureKeyParameterName.replace(/^\//, '')}`;
  }

  /** A queue by its topology name (`outbound-vdab`, `outbound-vdab-dlq`, …). */
  queue(name: string): HubQueue {
    const q = this.queues.get(name);
    if (q === undefined) throw new Error(`No queue ${name}`);
    return q;
  }

  /** Every principal of the matrix, by its name in the matrix. */
  callers(): ReadonlyMap<string, Caller> {
    const { account, region, stageName } = this.config;
    const hubLocation = { stageName, account, region, partition: 'aws' };
    const callers: Caller[] = [
      ...PARTIES.map((party) => {
        const roleArn = party === 'PPS' ? this.config.pps.roleArn : this.config.recipients[party].roleArn;
        return {
          name: party,
          roleArn,
          account: roleArn.split(':')[4] as string,
          identity: [
            { Version: '2012-10-17', Statement: partyPolicyStatements(party, hubLocation) as unknown as Array<Record<string, Json>> },
          ],
          inHubAccount: roleArn.split(':')[4] === account,
        };
      }),
      { name: 'operator', roleArn: this.operatorRole.arn, account, identity: this.operatorRole.identity, inHubAccount: true },
      {
        name: 'operator person',
        roleArn: this.config.operatorPrincipalArns[0] as string,
        account,
        identity: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: this.operatorRole.arn }] }],
        inHubAccount: true,
      },
      ...Object.values(FUNCTIONS).map((fn) => {
        const role = this.functionRoles.get(fn.name) as HubRole;
        return { name: fn.name, roleArn: role.arn, account, identity: role.identity, inHubAccount: true };
      }),
      { name: 'administrator', roleArn: ADMIN_ARN(account), account, identity: [EVERYTHING], inHubAccount: true },
      {
        name: 'deployment',
        roleArn: DEPLOYMENT_ARN(account, region),
        account,
        identity: [projectPolicy('infra/policies/deployment-execution-policy.json')],
        inHubAccount: true,
      },
      { name: 'outsider', roleArn: OUTSIDER_ARN, account: '999999999999', identity: [EVERYTHING], inHubAccount: false },
    ];
    return new Map(callers.map((c) => [c.name, c]));
  }
}
