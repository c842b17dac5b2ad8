import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../messages/envelope';
import { RECIPIENTS, type Recipient, type RecipientRecord } from '../recipients';
import { FileRefusal, type FileRefusalCode } from './codes';
import { parseInboundKey, periodOfKey } from './file-name';
import { batchCompletedMessage, batchRecordsMessage, RecordPacker } from './packing';
import type { BatchDependencies, BatchManifest, BlobStore } from './ports';
import { readRows } from './reader';
import type { BatchReport } from './report';
import { BatchTally } from './report';
import { type RecordSink, splitRows } from './split';

/**
 * The monthly batch, end to end, for one inbound file (spec monthly-batch §7–§8): read and stage,
 * decide, and only for an accepted file that these bytes have not delivered before: archive,
 * record the deliveries, publish to each recipient's queue, and report. A refused file publishes
 * nothing and leaves its report. Every step can be repeated after a crash: message ids, archive
 * keys and ledger writes are deterministic, and the manifest is one conditional item.
 */

export type { BatchDependencies } from './ports';

/** An inbound object: its key and a way to read its bytes (twice at most: to hash a refused file whole). */
export interface InboundFile {
  readonly key: string;
  readonly open: () => AsyncIterable<Uint8Array>;
}

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

/** Records per staged object: a hundred messages of up to 64 KiB, a few MiB an object. */
const MESSAGES_PER_PART = 100;

export function reportKeyOf(period: string | null, batchId: string): string {
  return `${period ?? 'unknown-period'}/${batchId}.json`;
}

export function archivePrefixOf(recipient: Recipient, period: string, batchId: string): string {
  return `${recipient}/${period}/${batchId}/`;
}

function partName(index: number): string {
  return `part-${String(index).padStart(6, '0')}.ndjson`;
}

/** Hashes bytes as they pass; `digest()` is whole only when the source was read to its end. */
class HashingSource {
  private readonly hash = createHash('sha256');
  complete = false;

  constructor(private readonly source: AsyncIterable<Uint8Array>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.source) {
      this.hash.update(chunk);
      yield chunk;
    }
    this.complete = true;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of source) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Stages each recipient's records, packed into messages' `records` arrays, as objects under
 * `<attempt>/<RECIPIENT>/part-NNNNNN.ndjson` (one array a line), so that nothing reaches a
 * recipient before the whole file is read and accepted.
 */
class RecipientStager implements RecordSink {
  private readonly packers = new Map<Recipient, RecordPacker>();
  private readonly lines = new Map<Recipient, string[]>();
  readonly parts = new Map<Recipient, string[]>();
  readonly messages: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };

  constructor(
    private readonly staging: BlobStore,
    private readonly prefix: string,
  ) {}

  accept(recipient: Recipient, record: RecipientRecord): void | Promise<void> {
    let packer = this.packers.get(recipient);
    if (!packer) {
      packer = new RecordPacker();
      this.packers.set(recipient, packer);
    }
    const finished = packer.add(JSON.stringify(record));
    if (finished !== null) return this.addLine(recipient, finished);
  }

  private addLine(recipient: Recipient, line: string): Promise<void> | undefined {
    this.messages[recipient] += 1;
    const lines = this.lines.get(recipient) ?? [];
    lines.push(line);
    this.lines.set(recipient, lines);
    return lines.length >= MESSAGES_PER_PART ? this.writePart(recipient) : undefined;
  }

  private async writePart(recipient: Recipient): Promise<void> {
    const lines = this.lines.get(recipient);
    if (!lines || lines.length === 0) return;
    this.lines.set(recipient, []);
    const parts = this.parts.get(recipient) ?? [];
    const key = `${this.prefix}${recipient}/${partName(parts.length + 1)}`;
    parts.push(key);
    this.parts.set(recipient, parts);
    await this.staging.put(key, lines.join('\n'), { contentType: 'application/x-ndjson' });
  }

  /** Writes what is still in memory. */
  async finish(): Promise<void> {
    for (const [recipient, packer] of this.packers) {
      const last = packer.flush();
      if (last !== null) await this.addLine(recipient, last);
      await this.writePart(recipient);
    }
  }

  allKeys(): string[] {
    return [...this.parts.values()].flat();
  }
}

/**
 * Processes one inbound file. Answers what became of it; throws only on transient failures
 * (the source, a store, a queue), so that the notification is retried.
 */
