import { createHash } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localQueues } from '../../local/emulated-topology';
import { outcomeOf } from '../../local/event-source';
import { loadFunctionHandler } from '../../local/event-source-mapping';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { LOCAL_RECIPIENT_KBOS } from '../../local/stand-in-environment';
import { s3Client, sqsClient } from '../../shared/adapters/aws-clients';
import {
  createdObjects,
  decodeS3EventKey,
  encodeS3EventKey,
  type S3EventNotification,
  S3EventNotificationSchema,
} from '../../shared/adapters/s3-notification';
import { isValidKbo } from '../../shared/domain/checksums';
import { allQueues, BUCKETS, deadLetterQueueOf, FUNCTIONS, type FunctionSpec, QUEUES, SETTINGS_ENV, TABLES } from '../../shared/topology';

/**
 * The local stand-in against the real emulators: the topology exists as declared, S3
 * notifications are sent once per new object in S3's shape, and the event source mapping deletes,
 * retries and dead-letters exactly as Lambda's does with ReportBatchItemFailures.
 */

/** A test-only function on the PPS's inbound queue; each message's body says how it should fare. */
const probeFunction: FunctionSpec = {
  name: 'probe',
  entry: 'test/none.ts',
  triggers: [QUEUES.ppsInbound],
  timeoutSeconds: 30,
  memoryMb: 128,
  batchSize: 10,
};

interface Invocation {
  readonly event: SQSEvent;
  readonly context: Context;
  readonly remainingMs: number;
}

const invocations: Invocation[] = [];

async function probeHandler(event: SQSEvent, context: Context): Promise<unknown> {
  invocations.push({ event, context, remainingMs: context.getRemainingTimeInMillis() });
  const modes = event.Records.map((r) => (JSON.parse(r.body) as { mode: string }).mode);
  if (modes.includes('throw')) throw new Error('probe handler failed on purpose');
  if (modes.includes('bogus')) return { batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] };
  return {
    batchItemFailures: event.Records.filter((_, i) => modes[i] === 'fail').map((r) => ({ itemIdentifier: r.messageId })),
  };
}

/** Every time the probe saw the message with this id-in-body, with its receive count. */
function sightings(tag: string): string[] {
  return invocations.flatMap((inv) =>
    inv.event.Records.filter((r) => (JSON.parse(r.body) as { tag: string }).tag === tag).map((r) => r.attributes.ApproximateReceiveCount),
  );
}

async function send(queueUrl: string, ...bodies: Array<{ tag: string; mode: string }>): Promise<void> {
  await sqsClient().send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify(body),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'correction.decision' } },
      })),
    }),
  );
}

let standIn: LocalStandIn;
const environmentBefore = { ...process.env };

beforeAll(async () => {
  standIn = await startLocalStandIn({ functions: [{ spec: probeFunction, handler: probeHandler }] });
});

afterAll(async () => {
  await standIn?.stop();
});

