import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { RECIPIENTS, RETURNING_RECIPIENTS, type Recipient } from '../../shared/domain/recipients';
import { QUEUES, type QueueSpec } from '../../shared/topology';
import type { StageConfig } from '../config';
import { HubQueue } from '../constructs/hub-queue';
import { grantPartyQueues, PARTIES, PARTY_CHANNELS, type Party, queuePhysicalNames } from '../party-access';
import type { HubKeys } from './keys';

/**
 * The largest message a party may put on an inbound queue: 64 KiB. A return message is a few
 * hundred bytes of JSON (messages.md); SQS's default of 1 MiB would let a party fill the hub's
 * tables and logs sixteen times faster.
 */
export const INBOUND_MESSAGE_MAX_BYTES = 65_536;

/** The hub's queues, each with its dead-letter queue. */
export interface HubQueues {
  /** Every queue of the topology by its logical name (`outbound-vdab`, …). */
  readonly all: ReadonlyMap<string, HubQueue>;
  readonly batchNotifications: HubQueue;
  readonly recipientOutbound: Readonly<Record<Recipient, HubQueue>>;
  readonly recipientInbound: Readonly<Partial<Record<Recipient, HubQueue>>>;
  readonly ppsOutbound: HubQueue;
  readonly ppsInbound: HubQueue;
  readonly ocmwOutbound: HubQueue;
}

/** Creates the queues in the stateful stack: the internal one under the hub's key, each party's under its own. */
export function createQueues(stack: Stack, stageName: string, keys: HubKeys): HubQueues {
  const { partyQueues } = keys;
  const all = new Map<string, HubQueue>();
  const addQueue = (spec: QueueSpec, encryptionKey: kms.Key, maxMessageSizeBytes?: number): HubQueue => {
    const q = new HubQueue(stack, `Queue-${spec.name}`, {
      spec,
      encryptionKey,
      maxMessageSizeBytes,
      ...queuePhysicalNames(stageName, spec),
    });
    all.set(spec.name, q);
    return q;
  };
  const batchNotifications = addQueue(QUEUES.batchNotifications, keys.hubQueues);
  const recipientOutbound = Object.fromEntries(RECIPIENTS.map((r) => [r, addQueue(QUEUES.recipientOutbound[r], partyQueues[r])])) as Record<
    Recipient,
    HubQueue
  >;
  const recipientInbound = Object.fromEntries(
    RETURNING_RECIPIENTS.map((r) => [r, addQueue(QUEUES.recipientInbound[r], partyQueues[r], INBOUND_MESSAGE_MAX_BYTES)]),
  ) as Partial<Record<Recipient, HubQueue>>;
  const ppsOutbound = addQueue(QUEUES.ppsOutbound, partyQueues.PPS);
  const ppsInbound = addQueue(QUEUES.ppsInbound, partyQueues.PPS, INBOUND_MESSAGE_MAX_BYTES);
  const ocmwOutbound = addQueue(QUEUES.ocmwOutbound, partyQueues.PPS);
  return { all, batchNotifications, recipientOutbound, recipientInbound, ppsOutbound, ppsInbound, ocmwOutbound };
}

/** Cross-account access of the parties (return-flows §1): each party's role on its own queues and key. */
export function grantPartiesTheirQueues(config: StageConfig, keys: HubKeys, queues: HubQueues): void {
  const { partyQueues } = keys;
  for (const r of RECIPIENTS) {
    const inboundQueue = queues.recipientInbound[r];
    grantPartyQueues(
      config.stageName,
      r,
      config.recipients[r].roleArn,
      partyQueues[r],
      [queues.recipientOutbound[r]],
      inboundQueue ? [inboundQueue] : [],
    );
  }
  grantPartyQueues(
    config.stageName,
    'PPS',
    config.pps.roleArn,
    partyQueues.PPS,
    [queues.ppsOutbound, queues.ocmwOutbound],
    [queues.ppsInbound],
  );
}

/** The actions that change a queue's rules (its attributes, its policy, its permissions). */
export const QUEUE_RULE_ACTIONS = ['sqs:SetQueueAttributes', 'sqs:AddPermission', 'sqs:RemovePermission'];

/** The role of a party in the stage. */
function partyRoleArn(config: StageConfig, party: Party): string {
  return party === 'PPS' ? config.pps.roleArn : config.recipients[party].roleArn;
}

/**
 * What no principal of the hub's account may do to a queue, whatever its IAM policies say:
 * - send on a party's inbound channel, or on its DLQ: only the party's role sends there, and a dead
 *   letter is moved back by the hub's tool, never sent again by a person (return-flows §1: the sender
 *   is who the channel says);
 * - purge any queue (messages leave a queue by being handled or by their retention);
 * - change a queue's attributes, policy or permissions, but by the deployment.
 */
export function lockDownQueues(config: StageConfig, queues: HubQueues, deploymentRoleArn: string): void {
  const deny = (queue: sqs.Queue, sid: string, actions: string[], conditions?: Record<string, Record<string, unknown>>) =>
    queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions,
        resources: [queue.queueArn],
        conditions,
      }),
    );
  for (const party of PARTIES) {
    for (const spec of PARTY_CHANNELS[party].sendsTo) {
      const q = queues.all.get(spec.name) as HubQueue;
      deny(q.queue, 'DenySendingButByTheParty', ['sqs:SendMessage'], { ArnNotEquals: { 'aws:PrincipalArn': partyRoleArn(config, party) } });
      deny(q.deadLetterQueue, 'DenySendingOnAPartysDeadLetters', ['sqs:SendMessage']);
    }
  }
  for (const q of queues.all.values()) {
    for (const queue of [q.queue, q.deadLetterQueue]) {
      deny(queue, 'DenyPurge', ['sqs:PurgeQueue']);
      deny(queue, 'DenyRuleChangesButByDeployment', QUEUE_RULE_ACTIONS, { ArnNotLike: { 'aws:PrincipalArn': deploymentRoleArn } });
    }
  }
}
