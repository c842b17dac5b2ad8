import { RECIPIENTS } from '../recipients';
import { FileRefusal } from './codes';
import { deliverToRecipient } from './deliver';
import { parseInboundKey, periodOfKey } from './file-name';
import { HashingSource, sha256Of } from './hashing-source';
import { batchStagingPrefixOf, reportKeyOf, stagingPrefixOf } from './object-keys';
import { type BatchOutcomeFacts, batchOutcomeMessage, countsOf } from './outcome';
import type { BatchDependencies, BatchManifest, BlobStore } from './ports';
import { type RawRow, readRows } from './reader';
import { type BatchReport, BatchTally, type Refusal } from './report';
import { splitRows } from './split';
import { RecipientStager } from './staging';

// The handler builds the dependencies and calls processInboundFile: one import serves both.
export type { BatchDependencies } from './ports';

/** An inbound object: its key and a way to read its bytes (twice: to name the batch, then to read it). */
export interface InboundFile {
  readonly key: string;
  /**
   * When the hub received the file (S3's `eventTime` for it), however late an attempt claims it:
   * the retention clock of what the batch delivers starts here (return-flows §5).
   */
  readonly receivedAt: Date;
  readonly open: () => AsyncIterable<Uint8Array>;
}

/** What became of a file: delivered, refused (both with their report), or a duplicate of bytes already delivered. */
export type BatchOutcome =
  | { readonly kind: 'delivered'; readonly report: BatchReport; readonly reportKey: string }
  | { readonly kind: 'refused'; readonly report: BatchReport; readonly reportKey: string }
  | { readonly kind: 'duplicate'; readonly existing: BatchManifest };

/** Thrown when another attempt holds the batch right now: the notification is retried later. */
export class BatchInProgressError extends Error {
  constructor(readonly sha256: string) {
    super('another attempt is publishing this batch');
    this.name = 'BatchInProgressError';
  }
}

/**
 * The monthly batch, end to end, for one inbound file (spec monthly-batch §7–§8). Answers what
 * became of it; throws only on transient failures (the source, a store, a queue), so that the
 * notification is retried.
 *
 * Primary course: the file's bytes are hashed; the file is read and its delivered records staged;
 * it is accepted; its bytes claim the manifest; each recipient's messages are archived, recorded
 * in the ledger and published, `batch.completed` last; the report is written; the PPS is sent the
 * file's `batch.outcome`; the manifest is marked delivered and the batch's staging (this attempt's
 * and any earlier attempt's) deleted.
 *
 * Alternative courses: a refused file publishes nothing to the recipients, leaves its report and
 * tells the PPS; bytes delivered before (under any key) are a duplicate, deliver nothing again,
 * delete the batch's staging and tell the PPS which batch they are; bytes another attempt is
 * publishing throw {@link BatchInProgressError}. A failure at any step deletes what this attempt
 * staged and is rethrown. A crash at any step is repaired by the retry: message ids (the outcome's
 * too), archive keys and ledger writes are deterministic, and the manifest is one conditional item
 * whose lease runs out.
 */
export async function processInboundFile(file: InboundFile, deps: BatchDependencies): Promise<BatchOutcome> {
  const attemptId = deps.newAttemptId();
  // 1. Name the batch by its bytes, before anything is staged: every attempt stages under the
  //    batch's name, so that a later attempt finds (by one listing of that prefix) what earlier
  //    attempts left behind when they died. The price is a second read of the object's bytes.
  const sha256 = await sha256Of(file.open());
  deps.onBatchNamed?.(sha256);
  const stager = new RecipientStager(deps.staging, stagingPrefixOf(sha256, attemptId));
  try {
    return await runAttempt(file, deps, sha256, attemptId, stager);
  } catch (error) {
    // Whatever failed, at any step, this attempt's staged records (they hold national numbers) go
    // with it: the retry stages afresh. Best effort: a failed deletion must not hide the failure.
    await deps.staging.delete(stager.allKeys()).catch(() => undefined);
    throw error;
  }
}

