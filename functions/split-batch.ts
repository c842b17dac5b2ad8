import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoClient, dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { recordBatchOutcome, recordFailedNotifications } from '../shared/adapters/batch-metrics';
import { disclosureKeyReader } from '../shared/adapters/disclosure-key';
import { DynamoDeliveryLedger } from '../shared/adapters/dynamo-delivery-ledger';
import { DynamoManifestStore } from '../shared/adapters/dynamo-manifest-store';
import { REDELIVERY_BACKOFF } from '../shared/adapters/retry-policy';
import { openS3Object, S3BlobStore } from '../shared/adapters/s3-blob-store';
import { type CreatedObject, createdObjects, NotAnS3NotificationError } from '../shared/adapters/s3-notification';
import { SqsPublisher } from '../shared/adapters/sqs-publisher';
import { queueRecordHandler, type RedeliveryOptions } from '../shared/adapters/sqs-redelivery';
import { type FunctionConfig, queueUrlOf, readFunctionConfig, triggerQueueUrlsOf } from '../shared/configuration/function-config';
import { type BatchDependencies, type BatchOutcome, processInboundFile } from '../shared/domain/batch/process-file';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { addLogIds, logger, metrics, withLogIds } from '../shared/observability';
import { functionClock } from '../shared/ports';
import { FUNCTIONS, QUEUES } from '../shared/topology';

/**
 * split-batch: S3 ObjectCreated notifications of the inbound bucket, through an SQS queue, each
 * processed as one monthly batch file (spec monthly-batch). Configuration and adapters are built
 * once per cold start; each notification is one item of a partial batch response.
 */

export type SplitBatchConfig = FunctionConfig<(typeof FUNCTIONS.splitBatch)['uses']>;

/** What a notification needs: where inbound files are, how to read one, and the domain's dependencies. */
export interface SplitBatchDependencies {
  readonly inboundBucket: string;
  readonly openInbound: (key: string) => AsyncIterable<Uint8Array>;
  readonly batch: BatchDependencies;
}

/** Each recipient's queue URL, resolved at cold start so that an undeclared queue fails there. */
function recipientQueueUrlsOf(config: SplitBatchConfig): Readonly<Record<Recipient, string>> {
  const urls = {} as Record<Recipient, string>;
  for (const recipient of RECIPIENTS) urls[recipient] = queueUrlOf(config, QUEUES.recipientOutbound[recipient]);
  return urls;
}

/** The AWS adapters of split-batch, from its configuration. */
export function splitBatchDependencies(config: SplitBatchConfig): SplitBatchDependencies {
  const recipientQueueUrls = recipientQueueUrlsOf(config);
  return {
    inboundBucket: config.buckets.inbound,
    openInbound: (key) => openS3Object(config.buckets.inbound, key),
    batch: {
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
      recipientQueueUrl: (recipient) => recipientQueueUrls[recipient],
      ppsOutboundQueueUrl: queueUrlOf(config, QUEUES.ppsOutbound),
      clock: functionClock,
      maxRejectedShare: config.settings.maxRejectedShare,
      maxRows: config.settings.maxRows,
      newAttemptId: randomUUID,
      // A crashed attempt's lease runs out when a retry can come: after the function's timeout.
      leaseMs: FUNCTIONS.splitBatch.timeoutSeconds * 1000,
      onProgress: (rows) => logger.info('reading batch file', { rowsRead: rows }),
      onBatchNamed: (batchId) => addLogIds({ batchId }),
    },
  };
}

/**
 * When a failed notification comes again: after a backoff from the batch's lease on (a transient
 * failure), or at once toward its dead-letter queue (a body that is not an S3 notification).
 */
export function splitBatchRedelivery(config: SplitBatchConfig): RedeliveryOptions {
  return { backoff: REDELIVERY_BACKOFF[FUNCTIONS.splitBatch.name], queueUrlOf: triggerQueueUrlsOf(config, FUNCTIONS.splitBatch) };
}

/**
 * The handler of one notification: each inbound object it names is processed as a batch file.
 * Throws, so that SQS retries the notification (and, after five receives, moves it to the DLQ),
 * on a transient failure and on a body that is not an S3 notification.
 */
export function splitBatchRecordHandler(deps: SplitBatchDependencies): (record: SQSRecord) => Promise<BatchOutcome[]> {
  return async (record) => {
    let created: CreatedObject[];
    try {
      created = createdObjects(record.body, deps.inboundBucket);
    } catch (error) {
      if (error instanceof NotAnS3NotificationError) {
        logger.error('not an S3 notification: the message goes to the dead-letter queue', { reason: error.message });
      }
      throw error;
    }
    const outcomes: BatchOutcome[] = [];
    for (const { key, receivedAt } of created) {
      // Every line about this object carries its key, and its batch's id once its bytes are hashed.
      await withLogIds({ key }, async () => {
        let outcome: BatchOutcome;
        try {
          // When S3 received the object, not when this attempt runs: the batch's retention clock.
          outcome = await processInboundFile({ key, receivedAt, open: () => deps.openInbound(key) }, deps.batch);
        } catch (error) {
          logger.error('batch not finished: the notification will be retried', { error });
          throw error;
        }
        recordBatchOutcome(key, outcome);
        outcomes.push(outcome);
      });
    }
    return outcomes;
  };
}

const config = readFunctionConfig(FUNCTIONS.splitBatch);
const recordHandler = queueRecordHandler(splitBatchRecordHandler(splitBatchDependencies(config)), splitBatchRedelivery(config));
const processor = new BatchProcessor(EventType.SQS);

export const handler = middy(async (event: SQSEvent, context: Context) => {
  const response = await processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
  // Each failed item is a notification SQS delivers again only after the visibility timeout: count it now.
  recordFailedNotifications(response.batchItemFailures.length);
  return response;
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
