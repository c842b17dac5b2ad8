import { z } from 'zod';
import { S3EventNotificationSchema } from '../../../shared/adapters/s3-notification';
import { type RECIPIENTS, receivesAmounts } from '../../../shared/domain/recipients';
import type { MessageType } from '../../../shared/messages/envelope';
import { MESSAGE_EXAMPLES } from '../../../shared/messages/examples';
import { MESSAGE_SCHEMAS, type MessageSchemaName } from '../../../shared/messages/registry';

/** The messages of the AsyncAPI document (scripts/asyncapi.ts): the monthly file, S3's notification and every published schema. */

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
  'batch.outcome': { location: '$message.payload#/source', description: 'The key of the object the PPS dropped, whose outcome it is.' },
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

export function schemaMessage(name: MessageSchemaName) {
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

export function notificationMessage() {
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

export function monthlyFileMessage() {
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
