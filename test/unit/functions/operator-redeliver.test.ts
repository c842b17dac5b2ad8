import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { archivePrefixOf } from '../../../shared/domain/batch/object-keys';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import { logger } from '../../../shared/observability';
import { BUCKETS, QUEUES, SETTINGS_ENV, TABLES } from '../../../shared/topology';
import { auditLines, captureOutput, parsedLines } from '../../support/capture-output';
import { coldStart, context, ddbMock, resetServices, sqsMock, URL } from './return-flow-harness';

// The audit lines are read from the logger's output: INFO, set before the logger is imported.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/**
 * operator-redeliver as Lambda runs it, invoked with the event an operator types: the archive (S3),
 * the manifest (DynamoDB) and the recipients' queues (SQS) mocked.
 */

const ENV = {
  [BUCKETS.archive.env]: 'archive-bucket',
  [TABLES.batches.env]: 'batches-table',
  [TABLES.disclosures.env]: 'disclosures-table',
  [SETTINGS_ENV.disclosureKeyLocal]: 'cd'.repeat(32),
  ...Object.fromEntries(RECIPIENTS.map((r) => [QUEUES.recipientOutbound[r].urlEnv, URL(`outbound-${r.toLowerCase()}`)])),
  // The stage's replay window, as the template gives it (infra/access.ts).
  [SETTINGS_ENV.replayWindowDays]: '90',
};
const DAY_MS = 86_400_000;
/** When the batch file was first received, `days` before the invocation (the function reads the system clock). */
const receivedDaysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
const BATCH_ID = 'ab12'.repeat(16);
const PREFIX = archivePrefixOf('VDAB', '2025-11', BATCH_ID);
const message = (id: string, type: string) => JSON.stringify({ schemaVersion: 1, messageId: id, type, sentAt: '2025-12-03T09:00:00Z' });
const ARCHIVE: Record<string, string> = {
  [`${PREFIX}part-000001.ndjson`]: [message('m-1', 'batch.records'), message('m-2', 'batch.records')].join('\n'),
  [`${PREFIX}completed.json`]: message('m-3', 'batch.completed'),
};

const s3Mock = mockClient(S3Client);
let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

beforeAll(async () => {
  ({ handler } = (await coldStart(() => import('../../../functions/operator-redeliver'), ENV)) as unknown as { handler: typeof handler });
  expect(logger.getLevelName()).toBe('INFO');
});
beforeEach(() => {
  resetServices();
  s3Mock.reset();
  ddbMock.on(GetCommand, { TableName: 'batches-table', Key: { pk: BATCH_ID } }).resolves({
    Item: { pk: BATCH_ID, sha256: BATCH_ID, batchId: BATCH_ID, status: 'DELIVERED', period: '2025-11', receivedAt: receivedDaysAgo(89) },
  });
  s3Mock.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({
    Contents: Object.keys(ARCHIVE)
      .filter((key) => key.startsWith(input.Prefix))
      .map((Key) => ({ Key })),
  }));
  s3Mock.on(GetObjectCommand).callsFake((input: { Key: string }) => {
    const text = ARCHIVE[input.Key];
    if (text === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: { transformToString: async () => text } };
  });
});

async function invoke(event: unknown) {
  const { result, lines } = await captureOutput(() => handler(event, context));
  return {
    answer: result,
    audit: auditLines(lines).map((l) => l.audit),
    batchIds: auditLines(lines).map((l) => l.batchId),
  };
}

