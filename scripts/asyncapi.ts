import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dump } from 'js-yaml';
import { z } from 'zod';
import { EVENT_SOURCE_ACTIONS } from '../infra/access';
import { STAGES } from '../infra/config';
import { RECEIVE_WAIT_SECONDS } from '../infra/constants';
import { partyQueueName } from '../infra/naming';
import { CONSUMER_ACTIONS, PARTY_CHANNELS, type Party, PRODUCER_ACTIONS, queuePhysicalNames } from '../infra/party-access';
import { INBOUND_PREFIX } from '../infra/stateful-stack';
import { FIXED_PORTS } from '../local/stand-in';
import { S3EventNotificationSchema } from '../shared/adapters/s3-notification';
import { RECIPIENTS, RETURNING_RECIPIENTS, receivesAmounts } from '../shared/domain/recipients';
import { MAX_MESSAGE_BYTES, type MessageType, SCHEMA_VERSION } from '../shared/messages/envelope';
import { MESSAGE_EXAMPLES } from '../shared/messages/examples';
import { MESSAGE_SCHEMAS, type MessageSchemaName } from '../shared/messages/registry';
import { BUCKETS, deadLetterQueueOf, FUNCTIONS, type FunctionDeclaration, QUEUES, type QueueSpec } from '../shared/topology';

/**
 * Writes `asyncapi.yaml` (AsyncAPI 3.0.0), the contract of every channel of the hub, from the
 * topology (shared/topology.ts), the parties' grants (infra/party-access.ts, the same mapping the
 * stateful stack applies) and the message registry, whose payloads are the published JSON Schemas
 * (`schemas/`, `npm run schemas`), referenced by path:
 *
 *     npm run asyncapi
 *
 * The file is generated, never edited by hand; test/unit/contract/asyncapi.test.ts fails when
 * generating it again would change it, and parses it with @asyncapi/parser.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where the document is written. */
export const ASYNCAPI_PATH = resolve(ROOT, 'asyncapi.yaml');

/** A party that uses the hub's channels from outside: the three recipients and the PPS. */

/** The message schemas each queue carries (messages.md): the one place the document says so. */
function messagesOf(queue: QueueSpec): MessageSchemaName[] {
  for (const r of RECIPIENTS) {
    if (queue === QUEUES.recipientOutbound[r]) {
      const batch: MessageSchemaName[] = [`batch.records.${r}`, `batch.completed.${r}`];
      // FOREM sends nothing back, so it is never told an outcome or a refusal.
      return (RETURNING_RECIPIENTS as readonly string[]).includes(r) ? [...batch, 'correction.outcome', 'message.refused'] : batch;
    }
  }
  for (const r of RETURNING_RECIPIENTS) {
    if (queue === QUEUES.recipientInbound[r]) return ['validation.decision.inbound', 'correction.request.inbound'];
  }
  if (queue === QUEUES.ppsOutbound) return ['validation.decision.pps', 'correction.request.pps', 'message.refused'];
  if (queue === QUEUES.ppsInbound) return ['correction.decision'];
  if (queue === QUEUES.ocmwOutbound) return ['correction.approved'];
  return [];
}

/** The message types a function of the hub sends to a queue (shared/domain/batch/deliver.ts, return-flows/). */
const TYPES_SENT_BY: Readonly<Record<string, (queue: QueueSpec) => readonly MessageType[]>> = {
  [FUNCTIONS.splitBatch.name]: () => ['batch.records', 'batch.completed'],
  // Decisions and requests passed on to the PPS; a refusal to the region that sent.
  [FUNCTIONS.regionInbound.name]: (queue) =>
    queue === QUEUES.ppsOutbound ? ['validation.decision', 'correction.request'] : ['message.refused'],
  // A refusal to the PPS, the approved correction to the OCMW, the outcome to the requester.
  [FUNCTIONS.ppsInbound.name]: (queue) =>
    queue === QUEUES.ppsOutbound ? ['message.refused'] : queue === QUEUES.ocmwOutbound ? ['correction.approved'] : ['correction.outcome'],
};