/** One attempt's steps; {@link processInboundFile} deletes what it staged when one of them throws. */
async function runAttempt(
  file: InboundFile,
  deps: BatchDependencies,
  sha256: string,
  attemptId: string,
  stager: RecipientStager,
): Promise<BatchOutcome> {
  const now = deps.clock();
  const source = new HashingSource(file.open());

  // 2. Read and stage: every row is decided; delivered records wait in staging, unseen. The bytes
  //    read must be the bytes named (an object replaced in between is read again by the retry).
  const read = await readAndStage(file.key, source, stager, deps, now);
  if (source.complete && source.digest() !== sha256) throw new Error(`${file.key} changed while it was read`);
  const batchId = sha256;
  const reportKey = reportKeyOf(read.period, batchId);
  const identity = { batchId, period: read.period, source: file.key, sha256 };

  // 3. Refused: nothing is published, the report says why, and the PPS is told once it is written.
  if (read.refusal !== null) {
    // Bytes already delivered stay delivered, under any key. A refusal itself records no manifest:
    // it may depend on the key (its month folder, its extension), so the same bytes put right
    // later must still be processed. While another attempt publishes them, its staging stays, and
    // this one backs off: the outcome of a duplicate names the first batch's report, not yet written.
    const existing = await deps.manifests.get(sha256);
    if (existing?.status === 'DELIVERED') await sweepStaging(deps.staging, sha256);
    else await deps.staging.delete(stager.allKeys());
    if (existing?.status === 'PUBLISHING') throw new BatchInProgressError(sha256);
    if (existing) return duplicateOf(existing, identity, read.tally.toReport(identity, null), deps);
    const report = read.tally.toReport(identity, read.refusal);
    await putReport(deps.reports, reportKey, report);
    await tellPps(deps, outcomeOfReport(identity, report, reportKey));
    return { kind: 'refused', report, reportKey };
  }

  // 4. Accepted: claim the manifest with one conditional write; it keeps the report's counts for the
  //    outcome of a later duplicate. The same bytes delivered before are a duplicate; an attempt
  //    holding a live lease makes this one back off.
  const report = read.tally.toReport(identity, null);
  const claim = await deps.manifests.claim(
    {
      sha256,
      batchId,
      status: 'PUBLISHING',
      source: file.key,
      period: read.period,
      reportKey,
      receivedAt: file.receivedAt.toISOString(),
      attemptId,
      leaseUntil: new Date(now.getTime() + deps.leaseMs).toISOString(),
      counts: countsOf(report),
    },
    now,
  );
  if (!claim.claimed) {
    if (claim.existing.status === 'PUBLISHING') throw new BatchInProgressError(sha256);
    await sweepStaging(deps.staging, sha256);
    return duplicateOf(claim.existing, identity, report, deps);
  }

  // 5. Deliver to each recipient in turn. The manifest keeps the earliest reception of these bytes
  //    (a takeover does not restart it): the retention clock starts at the first reception. A
  //    publish that fails throws: the notification fails and is retried, and nothing says the batch
  //    was delivered.
  //    A local file without a period (§7) had every row rejected (none has a well-formed period):
  //    it delivers nothing and sends nothing, not even `batch.completed`, which names a month.
  const { period } = read;
  const receivedAt = new Date(claim.manifest.receivedAt);
  const delivered: Record<string, { messages: number; records: number; amountCents?: string }> = {};
  for (const recipient of RECIPIENTS) {
    const totals = {
      messages: stager.messages[recipient],
      records: read.tally.records[recipient],
      amountCents: read.tally.totalCents(recipient),
    };
    if (period === null && totals.records > 0) throw new Error('a batch without a period cannot have delivered records');
    if (period !== null)
      await deliverToRecipient(deps, { batchId, period, receivedAt }, recipient, stager.parts.get(recipient) ?? [], totals);
    const { amountCents } = report.perRecipient[recipient];
    delivered[recipient] = { messages: totals.messages, records: totals.records, ...(amountCents !== undefined ? { amountCents } : {}) };
  }

  // 6. The report, once the delivery is complete and never before (§8): a report says what
  //    happened. Then the PPS is told. Both before the manifest is marked, so that a crash in
  //    between is repaired by the retry, which writes the same report and sends the same outcome.
  await putReport(deps.reports, reportKey, report);
  await tellPps(deps, outcomeOfReport(identity, report, reportKey));

  // 7. Mark the manifest delivered, with what each recipient received; then drop the batch's
  //    staging, this attempt's and what earlier attempts left.
  await deps.manifests.markDelivered(sha256, attemptId, deps.clock(), delivered);
  await sweepStaging(deps.staging, sha256);
  return { kind: 'delivered', report, reportKey };
}

