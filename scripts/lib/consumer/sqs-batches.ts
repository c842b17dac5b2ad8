import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { byQueue, type Delivery } from './held-batch';

/** The consumer's SQS calls on many deliveries at once (consumer.ts), ten to a request. */

export const SQS_BATCH_MAX = 10;

export async function changeVisibility(sqs: SQSClient, deliveries: readonly Delivery[], seconds: number): Promise<void> {
  for (const [queueUrl, group] of byQueue(deliveries)) {
    for (let i = 0; i < group.length; i += SQS_BATCH_MAX) {
      const chunk = group.slice(i, i + SQS_BATCH_MAX);
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((d, n) => ({ Id: String(n), ReceiptHandle: d.receiptHandle, VisibilityTimeout: seconds })),
        }),
      );
    }
  }
}

export async function deleteAll(sqs: SQSClient, deliveries: readonly Delivery[], report: (line: string) => void): Promise<void> {
  for (const [queueUrl, group] of byQueue(deliveries)) {
    for (let i = 0; i < group.length; i += SQS_BATCH_MAX) {
      const chunk = group.slice(i, i + SQS_BATCH_MAX);
      const result = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((d, n) => ({ Id: String(n), ReceiptHandle: d.receiptHandle })),
        }),
      );
      // Not deleted: it comes back, and is dropped then as a duplicate (its id is remembered).
      for (const failure of result.Failed ?? [])
        report(`could not delete a message (${failure.Code}); it will be dropped when it comes back`);
    }
  }
}