describe('topology', () => {
  it('creates every bucket, reachable by the unchanged S3 client through AWS_ENDPOINT_URL_S3', async () => {
    for (const bucket of Object.values(BUCKETS)) {
      const head = await s3Client().send(new HeadBucketCommand({ Bucket: standIn.bucketName(bucket) }));
      expect(head.$metadata.httpStatusCode).toBe(200);
    }
  });

  it('creates every queue with its retention, visibility and a redrive policy to its DLQ after 5 receives', async () => {
    expect(localQueues()).toHaveLength(allQueues().length * 2);
    for (const spec of allQueues()) {
      const dlq = deadLetterQueueOf(spec);
      const { Attributes: attributes } = await sqsClient().send(
        new GetQueueAttributesCommand({ QueueUrl: standIn.queueUrl(spec), AttributeNames: ['All'] }),
      );
      expect(attributes?.QueueArn).toBe(standIn.queueArn(spec));
      expect(attributes?.MessageRetentionPeriod).toBe(String(spec.retentionSeconds));
      expect(attributes?.VisibilityTimeout).toBe(String(spec.visibilityTimeoutSeconds));
      expect(JSON.parse(attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: standIn.queueArn(dlq), maxReceiveCount: 5 });

      const { Attributes: dlqAttributes } = await sqsClient().send(
        new GetQueueAttributesCommand({ QueueUrl: standIn.queueUrl(dlq), AttributeNames: ['All'] }),
      );
      expect(dlqAttributes?.QueueArn).toBe(`arn:aws:sqs:eu-west-1:000000000000:${spec.name}-dlq`);
      expect(dlqAttributes?.MessageRetentionPeriod).toBe('1209600');
      expect(dlqAttributes?.RedrivePolicy).toBeUndefined();
    }
    expect(standIn.queueUrl(QUEUES.batchNotifications)).toBe(`${standIn.endpoints.sqs}/000000000000/batch-notifications`);
    expect(standIn.queueArn(QUEUES.batchNotifications)).toBe('arn:aws:sqs:eu-west-1:000000000000:batch-notifications');
    const notificationAttributes = await sqsClient().send(
      new GetQueueAttributesCommand({ QueueUrl: standIn.queueUrl(QUEUES.batchNotifications), AttributeNames: ['All'] }),
    );
    expect(notificationAttributes.Attributes?.MessageRetentionPeriod).toBe('345600');
    expect(notificationAttributes.Attributes?.VisibilityTimeout).toBe('5400');
  });

  it('creates every table with its string keys, global indexes and on-demand billing', async () => {
    const dynamo = new DynamoDBClient({});
    try {
      for (const spec of Object.values(TABLES)) {
        const { Table: table } = await dynamo.send(new DescribeTableCommand({ TableName: standIn.tableName(spec) }));
        expect(table?.TableStatus).toBe('ACTIVE');
        expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
        const sortKey = 'sortKey' in spec ? spec.sortKey : undefined;
        expect(table?.KeySchema).toEqual([
          { AttributeName: spec.partitionKey, KeyType: 'HASH' },
          ...(sortKey === undefined ? [] : [{ AttributeName: sortKey, KeyType: 'RANGE' }]),
        ]);
        const indexes = 'globalIndexes' in spec ? spec.globalIndexes : [];
        expect((table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.KeySchema?.[0]?.AttributeName])).toEqual(
          indexes.map((i) => [i.name, i.partitionKey]),
        );
        for (const definition of table?.AttributeDefinitions ?? []) expect(definition.AttributeType).toBe('S');
      }
    } finally {
      dynamo.destroy();
    }
  });

  it('puts every resource and setting in functionEnv and in process.env', () => {
    for (const spec of localQueues()) {
      expect(standIn.functionEnv[spec.urlEnv]).toBe(standIn.queueUrl(spec));
      expect(standIn.functionEnv[spec.arnEnv]).toBe(standIn.queueArn(spec));
    }
    for (const bucket of Object.values(BUCKETS)) expect(standIn.functionEnv[bucket.env]).toBe(bucket.name);
    for (const table of Object.values(TABLES)) expect(standIn.functionEnv[table.env]).toBe(table.name);
    expect(standIn.functionEnv[SETTINGS_ENV.maxRejectedShare]).toBe('0.05');
    expect(standIn.functionEnv[SETTINGS_ENV.refusedMessageRetentionDays]).toBe('30');
    expect(standIn.functionEnv[SETTINGS_ENV.disclosureKeyLocal]).toMatch(/^[0-9a-f]{64}$/);
    const kbos = JSON.parse(standIn.functionEnv[SETTINGS_ENV.recipientKbos] ?? '{}') as Record<string, string>;
    expect(kbos).toEqual(LOCAL_RECIPIENT_KBOS);
    expect(Object.values(kbos).map(isValidKbo)).toEqual([true, true]);
    expect(standIn.functionEnv.POWERTOOLS_METRICS_DISABLED).toBe('true');
    for (const [name, value] of Object.entries(standIn.functionEnv)) expect(process.env[name]).toBe(value);
    expect(process.env.AWS_ENDPOINT_URL_S3).toBe(standIn.endpoints.s3);
    expect(process.env.AWS_ENDPOINT_URL_SQS).toBe(standIn.endpoints.sqs);
    expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(standIn.endpoints.dynamodb);
    expect(process.env.AWS_REGION).toBe('eu-west-1');
  });

  it('refuses a second stand-in in the same process', async () => {
    await expect(startLocalStandIn({ functions: 'none' })).rejects.toThrow(/already running/);
  });

  it('loads the handler of every topology function from its entry module', async () => {
    for (const spec of Object.values(FUNCTIONS)) {
      expect(typeof (await loadFunctionHandler(spec))).toBe('function');
    }
  });
});

