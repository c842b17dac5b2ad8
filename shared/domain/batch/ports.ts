import type { Clock, MessagePublisher } from '../../ports';
import type { Recipient, RecipientRecord } from '../recipients';
import type { DeliveryProof } from './delivery-proof';
import type { OutcomeCounts } from './outcome';

/**
 * The interfaces the monthly batch depends on (those it shares with the return flows are in
 * shared/ports.ts), and the dependencies of its use cases. Adapters in shared/adapters implement
 * them with the AWS SDK; tests implement them in memory.
 */

/** The batch whose records are being delivered. */
export interface DeliveredBatch {
  readonly batchId: string;
  readonly period: string;
  /** When the hub received the file: every retention clock of what it delivers starts here. */
  readonly receivedAt: Date;
}

/**
 * Remembers what the monthly batch delivered, before it is published: the payment lines of VDAB
 * and Actiris (so that their decisions and corrections can be checked against them) and, for every
 * recipient, the record of disclosures and the proof of each message. Idempotent: recording the
 * same records or proofs again is a no-op (a later delivery of the same reference to the same
 * recipient replaces the line).
 */
export interface DeliveryLedger {
  recordDeliveries(batch: DeliveredBatch, recipient: Recipient, records: readonly RecipientRecord[]): Promise<void>;
  /** Keeps the proof of each message (delivery-proof.ts), written with the archive, before it is published. */
  recordProofs(proofs: readonly DeliveryProof[]): Promise<void>;
}

/** Objects in one bucket (staging, archive or reports). Keys are relative to the bucket. */
export interface BlobStore {
  /**
   * Writes an object. With `ifAbsent`, an object that already exists is left as it is (write once):
   * the call then resolves all the same, since the content under a key is deterministic.
   */
  put(key: string, body: string, options?: { ifAbsent?: boolean; contentType?: string }): Promise<void>;
  getText(key: string): Promise<string>;
  /** Keys under a prefix, in lexicographic order. */
  list(prefix: string): Promise<string[]>;
  delete(keys: readonly string[]): Promise<void>;
}

/**
 * The states of a batch manifest (monthly-batch §8: the same bytes are delivered once). Only an
 * accepted file has a manifest: a refusal may depend on the key, so it blocks nothing.
 */
export type ManifestStatus = 'PUBLISHING' | 'DELIVERED';

/** One accepted file's bytes in the `batches` table: who holds them and whether they were delivered. */
export interface BatchManifest {
  /** The content's SHA-256, hex: the manifest's key. */
  readonly sha256: string;
  readonly batchId: string;
  readonly status: ManifestStatus;
  readonly source: string;
  readonly period: string | null;
  readonly reportKey: string;
  /** When the hub first received the bytes: the retention clock of what it delivers. */
  readonly receivedAt: string;
  /** The attempt that holds the batch while publishing, and until when. */
  readonly attemptId?: string;
  readonly leaseUntil?: string;
  readonly deliveredAt?: string;
  /** Per recipient, once delivered: its `batch.records` messages, its records and (VDAB, Actiris) their amount. */
  readonly recipients?: Readonly<Record<string, { messages: number; records: number; amountCents?: string }>>;
  /**
   * The counts of the batch's report, written with the claim (the file is read by then), so that the
   * `batch.outcome` of the same bytes under another key repeats them without reading the reports
   * bucket. Counts only: no national number, no reference.
   */
  readonly counts?: OutcomeCounts;
}

/** A claim either holds the batch now (a new manifest, or one taken over) or names the manifest in the way. */
export type ClaimResult =
  | { readonly claimed: true; readonly manifest: BatchManifest }
  | { readonly claimed: false; readonly existing: BatchManifest };

/** Batch manifests, written with single-item conditional writes. */
export interface ManifestStore {
  /**
   * Creates the manifest if no manifest has these bytes' SHA-256, or takes over one left
   * `PUBLISHING` by an attempt whose lease has run out (a crash), keeping the earlier of the two
   * `receivedAt`. Otherwise answers the existing one.
   * A manifest held by this very attempt (`attemptId`) is claimed: a write whose answer was lost
   * and that the SDK sent again meets its own condition.
   */
  claim(manifest: BatchManifest, now: Date): Promise<ClaimResult>;
  /**
   * Marks a claimed manifest delivered; only the attempt that holds it may. A manifest this attempt
   * already marked (a write whose answer was lost and that was sent again) is no failure.
   */
  markDelivered(sha256: string, attemptId: string, deliveredAt: Date, recipients: NonNullable<BatchManifest['recipients']>): Promise<void>;
  get(sha256: string): Promise<BatchManifest | undefined>;
}

/** Everything the batch's use cases need, injected; each use case takes only the part it uses. */
export interface BatchDependencies {
  readonly staging: BlobStore;
  readonly archive: BlobStore;
  readonly reports: BlobStore;
  readonly manifests: ManifestStore;
  readonly ledger: DeliveryLedger;
  readonly publisher: MessagePublisher;
  readonly recipientQueueUrl: (recipient: Recipient) => string;
  /** The PPS's outbound queue, where every file's `batch.outcome` goes. */
  readonly ppsOutboundQueueUrl: string;
  readonly clock: Clock;
  readonly maxRejectedShare: number;
  /** The most rows a file may have (§2): the next one makes it `TOO_MANY_ROWS`; default 1,000,000. */
  readonly maxRows?: number;
  /** A fresh id for this attempt (its staging prefix and its lease on the manifest). */
  readonly newAttemptId: () => string;
  /** How long an attempt holds a batch while publishing; at least the function's timeout. */
  readonly leaseMs: number;
  /** Progress, every so many rows (long files show progress). */
  readonly onProgress?: (rows: number) => void;
  /** The batch is named (its id, the SHA-256 of its bytes), before it is read: its log lines carry it from then on. */
  readonly onBatchNamed?: (batchId: string) => void;
}
