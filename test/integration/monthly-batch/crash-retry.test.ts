import { join } from 'node:path';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalHandler, loadFunctionHandler } from '../../../local/event-source-mapping';
import { runFileLocally } from '../../../local/run-file';
import { localRunExitCode } from '../../../local/run-outcome';
import { type LocalStandIn, startLocalStandIn } from '../../../local/stand-in';
import { sqsClient } from '../../../shared/adapters/aws-clients';
import { DynamoManifestStore } from '../../../shared/adapters/dynamo-manifest-store';
import { deadLetterQueueOf, FUNCTIONS, QUEUES, TABLES } from '../../../shared/topology';
import { COLUMNS, csvText, fillerRows, sha256Hex, tempDir, utf8, writeBatch } from '../../support/batch-files';

/**
 * The repair the hub promises (monthly-batch §9): an attempt that fails after it claimed the
 * manifest leaves its notification to be received again after the queue's visibility timeout; by
 * then its lease (the function's timeout) has run out, and the retry takes over and finishes the
 * batch. The stand-in's clock moves the process's `Date` too (vitest's fake `Date`), since the
 * unchanged handler reads its lease's time from `Date`.
 */

const attempts: Array<{ receiveCount: string | undefined; at: number }> = [];
let standIn: LocalStandIn;
let workDir: string;

/** The unchanged split-batch handler; on its first attempt FOREM's queue refuses every message. */
async function crashingOnce(event: SQSEvent, context: Context): Promise<unknown> {
  attempts.push({ receiveCount: event.Records[0]?.attributes.ApproximateReceiveCount, at: Date.now() });
  const handler: LocalHandler = await loadFunctionHandler(FUNCTIONS.splitBatch);
  if (attempts.length > 1) return handler(event, context);
  const forem = standIn.queueUrl(QUEUES.recipientOutbound.FOREM);
  const { Attributes: before } = await sqsClient().send(
    new GetQueueAttributesCommand({ QueueUrl: forem, AttributeNames: ['MaximumMessageSize'] }),
  );
  await sqsClient().send(new SetQueueAttributesCommand({ QueueUrl: forem, Attributes: { MaximumMessageSize: '1024' } }));
  try {
    return await handler(event, context);
  } finally {
    await sqsClient().send(
      new SetQueueAttributesCommand({ QueueUrl: forem, Attributes: { MaximumMessageSize: before?.MaximumMessageSize ?? '262144' } }),
    );
  }
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  standIn = await startLocalStandIn({
    functions: [{ spec: FUNCTIONS.splitBatch, handler: crashingOnce }],
    clock: { now: () => Date.now(), advance: (ms) => vi.setSystemTime(Date.now() + ms) },
  });
  workDir = await tempDir('monthly-batch-crash-retry');
});

afterAll(async () => {
  await standIn?.stop();
  vi.useRealTimers();
});

describe('a batch whose first attempt failed after the claim (monthly-batch §9)', () => {
  it('is finished by the retry after the visibility timeout, once the lease has run out: every recipient complete, nothing dead-lettered', async () => {
    const text = csvText(
      COLUMNS,
      fillerRows('2025-09', 'CR', 30).map((f) => f.row),
    );
    const path = await writeBatch(workDir, 'crash-retry.csv', text);

    const result = await runFileLocally(standIn, path, join(workDir, 'out'));

    expect(attempts.map((a) => a.receiveCount)).toEqual(['1', '2']);
    const waited = (attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0);
    // The visibility timeout began at the receive, a moment before the handler was called.
    expect(waited).toBeGreaterThan(QUEUES.batchNotifications.visibilityTimeoutSeconds * 1000 - 1000);
    expect(waited).toBeGreaterThan(FUNCTIONS.splitBatch.timeoutSeconds * 1000);
    expect(result.deliveries).toEqual({
      VDAB: { records: 10, messages: 1, complete: true },
      ACTIRIS: { records: 10, messages: 1, complete: true },
      FOREM: { records: 10, messages: 1, complete: true },
    });
    expect(localRunExitCode({ result })).toBe(0);
    const manifest = await new DynamoManifestStore(standIn.tableName(TABLES.batches)).get(sha256Hex(utf8(text)));
    expect(manifest?.status).toBe('DELIVERED');
    expect(await standIn.receiveAll(deadLetterQueueOf(QUEUES.batchNotifications))).toEqual([]);
    expect(await standIn.receiveAll(QUEUES.batchNotifications)).toEqual([]);
  });
});