describe('notifyNewObjects', () => {
  it('encodes keys as S3 does in notifications', () => {
    expect(encodeS3EventKey('monthly/2025-11/a b+c.csv')).toBe('monthly/2025-11/a+b%2Bc.csv');
    expect(encodeS3EventKey("monthly/2025-11/d'é (1)=~*.csv")).toBe('monthly/2025-11/d%27%C3%A9+%281%29%3D%7E*.csv');
  });

  it('sends one ObjectCreated:Put event per new object, and none again for the same object', async () => {
    const keys = ['monthly/2025-11/batch one+final.csv', 'monthly/2025-12/batch.csv'];
    for (const [i, key] of keys.entries()) {
      await s3Client().send(new PutObjectCommand({ Bucket: BUCKETS.inbound.name, Key: key, Body: `content ${i}\n` }));
    }

    expect(await standIn.notifyNewObjects()).toBe(2);
    expect(await standIn.notifyNewObjects()).toBe(0);

    const messages = await standIn.receiveAll(QUEUES.batchNotifications);
    expect(messages).toHaveLength(2);
    const records = messages.map((m) => S3EventNotificationSchema.parse(JSON.parse(m.body)).Records);
    for (const recordList of records) expect(recordList).toHaveLength(1);
    // What split-batch reads from them: the same keys, decoded.
    expect(messages.map((m) => createdObjects(m.body, BUCKETS.inbound.name).map((o) => o.key)).sort()).toEqual(
      [...keys].sort().map((k) => [k]),
    );
    const byKey = new Map(records.map((r) => [decodeS3EventKey(r[0]!.s3.object.key), r[0]!]));
    expect([...byKey.keys()].sort()).toEqual([...keys].sort());
    for (const [i, key] of keys.entries()) {
      const record = byKey.get(key)!;
      const head = await s3Client().send(new HeadObjectCommand({ Bucket: BUCKETS.inbound.name, Key: key }));
      expect(record).toMatchObject({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-1',
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: 'inbound', arn: 'arn:aws:s3:::inbound' },
          object: { size: `content ${i}\n`.length, eTag: head.ETag?.replace(/"/g, '') },
        },
      });
      expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
      expect(new Date(record.eventTime).toISOString()).toBe(record.eventTime);
    }
    expect(byKey.get(keys[0]!)?.s3.object.key).toBe('monthly/2025-11/batch+one%2Bfinal.csv');

    await s3Client().send(new PutObjectCommand({ Bucket: BUCKETS.inbound.name, Key: 'monthly/2026-01/next.csv', Body: 'x' }));
    expect(await standIn.notifyNewObjects()).toBe(1);
    const next = await standIn.receiveAll(QUEUES.batchNotifications);
    expect(next.map((m) => (JSON.parse(m.body) as S3EventNotification).Records[0]?.s3.object.key)).toEqual(['monthly/2026-01/next.csv']);
  });
});

