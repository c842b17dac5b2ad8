import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { objectCreatedEvent } from '../../../local/s3-notification';
import { sqsClient } from '../../../shared/adapters/aws-clients';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import { BUCKETS, QUEUES, TABLES } from '../../../shared/topology';
import { bytesOf, csvFile, validRow } from '../../support/rows';
import { type ServiceStub, serviceError, stubService } from '../../support/sdk-stub';
import { sqsEvent, sqsRecord } from '../../support/sqs-records';

/**
 * The split-batch handler with its SDK clients mocked: S3 and DynamoDB behave like small in-memory
 * services, SQS answers what each test needs (partial failures, throttling) below the SQS client's
 * own retries, so that the SDK's retry strategy runs as it does in the function.
 */

const s3 = mockClient(S3Client);
const dynamo = mockClient(DynamoDBDocumentClient);
let sqs: ServiceStub;

let objects: Map<string, Uint8Array>;
let items: Map<string, Record<string, unknown>>;
let delivered: Map<string, Array<{ id: string; body: string }>>;

function body(bytes: Uint8Array, breakAfter?: number) {
  const source =
    breakAfter === undefined
      ? Readable.from([bytes])
      : Readable.from(
          (async function* () {
            yield bytes.subarray(0, breakAfter);
            throw new Error('connection reset by peer');
          })(),
        );
  return Object.assign(source, { transformToString: async () => new TextDecoder().decode(bytes) });
}

/** The notification S3 sends to the batch-notifications queue when `key` was put, as split-batch receives it. */
function s3Event(key: string): SQSEvent {
  const notification = objectCreatedEvent({
    region: 'eu-west-1',
    bucket: 'inbound-bucket',
    key,
    size: 1,
    eTag: '"e"',
    eventTime: new Date(),
  });
  return sqsEvent(sqsRecord(notification, 'arn:aws:sqs:eu-west-1:111111111111:batch-notifications', { messageId: 'notification-1' }));
}

const context = { functionName: 'split-batch', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 900_000 } as unknown as Context;

let splitBatch: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

beforeAll(async () => {
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  process.env[BUCKETS.inbound.env] = 'inbound-bucket';
  process.env[BUCKETS.staging.env] = 'staging-bucket';
  process.env[BUCKETS.archive.env] = 'archive-bucket';
  process.env[BUCKETS.reports.env] = 'reports-bucket';
  process.env[TABLES.batches.env] = 'batches-table';
  process.env[TABLES.paymentLines.env] = 'payment-lines-table';
  process.env[TABLES.disclosures.env] = 'disclosures-table';
  process.env.DISCLOSURE_KEY_LOCAL = 'ab'.repeat(32);
  for (const recipient of RECIPIENTS)
    process.env[QUEUES.recipientOutbound[recipient].urlEnv] = `https://sqs.eu-west-1.amazonaws.com/111111111111/outbound-${recipient}`;
  ({ splitBatch } = (await import('../../../functions/split-batch')) as unknown as { splitBatch: typeof splitBatch });
  sqs = stubService(sqsClient(), () => {
    throw new Error('no SQS answer set for this test');
  });
});

