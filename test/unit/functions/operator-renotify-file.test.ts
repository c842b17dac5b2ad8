import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import { logger, metrics } from '../../../shared/observability';
import { BUCKETS, QUEUES, SETTINGS_ENV, TABLES } from '../../../shared/topology';
import { auditLines, captureOutput } from '../../support/capture-output';
import { bytesOf, csvFile, validRow } from '../../support/rows';
import { KEY } from '../return-flows/fakes';
import { coldStart, context, ddbMock, resetServices, sqsMock, URL } from './return-flow-harness';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/**
 * operator-renotify-file as Lambda runs it, invoked with the event an operator types: the inbound
 * object read (HeadObject, GetObject) and never written, the batch's stores and queues mocked.
 */

const ENV = {
  [BUCKETS.inbound.env]: 'inbound-bucket',
  [BUCKETS.staging.env]: 'staging-bucket',
  [BUCKETS.archive.env]: 'archive-bucket',
  [BUCKETS.reports.env]: 'reports-bucket',
  [TABLES.batches.env]: 'batches-table',
  [TABLES.paymentLines.env]: 'lines-table',
  [TABLES.disclosures.env]: 'disclosures-table',
  [TABLES.deliveryProofs.env]: 'proofs-table',
  ...Object.fromEntries(RECIPIENTS.map((r) => [QUEUES.recipientOutbound[r].urlEnv, URL(`outbound-${r.toLowerCase()}`)])),
  [QUEUES.ppsOutbound.urlEnv]: URL('outbound-pps'),
  [SETTINGS_ENV.maxRows]: '1000000',
  [SETTINGS_ENV.maxRejectedShare]: '0.05',
  [SETTINGS_ENV.disclosureKeyLocal]: KEY.toString('hex'),
};
const KEY_NAME = 'monthly/2025-11/file.csv';
const RECEIVED = new Date('2025-12-02T07:30:00Z');
const FILE = bytesOf(csvFile([validRow({ reference: 'R1', ocmwNis: '11002' }), validRow({ reference: 'R2', ocmwNis: '62063' })]));

const s3Mock = mockClient(S3Client);
const lowDdbMock = mockClient(DynamoDBClient);
let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

beforeAll(async () => {
  ({ handler } = (await coldStart(() => import('../../../functions/operator-renotify-file'), ENV)) as unknown as {
    handler: typeof handler;
  });
  expect(logger.getLevelName()).toBe('INFO');
});
beforeEach(() => {
  resetServices();
  // The batch's metrics (split-batch's): per recipient, one single metric each.
  vi.spyOn(metrics, 'singleMetric').mockReturnValue({ addDimension: vi.fn(), addDimensions: vi.fn(), addMetric: vi.fn() } as never);
  s3Mock.reset();
  lowDdbMock.reset();
  s3Mock
    .on(HeadObjectCommand, { Bucket: 'inbound-bucket', Key: KEY_NAME })
    .resolves({ LastModified: RECEIVED, ContentLength: FILE.length });
  s3Mock
    .on(HeadObjectCommand, { Bucket: 'inbound-bucket', Key: 'monthly/2025-11/missing.csv' })
    .rejects(new NotFound({ message: 'Not Found', $metadata: {} }));
  // The other buckets in memory: staged parts are written, read back and deleted.
  const stored = new Map<string, string>();
  s3Mock.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
    if (input.Bucket === 'inbound-bucket' && input.Key === KEY_NAME) {
      return {
        Body: (async function* () {
          yield FILE;
        })(),
      };
    }
    const text = stored.get(`${input.Bucket}/${input.Key}`);
    if (text === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: { transformToString: async () => text } };
  });
  s3Mock.on(PutObjectCommand).callsFake((input: { Bucket: string; Key: string; Body: string }) => {
    stored.set(`${input.Bucket}/${input.Key}`, String(input.Body));
    return {};
  });
  s3Mock.on(ListObjectsV2Command).callsFake((input: { Bucket: string; Prefix: string }) => ({
    Contents: [...stored.keys()]
      .filter((k) => k.startsWith(`${input.Bucket}/${input.Prefix}`))
      .map((k) => ({ Key: k.slice(input.Bucket.length + 1) })),
  }));
  s3Mock.on(DeleteObjectsCommand).callsFake((input: { Bucket: string; Delete: { Objects: Array<{ Key: string }> } }) => {
    for (const o of input.Delete.Objects) stored.delete(`${input.Bucket}/${o.Key}`);
    return { Errors: [] };
  });
  ddbMock.on(GetCommand).resolves({});
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(UpdateCommand).resolves({});
  lowDdbMock.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
});
afterEach(() => vi.restoreAllMocks());

async function invoke(event: unknown) {
  const { result, lines } = await captureOutput(() => handler(event, context));
  return { answer: result, audit: auditLines(lines).map((l) => l.audit) };
}

describe('operator-renotify-file', () => {
  it('processes the existing object as its notification would, dated when S3 received it, and never writes in the inbound bucket', async () => {
    const { answer, audit } = await invoke({ key: KEY_NAME });

    expect(answer).toMatchObject({ ok: true, key: KEY_NAME, outcome: 'delivered', rows: 2, delivered: 2 });
    const claim = ddbMock
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input)
      .find((i) => i.TableName === 'batches-table');
    expect(claim?.Item).toMatchObject({ source: KEY_NAME, receivedAt: RECEIVED.toISOString() });
    expect(sqsMock.commandCalls(SendMessageBatchCommand).length).toBeGreaterThan(0);
    const writes = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Bucket);
    expect(writes).not.toContain('inbound-bucket');
    expect(audit).toEqual([expect.objectContaining({ tool: 'renotify-file', outcome: 'answered', asked: { key: KEY_NAME }, results: 1 })]);
  });

  it('refuses a key with no object, or outside monthly/, reading no byte', async () => {
    for (const key of ['monthly/2025-11/missing.csv', 'archive/VDAB/x']) {
      const { answer, audit } = await invoke({ key });
      expect(answer, key).toEqual({ ok: false, error: expect.any(String) });
      expect(audit.map((a) => (a as { outcome: string }).outcome)).toEqual(['refused']);
    }
    expect(s3Mock.commandCalls(GetObjectCommand)).toEqual([]);
  });
});