describe('drain', () => {
  it('invokes the handler with the event and context Lambda builds, and deletes the records that succeeded', async () => {
    invocations.length = 0;
    const body = { tag: 'ok-1', mode: 'ok' };
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: standIn.queueUrl(QUEUES.ppsInbound),
        MessageBody: JSON.stringify(body),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'correction.decision' } },
      }),
    );

    await standIn.drain();

    expect(invocations).toHaveLength(1);
    const { event, context, remainingMs } = invocations[0]!;
    expect(event.Records).toHaveLength(1);
    const record = event.Records[0]!;
    expect(record).toMatchObject({
      body: JSON.stringify(body),
      md5OfBody: createHash('md5').update(JSON.stringify(body)).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:inbound-pps',
      awsRegion: 'eu-west-1',
      messageAttributes: {
        type: { stringValue: 'correction.decision', dataType: 'String', stringListValues: [], binaryListValues: [] },
      },
      attributes: { ApproximateReceiveCount: '1', SenderId: '000000000000' },
    });
    expect(record.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record.receiptHandle.length).toBeGreaterThan(0);
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThan(0);
    expect(Number(record.attributes.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(record.attributes.SentTimestamp));
    expect(context.functionName).toBe('probe');
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:eu-west-1:000000000000:function:probe');
    expect(context.memoryLimitInMB).toBe('128');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(remainingMs).toBeGreaterThan(0);
    expect(remainingMs).toBeLessThanOrEqual(30_000);

    expect(await standIn.receiveAll(QUEUES.ppsInbound)).toEqual([]);
  });

  it('retries a reported failure until its 5th receive, then the DLQ has it; the others are delivered once', async () => {
    invocations.length = 0;
    await send(
      standIn.queueUrl(QUEUES.ppsInbound),
      { tag: 'ok-2', mode: 'ok' },
      { tag: 'failing', mode: 'fail' },
      { tag: 'ok-3', mode: 'ok' },
    );

    await standIn.drain({ waitForRetries: true });

    expect(sightings('ok-2')).toEqual(['1']);
    expect(sightings('ok-3')).toEqual(['1']);
    expect(sightings('failing')).toEqual(['1', '2', '3', '4', '5']);
    expect(await standIn.receiveAll(QUEUES.ppsInbound)).toEqual([]);
    const dead = await standIn.receiveAll(deadLetterQueueOf(QUEUES.ppsInbound));
    expect(dead.map((m) => JSON.parse(m.body) as unknown)).toEqual([{ tag: 'failing', mode: 'fail' }]);
    expect(dead[0]?.attributes).toEqual({ type: 'correction.decision' });
  });

  it('does not receive a failed message again before its queue’s visibility timeout has passed on the stand-in’s clock, and does after', async () => {
    invocations.length = 0;
    const timeoutMs = QUEUES.ppsInbound.visibilityTimeoutSeconds * 1000;
    await send(standIn.queueUrl(QUEUES.ppsInbound), { tag: 'hidden', mode: 'fail' });

    await standIn.drain();
    expect(sightings('hidden')).toEqual(['1']);
    await standIn.drain();
    standIn.advance(timeoutMs - 1000);
    await standIn.drain();
    expect(sightings('hidden')).toEqual(['1']);
    expect(await standIn.receiveAll(deadLetterQueueOf(QUEUES.ppsInbound))).toEqual([]);

    standIn.advance(1000);
    await standIn.drain();
    expect(sightings('hidden')).toEqual(['1', '2']);
    // The second receive began a new visibility timeout: nothing again until it has passed too.
    standIn.advance(timeoutMs - 1000);
    await standIn.drain();
    expect(sightings('hidden')).toEqual(['1', '2']);
    standIn.advance(1000);
    await standIn.drain({ waitForRetries: true });
    expect(sightings('hidden')).toEqual(['1', '2', '3', '4', '5']);
    expect(await standIn.receiveAll(deadLetterQueueOf(QUEUES.ppsInbound))).toHaveLength(1);
  });

  it('dead-letters a message on the receive after its maxReceiveCount (5) failed receives, one visibility timeout apart', async () => {
    invocations.length = 0;
    const timeoutMs = QUEUES.ppsInbound.visibilityTimeoutSeconds * 1000;
    const start = standIn.now();
    await send(standIn.queueUrl(QUEUES.ppsInbound), { tag: 'doomed', mode: 'fail' });
    for (let receive = 1; receive <= QUEUES.ppsInbound.maxReceiveCount; receive += 1) {
      await standIn.drain();
      expect(sightings('doomed')).toHaveLength(receive);
      expect(await standIn.receiveAll(deadLetterQueueOf(QUEUES.ppsInbound))).toEqual([]);
      standIn.advance(timeoutMs);
    }
    await standIn.drain();
    expect(sightings('doomed')).toEqual(['1', '2', '3', '4', '5']);
    expect(standIn.now() - start).toBeGreaterThanOrEqual(5 * timeoutMs);
    expect(await standIn.receiveAll(QUEUES.ppsInbound)).toEqual([]);
    const dead = await standIn.receiveAll(deadLetterQueueOf(QUEUES.ppsInbound));
    expect(dead.map((m) => JSON.parse(m.body) as unknown)).toEqual([{ tag: 'doomed', mode: 'fail' }]);
  });

  it('retries the whole batch when the handler throws or names a record not in the batch', async () => {
    invocations.length = 0;
    await send(standIn.queueUrl(QUEUES.ppsInbound), { tag: 'thrown', mode: 'throw' });
    await standIn.drain({ waitForRetries: true });
    await send(standIn.queueUrl(QUEUES.ppsInbound), { tag: 'bogus', mode: 'bogus' });
    await standIn.drain({ waitForRetries: true });

    expect(sightings('thrown')).toEqual(['1', '2', '3', '4', '5']);
    expect(sightings('bogus')).toEqual(['1', '2', '3', '4', '5']);
    const dead = await standIn.receiveAll(deadLetterQueueOf(QUEUES.ppsInbound));
    expect(dead.map((m) => (JSON.parse(m.body) as { tag: string }).tag).sort()).toEqual(['bogus', 'thrown']);
  });

  it('stops after maxRounds when the trigger queues do not settle', async () => {
    invocations.length = 0;
    await send(standIn.queueUrl(QUEUES.ppsInbound), { tag: 'slow', mode: 'fail' });
    await expect(standIn.drain({ maxRounds: 2, waitForRetries: true })).rejects.toThrow(/after 2 rounds/);
    expect(sightings('slow')).toEqual(['1']);
    await standIn.drain({ waitForRetries: true });
    expect(await standIn.receiveAll(deadLetterQueueOf(QUEUES.ppsInbound))).toHaveLength(1);
  });
});