const NOTIFICATION_MESSAGE = 's3.ObjectCreated';
const MONTHLY_FILE_MESSAGE = 'monthly.file';

/** The queues in the document's order: each queue, then its dead-letter queue. */
function queuesInOrder(): QueueSpec[] {
  return [
    QUEUES.batchNotifications,
    ...RECIPIENTS.map((r) => QUEUES.recipientOutbound[r]),
    ...RETURNING_RECIPIENTS.map((r) => QUEUES.recipientInbound[r]),
    QUEUES.ppsOutbound,
    QUEUES.ppsInbound,
    QUEUES.ocmwOutbound,
  ];
}

/** The hub's functions that send to (or are triggered by) a queue, by `pick`. */
function functionsOf(pick: (f: FunctionDeclaration) => readonly QueueSpec[], queue: QueueSpec): FunctionDeclaration[] {
  return Object.values(FUNCTIONS as Record<string, FunctionDeclaration>).filter((f) => pick(f).includes(queue));
}

/** Who sends to a queue and who receives from it: the parties' grants and the hub's functions. */
function accessOf(queue: QueueSpec): { senders: string[]; receivers: string[]; statements: object[] } {
  const senderParties = (Object.keys(PARTY_CHANNELS) as Party[]).filter((p) => PARTY_CHANNELS[p].sendsTo.includes(queue));
  const receiverParties = (Object.keys(PARTY_CHANNELS) as Party[]).filter((p) => PARTY_CHANNELS[p].consumes.includes(queue));
  const sendingFunctions = functionsOf((f) => f.uses.sendsTo, queue).map((f) => f.name);
  const receivingFunctions = functionsOf((f) => f.triggers, queue).map((f) => f.name);
  const statements: object[] = [
    ...senderParties.map((p) => ({ effect: 'Allow', principal: partyPrincipal(p), action: PRODUCER_ACTIONS })),
    ...receiverParties.map((p) => ({ effect: 'Allow', principal: partyPrincipal(p), action: CONSUMER_ACTIONS })),
    ...sendingFunctions.map((f) => ({ effect: 'Allow', principal: functionPrincipal(f), action: ['sqs:SendMessage'] })),
    ...receivingFunctions.map((f) => ({ effect: 'Allow', principal: functionPrincipal(f), action: EVENT_SOURCE_ACTIONS })),
  ];
  if (queue === QUEUES.batchNotifications) {
    statements.unshift({ effect: 'Allow', principal: 's3.amazonaws.com', action: ['sqs:SendMessage'] });
  }
  return {
    senders: [
      ...(queue === QUEUES.batchNotifications ? ['Amazon S3 (the inbound bucket)'] : []),
      ...senderParties,
      ...sendingFunctions.map(hubFunction),
    ],
    receivers: [...receiverParties, ...receivingFunctions.map(hubFunction)],
    statements,
  };
}

/** A party's role as the stage configuration names it (infra/config.ts); the ARN differs per stage. */
function partyPrincipal(party: Party): string {
  return party === 'PPS'
    ? 'the PPS role (stage configuration pps.roleArn)'
    : `the ${party} role (stage configuration recipients.${party}.roleArn)`;
}

function functionPrincipal(name: string): string {
  return `the role of the hub's ${name} function (in the hub's account)`;
}

