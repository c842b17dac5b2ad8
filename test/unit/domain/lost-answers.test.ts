import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoManifestStore } from '../../../shared/adapters/dynamo-manifest-store';
import { type BatchDependencies, processInboundFile } from '../../../shared/domain/batch/process-file';
import { inboundFile, type MemoryBatch, memoryBatch, PPS_QUEUE } from '../../support/batch-dependencies';
import { type StubbedTable, stubbedTable } from '../../support/dynamo-table-stub';
import { MemoryBlobStore, MemoryLedger } from '../../support/memory-ports';
import { bytesOf, csvFile, validRow } from '../../support/rows';

/**
 * The batch when DynamoDB applied a write of the manifest but its answer was lost: the SDK sends the
 * write again and it meets its own condition. The attempt that made the write is the one that holds
 * (or delivered) the batch, and it goes on as if the first answer had come.
 */

let table: StubbedTable;
let world: MemoryBatch;

/** The batch's dependencies with the manifests in the stubbed table, and a fresh archive and ledger each attempt. */
function deps(): BatchDependencies {
  return world.deps({
    archive: new MemoryBlobStore(),
    manifests: new DynamoManifestStore('batches', table.db, world.clock),
    ledger: new MemoryLedger(),
  });
}

const bytes = bytesOf(csvFile(['11002', '21004', '62063'].map((nis, i) => validRow({ reference: `L${i}`, ocmwNis: nis }))));
const file = inboundFile('monthly/2025-11/lost.csv', bytes, '2025-12-03T08:59:00Z');

beforeEach(() => {
  table = stubbedTable();
  world = memoryBatch();
});

describe('a lost answer to a write of the manifest (monthly-batch §8)', () => {
  it('the claim: the attempt holds the batch it created and delivers it, instead of backing off from itself', async () => {
    table.loseAnswers('PutItemCommand');

    const outcome = await processInboundFile(file, deps());

    expect(outcome.kind).toBe('delivered');
    // One batch.records and one batch.completed for each recipient, and the PPS's batch.outcome.
    expect(world.publisher.sent).toBe(7);
    expect(world.publisher.bodies(PPS_QUEUE).map((b) => b.type)).toEqual(['batch.outcome']);
    expect([...table.stub.attempts].filter((a) => a.command === 'PutItemCommand')).toHaveLength(2);
  });

  it('the takeover after a crash: the retry holds the batch it took over and finishes it', async () => {
    world.publisher.failAfter = 1;
    await expect(processInboundFile(file, deps())).rejects.toThrow('simulated crash');
    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    world.clockMs += 90 * 60_000; // the notification comes back after the lease ran out
    table.loseAnswers('UpdateItemCommand');

    const outcome = await processInboundFile(file, deps());

    expect(outcome.kind).toBe('delivered');
  });

  it('marking it delivered: the batch is delivered, its report written, and the notification succeeds', async () => {
    table.loseAnswers('UpdateItemCommand');

    const outcome = await processInboundFile(file, deps());

    expect(outcome.kind).toBe('delivered');
    expect(world.reports.objects.size).toBe(1);
    expect(world.staging.objects.size).toBe(0);
    const sha256 = outcome.kind === 'delivered' ? outcome.report.sha256 : '';
    expect(table.item(sha256)).toMatchObject({ status: 'DELIVERED', attemptId: 'attempt-1' });
  });
});
