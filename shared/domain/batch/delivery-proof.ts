import { createHash } from 'node:crypto';
import type { OutboundMessage } from '../../messages/envelope';
import { isRecipient, type Recipient } from '../recipients';
import { expiresAtEpochSeconds, RECIPIENT_TTL_DAYS } from '../retention';
import { completedMessageId, recordsMessageId } from './packing';

/**
 * The proof of each delivery (return-flows §5): per message a batch sent, its `messageId`, batch,
 * recipient, `seq`, `sentAt` and the SHA-256 of its body, and no content, kept as long as the
 * recipient may hold the data, so that any copy of a message can be checked against what the hub
 * sent long after the archive's replay window has passed.
 */

/** The proof of one message sent; `expiresAt` in epoch seconds. */
export interface DeliveryProof {
  readonly messageId: string;
  /** SHA-256 of the body's UTF-8 bytes, hex: the body exactly as the queue carried it. */
  readonly sha256: string;
  readonly batchId: string;
  readonly recipient: Recipient;
  /** The `seq` of a `batch.records` message; a `batch.completed` has none. */
  readonly seq?: number;
  readonly sentAt: string;
  readonly expiresAt: number;
}

/** SHA-256 of a message body as a queue carries it (UTF-8), hex. */
export function bodySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/**
 * What a batch message's id says: its batch, recipient and `seq` (packing.ts builds the ids:
 * `<batchId>:<RECIPIENT>:records:<seq>`, `<batchId>:<RECIPIENT>:completed`); `undefined` for an id
 * that is no batch message's. The proof's item need not repeat them.
 */
export function batchMessageOf(messageId: string): { batchId: string; recipient: Recipient; seq?: number } | undefined {
  const parts = messageId.split(':');
  const [batchId, recipient, kind, seqText] = parts;
  if (batchId === undefined || batchId === '' || !isRecipient(recipient)) return undefined;
  if (parts.length === 3 && kind === 'completed' && messageId === completedMessageId(batchId, recipient)) return { batchId, recipient };
  const seq = Number(seqText);
  if (parts.length === 4 && kind === 'records' && Number.isSafeInteger(seq) && messageId === recordsMessageId(batchId, recipient, seq)) {
    return { batchId, recipient, seq };
  }
  return undefined;
}

/**
 * The proof of each of a recipient's batch messages, sent at `sentAt`: kept the recipient's
 * retention from when the hub received the batch file, as what the messages delivered.
 */
export function deliveryProofsOf(
  batch: { readonly batchId: string; readonly receivedAt: Date },
  recipient: Recipient,
  messages: readonly OutboundMessage[],
  sentAt: Date,
): DeliveryProof[] {
  const expiresAt = expiresAtEpochSeconds(batch.receivedAt, RECIPIENT_TTL_DAYS[recipient]);
  return messages.map((message) => {
    const seq = batchMessageOf(message.messageId)?.seq;
    return {
      messageId: message.messageId,
      sha256: bodySha256(message.body),
      batchId: batch.batchId,
      recipient,
      ...(seq !== undefined ? { seq } : {}),
      sentAt: sentAt.toISOString(),
      expiresAt,
    };
  });
}

/** The proofs kept, as the operator's proof tool reads them (shared/adapters/dynamo-delivery-proofs.ts implements it). */
export interface DeliveryProofReader {
  /** Every unexpired proof of a message with this id: one per distinct body sent under it. */
  forMessage(messageId: string, now: Date): Promise<DeliveryProof[]>;
}
