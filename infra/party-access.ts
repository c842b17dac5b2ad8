import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { deadLetterQueueOf, QUEUES, type QueueSpec } from '../shared/topology';
import { accountOfRoleArn } from './config';
import { SQS_ENCRYPTION_CONTEXT } from './constructs/hub-key';
import type { HubQueue } from './constructs/hub-queue';
import {
  INBOUND_PREFIX,
  inboundBucketName,
  inboundKeyAlias,
  partyQueueName,
  partyQueuesKeyAlias,
  reportsBucketName,
  reportsKeyAlias,
} from './naming';
import { required } from './required';

/** A party outside the hub that uses queues: the three recipients and the PPS. */
export type Party = Recipient | 'PPS';
export const PARTIES: readonly Party[] = [...RECIPIENTS, 'PPS'];

/** Actions a party needs to consume its own queue: no more (return-flows §1, issue 4). */
export const CONSUMER_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'];
/** Actions a party needs to send to its own inbound queue. SendMessage also covers SendMessageBatch. */
export const PRODUCER_ACTIONS = ['sqs:SendMessage'];

/** The queues a party reads (with their DLQs) and the queues it writes (return-flows §1). */
export interface PartyChannels {
  readonly consumes: readonly QueueSpec[];
  readonly sendsTo: readonly QueueSpec[];
}

/** Each party's channels. FOREM has no inbound channel at all. */
export const PARTY_CHANNELS: Readonly<Record<Party, PartyChannels>> = {
  VDAB: { consumes: [QUEUES.recipientOutbound.VDAB], sendsTo: [QUEUES.recipientInbound.VDAB] },
  ACTIRIS: { consumes: [QUEUES.recipientOutbound.ACTIRIS], sendsTo: [QUEUES.recipientInbound.ACTIRIS] },
  FOREM: { consumes: [QUEUES.recipientOutbound.FOREM], sendsTo: [] },
  PPS: { consumes: [QUEUES.ppsOutbound, QUEUES.ocmwOutbound], sendsTo: [QUEUES.ppsInbound] },
};

/**
 * The physical names a queue and its DLQ get in a stage: `art60-<stage>-<name>` for what a party
 * names in its own policies (the queues it reads and their DLQs, the queues it writes), nothing
 * for the hub's internal queues and the inbound queues' DLQs, which CloudFormation names.
 */
export function queuePhysicalNames(stageName: string, spec: QueueSpec): { queueName?: string; deadLetterQueueName?: string } {
  const channels = Object.values(PARTY_CHANNELS);
  const consumed = channels.some((c) => c.consumes.includes(spec));
  const sentTo = channels.some((c) => c.sendsTo.includes(spec));
  return {
    ...(consumed || sentTo ? { queueName: partyQueueName(stageName, spec.name) } : {}),
    ...(consumed ? { deadLetterQueueName: partyQueueName(stageName, deadLetterQueueOf(spec).name) } : {}),
  };
}

/**
 * The principal of a party in the hub's resource policies: the party's account, limited to its
 * role by `aws:PrincipalArn`, not the role's ARN itself. KMS, SQS and S3 refuse a policy that
 * names a role which does not exist yet, and when a named role is deleted and created again the
 * policy keeps the old role's unique id and silently stops matching; an account and a condition
 * on the role's ARN need neither the role to exist at deploy time nor a redeploy after it is
 * re-created.
 */
export function partyPrincipal(roleArn: string): iam.IPrincipal {
  const account = required(accountOfRoleArn(roleArn), `the account of ${roleArn}`);
  return new iam.AccountPrincipal(account).withConditions({ ArnEquals: { 'aws:PrincipalArn': roleArn } });
}

/**
 * The ARN of a queue that a party names, from its stable name (naming.ts): a key policy can name
 * it without a reference to the queue, which names the key (a reference would be a cycle).
 */
function partyQueueArn(stack: Stack, stageName: string, spec: QueueSpec): string {
  return stack.formatArn({ service: 'sqs', resource: partyQueueName(stageName, spec.name), arnFormat: ArnFormat.NO_RESOURCE_NAME });
}

/**
 * Lets a party's role consume its outbound queues (and their DLQs) and send to its inbound
 * queues, with only the KMS use that needs, through SQS only and for exactly those queues
 * (`kms:EncryptionContext:aws:sqs:arn`, by their stable names). The role's own account must allow
 * the same in the role's IAM policy (cross-account access needs both sides).
 */