/**
 * The same bytes were received before (monthly-batch §8): nothing is delivered again and no
 * report written, and the PPS is told which batch they are, with that batch's counts and report.
 * The notification of the first batch's own key, received again, tells what its first attempt
 * told, with the same id and the same content: a reader drops it as the duplicate it is.
 */
async function duplicateOf(
  existing: BatchManifest,
  identity: BatchIdentity,
  read: BatchReport,
  deps: BatchDependencies,
): Promise<BatchOutcome> {
  await tellPps(deps, {
    ...identity,
    // A manifest written before manifests kept counts has none: this reading's, then.
    ...countsOf(existing.counts ?? read),
    refused: null,
    refusedDetail: null,
    reportKey: existing.reportKey,
    duplicateOf: existing.source === identity.source ? null : existing.batchId,
  });
  return { kind: 'duplicate', existing };
}

/** Sends the PPS the `batch.outcome` of a file: its report is written (or, for a duplicate, the first batch's was). */
/** The outcome of a file whose report this attempt wrote (accepted or refused): what that report says. */
function outcomeOfReport(identity: BatchIdentity, report: BatchReport, reportKey: string): BatchOutcomeFacts {
  return { ...identity, ...countsOf(report), refused: report.refused, refusedDetail: report.refusedDetail, reportKey, duplicateOf: null };
}

async function tellPps(deps: BatchDependencies, facts: BatchOutcomeFacts): Promise<void> {
  await deps.publisher.publish(deps.ppsOutboundQueueUrl, [batchOutcomeMessage(facts, deps.clock())]);
}

/** What names a batch in its report and its outcome. */
interface BatchIdentity {
  readonly batchId: string;
  readonly period: string | null;
  readonly source: string;
  readonly sha256: string;
}

/** What reading a file came to; its period is null only for a local file none of whose rows has one (§7). */
interface ReadResult {
  readonly refusal: Refusal | null;
  readonly period: string | null;
  readonly tally: BatchTally;
}

/**
 * Reads the file and stages its delivered records. A refusal is an answer, not an error; any other
 * failure (the source, the staging bucket) is rethrown.
 */
async function readAndStage(
  key: string,
  source: AsyncIterable<Uint8Array>,
  stager: RecipientStager,
  deps: BatchDependencies,
  now: Date,
): Promise<ReadResult> {
  let tally = new BatchTally();
  let period = periodOfKey(key);
  try {
    const inbound = parseInboundKey(key);
    period = inbound.period;
    const rows = withProgress(readRows(source, inbound.kind, { maxRows: deps.maxRows }), deps.onProgress);
    const result = await splitRows(rows, { filePeriod: inbound.period, now, maxRejectedShare: deps.maxRejectedShare }, stager);
    tally = result.tally;
    if (result.refusal !== null) return { refusal: result.refusal, period, tally };
    await stager.finish();
    return { refusal: null, period: inbound.period, tally };
  } catch (error) {
    if (!(error instanceof FileRefusal)) throw error;
    return { refusal: { code: error.code, detail: error.detail }, period, tally };
  }
}

const PROGRESS_EVERY_ROWS = 100_000;

/** The rows as they come, calling `onProgress` each time another {@link PROGRESS_EVERY_ROWS} were read. */
function withProgress(rows: AsyncIterable<RawRow[]>, onProgress: ((rows: number) => void) | undefined): AsyncIterable<RawRow[]> {
  if (!onProgress) return rows;
  return (async function* () {
    let seen = 0;
    for await (const batch of rows) {
      const before = seen;
      seen += batch.length;
      if (Math.floor(seen / PROGRESS_EVERY_ROWS) > Math.floor(before / PROGRESS_EVERY_ROWS)) onProgress(seen);
      yield batch;
    }
  })();
}

/**
 * Deletes everything staged for a delivered batch: this attempt's parts and those of earlier
 * attempts that died before deleting theirs. Only once the batch is delivered, when no attempt
 * can need its staging any more (one taken over finds the batch delivered and stops).
 */
async function sweepStaging(staging: BlobStore, sha256: string): Promise<void> {
  await staging.delete(await staging.list(batchStagingPrefixOf(sha256)));
}

function putReport(reports: BlobStore, reportKey: string, report: BatchReport): Promise<void> {
  return reports.put(reportKey, JSON.stringify(report, null, 2), { contentType: 'application/json' });
}
