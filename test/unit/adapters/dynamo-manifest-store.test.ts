import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoManifestStore } from '../../../shared/adapters/dynamo-manifest-store';
import type { BatchManifest } from '../../../shared/domain/batch/ports';
import { type StubbedTable, stubbedTable } from '../../support/dynamo-table-stub';

/**
 * The manifest store against a table behind the SDK stub: the SDK's own retries run, so a write
 * that DynamoDB applied but whose answer was lost is sent again and meets its own condition.
 */

const SHA = 'a'.repeat(64);
const NOW = new Date('2025-12-03T09:00:00Z');
const LATER = new Date('2025-12-03T10:30:00Z'); // after the first attempt's lease

let table: StubbedTable;
let store: DynamoManifestStore;

function manifest(attemptId: string, now: Date, overrides: Partial<BatchManifest> = {}): BatchManifest {
  return {
    sha256: SHA,
    batchId: SHA,
    status: 'PUBLISHING',
    source: 'monthly/2025-11/a.csv',
    period: '2025-11',
    reportKey: `2025-11/${SHA}.json`,
    receivedAt: '2025-12-03T08:59:00.000Z',
    attemptId,
    leaseUntil: new Date(now.getTime() + 15 * 60_000).toISOString(),
    ...overrides,
  };
}

const delivered = {
  VDAB: { messages: 1, records: 2, amountCents: '3' },
  ACTIRIS: { messages: 0, records: 0 },
  FOREM: { messages: 0, records: 0 },
};

beforeEach(() => {
  table = stubbedTable();
  store = new DynamoManifestStore('batches', table.db, () => LATER);
});

describe('claiming a manifest', () => {
  it('holds the batch when the answer to its own create was lost and the SDK’s retry meets the condition', async () => {
    table.loseAnswers('PutItemCommand');

    const claim = await store.claim(manifest('attempt-1', NOW), NOW);

    expect(table.commands().slice(0, 2)).toEqual(['PutItemCommand', 'PutItemCommand']);
    expect(claim).toMatchObject({ claimed: true, manifest: { attemptId: 'attempt-1', status: 'PUBLISHING' } });
  });

  it('holds the batch when the answer to its own takeover was lost', async () => {
    await store.claim(manifest('attempt-1', NOW), NOW);
    table.loseAnswers('UpdateItemCommand');

    const claim = await store.claim(manifest('attempt-2', LATER), LATER);

    expect(table.commands().filter((c) => c === 'UpdateItemCommand')).toHaveLength(2);
    expect(claim).toMatchObject({ claimed: true, manifest: { attemptId: 'attempt-2', receivedAt: '2025-12-03T08:59:00.000Z' } });
    expect(table.item(SHA)).toMatchObject({ attemptId: 'attempt-2', leaseUntil: manifest('attempt-2', LATER).leaseUntil });
  });

  it('still backs off from another attempt’s live lease, and finds a delivered batch a duplicate', async () => {
    await store.claim(manifest('attempt-1', NOW), NOW);
    const soon = new Date(NOW.getTime() + 60_000);
    expect(await store.claim(manifest('attempt-2', soon), soon)).toMatchObject({ claimed: false, existing: { attemptId: 'attempt-1' } });

    await store.markDelivered(SHA, 'attempt-1', NOW, delivered);
    expect(await store.claim(manifest('attempt-3', LATER), LATER)).toMatchObject({
      claimed: false,
      existing: { status: 'DELIVERED', attemptId: 'attempt-1' },
    });
  });
});

describe('marking a manifest delivered', () => {
  it('succeeds when the answer to its own update was lost and the SDK’s retry meets the condition', async () => {
    await store.claim(manifest('attempt-1', NOW), NOW);
    table.loseAnswers('UpdateItemCommand');

    await expect(store.markDelivered(SHA, 'attempt-1', NOW, delivered)).resolves.toBeUndefined();

    expect(table.commands().filter((c) => c === 'UpdateItemCommand')).toHaveLength(2);
    expect(table.item(SHA)).toMatchObject({ status: 'DELIVERED', attemptId: 'attempt-1', recipients: delivered });
  });

  it('still fails for an attempt whose batch was taken over, whether or not the other attempt delivered it', async () => {
    await store.claim(manifest('attempt-1', NOW), NOW);
    await store.claim(manifest('attempt-2', LATER), LATER);

    await expect(store.markDelivered(SHA, 'attempt-1', NOW, delivered)).rejects.toThrow('conditional request failed');
    await store.markDelivered(SHA, 'attempt-2', LATER, delivered);
    await expect(store.markDelivered(SHA, 'attempt-1', NOW, delivered)).rejects.toThrow('conditional request failed');
  });
});

describe('the reception a manifest keeps (return-flows §5)', () => {
  it('a takeover keeps the earlier of the two receptions', async () => {
    await store.claim(manifest('attempt-1', NOW), NOW);
    const later = await store.claim(manifest('attempt-2', LATER, { receivedAt: '2025-12-03T09:30:00.000Z' }), LATER);
    expect(later).toMatchObject({ claimed: true, manifest: { receivedAt: '2025-12-03T08:59:00.000Z' } });

    const evenLater = new Date(LATER.getTime() + 90 * 60_000);
    const earlier = await store.claim(manifest('attempt-3', evenLater, { receivedAt: '2025-12-03T08:00:00.000Z' }), evenLater);
    expect(earlier).toMatchObject({ claimed: true, manifest: { attemptId: 'attempt-3', receivedAt: '2025-12-03T08:00:00.000Z' } });
    expect(table.item(SHA)).toMatchObject({ attemptId: 'attempt-3', receivedAt: '2025-12-03T08:00:00.000Z' });
  });
});
