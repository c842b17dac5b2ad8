import { beforeEach, describe, expect, it } from 'vitest';
import { processInboundFile } from '../../../shared/domain/batch/process-file';
import { redeliverBatch } from '../../../shared/domain/batch/redeliver';
import { inboundFile, type MemoryBatch, type MemoryBatchDependencies, memoryBatch } from '../../support/batch-dependencies';
import { MemoryBlobStore } from '../../support/memory-ports';
import { bytesOf, csvFile, validRow } from '../../support/rows';

/**
 * The clock of what a batch delivered (return-flows §5): it starts when the hub first received the
 * batch file, and a retry that takes the batch over after a crash, or an operator's re-delivery,
 * does not restart it.
 */

let world: MemoryBatch;

/** The batch's dependencies, with a fresh staging and reports bucket each attempt. */
function deps(): MemoryBatchDependencies {
  return world.deps({ staging: new MemoryBlobStore(), reports: new MemoryBlobStore() });
}

const bytes = bytesOf(
  csvFile(['11002', '21004', '62063'].flatMap((nis, i) => [validRow({ reference: `C${i}`, ocmwNis: nis, fileNumber: `F${i}` })])),
);
const file = inboundFile('monthly/2025-11/clock.csv', bytes, '2025-12-03T09:00:00Z');

beforeEach(() => {
  world = memoryBatch();
});

describe('the retention clock of a batch (return-flows §5)', () => {
  it('records every delivery with the first reception, also those a retry makes after taking the batch over', async () => {
    world.publisher.failAfter = 2; // VDAB's records went out, then the attempt died
    await expect(processInboundFile(file, deps())).rejects.toThrow('simulated crash');
    const firstCalls = world.ledger.calls.length;
    expect(firstCalls).toBeGreaterThan(0);

    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    world.clockMs += 3 * 3_600_000; // the notification comes back hours later
    expect((await processInboundFile(file, deps())).kind).toBe('delivered');

    expect(world.ledger.calls.length).toBeGreaterThan(firstCalls);
    expect(new Set(world.ledger.calls.map((c) => c.batch.receivedAt.toISOString()))).toEqual(new Set(['2025-12-03T09:00:00.000Z']));
    expect(new Set(world.ledger.calls.map((c) => c.recipient))).toEqual(new Set(['VDAB', 'ACTIRIS', 'FOREM']));
  });

  it('records nothing again on an operator’s re-delivery, so the clock does not restart', async () => {
    expect((await processInboundFile(file, deps())).kind).toBe('delivered');
    const recorded = world.ledger.calls.length;
    world.clockMs += 399 * 86_400_000; // the last day of the 400-day replay window
    const [manifest] = [...world.manifests.manifests.values()];
    await redeliverBatch(manifest!.batchId, ['VDAB', 'ACTIRIS', 'FOREM'], deps());
    expect(world.ledger.calls).toHaveLength(recorded);
    // The re-delivery is recorded as a disclosure of its own, kept as the batch: from its first reception.
    expect(world.ledger.redeliveries.length).toBeGreaterThan(0);
    expect(new Set(world.ledger.redeliveries.map((r) => r.batch.receivedAt.toISOString()))).toEqual(new Set(['2025-12-03T09:00:00.000Z']));
    expect(world.manifests.manifests.get(manifest!.sha256)?.receivedAt).toBe('2025-12-03T09:00:00.000Z');
  });

  it('starts when S3 received the file, not when the first attempt that claimed the batch ran', async () => {
    // Earlier attempts failed before the claim (the staging bucket, say): the claim comes hours later.
    world.clockMs = Date.parse('2025-12-03T14:00:00Z');
    expect((await processInboundFile(file, deps())).kind).toBe('delivered');

    expect([...world.manifests.manifests.values()].map((m) => m.receivedAt)).toEqual(['2025-12-03T09:00:00.000Z']);
    expect(new Set(world.ledger.calls.map((c) => c.batch.receivedAt.toISOString()))).toEqual(new Set(['2025-12-03T09:00:00.000Z']));
  });

  it('starts at the earliest reception of the bytes: a takeover by the same bytes received earlier under another key moves it back', async () => {
    world.publisher.failAfter = 2;
    await expect(processInboundFile(inboundFile('monthly/2025-11/second.csv', bytes, '2025-12-03T08:58:00Z'), deps())).rejects.toThrow(
      'simulated crash',
    );
    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    world.clockMs += 3 * 3_600_000;
    const firstCalls = world.ledger.calls.length;
    expect((await processInboundFile(inboundFile('monthly/2025-11/first.csv', bytes, '2025-12-03T08:40:00Z'), deps())).kind).toBe(
      'delivered',
    );

    expect([...world.manifests.manifests.values()].map((m) => m.receivedAt)).toEqual(['2025-12-03T08:40:00.000Z']);
    expect(new Set(world.ledger.calls.slice(firstCalls).map((c) => c.batch.receivedAt.toISOString()))).toEqual(
      new Set(['2025-12-03T08:40:00.000Z']),
    );
  });
});
