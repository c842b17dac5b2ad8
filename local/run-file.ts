import { createReadStream } from 'node:fs';
import { mkdir, open, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../shared/adapters/aws-clients';
import { fileKindOf } from '../shared/domain/batch/file-name';
import { readRows } from '../shared/domain/batch/reader';
import type { BatchReport } from '../shared/domain/batch/report';
import { isPeriod } from '../shared/domain/batch/row-validation';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { BUCKETS, QUEUES } from '../shared/topology';
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
  /** Whether `batch.completed` arrived and its counts match what was received. */
  readonly complete: boolean;
}

export interface LocalRunResult {
  readonly key: string;
  readonly report: BatchReport;
  readonly deliveries: Readonly<Record<Recipient, RecipientDelivery>>;
}

/**
 * The file's period for a local file (§7): the `period` of the first row whose `period` is
 * well-formed. A file with none (or that cannot be read) goes under the current month, where the
 * handler will refuse or accept it on its merits.
 */
export async function localFilePeriod(path: string, now: Date): Promise<string> {
  const fallback = now.toISOString().slice(0, 7);
  let kind: ReturnType<typeof fileKindOf>;
  try {
    kind = fileKindOf(basename(path));
  } catch {
    return fallback;
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
  return fallback;
}

async function putFile(bucket: string, key: string, path: string): Promise<void> {
  const { size } = await stat(path);
  await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(path), ContentLength: size }));
}

async function readReport(bucket: string, source: string): Promise<BatchReport> {
  const listing = await s3Client().send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const object of listing.Contents ?? []) {
    const response = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
    const report = JSON.parse((await response.Body?.transformToString('utf-8')) ?? '{}') as BatchReport;
    if (report.source === source) return report;
  }
  throw new Error(`no report was written for ${source}`);
}

/** Receives a recipient's queue into `<dir>/<RECIPIENT>.ndjson`, dropping duplicates by message id. */
async function drainRecipient(standIn: LocalStandIn, recipient: Recipient, path: string): Promise<RecipientDelivery> {
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
        } else if (body.type === 'batch.completed') {
          completed = { messages: Number(body.messages), records: Number(body.records) };
        }
      }
    }
  } finally {
    await file.close();
  }
  const complete = completed !== undefined && completed.messages === seqs.size && completed.records === records;
  return { records, messages: seqs.size, complete };
}

/**
 * Processes one file through the local stand-in and writes `<outDir>/<RECIPIENT>.ndjson` and
 * `<outDir>/report.json`. A refused file leaves no recipient file in `outDir`.
 */
export async function runFileLocally(standIn: LocalStandIn, path: string, outDir: string, now = new Date()): Promise<LocalRunResult> {
  await mkdir(outDir, { recursive: true });
  const period = await localFilePeriod(path, now);
  const key = `monthly/${period}/${basename(path)}`;
  const inbound = standIn.bucketName(BUCKETS.inbound);
  await putFile(inbound, key, path);
  await standIn.notifyNewObjects();
  await standIn.drain();

  const report = await readReport(standIn.bucketName(BUCKETS.reports), key);
  const deliveries = {} as Record<Recipient, RecipientDelivery>;
  for (const recipient of RECIPIENTS) {
    const target = join(outDir, `${recipient}.ndjson`);
    deliveries[recipient] = await drainRecipient(standIn, recipient, target);
    if (report.refused !== null) await rm(target, { force: true });
  }
  await writeFile(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return { key, report, deliveries };
}
