import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createDeliveryLedger } from '../shared/adapters/dynamo-delivery-ledger';
import { DynamoManifestStore } from '../shared/adapters/dynamo-manifest-store';
import { openS3Object, S3BlobStore } from '../shared/adapters/s3-blob-store';
import { SqsPublisher } from '../shared/adapters/sqs-publisher';
import { type BatchDependencies, type BatchOutcome, processInboundFile } from '../shared/domain/batch/process-file';
import { DEFAULT_MAX_REJECTED_SHARE } from '../shared/domain/batch/split';
import { logger, METRIC, metrics } from '../shared/observability';
import { systemClock } from '../shared/ports';
import { BUCKETS, FUNCTIONS, QUEUES, SETTINGS_ENV, TABLES } from '../shared/topology';

/**
 * split-batch: S3 ObjectCreated notifications of the inbound bucket, through an SQS queue, each
 * processed as one monthly batch file (spec monthly-batch). Thin: parse the event, call the domain,
 * log and count the outcome.
 */

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

let defaults: { deps: BatchDependencies; inboundBucket: string } | undefined;

/** The adapters, built once per process from the environment. */
function defaultDependencies(): { deps: BatchDependencies; inboundBucket: string } {
  defaults ??= {
    inboundBucket: env(BUCKETS.inbound.env),
    deps: {
      staging: new S3BlobStore(env(BUCKETS.staging.env)),
      archive: new S3BlobStore(env(BUCKETS.archive.env)),
      reports: new S3BlobStore(env(BUCKETS.reports.env)),
      manifests: new DynamoManifestStore(env(TABLES.batches.env)),
      ledger: createDeliveryLedger(),
      publisher: new SqsPublisher(),
      recipientQueueUrl: (recipient) => env(QUEUES.recipientOutbound[recipient].urlEnv),
      clock: systemClock,
      maxRejectedShare: Number(process.env[SETTINGS_ENV.maxRejectedShare] ?? DEFAULT_MAX_REJECTED_SHARE),
      newAttemptId: randomUUID,
      leaseMs: FUNCTIONS.splitBatch.timeoutSeconds * 1000,
      onProgress: (rows) => logger.info('reading batch file', { rowsRead: rows }),
    },
  };
  return defaults;
}

/** An S3 event notification as S3 sends it to SQS (or its test event, which carries no records). */
interface S3Notification {
  readonly Records?: ReadonlyArray<{
    readonly eventName?: string;
    readonly s3?: { readonly bucket?: { readonly name?: string }; readonly object?: { readonly key?: string } };
  }>;
}

/** S3 URL-encodes keys in notifications, with `+` for a space. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** The inbound objects a notification names; a test event or another bucket names none. */
export function objectsOf(body: string, inboundBucket: string): string[] {
  const notification = JSON.parse(body) as S3Notification;
  return (notification.Records ?? [])
    .filter((record) => record.eventName?.startsWith('ObjectCreated:') && record.s3?.bucket?.name === inboundBucket)
    .map((record) => decodeS3Key(record.s3?.object?.key ?? ''));
}

function recordOutcome(key: string, outcome: BatchOutcome): void {
  if (outcome.kind === 'duplicate') {
    metrics.addMetric(METRIC.batchesDuplicate, MetricUnit.Count, 1);
    logger.info('batch already processed: nothing delivered again', {
      key,
      batchId: outcome.existing.batchId,
      status: outcome.existing.status,
    });
    return;
  }
  const { report } = outcome;
  metrics.addMetric(outcome.kind === 'delivered' ? METRIC.batchesAccepted : METRIC.batchesRefused, MetricUnit.Count, 1);
  if (outcome.kind === 'delivered') {
    metrics.addMetric(METRIC.rowsDelivered, MetricUnit.Count, report.delivered);
    metrics.addMetric(METRIC.rowsWithheld, MetricUnit.Count, report.withheld);
    metrics.addMetric(METRIC.rowsUnroutable, MetricUnit.Count, report.unroutable);
    metrics.addMetric(METRIC.rowsRejected, MetricUnit.Count, report.rejected);
    for (const [recipient, totals] of Object.entries(report.perRecipient)) {
      const single = metrics.singleMetric();
      single.addDimension('recipient', recipient);
      single.addMetric(METRIC.recordsDelivered, MetricUnit.Count, totals.records);
    }
  }
  logger.info(outcome.kind === 'delivered' ? 'batch delivered' : 'batch refused', {
    key,
    batchId: report.batchId,
    period: report.period,
    refused: report.refused,
    rows: report.rows,
    delivered: report.delivered,
    withheld: report.withheld,
    unroutable: report.unroutable,
    rejected: report.rejected,
    reportKey: outcome.reportKey,
  });
}

/** Processes the objects of one notification; throws (so SQS retries it) on transient failures. */
export async function processNotification(record: SQSRecord, deps = defaultDependencies()): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  for (const key of objectsOf(record.body, deps.inboundBucket)) {
    let outcome: BatchOutcome;
    try {
      outcome = await processInboundFile({ key, open: () => openS3Object(deps.inboundBucket, key) }, deps.deps);
    } catch (error) {
      logger.error('batch not finished: the notification will be retried', { key, error });
      throw error;
    }
    recordOutcome(key, outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

/** The bare handler: each notification is one item of a partial batch response. */
export async function splitBatch(event: SQSEvent, context: Context, deps = defaultDependencies()): Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(event, (record: SQSRecord) => processNotification(record, deps), processor, {
    context,
    throwOnFullBatchFailure: false,
  });
}

// middy passes a third argument of its own: the bare function's dependencies must not receive it.
export const handler = middy((event: SQSEvent, context: Context) => splitBatch(event, context))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
