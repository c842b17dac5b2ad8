import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { s3Client, sqsClient } from '../shared/adapters/aws-clients';
import { DynamoManifestStore } from '../shared/adapters/dynamo-manifest-store';
import { fileKindOf, NO_PERIOD_LOCAL_PREFIX } from '../shared/domain/batch/file-name';
import { sha256Of } from '../shared/domain/batch/hashing-source';
import { readRows } from '../shared/domain/batch/reader';
import type { BatchReport } from '../shared/domain/batch/report';
import { isPeriod } from '../shared/domain/batch/row-validation';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { BUCKETS, QUEUES, TABLES } from '../shared/topology';
import type { LocalStandIn } from './stand-in';

/**
 * `npm start -- --file <path> --out <dir>` (spec monthly-batch §9): puts a file in the local
 * inbound bucket, plays S3's notification, lets the unchanged split-batch handler process it, and
 * writes what each recipient's queue received and the report.
 */

export interface RecipientDelivery {
  /** Records written to `<dir>/<RECIPIENT>.ndjson`. */
  readonly records: number;
  /** Distinct `batch.records` messages received. */
  readonly messages: number;
  /**
   * Whether the recipient holds all the batch sent it: its `batch.completed` arrived and counts
   * exactly what was received; for an accepted file without a period, which sends nothing (§7),
   * whether nothing arrived. Never for a refused file.
   */
  readonly complete: boolean;
}

export interface LocalRunResult {
  readonly key: string;
  readonly report: BatchReport;
  readonly deliveries: Readonly<Record<Recipient, RecipientDelivery>>;
}

/**
 * An accepted file whose delivery did not complete (§9: a queue kept refusing a message, say):
 * some recipient lacks part of the batch. `<dir>` holds what each queue did receive, and no
 * `report.json`: a report says what happened, and this did not finish.
 */
export class IncompleteDeliveryError extends Error {
  override readonly name = 'IncompleteDeliveryError';
  constructor(
    readonly key: string,
    /** The recipients whose delivery did not complete. */
    readonly incomplete: readonly Recipient[],
    readonly deliveries: Readonly<Record<Recipient, RecipientDelivery>>,
  ) {
    super(`the delivery of ${key} did not complete for ${incomplete.join(', ')}: those recipients did not receive the whole batch`);
  }
}

/** The local command's exit codes (§9): a refused file and an incomplete delivery both end non-zero. */
export const LOCAL_RUN_EXIT_CODES = { delivered: 0, error: 1, refused: 2, incomplete: 3 } as const;

/** The exit code of a local run, from its result or the error it ended with. */
export function localRunExitCode(outcome: { readonly result: LocalRunResult } | { readonly error: unknown }): number {
  if ('error' in outcome) {
    return outcome.error instanceof IncompleteDeliveryError ? LOCAL_RUN_EXIT_CODES.incomplete : LOCAL_RUN_EXIT_CODES.error;
  }
  return outcome.result.report.refused === null ? LOCAL_RUN_EXIT_CODES.delivered : LOCAL_RUN_EXIT_CODES.refused;
}

/**
 * The file's period for a local file (§7): the `period` of the first row whose `period` is
 * well-formed, or null when no row has one (an empty file, a file whose rows have none, a file
 * whose name is not a batch file's or that cannot be read before such a row).
 */
export async function localFilePeriod(path: string): Promise<string | null> {
  let kind: ReturnType<typeof fileKindOf>;
  try {
    kind = fileKindOf(basename(path));
  } catch {
    return null; // not a batch file: it has no rows (the handler refuses it UNSUPPORTED_FILE)
  }
  const stream = createReadStream(path);
  try {
    for await (const rows of readRows(stream, kind)) {
      for (const row of rows) {
        const period = row.values?.period;
        if (typeof period === 'string' && isPeriod(period.trim())) return period.trim();
      }
    }
  } catch {
    // An unreadable file: the handler says so in the report.
  } finally {
    stream.destroy();
  }
  return null;
}

/**
 * The inbound key of a local file: under its period's month folder, where S3's rule (the key's
 * month) and the local rule (the first well-formed period) agree; a file without a period under
 * the local prefix whose period is null.
 */
