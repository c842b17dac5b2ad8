import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { sqsRecordOf } from '../../local/event-source';

/**
 * SQS records as Lambda hands them to a handler, built the way the local event source builds them
 * from received messages (local/event-source.ts), so that unit tests and the stand-in agree.
 */

let received = 0;

export interface SqsRecordOptions {
  /** SQS's id of the message (default `sqs-<n>`, unique in the test file). */
  readonly messageId?: string;
  /** When SQS received it, epoch milliseconds (default a fixed instant: 2025-11-03T09:15:01Z). */
  readonly sentTimestampMs?: number;
  /** The sender's account or principal (default the local account). */
  readonly senderId?: string;
  /** How many times SQS has delivered it, this receive included (default 1). */
  readonly receiveCount?: number;
}

/**
 * One record of a message received from the queue `queueArn`. A string body is taken as the
 * message's text, anything else is sent as its JSON.
 */
export function sqsRecord(body: unknown, queueArn: string, options: SqsRecordOptions = {}): SQSRecord {
  received += 1;
  const sent = options.sentTimestampMs ?? Date.parse('2025-11-03T09:15:01Z');
  const region = queueArn.split(':')[3] ?? 'eu-west-1';
  return sqsRecordOf(
    {
      MessageId: options.messageId ?? `sqs-${received}`,
      ReceiptHandle: `rh-${received}`,
      Body: typeof body === 'string' ? body : JSON.stringify(body),
      Attributes: {
        ApproximateReceiveCount: String(options.receiveCount ?? 1),
        SentTimestamp: String(sent),
        ApproximateFirstReceiveTimestamp: String(sent + 500),
        ...(options.senderId !== undefined ? { SenderId: options.senderId } : {}),
      },
    },
    queueArn,
    region,
  );
}

/** The event of a batch of records. */
export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
