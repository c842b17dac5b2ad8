import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoManifestStore } from '../../../shared/adapters/dynamo-manifest-store';
import { type BatchDependencies, processInboundFile } from '../../../shared/domain/batch/process-file';
import type { Recipient } from '../../../shared/domain/recipients';
import { type StubbedTable, stubbedTable } from '../../support/dynamo-table-stub';
import { MemoryBlobStore, MemoryLedger, MemoryPublisher } from '../../support/memory-ports';
import { bytesOf, csvFile, validRow } from '../../support/rows';

/**
 * The batch when DynamoDB applied a write of the manifest but its answer was lost: the SDK sends the
 * write again and it meets its own condition. The attempt that made the write is the one that holds
 * (or delivered) the batch, and it goes on as if the first answer had come.
 */

let table: StubbedTable;
let staging: MemoryBlobStore;
let reports: MemoryBlobStore;
let publisher: MemoryPublisher;
let clockMs: number;
let attempts: number;

function deps(): BatchDependencies {
  return {
    staging,
    archive: new MemoryBlobStore(),
    reports,
    manifests: new DynamoManifestStore('batches', table.db, () => new Date(clockMs)),
    ledger: new MemoryLedger(),
    publisher,
    recipientQueueUrl: (recipient: Recipient) => `queue:${recipient}`,
    clock: () => new Date(clockMs),
    maxRejectedShare: 0.05,
    newAttemptId: () => `attempt-${++attempts}`,
    leaseMs: 15 * 60_000,
  };
}

const bytes = bytesOf(csvFile(['11002', '21004', '62063'].map((nis, i) => validRow({ reference: `L${i}`, ocmwNis: nis }))));
const file = {
  key: 'monthly/2025-11/lost.csv',
  receivedAt: new Date('2025-12-03T08:59:00Z'),
  open: async function* () {
    yield bytes;
  },
};

beforeEach(() => {
  table = stubbedTable();
  staging = new MemoryBlobStore();
  reports = new MemoryBlobStore();
  publisher = new MemoryPublisher();
  clockMs = Date.parse('2025-12-03T09:00:00Z');
  attempts = 0;
});

describe('a lost answer to a write of the manifest (monthly-batch §8)', () => {
  it('the claim: the attempt holds the batch it created and delivers it, instead of backing off from itself', async () => {
    table.loseAnswers('PutItemCommand');

    const outcome = await processInboundFile(file, deps());

    expect(outcome.kind).toBe('delivered');
    expect(publisher.sent).toBe(6); // one batch.records and one batch.completed for each recipient
    expect([...table.stub.attempts].filter((a) => a.command === 'PutItemCommand')).toHaveLength(2);
  });

  it('the takeover after a crash: the retry holds the batch it took over and finishes it', async () => {
    publisher.failAfter = 1;
    await expect(processInboundFile(file, deps())).rejects.toThrow('simulated crash');
    publisher.failAfter = Number.POSITIVE_INFINITY;
    clockMs += 90 * 60_000; // the notification comes back after the lease ran out
    table.loseAnswers('UpdateItemCommand');

    const outcome = await processInboundFile(file, deps());

    expect(outcome.kind).toBe('delivered');
  });

  it('marking it delivered: the batch is delivered, its report written, and the notification succeeds', async () => {
    table.loseAnswers('UpdateItemCommand');

    const outcome = await processInboundFile(file, deps());

    expect(outcome.kind).toBe('delivered');
    expect(reports.objects.size).toBe(1);
    expect(staging.objects.size).toBe(0);
    const sha256 = outcome.kind === 'delivered' ? outcome.report.sha256 : '';
    expect(table.item(sha256)).toMatchObject({ status: 'DELIVERED', attemptId: 'attempt-1' });
  });
});
