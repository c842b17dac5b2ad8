import { randomUUID } from 'node:crypto';
import type { DisclosureKeySource } from '../configuration/disclosure-key-source';
import { queueUrlOf } from '../configuration/function-config';
import type { BatchDependencies } from '../domain/batch/ports';
import type { BatchOutcome } from '../domain/batch/process-file';
import type { RenotifyFileDeps } from '../domain/operations/renotify-file';
import { RECIPIENTS, type Recipient } from '../domain/recipients';
import { addLogIds, logger } from '../observability';
import { functionClock } from '../ports';
import { FUNCTIONS, QUEUES } from '../topology';
import { dynamoClient, dynamoDocumentClient } from './aws-clients';
import { disclosureKeyReader } from './disclosure-key';
import { DynamoDeliveryLedger } from './dynamo-delivery-ledger';
import { DynamoManifestStore } from './dynamo-manifest-store';
import { S3BlobStore } from './s3-blob-store';
import { S3InboundObjects } from './s3-inbound-objects';
import { SqsPublisher } from './sqs-publisher';

/**
 * The AWS adapters of the monthly batch, built one way for every function that runs it:
 * split-batch for a notification, and the operator's re-notification of a file (the
 * operator-renotify-file function and `npm run renotify-file`), which must run exactly the same use case.
 */

/** What the batch reads from a function's configuration. */
export interface BatchSource {
  readonly buckets: { readonly staging: string; readonly archive: string; readonly reports: string };
  readonly tables: {
    readonly batches: string;
    readonly paymentLines: string;
    readonly disclosures: string;
    readonly deliveryProofs: string;
  };
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly settings: { readonly maxRejectedShare: number; readonly maxRows: number };
  readonly disclosureKey: DisclosureKeySource;
}

/** The batch's ports; each recipient's queue URL resolved now, so that an undeclared queue fails at cold start. */
export function batchDependencies(config: BatchSource): BatchDependencies {
  const urls = {} as Record<Recipient, string>;
  for (const recipient of RECIPIENTS) urls[recipient] = queueUrlOf(config, QUEUES.recipientOutbound[recipient]);
  return {
    staging: new S3BlobStore(config.buckets.staging),
    archive: new S3BlobStore(config.buckets.archive),
    reports: new S3BlobStore(config.buckets.reports),
    manifests: new DynamoManifestStore(config.tables.batches, dynamoDocumentClient(), functionClock),
    ledger: new DynamoDeliveryLedger(
      dynamoClient(),
      { paymentLines: config.tables.paymentLines, disclosures: config.tables.disclosures, deliveryProofs: config.tables.deliveryProofs },
      disclosureKeyReader(config.disclosureKey),
      functionClock,
    ),
    publisher: new SqsPublisher(),
    recipientQueueUrl: (recipient) => urls[recipient],
    // Every file's batch.outcome, to the PPS.
    ppsOutboundQueueUrl: queueUrlOf(config, QUEUES.ppsOutbound),
    clock: functionClock,
    maxRejectedShare: config.settings.maxRejectedShare,
    maxRows: config.settings.maxRows,
    newAttemptId: randomUUID,
    // A crashed attempt's lease runs out when a retry can come: after the function's timeout.
    leaseMs: FUNCTIONS.splitBatch.timeoutSeconds * 1000,
    onProgress: (rows) => logger.info('reading batch file', { rowsRead: rows }),
    onBatchNamed: (batchId) => addLogIds({ batchId }),
  };
}

/** The ports of the re-notification of a file: the inbound bucket, read only, and the batch's. */
export function renotifyFileDependencies(
  config: BatchSource & { readonly buckets: { readonly inbound: string } },
  report: (key: string, outcome: BatchOutcome) => void,
): RenotifyFileDeps {
  return { inbound: new S3InboundObjects(config.buckets.inbound), batch: batchDependencies(config), report };
}
