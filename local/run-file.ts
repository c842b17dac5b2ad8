import { createReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3Client } from '../shared/adapters/aws-clients';
import { DynamoManifestStore } from '../shared/adapters/dynamo-manifest-store';
import { sha256Of } from '../shared/domain/batch/hashing-source';
import type { BatchReport } from '../shared/domain/batch/report';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { BUCKETS, TABLES } from '../shared/topology';
import { localFileKey, localFilePeriod, putFile } from './inbound-file';
import { drainRecipient, isComplete } from './recipient-queue';
import { IncompleteDeliveryError, type LocalRunResult, type RecipientDelivery } from './run-outcome';
import { type LocalRunProgress, reportingProcessing } from './run-progress';
import type { LocalStandIn } from './stand-in';

/**
 * `npm start -- --file <path> --out <dir>` (spec monthly-batch §9): puts a file in the local
 * inbound bucket, plays S3's notification, lets the unchanged split-batch handler process it, and
 * writes what each recipient's queue received and the report.
 */

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
