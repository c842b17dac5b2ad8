import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SplitBatchDependencies, splitBatchRecordHandler as SplitBatchRecordHandler } from '../../../functions/split-batch';
import { sqsClient } from '../../../shared/adapters/aws-clients';
import { NotAnS3NotificationError, type S3EventNotification, type S3EventRecord } from '../../../shared/adapters/s3-notification';
import { DEFAULT_MAX_REJECTED_SHARE } from '../../../shared/domain/batch/split';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import { METRIC, metrics } from '../../../shared/observability';
import { BUCKETS, QUEUES, TABLES } from '../../../shared/topology';
import { memoryBatch } from '../../support/batch-dependencies';
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
// The delivery ledger marshals its items itself and writes them with the low-level client.
const ledgerDynamo = mockClient(DynamoDBClient);
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

/** One record of a notification as S3 writes it: `+` for a space, `%2B` for a plus. */
function createdRecord(key: string, overrides: { bucket?: string; eventName?: string; eventTime?: string } = {}): S3EventRecord {
  const bucket = overrides.bucket ?? 'inbound-bucket';
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'eu-west-1',
    eventTime: overrides.eventTime ?? '2025-12-01T08:00:00.000Z',
    eventName: overrides.eventName ?? 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
    requestParameters: { sourceIPAddress: '2001:db8::1' },
    responseElements: { 'x-amz-request-id': 'D82B88E5F771F645', 'x-amz-id-2': 'vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGV' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'monthly-files',
      bucket: { name: bucket, ownerIdentity: { principalId: 'A3I5XTEXAMAI3E' }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'), size: 1, eTag: 'e', sequencer: '0A' },
    },
  };
}

const PPS_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/outbound-pps';
const NOTIFICATIONS_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:111111111111:batch-notifications';
const NOTIFICATIONS_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111111111111/batch-notifications';

/** A message of the batch-notifications queue, as split-batch receives it. */
function notificationRecord(body: string, messageId = 'notification-1'): SQSRecord {
  return sqsRecord(body, NOTIFICATIONS_QUEUE_ARN, { messageId });
}

/** The notification S3 sends to the batch-notifications queue when `key` was put. */
function s3Event(key: string): SQSEvent {
  const notification: S3EventNotification = { Records: [createdRecord(key)] };
  return sqsEvent(notificationRecord(JSON.stringify(notification)));
}

const context = { functionName: 'split-batch', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 900_000 } as unknown as Context;

let splitBatch: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let splitBatchRecordHandler: typeof SplitBatchRecordHandler;

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
  process.env[TABLES.deliveryProofs.env] = 'delivery-proofs-table';
  process.env.DISCLOSURE_KEY_LOCAL = 'ab'.repeat(32);
  process.env[QUEUES.batchNotifications.arnEnv] = NOTIFICATIONS_QUEUE_ARN;
  process.env[QUEUES.batchNotifications.urlEnv] = NOTIFICATIONS_QUEUE_URL;
  for (const recipient of RECIPIENTS)
    process.env[QUEUES.recipientOutbound[recipient].urlEnv] = `https://sqs.eu-west-1.amazonaws.com/111111111111/outbound-${recipient}`;
  process.env[QUEUES.ppsOutbound.urlEnv] = PPS_QUEUE_URL;
  // Imported once the environment is set: the module reads its configuration as Lambda's cold start does.
  const module = await import('../../../functions/split-batch');
  splitBatch = module.handler;
  splitBatchRecordHandler = module.splitBatchRecordHandler;
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
  ledgerDynamo.reset();
  ledgerDynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
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
  sqs.answer = (command, input) => (command === 'ChangeMessageVisibilityCommand' ? {} : answer(input as unknown as SendInput));
}

/** The sends that reached SQS (the SDK's retries included), and the visibility changes of failed notifications. */
const sends = () => sqs.attempts.filter((a) => a.command === 'SendMessageBatchCommand');
const visibilityChanges = () => sqs.attempts.filter((a) => a.command === 'ChangeMessageVisibilityCommand').map((a) => a.input);