export function localFileKey(period: string | null, name: string): string {
  return period === null ? `${NO_PERIOD_LOCAL_PREFIX}${name}` : `monthly/${period}/${name}`;
}

/** What a local run is doing, for a progress display: the upload, the hub's processing, the reading of each recipient's queue. */
export type LocalRunProgress =
  | { readonly stage: 'upload'; readonly bytes: number; readonly totalBytes: number }
  | { readonly stage: 'processing'; readonly elapsedMs: number; readonly messagesQueued: number }
  | { readonly stage: 'receiving'; readonly recipient: Recipient; readonly records: number };

/** Parts of a multipart upload: S3's minimum is 5 MiB; the emulator takes at most 11 MiB in one request. */
const PART_BYTES = 8 * 1024 * 1024;

/** How often the processing stage reports while the functions run. */
const PROCESSING_REPORT_MS = 500;

/**
 * Puts the file as a client of S3 would: in one request, or in 8 MiB parts when larger (the
 * emulator, like S3 for anything big, takes large objects only as multipart uploads).
 */
async function putFile(bucket: string, key: string, path: string, progress: (p: LocalRunProgress) => void): Promise<void> {
  const { size } = await stat(path);
  if (size <= PART_BYTES) {
    await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(path), ContentLength: size }));
    progress({ stage: 'upload', bytes: size, totalBytes: size });
    return;
  }
  const { UploadId: uploadId } = await s3Client().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts: Array<{ ETag: string | undefined; PartNumber: number }> = [];
  const file = await open(path, 'r');
  try {
    for (let offset = 0, partNumber = 1; offset < size; offset += PART_BYTES, partNumber++) {
      const buffer = Buffer.alloc(Math.min(PART_BYTES, size - offset));
      await file.read(buffer, 0, buffer.length, offset);
      const part = await s3Client().send(
        new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: buffer }),
      );
      parts.push({ ETag: part.ETag, PartNumber: partNumber });
      progress({ stage: 'upload', bytes: offset + buffer.length, totalBytes: size });
    }
  } finally {
    await file.close();
  }
  await s3Client().send(
    new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
  );
}

