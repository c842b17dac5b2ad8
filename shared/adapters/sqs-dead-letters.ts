import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterQueue } from '../domain/operations/reprocess-dead-letters';
import { longPollRequestTimeoutMs, sqsClient } from './aws-clients';

/**
 * A party's inbound dead-letter queue, read by an operator's tool: each message as its channel
 * delivered it (body, SQS message id, `SentTimestamp`, the `type` attribute), the same fields an
 * event source mapping gives the inbound function. SQS keeps a message's id and `SentTimestamp`
 * when its redrive policy moves it to the dead-letter queue, so a message reprocessed here keeps
 * its arrival time (the retention clock) and its fallback id.
 */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SQSClient = sqsClient(),
    /** Long polling, so that an empty answer means an empty queue, not a sample of its servers. */
    private readonly waitSeconds = 2,
  ) {}

  async receive(max: number): Promise<DeadLetter[]> {
    const response = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: this.waitSeconds,
        MessageSystemAttributeNames: ['SentTimestamp'],
        MessageAttributeNames: ['type'],
      }),
      // A long poll waits before it answers: its wait, then the usual timeout.
      { requestTimeout: longPollRequestTimeoutMs(this.waitSeconds) },
    );
    return (response.Messages ?? []).map((m) => {
      if (m.MessageId === undefined || m.ReceiptHandle === undefined)
        throw new Error(`${this.queueUrl} answered a message without id or receipt`);
      const sent = Number(m.Attributes?.SentTimestamp);
      const typeAttribute = m.MessageAttributes?.type?.StringValue;
      return {
        receiptHandle: m.ReceiptHandle,
        message: {
          body: m.Body ?? '',
          sqsMessageId: m.MessageId,
          sentTimestampMs: Number.isFinite(sent) && sent > 0 ? sent : Date.now(),
          ...(typeAttribute !== undefined ? { typeAttribute } : {}),
        },
      };
    });
  }

  async delete(receiptHandle: string): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle }));
  }
}