function recordsReceived(): number {
  let total = 0;
  for (const list of delivered.values()) {
    const byId = new Map(list.map((m) => [m.id, JSON.parse(m.body) as { records?: unknown[] }]));
    for (const message of byId.values()) total += message.records?.length ?? 0;
  }
  return total;
}

const FILE = bytesOf(
  csvFile(
    Array.from({ length: 90 }, (_, i) =>
      // Distinct file numbers: FOREM receives each distinct record once (monthly-batch §6).
      validRow({ reference: `R${i}`, fileNumber: `D-${i}`, ocmwNis: ['11002', '21004', '62063'][i % 3] }),
    ),
  ),
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
    expect(sends().length).toBe(8); // 3 records + 3 completed + the PPS's outcome, and the one retry
    expect(delivered.get(PPS_QUEUE_URL)?.map((m) => JSON.parse(m.body) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ type: 'batch.outcome', source: 'monthly/2025-11/batch one.csv', delivered: 90, duplicateOf: null }),
    ]);
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
    expect(sends().length).toBe(8); // 3 records + 3 completed + the PPS's outcome, and the SDK's one retry
  });

  it('publishes nothing when the S3 stream breaks half-way, and reports the notification as failed so SQS retries it', async () => {
    objects.set('inbound-bucket/monthly/2025-11/c.csv', FILE);
    s3.on(GetObjectCommand).callsFake(() => ({ Body: body(FILE, Math.floor(FILE.length / 2)) }));
    sqsAnswers((input) => acceptAll(input.Entries, input.QueueUrl));

    const response = await splitBatch(s3Event('monthly/2025-11/c.csv'), context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'notification-1' }]);
    expect(sends()).toHaveLength(0);
    // Delivered again once the failed attempt's lease has run out (the function's timeout), not sooner.
    expect(visibilityChanges()).toEqual([
      { QueueUrl: NOTIFICATIONS_QUEUE_URL, ReceiptHandle: expect.any(String), VisibilityTimeout: expect.any(Number) },
    ]);
    const [change] = visibilityChanges();
    expect(change?.VisibilityTimeout).toBeGreaterThanOrEqual(900);
    expect(change?.VisibilityTimeout).toBeLessThanOrEqual(990);
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

describe('split-batch failed notifications (the invocation itself does not fail)', () => {
  afterEach(() => vi.restoreAllMocks());

  /** The sum of a metric's values added while `action` ran. */
  async function counted(name: string, action: () => Promise<unknown>): Promise<number> {
    const added = vi.spyOn(metrics, 'addMetric');
    await action();
    return added.mock.calls.filter(([metric]) => metric === name).reduce((sum, [, , value]) => sum + value, 0);
  }

  it('counts each notification it fails, a file that breaks and a body that is no notification, in BatchesFailed', async () => {
    objects.set('inbound-bucket/monthly/2025-11/e.csv', FILE);
    // Other bytes: the records are processed concurrently, and the same bytes would be one batch.
    objects.set('inbound-bucket/monthly/2025-11/f.csv', bytesOf(csvFile([validRow({ reference: 'F1', ocmwNis: '11002' })])));
    s3.on(GetObjectCommand, { Key: 'monthly/2025-11/e.csv' }).callsFake(() => ({ Body: body(FILE, Math.floor(FILE.length / 2)) }));
    sqsAnswers((input) => acceptAll(input.Entries, input.QueueUrl));
    const event: SQSEvent = {
      Records: [
        s3Event('monthly/2025-11/e.csv').Records[0]!,
        notificationRecord('{"hello":"world"}', 'junk-2'),
        { ...s3Event('monthly/2025-11/f.csv').Records[0]!, messageId: 'notification-3' },
      ],
    };
    let response: SQSBatchResponse | undefined;

    const failed = await counted(METRIC.batchesFailed, async () => {
      response = await splitBatch(event, context);
    });

    expect(response?.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['junk-2', 'notification-1']);
    expect(failed).toBe(2);
  });

  it('counts nothing when every notification succeeds', async () => {
    objects.set('inbound-bucket/monthly/2025-11/g.csv', FILE);
    sqsAnswers((input) => acceptAll(input.Entries, input.QueueUrl));

    expect(await counted(METRIC.batchesFailed, () => splitBatch(s3Event('monthly/2025-11/g.csv'), context))).toBe(0);
  });
});

