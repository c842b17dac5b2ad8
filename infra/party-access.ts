import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import type { HubQueue } from './constructs/hub-queue';

/** A party outside the hub that uses queues: the three recipients and the PPS. */
export type Party = Recipient | 'PPS';
export const PARTIES: readonly Party[] = [...RECIPIENTS, 'PPS'];

/** Actions a party needs to consume its own queue: no more (return-flows §1, issue 4). */
export const CONSUMER_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'];
/** Actions a party needs to send to its own inbound queue. SendMessage also covers SendMessageBatch. */
export const PRODUCER_ACTIONS = ['sqs:SendMessage'];

/**
 * Lets a party's role consume its outbound queues (and their DLQs) and send to its inbound
 * queues, with only the KMS use that needs, through SQS only. The role's own account must allow
 * the same in the role's IAM policy (cross-account access needs both sides).
 */
export function grantPartyQueues(party: Party, roleArn: string, key: kms.Key, consumes: HubQueue[], sendsTo: HubQueue[]): void {
  const principal = new iam.ArnPrincipal(roleArn);
  const allow = (queue: sqs.Queue, sid: string, actions: string[]) =>
    queue.addToResourcePolicy(new iam.PolicyStatement({ sid, principals: [principal], actions, resources: [queue.queueArn] }));
  for (const q of consumes) {
    allow(q.queue, `${party}ConsumesOwnQueue`, CONSUMER_ACTIONS);
    allow(q.deadLetterQueue, `${party}ReadsOwnDeadLetters`, CONSUMER_ACTIONS);
  }
  for (const q of sendsTo) allow(q.queue, `${party}SendsToOwnInboundQueue`, PRODUCER_ACTIONS);
  const viaSqs = { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(key).region}.amazonaws.com` } };
  // Receiving decrypts; sending needs a data key and (to reuse a cached data key) Decrypt too.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: `${party}DecryptsOwnQueuesThroughSqs`,
      principals: [principal],
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: viaSqs,
    }),
  );
  if (sendsTo.length > 0) {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `${party}EncryptsToOwnInboundQueueThroughSqs`,
        principals: [principal],
        actions: ['kms:GenerateDataKey'],
        resources: ['*'],
        conditions: viaSqs,
      }),
    );
  }
}
