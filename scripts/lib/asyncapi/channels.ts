import { RECEIVE_WAIT_SECONDS } from '../../../infra/constants';
import { INBOUND_PREFIX, partyQueueName } from '../../../infra/naming';
import { CONSUMER_ACTIONS, PARTY_CHANNELS, type Party, queuePhysicalNames } from '../../../infra/party-access';
import { BUCKETS, deadLetterQueueOf, QUEUES, type QueueSpec } from '../../../shared/topology';
import { accessOf, list, MONTHLY_FILE_MESSAGE, messagesOf, NOTIFICATION_MESSAGE, partyPrincipal } from './queue-access';

/** The channels of the AsyncAPI document (scripts/asyncapi.ts): each queue, its dead-letter queue and the inbound bucket. */

function sqsQueue(spec: QueueSpec, withRedrive: boolean, statements: object[] | undefined) {
  return {
    name: spec.name,
    fifoQueue: false,
    deliveryDelay: 0,
    visibilityTimeout: spec.visibilityTimeoutSeconds,
    receiveMessageWaitTime: RECEIVE_WAIT_SECONDS,
    messageRetentionPeriod: spec.retentionSeconds,
    ...(withRedrive
      ? { redrivePolicy: { deadLetterQueue: { name: deadLetterQueueOf(spec).name }, maxReceiveCount: spec.maxReceiveCount } }
      : {}),
    ...(statements && statements.length > 0 ? { policy: { statements } } : {}),
  };
}

function days(seconds: number): string {
  return `${seconds / 86_400} days`;
}

export function channelRef(id: string) {
  return { $ref: `#/channels/${id}` };
}

function channelMessages(names: readonly string[]) {
  return Object.fromEntries(names.map((n) => [n, { $ref: `#/components/messages/${n}` }]));
}

const SQS_SERVERS = [{ $ref: '#/servers/aws-sqs' }, { $ref: '#/servers/local-sqs' }];
const S3_SERVERS = [{ $ref: '#/servers/aws-s3' }, { $ref: '#/servers/local-s3' }];

/** How the queue is named in AWS: `art60-<stage>-<name>` where a party names it in its policies (infra/naming.ts). */
function awsQueueName(spec: QueueSpec): string {
  return queuePhysicalNames('<stage>', spec).queueName === undefined
    ? 'CloudFormation names it'
    : `\`${partyQueueName('<stage>', spec.name)}\``;
}

export function sqsChannel(spec: QueueSpec) {
  const access = accessOf(spec);
  const dlq = deadLetterQueueOf(spec);
  const messages = spec === QUEUES.batchNotifications ? [NOTIFICATION_MESSAGE] : messagesOf(spec);
  return {
    address: spec.name,
    title: spec.description,
    summary: `${spec.description}: sent by ${list(access.senders)}, received by ${list(access.receivers)}.`,
    description: [
      `Standard SQS queue \`${spec.name}\` (the name on the laptop; in AWS ${awsQueueName(spec)}, and the stateful stack's outputs give its URL).`,
      `Sent by ${list(access.senders)}; received by ${list(access.receivers)}.`,
      `Messages are kept ${days(spec.retentionSeconds)}; a received message is hidden ${spec.visibilityTimeoutSeconds} s; after ${spec.maxReceiveCount} receives it moves to \`${dlq.name}\`.`,
    ].join(' '),
    servers: SQS_SERVERS,
    messages: channelMessages(messages),
    bindings: {
      sqs: {
        queue: sqsQueue(spec, true, access.statements),
        deadLetterQueue: sqsQueue(dlq, false, undefined),
        bindingVersion: '0.2.0',
      },
    },
  };
}

export function deadLetterChannel(spec: QueueSpec) {
  const dlq = deadLetterQueueOf(spec);
  const readers = (Object.keys(PARTY_CHANNELS) as Party[]).filter((p) => PARTY_CHANNELS[p].consumes.includes(spec));
  const statements = readers.map((p) => ({ effect: 'Allow', principal: partyPrincipal(p), action: CONSUMER_ACTIONS }));
  const messages = spec === QUEUES.batchNotifications ? [NOTIFICATION_MESSAGE] : messagesOf(spec);
  return {
    address: dlq.name,
    title: dlq.description,
    summary: `The messages of \`${spec.name}\` that were received ${spec.maxReceiveCount} times without being deleted.`,
    description: [
      `Dead-letter queue of \`${spec.name}\`: the same messages, moved here by SQS after ${spec.maxReceiveCount} receives; kept ${days(dlq.retentionSeconds)} (a moved message keeps its first enqueue time).`,
      readers.length > 0 ? `${list(readers)} may read it.` : 'Only an operator reads it (redrive: README, “Redrive a DLQ”).',
      'An alarm tells an operator when it is not empty.',
    ].join(' '),
    servers: SQS_SERVERS,
    messages: channelMessages(messages),
    bindings: { sqs: { queue: sqsQueue(dlq, false, statements), bindingVersion: '0.2.0' } },
  };
}

export function inboundBucketChannel() {
  return {
    address: `${INBOUND_PREFIX}{period}/{name}`,
    title: BUCKETS.inbound.description,
    summary: 'The PPS drops each monthly batch file here (an S3 object, not a queue).',
    description: [
      'Modelled as a channel although it is an S3 bucket, not a queue: the PPS “sends” a file by putting an object, and S3 notifies the hub on',
      `\`${QUEUES.batchNotifications.name}\`. The address is the object key in the inbound bucket (in AWS, the stateful stack's output \`BucketNameinbound\`;`,
      `on the laptop the bucket \`${BUCKETS.inbound.name}\`, path style). AsyncAPI has no S3 binding, so the channel carries none; the PPS's grant is \`s3:PutObject\``,
      `on \`${INBOUND_PREFIX}*\` only, with the inbound key through S3. A file is a batch by its content (SHA-256): the same bytes under any key are delivered once.`,
      `Refused files and every row outcome are in the batch report (monthly-batch §7, §8); for every file, the PPS is sent a \`batch.outcome\` on \`${QUEUES.ppsOutbound.name}\` once its report is written.`,
    ].join(' '),
    servers: S3_SERVERS,
    parameters: {
      period: {
        description: 'The month of the batch, `YYYY-MM`; every row must carry it (else `PERIOD_MISMATCH`).',
        examples: ['2025-10'],
      },
      name: {
        description:
          'The file name, directly in the month’s folder, ending in `.csv`, `.ndjson` or `.jsonl`, optionally followed by `.gz` (case-insensitive); anything else is `UNSUPPORTED_FILE`.',
        examples: ['ocmw-2025-10.csv', 'ocmw-2025-10.ndjson.gz'],
      },
    },
    messages: channelMessages([MONTHLY_FILE_MESSAGE]),
  };
}
