import type { Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { RECIPIENTS, RETURNING_RECIPIENTS, type Recipient } from '../../shared/domain/recipients';
import { QUEUES, type QueueSpec } from '../../shared/topology';
import type { StageConfig } from '../config';
import { HubQueue } from '../constructs/hub-queue';
import { grantPartyQueues, queuePhysicalNames } from '../party-access';
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