export async function processInboundFile(file: InboundFile, deps: BatchDependencies): Promise<BatchOutcome> {
  const now = deps.clock();
  const attemptId = deps.newAttemptId();
  const source = new HashingSource(file.open());
  const stager = new RecipientStager(deps.staging, `${attemptId}/`);

  let refused: FileRefusalCode | null = null;
  let tally = new BatchTally();
  let period = periodOfKey(file.key);
  try {
    const inbound = parseInboundKey(file.key);
    period = inbound.period;
    const rows = readRows(source, inbound.kind);
    const progressEvery = 100_000;
    const withProgress = deps.onProgress
      ? (async function* () {
          let seen = 0;
          for await (const batch of rows) {
            const before = seen;
            seen += batch.length;
            if (Math.floor(seen / progressEvery) > Math.floor(before / progressEvery)) deps.onProgress?.(seen);
            yield batch;
          }
        })()
      : rows;
    const result = await splitRows(withProgress, { filePeriod: inbound.period, now, maxRejectedShare: deps.maxRejectedShare }, stager);
    tally = result.tally;
    refused = result.refused;
    if (refused === null) await stager.finish();
  } catch (error) {
    if (!(error instanceof FileRefusal)) {
      await deps.staging.delete(stager.allKeys()).catch(() => undefined);
      throw error;
    }
    refused = error.code;
  }

  const sha256 = source.complete ? source.digest() : await sha256Of(file.open());
  const batchId = sha256;
  const reportKey = reportKeyOf(period, batchId);
  const identity = { batchId, period, source: file.key, sha256 };

  if (refused !== null) {
    await deps.staging.delete(stager.allKeys());
    // Bytes already delivered stay delivered, under any key. A refusal itself records no manifest:
    // it may depend on the key (its month folder, its extension), so the same bytes put right
    // later must still be processed.
    const existing = await deps.manifests.get(sha256);
    if (existing) return { kind: 'duplicate', existing };
    const report = tally.toReport(identity, refused);
    await deps.reports.put(reportKey, JSON.stringify(report, null, 2), { contentType: 'application/json' });
    return { kind: 'refused', report, reportKey };
  }

  const acceptedPeriod = period as string;
  const claim = await deps.manifests.claim(
    {
      sha256,
      batchId,
      status: 'PUBLISHING',
      source: file.key,
      period: acceptedPeriod,
      reportKey,
      receivedAt: now.toISOString(),
      attemptId,
      leaseUntil: new Date(now.getTime() + deps.leaseMs).toISOString(),
    },
    now,
  );
  if (!claim.claimed) {
    await deps.staging.delete(stager.allKeys());
    if (claim.existing.status === 'PUBLISHING') throw new BatchInProgressError(sha256);
    return { kind: 'duplicate', existing: claim.existing };
  }

  // A crash before this attempt left the manifest behind: the retention clock stays the first one.
  const receivedAt = new Date(claim.manifest.receivedAt);
  const report = tally.toReport(identity, null);
  await deps.reports.put(reportKey, JSON.stringify(report, null, 2), { contentType: 'application/json' });

  const recipients: Record<string, { messages: number; records: number; amountCents?: string }> = {};
  for (const recipient of RECIPIENTS) {
    const totals = {
      messages: stager.messages[recipient],
      records: tally.records[recipient],
      amountCents: tally.totalCents(recipient),
    };
    await deliverToRecipient(deps, { batchId, period: acceptedPeriod, receivedAt }, recipient, stager.parts.get(recipient) ?? [], totals);
    recipients[recipient] = {
      messages: totals.messages,
      records: totals.records,
      ...(report.perRecipient[recipient].amountCents !== undefined ? { amountCents: report.perRecipient[recipient].amountCents } : {}),
    };
  }

  await deps.manifests.markDelivered(sha256, attemptId, deps.clock(), recipients);
  await deps.staging.delete(stager.allKeys());
  return { kind: 'delivered', report, reportKey };
}

/**
 * Delivers one recipient's staged parts: each part is archived (write once), its records are
 * recorded in the ledger, then its messages are published; `batch.completed` comes last.
 */
async function deliverToRecipient(
  deps: BatchDependencies,
  batch: { batchId: string; period: string; receivedAt: Date },
  recipient: Recipient,
  stagedParts: readonly string[],
  totals: { messages: number; records: number; amountCents: bigint },
): Promise<void> {
  const queueUrl = deps.recipientQueueUrl(recipient);
  const prefix = archivePrefixOf(recipient, batch.period, batch.batchId);
  let seq = 0;
  for (const [index, stagedKey] of stagedParts.entries()) {
    const arrays = (await deps.staging.getText(stagedKey)).split('\n');
    const sentAt = deps.clock();
    const messages: OutboundMessage[] = arrays.map((recordsJson) => batchRecordsMessage(batch, recipient, ++seq, recordsJson, sentAt));
    await deps.archive.put(`${prefix}${partName(index + 1)}`, messages.map((m) => m.body).join('\n'), {
      ifAbsent: true,
      contentType: 'application/x-ndjson',
    });
    const records = arrays.flatMap((recordsJson) => JSON.parse(recordsJson) as RecipientRecord[]);
    await deps.ledger.recordDeliveries(batch, recipient, records);
    await deps.publisher.publish(queueUrl, messages);
  }
  const completed = batchCompletedMessage(batch, recipient, totals, deps.clock());
  await deps.archive.put(`${prefix}completed.json`, completed.body, { ifAbsent: true, contentType: 'application/json' });
  await deps.publisher.publish(queueUrl, [completed]);
}

/**
 * An operator's explicit request: delivers an archived batch again to one recipient (or all), with
 * the same message ids, so a recipient that already holds them drops them. Answers the messages sent.
 */
export async function redeliverBatch(
  batchId: string,
  recipients: readonly Recipient[],
  deps: Pick<BatchDependencies, 'archive' | 'manifests' | 'publisher' | 'recipientQueueUrl'>,
): Promise<Record<Recipient, number>> {
  const manifest = await deps.manifests.get(batchId);
  if (manifest?.status !== 'DELIVERED' || manifest.period === null) {
    throw new Error(`batch ${batchId} was not delivered, so there is nothing to deliver again`);
  }
  const sent: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };
  for (const recipient of recipients) {
    const prefix = archivePrefixOf(recipient, manifest.period, batchId);
    const keys = await deps.archive.list(prefix);
    const parts = keys.filter((key) => key.endsWith('.ndjson')).sort();
    for (const key of [...parts, `${prefix}completed.json`]) {
      if (!keys.includes(key)) throw new Error(`archive object ${key} is missing`);
      const messages = (await deps.archive.getText(key)).split('\n').map((body): OutboundMessage => {
        const parsed = JSON.parse(body) as { messageId: string; type: OutboundMessage['type'] };
        return { messageId: parsed.messageId, type: parsed.type, body };
      });
      await deps.publisher.publish(deps.recipientQueueUrl(recipient), messages);
      sent[recipient] += messages.length;
    }
  }
  return sent;
}
