import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { SQS_BATCH_MAX } from './event-source-mapping';

/** How the local stand-in (stand-in.ts) empties a queue as the party that polls it would. */

export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  /** Message attributes (e.g. `type`), as strings; binary ones base64. */
  readonly attributes: Record<string, string>;
}

function messageAttributesAsStrings(message: Message): Record<string, string> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      value.StringValue ?? (value.BinaryValue === undefined ? '' : Buffer.from(value.BinaryValue).toString('base64')),
    ]),
  );
}

/** Receives and deletes every message of a queue, as the party that polls it would. */
export async function receiveAll(sqs: SQSClient, url: string): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  for (;;) {
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: SQS_BATCH_MAX, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }),
    );
    if (messages.length === 0) return received;
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    for (const m of messages) {
      received.push({ messageId: m.MessageId ?? '', body: m.Body ?? '', attributes: messageAttributesAsStrings(m) });
    }
  }
}
