import type { BatchDependencies } from '../../shared/domain/batch/ports';
import type { InboundFile } from '../../shared/domain/batch/process-file';
import type { RedeliveryDeps } from '../../shared/domain/batch/redeliver';
import { RECIPIENTS, type Recipient } from '../../shared/domain/recipients';
import { DEFAULT_REPLAY_WINDOW_DAYS } from '../../shared/domain/retention';
import type { Clock } from '../../shared/ports';
import { MemoryBlobStore, MemoryLedger, MemoryManifestStore, MemoryPublisher } from './memory-ports';

/** The PPS's outbound queue in {@link MemoryBatch.deps}: where every file's `batch.outcome` goes. */
export const PPS_QUEUE = 'queue:PPS';

/** When the unit tests' clock starts, and when their inbound files were received unless they say otherwise. */
export const BATCH_START = '2025-12-03T09:00:00Z';

/** The monthly batch's dependencies and the replay window an operator's re-delivery checks. */
export type MemoryBatchDependencies = BatchDependencies & RedeliveryDeps;

/**
 * The monthly batch's ports in memory for one test, with a clock it sets and the counter of its
 * attempts. Every field may be replaced or moved on (a fresh publisher, `clockMs += …`): `deps()`
 * and `clock` read the fields when they are called.
 */
export interface MemoryBatch<Staging extends MemoryBlobStore = MemoryBlobStore> {
  staging: Staging;
  archive: MemoryBlobStore;
  reports: MemoryBlobStore;
  manifests: MemoryManifestStore;
  ledger: MemoryLedger;
  publisher: MemoryPublisher;
  /** The clock's reading, in epoch milliseconds. */
  clockMs: number;
  /** How many attempt ids `newAttemptId` handed out: the next one is `attempt-${attempts + 1}`. */
  attempts: number;
  /** Reads `clockMs` (for an adapter that takes a clock of its own, such as a DynamoDB manifest store). */
  readonly clock: Clock;
  /**
   * The batch's dependencies over the current fields: recipient queue `queue:<recipient>`, the PPS's
   * {@link PPS_QUEUE}, at most 5% of rows rejected, attempt ids `attempt-1`, `attempt-2`…, a lease
   * of 15 minutes, the default replay window (400 days). `overrides` replaces any port or setting
   * (a flaky store, a DynamoDB-backed manifest store, another share).
   */
  deps(overrides?: Partial<MemoryBatchDependencies>): MemoryBatchDependencies;
}

/** What {@link memoryBatch} may be given: a staging store of another kind, and when the clock starts. */
export interface MemoryBatchOptions<Staging extends MemoryBlobStore> {
  /** A staging store in place of a plain {@link MemoryBlobStore} (one whose writes or deletions fail, say). */
  readonly staging?: Staging;
  /** The clock's first reading, as an ISO instant; {@link BATCH_START} unless given. */
  readonly now?: string;
}

/** Fresh in-memory ports of the monthly batch, a settable clock and their {@link BatchDependencies}. */
export function memoryBatch(): MemoryBatch;
export function memoryBatch<Staging extends MemoryBlobStore = MemoryBlobStore>(options: MemoryBatchOptions<Staging>): MemoryBatch<Staging>;
export function memoryBatch(options: MemoryBatchOptions<MemoryBlobStore> = {}): MemoryBatch {
  const batch: MemoryBatch = {
    staging: options.staging ?? new MemoryBlobStore(),
    archive: new MemoryBlobStore(),
    reports: new MemoryBlobStore(),
    manifests: new MemoryManifestStore(),
    ledger: new MemoryLedger(),
    publisher: new MemoryPublisher(),
    clockMs: Date.parse(options.now ?? BATCH_START),
    attempts: 0,
    clock: () => new Date(batch.clockMs),
    deps: (overrides = {}) => ({
      staging: batch.staging,
      archive: batch.archive,
      reports: batch.reports,
      manifests: batch.manifests,
      ledger: batch.ledger,
      redeliveries: batch.ledger,
      publisher: batch.publisher,
      recipientQueueUrl: (recipient: Recipient) => `queue:${recipient}`,
      ppsOutboundQueueUrl: PPS_QUEUE,
      clock: batch.clock,
      maxRejectedShare: 0.05,
      newAttemptId: () => {
        batch.attempts += 1;
        return `attempt-${batch.attempts}`;
      },
      leaseMs: 15 * 60_000,
      replayWindowDays: DEFAULT_REPLAY_WINDOW_DAYS,
      ...overrides,
    }),
  };
  return batch;
}

/**
 * An inbound file as S3 received it under `key` at `receivedAt` (the notification's eventTime;
 * {@link BATCH_START} unless given), whose every read yields `bytes` in one chunk.
 */
export function inboundFile(key: string, bytes: Uint8Array, receivedAt: string | Date = BATCH_START): InboundFile {
  return {
    key,
    receivedAt: new Date(receivedAt),
    open: async function* () {
      yield bytes;
    },
  };
}

/** How many messages the recipients' queues received in all (the PPS's `batch.outcome`s not counted). */
export function sentToRecipients(publisher: MemoryPublisher): number {
  return RECIPIENTS.reduce((sum, recipient) => sum + publisher.all(`queue:${recipient}`).length, 0);
}
