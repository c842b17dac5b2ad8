import { beforeEach, describe, expect, it } from 'vitest';
import type { BatchManifest } from '../../../shared/domain/batch/ports';
import { type BatchDependencies, BatchInProgressError, processInboundFile } from '../../../shared/domain/batch/process-file';
import { inboundFile, type MemoryBatch, memoryBatch } from '../../support/batch-dependencies';
import { MemoryBlobStore, MemoryLedger, type MemoryManifestStore } from '../../support/memory-ports';
import { bytesOf, csvFile, validRow } from '../../support/rows';

/**
 * Staged records hold national numbers: an attempt that fails after staging deletes what it
 * staged before the failure goes on (and a failed deletion never hides the failure).
 */

/** A staging bucket whose deletions can be made to fail, as S3 may. */
class FlakyStaging extends MemoryBlobStore {
  failDeletes = false;
  override async delete(keys: readonly string[]): Promise<void> {
    if (this.failDeletes) throw new Error('staging unavailable');
    await super.delete(keys);
  }
}

let world: MemoryBatch<FlakyStaging>;

/** The batch's dependencies, with a fresh archive and ledger each attempt. */
function deps(overrides: Partial<BatchDependencies> = {}): BatchDependencies {
  return world.deps({ archive: new MemoryBlobStore(), ledger: new MemoryLedger(), ...overrides });
}

const bytes = bytesOf(
  csvFile(Array.from({ length: 30 }, (_, i) => validRow({ reference: `S${i}`, ocmwNis: ['11002', '21004', '62063'][i % 3] }))),
);
const file = inboundFile('monthly/2025-11/staged.csv', bytes, '2025-12-03T08:59:00Z');

/** Counts the objects staged, over every attempt, to prove a test did stage before its failure. */
function stagedEver(store: MemoryBlobStore): () => number {
  const put = store.put.bind(store);
  let count = 0;
  store.put = async (key, body, options) => {
    count += 1;
    await put(key, body, options);
  };
  return () => count;
}

beforeEach(() => {
  world = memoryBatch({ staging: new FlakyStaging() });
});

describe('an attempt that fails after staging leaves nothing staged', () => {
  it('when a publish fails half-way', async () => {
    const staged = stagedEver(world.staging);
    world.publisher.failAfter = 2;
    await expect(processInboundFile(file, deps())).rejects.toThrow('simulated crash');
    expect(staged()).toBe(3);
    expect([...world.staging.objects.keys()]).toEqual([]);
  });

  it('when the report cannot be written', async () => {
    world.reports.put = async () => {
      throw new Error('reports bucket unavailable');
    };
    await expect(processInboundFile(file, deps())).rejects.toThrow('reports bucket unavailable');
    expect([...world.staging.objects.keys()]).toEqual([]);
  });

  it('when marking the batch delivered fails', async () => {
    const failing = Object.assign(Object.create(world.manifests) as MemoryManifestStore, {
      markDelivered: async () => {
        throw new Error('batches table unavailable');
      },
    });
    await expect(processInboundFile(file, deps({ manifests: failing }))).rejects.toThrow('batches table unavailable');
    expect([...world.staging.objects.keys()]).toEqual([]);
  });

  it('when the claim itself fails', async () => {
    const failing = Object.assign(Object.create(world.manifests) as MemoryManifestStore, {
      claim: async () => {
        throw new Error('batches table unavailable');
      },
    });
    await expect(processInboundFile(file, deps({ manifests: failing }))).rejects.toThrow('batches table unavailable');
    expect([...world.staging.objects.keys()]).toEqual([]);
  });

  it('and a deletion that fails too never hides why the attempt failed', async () => {
    world.publisher.failAfter = 2;
    world.staging.failDeletes = true;
    await expect(processInboundFile(file, deps())).rejects.toThrow('simulated crash');

    // Another attempt holds the batch now (its lease is live): this one backs off, whatever the staging bucket says.
    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    const [held] = [...world.manifests.manifests.values()] as BatchManifest[];
    world.manifests.manifests.set(held!.sha256, {
      ...held!,
      attemptId: 'another',
      leaseUntil: new Date(world.clockMs + 60_000).toISOString(),
    });
    await expect(processInboundFile(file, deps())).rejects.toBeInstanceOf(BatchInProgressError);
  });
});

