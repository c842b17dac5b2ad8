import { join } from 'node:path';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
 * manifest leaves its notification to be received again after its backoff, whose first step is the
 * lease (the function's timeout); by then the lease has run out, and the retry takes over and
 * finishes the batch. The unchanged handler reads the stand-in's clock, which the stand-in gives it.
 */

const attempts: Array<{ receiveCount: string | undefined; at: number }> = [];
let standIn: LocalStandIn;
let workDir: string;

/** The unchanged split-batch handler; on its first attempt FOREM's queue refuses every message. */
async function crashingOnce(event: SQSEvent, context: Context): Promise<unknown> {
  attempts.push({ receiveCount: event.Records[0]?.attributes.ApproximateReceiveCount, at: standIn.now() });
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
  standIn = await startLocalStandIn({ functions: [{ spec: FUNCTIONS.splitBatch, handler: crashingOnce }] });
  workDir = await tempDir('monthly-batch-crash-retry');
});

afterAll(async () => {
  await standIn?.stop();
});

describe('a batch whose first attempt failed after the claim (monthly-batch §9)', () => {
  it('is finished by the retry a lease later, once the lease has run out: every recipient complete, nothing dead-lettered', async () => {
    const text = csvText(
      COLUMNS,
      fillerRows('2025-09', 'CR', 30).map((f) => f.row),
    );
    const path = await writeBatch(workDir, 'crash-retry.csv', text);

    const result = await runFileLocally(standIn, path, join(workDir, 'out'));

    expect(attempts.map((a) => a.receiveCount)).toEqual(['1', '2']);
    const waited = (attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0);
    // The function set the wait when it failed: the first step of its backoff, the lease, plus at most a tenth.
    expect(waited).toBeGreaterThan(FUNCTIONS.splitBatch.timeoutSeconds * 1000);
    expect(waited).toBeLessThan(FUNCTIONS.splitBatch.timeoutSeconds * 1000 * 1.1 + 60_000);
    expect(waited).toBeLessThan(QUEUES.batchNotifications.visibilityTimeoutSeconds * 1000);
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