export function grantPartyQueues(
  stageName: string,
  party: Party,
  roleArn: string,
  key: kms.Key,
  consumes: HubQueue[],
  sendsTo: HubQueue[],
): void {
  const principal = partyPrincipal(roleArn);
  const allow = (queue: sqs.Queue, sid: string, actions: string[]) =>
    queue.addToResourcePolicy(new iam.PolicyStatement({ sid, principals: [principal], actions, resources: [queue.queueArn] }));
  for (const q of consumes) {
    allow(q.queue, `${party}ConsumesOwnQueue`, CONSUMER_ACTIONS);
    allow(q.deadLetterQueue, `${party}ReadsOwnDeadLetters`, CONSUMER_ACTIONS);
  }
  for (const q of sendsTo) allow(q.queue, `${party}SendsToOwnInboundQueue`, PRODUCER_ACTIONS);
  const stack = Stack.of(key);
  const viaSqs = (queues: QueueSpec[]) => {
    const arns = queues.map((spec) => partyQueueArn(stack, stageName, spec));
    return {
      StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` },
      // Merged with the principal's ArnEquals on aws:PrincipalArn; the key policy then adds no pattern (hub-key.ts).
      ArnEquals: { [SQS_ENCRYPTION_CONTEXT]: arns.length === 1 ? arns[0] : arns },
    };
  };
  const sent = sendsTo.map((q) => q.spec);
  // Receiving decrypts (a DLQ too); sending needs a data key and (to reuse a cached data key) Decrypt too.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `${party}DecryptsOwnQueuesThroughSqs`,
      principals: [principal],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: viaSqs([...consumes.flatMap((q) => [q.spec, q.deadLetterSpec]), ...sent]),
    }),
  );
  if (sendsTo.length > 0) {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `${party}EncryptsToOwnInboundQueueThroughSqs`,
        principals: [principal],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: viaSqs(sent),
      }),
    );
  }
}

/** Where a stage's hub runs, for the ARNs a party writes into its own policies. */
export interface HubLocation {
  readonly stageName: string;
  readonly account: string;
  readonly region: string;
  /** `aws` (`aws-cn`, `aws-us-gov` elsewhere). */
  readonly partition: string;
}

/** A statement of the IAM policy a party attaches to its own role, as JSON. */
export interface PartyPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

/**
 * The IAM policy a party attaches to its own role, the other half of the hub's resource policies
 * (cross-account access needs both): its queues by their stable names, the keys by their aliases
 * (`kms:ResourceAliases`), since a key's ARN holds a random id known only after the first
 * deployment; the PPS also puts its files under `monthly/` of the inbound bucket and reads its
 * reports in the reports bucket (monthly-batch §8). Written from
 * names alone, so a party can attach it before the hub is deployed. The README gives it as JSON,
 * and the sandbox's roles (sandbox-parties.ts) carry exactly this.
 */
export function partyPolicyStatements(party: Party, hub: HubLocation): PartyPolicyStatement[] {
  const { consumes, sendsTo } = PARTY_CHANNELS[party];
  const queueArn = (name: string) => `arn:${hub.partition}:sqs:${hub.region}:${hub.account}:${partyQueueName(hub.stageName, name)}`;
  const anyKey = `arn:${hub.partition}:kms:${hub.region}:${hub.account}:key/*`;
  const byAlias = (alias: string) => ({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': alias } });
  const statements: PartyPolicyStatement[] = [
    {
      Sid: 'ReadOwnHubQueues',
      Effect: 'Allow',
      Action: [...CONSUMER_ACTIONS],
      Resource: consumes.flatMap((q) => [queueArn(q.name), queueArn(deadLetterQueueOf(q).name)]),
    },
  ];
  if (sendsTo.length > 0)
    statements.push({
      Sid: 'SendToOwnHubQueue',
      Effect: 'Allow',
      Action: [...PRODUCER_ACTIONS],
      Resource: sendsTo.map((q) => queueArn(q.name)),
    });
  statements.push({
    Sid: 'UseOwnHubQueuesKey',
    Effect: 'Allow',
    Action: sendsTo.length > 0 ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
    Resource: [anyKey],
    Condition: byAlias(partyQueuesKeyAlias(hub.stageName, party)),
  });
  if (party === 'PPS') {
    const bucket = inboundBucketName(hub.stageName, hub.account, hub.region);
    statements.push(
      {
        Sid: 'PutMonthlyFiles',
        Effect: 'Allow',
        Action: ['s3:PutObject'],
        Resource: [`arn:${hub.partition}:s3:::${bucket}/${INBOUND_PREFIX}*`],
      },
      {
        Sid: 'EncryptMonthlyFiles',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: [anyKey],
        Condition: byAlias(inboundKeyAlias(hub.stageName)),
      },
      {
        Sid: 'ReadOwnReports',
        Effect: 'Allow',
        Action: ['s3:GetObject'],
        Resource: [`arn:${hub.partition}:s3:::${reportsBucketName(hub.stageName, hub.account, hub.region)}/*`],
      },
      {
        Sid: 'DecryptOwnReports',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: [anyKey],
        Condition: byAlias(reportsKeyAlias(hub.stageName)),
      },
    );
  }
  return statements;
}