describe('a later attempt sweeps what earlier attempts of the same batch left staged', () => {
  it('a delivered attempt: nothing staged remains of the attempt that failed before it and could not delete', async () => {
    world.publisher.failAfter = 2;
    world.staging.failDeletes = true;
    await expect(processInboundFile(file, deps())).rejects.toThrow('simulated crash');
    expect(world.staging.objects.size).toBe(3); // the first attempt's staged parts, left behind

    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    world.staging.failDeletes = false;
    world.clockMs += 90 * 60_000; // the notification comes back after the lease ran out
    expect((await processInboundFile(file, deps())).kind).toBe('delivered');

    expect([...world.staging.objects.keys()]).toEqual([]);
  });

  it('a duplicate: nothing staged remains of the attempt that delivered the batch and could not delete', async () => {
    world.staging.failDeletes = true;
    await expect(processInboundFile(file, deps())).rejects.toThrow('staging unavailable');
    expect([...world.manifests.manifests.values()].map((m) => m.status)).toEqual(['DELIVERED']);
    expect(world.staging.objects.size).toBe(3);

    world.staging.failDeletes = false;
    expect((await processInboundFile(file, deps())).kind).toBe('duplicate');

    expect([...world.staging.objects.keys()]).toEqual([]);
  });

  it('an attempt that backs off leaves the staging of the attempt that holds the batch, and no attempt touches other batches', async () => {
    const other = `${'f'.repeat(64)}/attempt-0/VDAB/part-000001.ndjson`;
    await world.staging.put(other, '[]');
    world.publisher.failAfter = 2;
    world.staging.failDeletes = true; // as if the first attempt were still at work: its staging stays
    await expect(processInboundFile(file, deps())).rejects.toThrow('simulated crash');
    const holders = [...world.staging.objects.keys()].filter((key) => key !== other);
    expect(holders).toHaveLength(3);

    world.staging.failDeletes = false;
    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    await expect(processInboundFile(file, deps())).rejects.toBeInstanceOf(BatchInProgressError);
    expect([...world.staging.objects.keys()].sort()).toEqual([...holders, other].sort());

    world.clockMs += 90 * 60_000;
    expect((await processInboundFile(file, deps())).kind).toBe('delivered');
    expect([...world.staging.objects.keys()]).toEqual([other]);
  });
});

describe('the batch is named before its file is read', () => {
  it('stages under the batch’s SHA-256, then the attempt', async () => {
    const keys: string[] = [];
    const put = world.staging.put.bind(world.staging);
    world.staging.put = async (key, body, options) => {
      keys.push(key);
      await put(key, body, options);
    };
    const outcome = await processInboundFile(file, deps());
    const sha256 = outcome.kind === 'delivered' ? outcome.report.sha256 : '';
    expect(keys.map((key) => key.replace(/part-\d+/, 'part-N')).sort()).toEqual(
      ['ACTIRIS', 'FOREM', 'VDAB'].map((r) => `${sha256}/attempt-1/${r}/part-N.ndjson`),
    );
  });

  it('fails the attempt, staging and publishing nothing, when the object changed between the two reads', async () => {
    let opened = 0;
    const replaced = {
      key: file.key,
      receivedAt: file.receivedAt,
      open: async function* () {
        opened += 1;
        yield opened === 1 ? bytes : bytesOf(csvFile([validRow()]));
      },
    };
    await expect(processInboundFile(replaced, deps())).rejects.toThrow(`${file.key} changed while it was read`);
    expect(world.publisher.sent).toBe(0);
    expect(world.manifests.manifests.size).toBe(0);
    expect([...world.staging.objects.keys()]).toEqual([]);
  });
});