describe('operator-redeliver', () => {
  it("sends the batch's archived messages again to the one recipient, with the same ids, and answers and audits how many", async () => {
    const { answer, audit, batchIds } = await invoke({ batchId: BATCH_ID, recipient: 'VDAB' });

    expect(answer).toEqual({ ok: true, batchId: BATCH_ID, recipient: 'VDAB', messagesSent: 3, summary: 'VDAB: 3 messages sent again' });
    const sent = sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input as SendMessageBatchCommandInput);
    expect(sent.map((input) => input.QueueUrl)).toEqual([URL('outbound-vdab'), URL('outbound-vdab')]);
    expect(sent.flatMap((input) => (input.Entries ?? []).map((e) => JSON.parse(e.MessageBody ?? '{}').messageId))).toEqual([
      'm-1',
      'm-2',
      'm-3',
    ]);
    expect(s3Mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ Bucket: 'archive-bucket', Prefix: PREFIX }),
    ]);
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(audit).toEqual([
      { tool: 'redeliver', requestId: 'req-1', outcome: 'answered', asked: { batchId: BATCH_ID, recipient: 'VDAB' }, results: 3 },
    ]);
    // Its lines name the batch where the batch path's do: a batch is followed across the functions by one field.
    expect(batchIds).toEqual([BATCH_ID]);
  });

  it('refuses an unknown batch, a malformed id or no recipient, sending nothing', async () => {
    ddbMock.on(GetCommand, { TableName: 'batches-table', Key: { pk: 'c'.repeat(64) } }).resolves({});
    const refused = [
      [{ batchId: 'c'.repeat(64), recipient: 'FOREM' }, `unknown batch id ${'c'.repeat(64)}: no batch has this id`],
      [{ batchId: 'not-a-batch', recipient: 'VDAB' }, "batchId: must be the batch's id: 64 hex characters (its report, the batches table)"],
      [{ batchId: BATCH_ID }, expect.stringMatching(/^recipient: /)],
    ] as const;
    for (const [event, error] of refused) {
      const { answer, audit } = await invoke(event);
      expect(answer, JSON.stringify(event)).toEqual({ ok: false, error });
      expect(audit).toEqual([expect.objectContaining({ outcome: 'refused', results: 0 })]);
    }
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('refuses a batch whose replay window (REPLAY_WINDOW_DAYS) has passed, saying so, reading and sending nothing', async () => {
    const receivedAt = receivedDaysAgo(91);
    ddbMock.on(GetCommand, { TableName: 'batches-table', Key: { pk: BATCH_ID } }).resolves({
      Item: { pk: BATCH_ID, sha256: BATCH_ID, batchId: BATCH_ID, status: 'DELIVERED', period: '2025-11', receivedAt },
    });
    const { answer, audit } = await invoke({ batchId: BATCH_ID, recipient: 'VDAB' });
    const error = `the replay window of 90 days has passed for batch ${BATCH_ID} (received ${receivedAt}, window ended ${new Date(Date.parse(receivedAt) + 90 * DAY_MS).toISOString()}): its archive is destroyed, nothing can be delivered again`;
    expect(answer).toEqual({ ok: false, error });
    expect(audit).toEqual([
      {
        tool: 'redeliver',
        requestId: 'req-1',
        outcome: 'refused',
        asked: { batchId: BATCH_ID, recipient: 'VDAB' },
        results: 0,
        reason: error,
      },
    ]);
    expect(s3Mock.commandCalls(ListObjectsV2Command)).toHaveLength(0);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('fails the invocation when an archived object is missing, and audits the failure', async () => {
    const completed = ARCHIVE[`${PREFIX}completed.json`];
    delete ARCHIVE[`${PREFIX}completed.json`];
    const { lines } = await captureOutput(async () => {
      await expect(handler({ batchId: BATCH_ID, recipient: 'VDAB' }, context)).rejects.toThrow(
        `archive object ${PREFIX}completed.json is missing`,
      );
    }).finally(() => {
      ARCHIVE[`${PREFIX}completed.json`] = completed as string;
    });
    expect(
      parsedLines(lines)
        .map((l) => l.audit)
        .filter(Boolean),
    ).toEqual([
      expect.objectContaining({ tool: 'redeliver', outcome: 'failed', asked: { batchId: BATCH_ID, recipient: 'VDAB' }, results: 0 }),
    ]);
  });
});