describe('split-batch notifications', () => {
  /** The record handler over in-memory ports (`world`); `opened` lists the keys it read. */
  function inMemory() {
    const opened: string[] = [];
    const world = memoryBatch({ now: '2025-12-01T08:00:00Z' });
    const deps: SplitBatchDependencies = {
      inboundBucket: 'inbound-bucket',
      openInbound: (key) => {
        opened.push(key);
        return (async function* () {
          yield FILE;
        })();
      },
      batch: world.deps({
        recipientQueueUrl: (recipient) => `queue-${recipient}`,
        maxRejectedShare: DEFAULT_MAX_REJECTED_SHARE,
        newAttemptId: () => 'attempt-1',
      }),
    };
    return { handle: splitBatchRecordHandler(deps), opened, world };
  }

  it('processes each object created in the inbound bucket, its key decoded, and ignores other buckets and events', async () => {
    const { handle, opened } = inMemory();
    const notification: S3EventNotification = {
      Records: [
        createdRecord('monthly/2025-11/batch one+final.csv'),
        createdRecord('monthly/2025-11/elsewhere.csv', { bucket: 'another-bucket' }),
        createdRecord('monthly/2025-11/removed.csv', { eventName: 'ObjectRemoved:Delete' }),
      ],
    };

    const outcomes = await handle(notificationRecord(JSON.stringify(notification)));

    // Opened twice: once to name the batch by its bytes, once to read it.
    expect(opened).toEqual(['monthly/2025-11/batch one+final.csv', 'monthly/2025-11/batch one+final.csv']);
    expect(outcomes.map((o) => o.kind)).toEqual(['delivered']);
  });

  it('takes when the hub received each file from its record’s eventTime: the batch’s retention clock (return-flows §5)', async () => {
    const { handle, world } = inMemory();
    const notification: S3EventNotification = {
      Records: [createdRecord('monthly/2025-11/a.csv', { eventTime: '2025-11-30T22:15:00.000Z' })],
    };

    await handle(notificationRecord(JSON.stringify(notification)));

    const manifests = [...world.manifests.manifests.values()];
    expect(manifests.map((m) => m.receivedAt)).toEqual(['2025-11-30T22:15:00.000Z']);
    expect(new Set(world.ledger.calls.map((c) => c.batch.receivedAt.toISOString()))).toEqual(new Set(['2025-11-30T22:15:00.000Z']));
  });

  it("does nothing for S3's test event", async () => {
    const { handle, opened } = inMemory();
    const testEvent = {
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2025-12-01T08:00:00.000Z',
      Bucket: 'inbound-bucket',
      RequestId: '5582815E1AEA5ADF',
      HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
    };

    expect(await handle(notificationRecord(JSON.stringify(testEvent)))).toEqual([]);
    expect(opened).toEqual([]);
  });

  it('fails a body that is not an S3 notification, naming where it breaks', async () => {
    const { handle, opened } = inMemory();
    const broken = { Records: [{ ...createdRecord('monthly/2025-11/a.csv'), s3: undefined }] };
    for (const [body, reason] of [
      ['not json', 'not JSON'],
      ['{}', 'no Records'],
      ['{"Event":"s3:TestEvent"}', 'no Records'],
      ['{"Records":[]}', 'Records'],
      [JSON.stringify(broken), 'Records.0.s3'],
    ] as const) {
      const failure = handle(notificationRecord(body));
      await expect(failure, body).rejects.toBeInstanceOf(NotAnS3NotificationError);
      await expect(failure, body).rejects.toThrow(reason);
    }
    expect(opened).toEqual([]);
  });

  it('reports such a message as a failed item made visible at once, so that it reaches the dead-letter queue without waiting', async () => {
    sqsAnswers(() => {
      throw new Error('nothing is sent');
    });
    const event: SQSEvent = { Records: [notificationRecord('{"hello":"world"}', 'junk-1')] };

    const response = await splitBatch(event, context);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'junk-1' }]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    expect(visibilityChanges()).toEqual([{ QueueUrl: NOTIFICATIONS_QUEUE_URL, ReceiptHandle: expect.any(String), VisibilityTimeout: 0 }]);
  });
});
