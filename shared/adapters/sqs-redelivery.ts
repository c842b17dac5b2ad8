import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { type LogIds, logger, withLogIds } from '../observability';
import { sqsClient } from './aws-clients';
import { type Backoff, PermanentFailure, redeliveryDelaySeconds } from './retry-policy';

/**
 * When SQS delivers again a record whose handling failed, on every queue-fed path: the queue's
 * visibility timeout is the same for every receive, so the record is made visible again by
 * `ChangeMessageVisibility` after a delay that grows with its receive count (retry-policy.ts), and
 * an hour of a failing dependency passes before its dead-letter queue. A failure that no retry can
 * cure (a body that is not what the queue carries, a record from a queue that is no channel) is
 * made visible at once: its receives run out in seconds and it reaches its dead-letter queue, its
 * refusal path, without waiting out the backoff.
 */

export interface RedeliveryOptions {
  /** The function's backoff (retry-policy.ts, REDELIVERY_BACKOFF). */
  readonly backoff: Backoff;
  /** The URL of a trigger queue, by its ARN (a record names its queue by ARN only). */
  readonly queueUrlOf: (eventSourceArn: string) => string | undefined;
  readonly sqs?: SQSClient;
  /** Source of jitter in [0, 1); injected by tests. */
  readonly random?: () => number;
}

/** The receive count SQS gives a record (1 on its first receive). */
export function receiveCountOf(record: SQSRecord): number {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return Number.isInteger(count) && count >= 1 ? count : 1;
}

/**
 * The record handler, with its failures redelivered by the backoff: the error is rethrown (the
 * record is a batch item failure) once its visibility is set. A visibility that cannot be set (SQS
 * itself failing) is logged and leaves the queue's own visibility timeout to apply.
 */
export function withRedelivery<R>(
  handle: (record: SQSRecord) => Promise<R>,
  options: RedeliveryOptions,
): (record: SQSRecord) => Promise<R> {
  const random = options.random ?? Math.random;
  return async (record) => {
    try {
      return await handle(record);
    } catch (error) {
      const receiveCount = receiveCountOf(record);
      const permanent = error instanceof PermanentFailure;
      const visibilityTimeout = permanent ? 0 : redeliveryDelaySeconds(receiveCount, options.backoff, random);
      const queueUrl = options.queueUrlOf(record.eventSourceARN);
      if (queueUrl === undefined) {
        logger.warn('no queue URL for the record: its queue’s visibility timeout applies', { eventSourceARN: record.eventSourceARN });
        throw error;
      }
      try {
        await (options.sqs ?? sqsClient()).send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: visibilityTimeout,
          }),
        );
        logger.info(permanent ? 'record fails for good: redelivered at once, toward its dead-letter queue' : 'record redelivered later', {
          receiveCount,
          visibilityTimeoutSeconds: visibilityTimeout,
        });
      } catch (visibilityError) {
        logger.warn('the record’s visibility could not be set: its queue’s visibility timeout applies', {
          receiveCount,
          error: visibilityError,
        });
      }
      throw error;
    }
  };
}

/**
 * A queue-fed function's handler of one record, in one shape for all: every line it logs carries
 * the record's ids (SQS's id and receive count, and what `idsOf` reads from it), and its failures
 * are redelivered by the backoff ({@link withRedelivery}).
 */
export function queueRecordHandler<R>(
  handle: (record: SQSRecord) => Promise<R>,
  options: RedeliveryOptions & { readonly idsOf?: (record: SQSRecord) => LogIds },
): (record: SQSRecord) => Promise<R> {
  const redelivered = withRedelivery(handle, options);
  return (record) =>
    withLogIds({ sqsMessageId: record.messageId, receiveCount: receiveCountOf(record), ...options.idsOf?.(record) }, () =>
      redelivered(record),
    );
}