describe('outcomeOf (the event source mapping reading a batch response)', () => {
  const event = { Records: [{ messageId: 'a' }, { messageId: 'b' }] } as SQSEvent;
  it('reads nothing, null, an empty list or a missing list as all succeeded', () => {
    for (const result of [undefined, null, {}, { batchItemFailures: [] }, 'done']) {
      expect(outcomeOf(result, event)).toEqual({ kind: 'succeeded', failed: [] });
    }
  });
  it('reads listed ids as failed, and an empty, null or unknown id as the whole batch failed', () => {
    expect(outcomeOf({ batchItemFailures: [{ itemIdentifier: 'b' }] }, event)).toEqual({ kind: 'succeeded', failed: ['b'] });
    for (const itemIdentifier of ['', null, 'c']) {
      expect(outcomeOf({ batchItemFailures: [{ itemIdentifier }] }, event).kind).toBe('failed');
    }
  });
});

describe('receiveAll', () => {
  it('receives and deletes every message of a queue, with its attributes', async () => {
    const url = standIn.queueUrl(QUEUES.recipientOutbound.FOREM);
    for (let batch = 0; batch < 3; batch += 1) {
      await sqsClient().send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: Array.from({ length: 5 }, (_, i) => ({
            Id: String(i),
            MessageBody: JSON.stringify({ n: batch * 5 + i }),
            MessageAttributes: { type: { DataType: 'String', StringValue: 'batch.records' } },
          })),
        }),
      );
    }

    const received = await standIn.receiveAll(QUEUES.recipientOutbound.FOREM);

    expect(received.map((m) => (JSON.parse(m.body) as { n: number }).n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 15 }, (_, i) => i),
    );
    for (const message of received) expect(message.attributes).toEqual({ type: 'batch.records' });
    expect(new Set(received.map((m) => m.messageId)).size).toBe(15);
    expect(await standIn.receiveAll(QUEUES.recipientOutbound.FOREM)).toEqual([]);
  });
});

describe('stop', () => {
  it('stops the emulators and gives back the environment as it was', async () => {
    const sqsEndpoint = standIn.endpoints.sqs;
    await standIn.stop();

    for (const name of [
      'AWS_ENDPOINT_URL_S3',
      'AWS_ENDPOINT_URL_SQS',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_REGION',
      'QUEUE_URL_INBOUND_PPS',
      'TABLE_BATCHES',
    ]) {
      expect(process.env[name]).toBe(environmentBefore[name]);
    }
    await expect(fetch(`${sqsEndpoint.replace('sqs.eu-west-1.', '')}/health`)).rejects.toThrow();
  });
});