beforeEach(() => {
  objects = new Map();
  items = new Map();
  delivered = new Map();
  s3.reset();
  sqs.attempts.length = 0;
  dynamo.reset();
  s3.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string }) => {
    objects.set(`${input.Bucket}/${input.Key}`, bytesOf(input.Body));
    return {};
  });
  s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    const bytes = objects.get(`${input.Bucket}/${input.Key}`);
    if (!bytes) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: body(bytes) };
  });
  s3.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix?: string }) => ({
    Contents: [...objects.keys()]
      .filter((k) => k.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`))
      .map((k) => ({ Key: k.slice(input.Bucket.length + 1) })),
  }));
  s3.on(DeleteObjectsCommand).callsFake((input: { Bucket: string; Delete: { Objects: Array<{ Key: string }> } }) => {
    for (const { Key } of input.Delete.Objects) objects.delete(`${input.Bucket}/${Key}`);
    return {};
  });
  dynamo.on(PutCommand).callsFake((input: { TableName: string; Item: Record<string, unknown>; ConditionExpression?: string }) => {
    const key = `${input.TableName}/${String(input.Item.pk)}/${String(input.Item.sk ?? '')}`;
    if (input.ConditionExpression?.includes('attribute_not_exists') && items.has(key)) {
      throw Object.assign(new Error('conditional'), { name: 'ConditionalCheckFailedException' });
    }
    items.set(key, input.Item);
    return {};
  });
  dynamo
    .on(UpdateCommand)
    .callsFake((input: { TableName: string; Key: { pk: string }; ExpressionAttributeValues: Record<string, unknown> }) => {
      const key = `${input.TableName}/${input.Key.pk}/`;
      const item = items.get(key);
      if (item && input.ExpressionAttributeValues[':delivered']) items.set(key, { ...item, status: 'DELIVERED' });
      return {};
    });
  dynamo
    .on(GetCommand)
    .callsFake((input: { TableName: string; Key: { pk: string } }) => ({ Item: items.get(`${input.TableName}/${input.Key.pk}/`) }));
  dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
});

type SendInput = { QueueUrl: string; Entries: SendMessageBatchRequestEntry[] };

/** Accepts the entries, with the body's MD5 that the SQS client checks. */
function acceptAll(entries: readonly SendMessageBatchRequestEntry[], queueUrl: string) {
  const list = delivered.get(queueUrl) ?? [];
  for (const entry of entries)
    list.push({ id: String(entry.MessageAttributes?.messageId?.StringValue ?? entry.Id), body: entry.MessageBody ?? '' });
  delivered.set(queueUrl, list);
  const md5 = (body = '') => createHash('md5').update(body).digest('hex');
  return { Successful: entries.map((e) => ({ Id: e.Id ?? '', MessageId: 'm', MD5OfMessageBody: md5(e.MessageBody) })), Failed: [] };
}

/** Answers every SendMessageBatch by `answer`. */
function sqsAnswers(answer: (input: SendInput) => unknown): void {
  sqs.answer = (_command, input) => answer(input as unknown as SendInput);
}

function recordsReceived(): number {
  let total = 0;
  for (const list of delivered.values()) {
    const byId = new Map(list.map((m) => [m.id, JSON.parse(m.body) as { records?: unknown[] }]));
    for (const message of byId.values()) total += message.records?.length ?? 0;
  }
  return total;
}

const FILE = bytesOf(
  csvFile(Array.from({ length: 90 }, (_, i) => validRow({ reference: `R${i}`, ocmwNis: ['11002', '21004', '62063'][i % 3] }))),
);

describe('split-batch handler', () => {
  it('retries the entries that SendMessageBatch reported failed, and delivers every record', async () => {
    objects.set('inbound-bucket/monthly/2025-11/batch one.csv', FILE);
    let first = true;
    sqsAnswers((input) => {
      if (first) {
        first = false;
        const [failed, ...rest] = input.Entries;
        const answer = acceptAll(rest, input.QueueUrl);
        return { ...answer, Failed: [{ Id: failed?.Id ?? '', SenderFault: false, Code: 'InternalError' }] };
      }
      return acceptAll(input.Entries, input.QueueUrl);
    });

    const response = await splitBatch(s3Event('monthly/2025-11/batch one.csv'), context);

    expect(response.batchItemFailures).toEqual([]);
    expect(recordsReceived()).toBe(90);
    expect(sqs.attempts.length).toBe(7); // 3 records + 3 completed, and the one retry
  });

  it('survives throttling of SendMessageBatch: the SQS client sends the throttled call again', async () => {
    objects.set('inbound-bucket/monthly/2025-11/b.csv', FILE);
    let first = true;
    sqsAnswers((input) => {
      if (first) {
        first = false;
        throw serviceError('ThrottlingException', 400, 'Rate exceeded');
      }
      return acceptAll(input.Entries, input.QueueUrl);
    });

    const response = await splitBatch(s3Event('monthly/2025-11/b.csv'), context);

    expect(response.batchItemFailures).toEqual([]);
    expect(recordsReceived()).toBe(90);
    expect(sqs.attempts.length).toBe(7); // 3 records + 3 completed, and the SDK's one retry
  });

  it('publishes nothing when the S3 stream breaks half-way, and reports the notification as failed so SQS retries it', async () => {
    objects.set('inbound-bucket/monthly/2025-11/c.csv', FILE);
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(FILE, Math.floor(FILE.length / 2)) }));
    sqsAnswers((input) => acceptAll(input.Entries, input.QueueUrl));

    const response = await splitBatch(s3Event('monthly/2025-11/c.csv'), context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'notification-1' }]);
    expect(sqs.attempts).toHaveLength(0);
    expect([...objects.keys()].filter((k) => k.startsWith('staging-bucket/'))).toEqual([]);
    expect([...objects.keys()].filter((k) => k.startsWith('reports-bucket/'))).toEqual([]);
  });

  it('fails the notification loudly when entries keep failing, after archiving but before marking the batch delivered', async () => {
    objects.set('inbound-bucket/monthly/2025-11/d.csv', FILE);
    sqsAnswers((input) => ({
      Successful: [],
      Failed: input.Entries.map((e) => ({ Id: e.Id ?? '', SenderFault: false, Code: 'ServiceUnavailable' })),
    }));

    const response = await splitBatch(s3Event('monthly/2025-11/d.csv'), context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'notification-1' }]);
    const manifest = [...items.entries()].find(([k]) => k.startsWith('batches-table/'))?.[1];
    expect(manifest?.status).toBe('PUBLISHING');
  }, 120_000);
});