/** Messages waiting in the recipients' queues (visible or not): what the hub has delivered so far. */
async function messagesQueued(standIn: LocalStandIn): Promise<number> {
  let total = 0;
  for (const recipient of RECIPIENTS) {
    const { Attributes: attributes = {} } = await sqsClient().send(
      new GetQueueAttributesCommand({
        QueueUrl: standIn.queueUrl(QUEUES.recipientOutbound[recipient]),
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    total += Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
  }
  return total;
}

/** Runs `work`, reporting the processing stage from its start and then every half second until it ends. */
async function reportingProcessing<T>(standIn: LocalStandIn, progress: (p: LocalRunProgress) => void, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  progress({ stage: 'processing', elapsedMs: 0, messagesQueued: 0 });
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    messagesQueued(standIn)
      .then((queued) => progress({ stage: 'processing', elapsedMs: Date.now() - started, messagesQueued: queued }))
      .catch(() => undefined)
      .finally(() => {
        polling = false;
      });
  }, PROCESSING_REPORT_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The report of the file put under `source`, if one was written. */
async function findReport(bucket: string, source: string): Promise<BatchReport | undefined> {
  const listing = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const object of listing.Contents ?? []) {
    const response = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
    const report = JSON.parse((await response.Body?.transformToString('utf-8')) ?? '{}') as BatchReport;
    if (report.source === source) return report;
  }
  return undefined;
}

/** What one recipient's queue held: its records, its distinct `batch.records` and its `batch.completed`. */
interface Received {
  readonly records: number;
  readonly messages: number;
  readonly completed: { readonly messages: number; readonly records: number } | undefined;
}

/** Receives a recipient's queue into `<dir>/<RECIPIENT>.ndjson`, dropping duplicates by message id. */
async function drainRecipient(
  standIn: LocalStandIn,
  recipient: Recipient,
  path: string,
  progress: (p: LocalRunProgress) => void,
): Promise<Received> {
  const file = await open(path, 'w');
  const seen = new Set<string>();
  const seqs = new Set<number>();
  let records = 0;
  let completed: { messages: number; records: number } | undefined;
  try {
    for (;;) {
      const received = await standIn.receiveAll(QUEUES.recipientOutbound[recipient]);
      if (received.length === 0) break;
      for (const message of received) {
        const body = JSON.parse(message.body) as Record<string, unknown>;
        const messageId = String(body.messageId);
        if (seen.has(messageId)) continue;
        seen.add(messageId);
        if (body.type === 'batch.records' && Array.isArray(body.records) && typeof body.seq === 'number') {
          seqs.add(body.seq);
          records += body.records.length;
          await file.write(body.records.map((record) => `${JSON.stringify(record)}\n`).join(''));
          progress({ stage: 'receiving', recipient, records });
        } else if (body.type === 'batch.completed') {
          completed = { messages: Number(body.messages), records: Number(body.records) };
        }
      }
    }
  } finally {
    await file.close();
  }
  return { records, messages: seqs.size, completed };
}

/**
 * Whether a recipient holds the whole batch (see {@link RecipientDelivery.complete}), judged by
 * what its queue received, so that a delivery that stopped half-way names only the recipients it
 * did not finish, whether or not a report was written.
 */
function isComplete(report: BatchReport | undefined, got: Received): boolean {
  if (report !== undefined && report.refused !== null) return false;
  // A file without a period delivers nothing and sends no message at all (§7).
  if (report !== undefined && report.period === null) return got.messages === 0 && got.records === 0 && got.completed === undefined;
  return got.completed !== undefined && got.completed.messages === got.messages && got.completed.records === got.records;
}

/**
 * Processes one file through the local stand-in and writes `<outDir>/<RECIPIENT>.ndjson` and
 * `<outDir>/report.json`. A refused file leaves no recipient file in `outDir`.
 * @throws IncompleteDeliveryError when the file was accepted but some recipient did not get all of it
 * @throws Error when these bytes were delivered before (nothing is delivered again, no new report), or the file was not processed
 */
export async function runFileLocally(
  standIn: LocalStandIn,
  path: string,
  outDir: string,
  progress: (p: LocalRunProgress) => void = () => undefined,
): Promise<LocalRunResult> {
  await mkdir(outDir, { recursive: true });
  const key = localFileKey(await localFilePeriod(path), basename(path));
  const inbound = standIn.bucketName(BUCKETS.inbound);
  await putFile(inbound, key, path, progress);
  await standIn.notifyNewObjects();
  // A failed attempt is retried after the queue's visibility timeout, on the stand-in's clock,
  // until the batch is done or its notification is dead-lettered.
  await reportingProcessing(standIn, progress, () => standIn.drain({ waitForRetries: true }));

  const report = await findReport(standIn.bucketName(BUCKETS.reports), key);
  const deliveries = {} as Record<Recipient, RecipientDelivery>;
  for (const recipient of RECIPIENTS) {
    const target = join(outDir, `${recipient}.ndjson`);
    const got = await drainRecipient(standIn, recipient, target, progress);
    deliveries[recipient] = { records: got.records, messages: got.messages, complete: isComplete(report, got) };
    if (report?.refused) await rm(target, { force: true });
  }
  const reportPath = join(outDir, 'report.json');
  if (report?.refused) {
    await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    return { key, report, deliveries };
  }

  // Not refused: accepted, and complete only when every recipient holds the whole batch.
  const incomplete = RECIPIENTS.filter((recipient) => !deliveries[recipient].complete);
  if (report === undefined || incomplete.length > 0) {
    await rm(reportPath, { force: true });
    const manifest = await new DynamoManifestStore(standIn.tableName(TABLES.batches)).get(await sha256Of(createReadStream(path)));
    if (report === undefined && manifest?.status === 'DELIVERED') {
      throw new Error(
        `these bytes were delivered before as batch ${manifest.batchId} (${manifest.source}): nothing is delivered again and no report written`,
      );
    }
    // Neither refused nor accepted: the handler failed before it decided (see --verbose).
    if (report === undefined && manifest === undefined) throw new Error(`no report was written for ${key}: the file was not processed`);
    throw new IncompleteDeliveryError(key, incomplete.length > 0 ? incomplete : RECIPIENTS, deliveries);
  }
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  return { key, report, deliveries };
}