function hubFunction(name: string): string {
  return `the hub (${name})`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

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

function channelRef(id: string) {
  return { $ref: `#/channels/${id}` };
}

function channelMessages(names: readonly string[]) {
  return Object.fromEntries(names.map((n) => [n, { $ref: `#/components/messages/${n}` }]));
}

const SQS_SERVERS = [{ $ref: '#/servers/aws-sqs' }, { $ref: '#/servers/local-sqs' }];
const S3_SERVERS = [{ $ref: '#/servers/aws-s3' }, { $ref: '#/servers/local-s3' }];

/** The delivery semantics every reader of a queue relies on (messages.md, monthly-batch §8). */
const DELIVERY_SEMANTICS = [
  '**Delivery semantics** (every queue is a standard SQS queue, not FIFO):',
  '',
  '- **At least once.** A message may arrive more than once. Its `messageId` is stable (the same message sent again carries the same id): drop duplicates by `messageId`.',
  '- **In no particular order.** `batch.records` carry `seq` 1, 2, … within a batch and recipient; `batch.completed` may arrive before the records it counts. A batch is complete when the reader holds `batch.completed.messages` distinct `seq` for its `batchId` (and then its records, and for VDAB and Actiris its amounts, equal `records`, `amountCents` and `amount`).',
  '- **Delete after handling.** A message not deleted within the visibility timeout is delivered again; after 5 receives it moves to the queue’s dead-letter queue (`<queue>-dlq`), which a recipient may read too.',
  `- **Size.** A body is at most ${MAX_MESSAGE_BYTES / 1024} KiB (one SQS billing unit), one JSON object with the envelope \`type\`, \`schemaVersion\` (${SCHEMA_VERSION}), \`messageId\`, \`sentAt\`.`,
  '- **The sender is the channel.** The hub takes the sender of a message from the queue it came on, never from a field. A message it refuses changes nothing; its sender is told with `message.refused` on its outbound queue.',
].join('\n');

/** How the queue is named in AWS: `art60-<stage>-<name>` where a party names it in its policies (infra/naming.ts). */
function awsQueueName(spec: QueueSpec): string {
  return queuePhysicalNames('<stage>', spec).queueName === undefined
    ? 'CloudFormation names it'
    : `\`${partyQueueName('<stage>', spec.name)}\``;
}

function sqsChannel(spec: QueueSpec) {
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

function deadLetterChannel(spec: QueueSpec) {
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

function inboundBucketChannel() {
  return {
    address: `${INBOUND_PREFIX}{period}/{name}`,
    title: BUCKETS.inbound.description,
    summary: 'The PPS drops each monthly batch file here (an S3 object, not a queue).',
    description: [
      'Modelled as a channel although it is an S3 bucket, not a queue: the PPS “sends” a file by putting an object, and S3 notifies the hub on',
      `\`${QUEUES.batchNotifications.name}\`. The address is the object key in the inbound bucket (in AWS, the stateful stack's output \`BucketNameinbound\`;`,
      `on the laptop the bucket \`${BUCKETS.inbound.name}\`, path style). AsyncAPI has no S3 binding, so the channel carries none; the PPS's grant is \`s3:PutObject\``,
      `on \`${INBOUND_PREFIX}*\` only, with the inbound key through S3. A file is a batch by its content (SHA-256): the same bytes under any key are delivered once.`,
      'Refused files and every row outcome are in the batch report (monthly-batch §7, §8).',
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

/** A small monthly file of one row, in the columns of monthly-batch §2. */
const EXAMPLE_CSV = [
  'period;ocmwKbo;ocmwNis;ocmwName;regulation;fileNumber;insz;beneficiaryRole;performanceStart;performanceEnd;accountingStart;accountingEnd;reference;amount;paymentType;decidingOrganisation;budgetArticle;assistanceType;paymentRecipient;employmentType;employmentPlace;workSchedule;activationType',
  '2025-10;0212.351.212;11002;OCMW Antwerpen;ART60_7;D/2025/118;85.07.30-033.28;PRIMARY;2025-10-01;2025-10-31;2025-10-01;2025-10-31;PPS-2025-10-000042;1234.5;MONTHLY;OCMW;44.11.01;RI;EMPLOYER;ART60;Stad Antwerpen, groendienst;FULL_TIME;WORK_EXPERIENCE',
  '',
].join('\n');

const EXAMPLE_NOTIFICATION = {
  Records: [
    {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventTime: '2025-11-03T06:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'AWS:AROAEXAMPLEPPS:pps-upload' },
      requestParameters: { sourceIPAddress: '192.0.2.10' },
      responseElements: { 'x-amz-request-id': '4C3B2A1F0E9D8C7B', 'x-amz-id-2': 'ZXhhbXBsZS1ob3N0LWlk' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'monthly-files',
        bucket: { name: 'inbound', ownerIdentity: { principalId: 'A1EXAMPLE' }, arn: 'arn:aws:s3:::inbound' },
        object: {
          key: 'monthly/2025-10/ocmw-2025-10.csv',
          size: 612,
          eTag: '9b2cf535f27731c974343645a3985328',
          sequencer: '0067272F5E8C3B7A10',
        },
      },
    },
  ],
};

/** The SQS message attributes of a message, as the message's `headers`. */
function attributesOf(type: string, fromHub: boolean) {
  return {
    type: 'object',
    description: fromHub
      ? 'SQS message attributes (DataType String) the hub sets on every message it sends, so that a reader can route and drop duplicates without parsing the body.'
      : 'SQS message attributes (DataType String) the sender may set. The hub reads `type` and refuses the message (`MALFORMED_MESSAGE`) when it differs from the body’s; it reads the `messageId` of the body only.',
    properties: {
      type: { type: 'string', const: type, description: 'The message type, equal to the body’s `type`.' },
      messageId: {
        type: 'string',
        minLength: 1,
        description: fromHub ? 'Equal to the body’s `messageId`.' : 'Optional; when set, equal to the body’s `messageId`.',
      },
    },
    ...(fromHub ? { required: ['type', 'messageId'] } : {}),
  };
}

/** Messages the parties send to the hub; the hub sends every other one. */
const SENT_TO_HUB: ReadonlySet<MessageSchemaName> = new Set([
  'validation.decision.inbound',
  'correction.request.inbound',
  'correction.decision',
]);

function titleOf(name: MessageSchemaName): string {
  const [type, ...rest] = name.split('.');
  const leg = rest.slice(1).join('.');
  const base = `${type}.${rest[0]}`;
  if (leg === 'inbound') return `${base}, recipient → hub`;
  if (leg === 'pps') return `${base}, hub → PPS`;
  if (leg !== '') return `${base} to ${leg}`;
  return base;
}

/** The pointer to the field a message answers, where it answers one. */
const CORRELATION: Partial<Record<MessageSchemaName, { location: string; description: string }>> = {
  'correction.outcome': { location: '$message.payload#/requestId', description: 'The requester’s `requestId` of the request it answers.' },
  'message.refused': { location: '$message.payload#/refusedMessageId', description: 'The `messageId` of the refused message.' },
  'correction.decision': { location: '$message.payload#/correctionId', description: 'The hub’s `correctionId` of the request decided on.' },
  'correction.approved': { location: '$message.payload#/correctionId', description: 'The hub’s `correctionId` of the approved request.' },
  'validation.decision.pps': { location: '$message.payload#/decisionId', description: 'The recipient’s `decisionId`.' },
  'correction.request.pps': {
    location: '$message.payload#/correctionId',
    description: 'The hub’s `correctionId`, which the PPS’s decision names.',
  },
};

function schemaMessage(name: MessageSchemaName) {
  const example = MESSAGE_EXAMPLES[name] as { type: MessageType; messageId: string };
  const fromHub = !SENT_TO_HUB.has(name);
  const description = MESSAGE_SCHEMAS[name].description ?? '';
  const perRecipient = name.startsWith('batch.completed.') && !receivesAmounts(name.split('.')[2] as (typeof RECIPIENTS)[number]);
  return {
    name: example.type,
    title: titleOf(name),
    summary: description,
    description: [
      `Payload: the published JSON Schema \`schemas/${name}.schema.json\` (\`$id\` \`urn:art60-hub:schema:${name}\`).`,
      perRecipient ? 'No amounts: FOREM receives no payment data.' : '',
    ]
      .filter((s) => s !== '')
      .join(' '),
    contentType: 'application/json',
    headers: attributesOf(example.type, fromHub),
    payload: { $ref: `./schemas/${name}.schema.json` },
    ...(CORRELATION[name] ? { correlationId: CORRELATION[name] } : {}),
    examples: [
      {
        name: name.replaceAll('.', '-'),
        summary: `An example of ${titleOf(name)}`,
        headers: fromHub ? { type: example.type, messageId: example.messageId } : { type: example.type },
        payload: example,
      },
    ],
  };
}

function notificationMessage() {
  const { $schema: _ignored, ...payload } = z.toJSONSchema(S3EventNotificationSchema, { target: 'draft-7', io: 'input' }) as Record<
    string,
    unknown
  >;
  return {
    name: 'ObjectCreated',
    title: 'S3 event notification',
    summary: 'S3’s notification that an object was created under `monthly/` in the inbound bucket (event message structure 2.x).',
    description:
      'Internal to the hub: S3 writes it, split-batch reads it (shared/adapters/s3-notification.ts, which also accepts S3’s one-off `s3:TestEvent`). No party reads or writes this queue.',
    contentType: 'application/json',
    payload,
    examples: [{ name: 'object-created', summary: 'A monthly file was put', payload: EXAMPLE_NOTIFICATION }],
  };
}

function monthlyFileMessage() {
  return {
    name: 'monthly-file',
    title: 'Monthly batch file',
    summary: 'A monthly batch file of the PPS: one row per payment line (monthly-batch §2).',
    description: [
      'UTF-8 (an optional byte-order mark), LF or CRLF. CSV: separator `;`, RFC 4180 quoting, a header line naming the columns in any order.',
      'NDJSON: one JSON object per line with the same keys. Either may be gzipped (`.gz`). Columns and rules: monthly-batch §2;',
      'the hub normalises KBO and INSZ (dots, dashes and spaces removed) and delivers to each recipient only what §6 grants it.',
    ].join(' '),
    contentType: 'text/csv',
    payload: {
      type: 'string',
      description: 'The bytes of the file: CSV (`text/csv`) or NDJSON (`application/x-ndjson`), optionally gzip.',
    },
    examples: [{ name: 'csv-one-row', summary: 'A CSV file of one row', payload: EXAMPLE_CSV }],
  };
}

function operationsFor() {
  const operations: Record<string, object> = {};
  const tag = (name: string) => [{ $ref: `#/components/tags/${name}` }];
  const ref = (queue: QueueSpec, dead = false, only?: readonly MessageType[]) => {
    const id = dead ? deadLetterQueueOf(queue).name : queue.name;
    const all = queue === QUEUES.batchNotifications ? [NOTIFICATION_MESSAGE] : messagesOf(queue);
    const names = only === undefined ? all : all.filter((n) => only.includes(MESSAGE_EXAMPLES[n as MessageSchemaName].type as MessageType));
    return { channel: channelRef(id), messages: names.map((n) => ({ $ref: `#/channels/${id}/messages/${n}` })) };
  };
  const slug = (s: string) => s.toLowerCase();

  operations['pps-uploads-monthly-file'] = {
    action: 'send',
    channel: channelRef('inbound-bucket'),
    title: 'PPS uploads a monthly file',
    summary: `The PPS puts a batch file under \`${INBOUND_PREFIX}<YYYY-MM>/\` of the inbound bucket.`,
    tags: tag('PPS'),
    messages: [{ $ref: `#/channels/inbound-bucket/messages/${MONTHLY_FILE_MESSAGE}` }],
  };
  operations['hub-receives-monthly-file'] = {
    action: 'receive',
    channel: channelRef('inbound-bucket'),
    title: 'The hub reads a monthly file',
    summary: `${FUNCTIONS.splitBatch.name} reads the file S3 notified on \`${QUEUES.batchNotifications.name}\`, checks it and splits it per recipient.`,
    tags: tag('hub'),
    messages: [{ $ref: `#/channels/inbound-bucket/messages/${MONTHLY_FILE_MESSAGE}` }],
  };
  operations['s3-sends-batch-notifications'] = {
    action: 'send',
    title: 'S3 notifies a new file',
    summary: 'Amazon S3 sends an ObjectCreated notification for every object put under `monthly/`.',
    tags: tag('hub'),
    ...ref(QUEUES.batchNotifications),
  };

  for (const queue of queuesInOrder()) {
    for (const { name: f } of functionsOf((fn) => fn.uses.sendsTo, queue)) {
      operations[`hub-${f}-sends-${queue.name}`] = {
        action: 'send',
        title: `The hub (${f}) sends to ${queue.name}`,
        summary: `${f} publishes with SendMessageBatch, the attributes \`type\` and \`messageId\` on every message.`,
        tags: tag('hub'),
        ...ref(queue, false, TYPES_SENT_BY[f]?.(queue) ?? []),
      };
    }
    for (const { name: f, batchSize } of functionsOf((fn) => fn.triggers, queue)) {
      operations[`hub-${f}-receives-${queue.name}`] = {
        action: 'receive',
        title: `The hub (${f}) receives from ${queue.name}`,
        summary: `An event source mapping invokes ${f} with up to ${batchSize} message${batchSize === 1 ? '' : 's'} at a time; failed ones are retried, then dead-lettered.`,
        tags: tag('hub'),
        ...ref(queue),
      };
    }
  }

  for (const party of Object.keys(PARTY_CHANNELS) as Party[]) {
    for (const queue of PARTY_CHANNELS[party].consumes) {
      operations[`${slug(party)}-receives-${queue.name}`] = {
        action: 'receive',
        title: `${party} receives from ${queue.name}`,
        summary: `${party} long-polls \`${queue.name}\` (ReceiveMessage), handles each message, then deletes it (DeleteMessage).`,
        description:
          'Drop a message whose `messageId` was already handled (delete it too); check each body against its schema; assemble a batch by `seq` until `batch.completed.messages` distinct `seq` are there.',
        tags: tag(party),
        ...ref(queue),
      };
      operations[`${slug(party)}-receives-${deadLetterQueueOf(queue).name}`] = {
        action: 'receive',
        title: `${party} reads its dead letters of ${queue.name}`,
        summary: `${party} may read \`${deadLetterQueueOf(queue).name}\`: messages it received ${queue.maxReceiveCount} times without deleting them.`,
        tags: tag(party),
        ...ref(queue, true),
      };
    }
    for (const queue of PARTY_CHANNELS[party].sendsTo) {
      operations[`${slug(party)}-sends-${queue.name}`] = {
        action: 'send',
        title: `${party} sends to ${queue.name}`,
        summary: `${party} sends with SendMessage (or SendMessageBatch); set the attribute \`type\` to the body’s type.`,
        description:
          'Every message is answered only when refused (`message.refused` on the sender’s outbound queue). A message sent again with the same `messageId` (or `decisionId`, `requestId`) and content is a no-op.',
        tags: tag(party),
        ...ref(queue),
      };
    }
  }
  return operations;
}

/** The AsyncAPI document, as an object in the order it is written. */
export function buildAsyncApi(): Record<string, unknown> {
  const region = STAGES.dev?.region ?? 'eu-west-1';
  const channels: Record<string, unknown> = { 'inbound-bucket': inboundBucketChannel() };
  for (const queue of queuesInOrder()) {
    channels[queue.name] = sqsChannel(queue);
    channels[deadLetterQueueOf(queue).name] = deadLetterChannel(queue);
  }
  const messages: Record<string, unknown> = {
    [MONTHLY_FILE_MESSAGE]: monthlyFileMessage(),
    [NOTIFICATION_MESSAGE]: notificationMessage(),
  };
  for (const name of Object.keys(MESSAGE_SCHEMAS) as MessageSchemaName[]) messages[name] = schemaMessage(name);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Art. 60 §7 exchange hub',
      version: `${SCHEMA_VERSION}.0.0`,
      description: [
        'The channels of the hub that carries the monthly art. 60 §7 activation data of the OCMWs/CPAS from the PPS Social Integration to VDAB, Actiris and FOREM (deliberation 19/122), and the return flows: validation decisions and correction requests of VDAB and Actiris, the PPS’s decisions, approved corrections for the OCMWs.',
        '',
        'Generated by `npm run asyncapi` from shared/topology.ts and the message registry; never edit it by hand. Payloads are the published JSON Schemas in `schemas/`.',
        '',
        DELIVERY_SEMANTICS,
      ].join('\n'),
      tags: [{ $ref: '#/components/tags/hub' }],
    },
    servers: {
      'aws-sqs': {
        host: 'sqs.{region}.amazonaws.com',
        protocol: 'sqs',
        title: 'Amazon SQS',
        summary: 'The hub’s queues in AWS.',
        description:
          'Queue URLs are the stateful stack’s outputs (`QueueUrl<name>`); every party uses its own IAM role, TLS only, SSE-KMS with its own key.',
        variables: { region: { default: region, description: 'The hub’s region (infra/config.ts).' } },
      },
      'local-sqs': {
        host: `localhost:${FIXED_PORTS.fauxqs}`,
        protocol: 'sqs',
        title: 'Local stand-in (SQS)',
        summary: '`npm run local`: the same queues, under their logical names.',
      },
      'aws-s3': {
        host: 's3.{region}.amazonaws.com',
        protocol: 'https',
        title: 'Amazon S3',
        summary: 'The inbound bucket in AWS (the stateful stack’s output `BucketNameinbound`).',
        variables: { region: { default: region, description: 'The hub’s region (infra/config.ts).' } },
      },
      'local-s3': {
        host: `localhost:${FIXED_PORTS.fauxqs}`,
        protocol: 'http',
        title: 'Local stand-in (S3)',
        summary: '`npm run local`: the bucket `inbound`, path style.',
      },
    },
    defaultContentType: 'application/json',
    channels,
    operations: operationsFor(),
    components: {
      messages,
      tags: {
        hub: { name: 'hub', description: 'The exchange hub itself: its functions and S3’s notifications.' },
        ...Object.fromEntries(
          RECIPIENTS.map((r) => [
            r,
            {
              name: r,
              description: (RETURNING_RECIPIENTS as readonly string[]).includes(r)
                ? `${r}: reads its outbound queue, sends validation decisions and correction requests.`
                : `${r}: reads its outbound queue; no payment data, nothing to send back.`,
            },
          ]),
        ),
        PPS: {
          name: 'PPS',
          description: 'The PPS Social Integration: uploads the monthly files, reads its queue and the OCMW queue, decides corrections.',
        },
      },
    },
  };
}

/** The text of asyncapi.yaml: a header line, then the document as YAML, keys in the order built. */
export function asyncApiText(): string {
  const yaml = dump(buildAsyncApi(), { lineWidth: -1, noRefs: true, quotingType: '"' });
  return `# Generated by \`npm run asyncapi\` (scripts/asyncapi.ts). Do not edit by hand.\n${yaml}`;
}

/** Writes asyncapi.yaml; answers whether it changed. */
export async function writeAsyncApi(path: string = ASYNCAPI_PATH): Promise<boolean> {
  const text = asyncApiText();
  const before = await readFile(path, 'utf8').catch(() => '');
  if (before === text) return false;
  await writeFile(path, text);
  return true;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeAsyncApi()
    .then((changed) => process.stderr.write(`${changed ? 'wrote' : 'unchanged:'} ${ASYNCAPI_PATH}\n`))
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
