import type { OutboundMessage } from '../../messages/envelope';
import type { Recipient, RecipientRecord } from '../recipients';
import { deliveryProofsOf } from './delivery-proof';
import { archivePrefixOf, partName } from './object-keys';
import { batchRecordsMessage } from './packing';
import type { BatchDependencies, DeliveredBatch } from './ports';
import { MESSAGES_PER_PART } from './staging';

/** One staged part of an accepted batch: the `index`-th (from 1) of a recipient's parts, at `stagedKey`. */
export interface StagedPart {
  readonly recipient: Recipient;
  readonly index: number;
  readonly stagedKey: string;
}

/** What delivering a part sent. */
export interface DeliveredPart {
  readonly messages: number;
  readonly records: number;
}

/**
 * The `seq` of a part's first message. Every part but a recipient's last holds exactly
 * {@link MESSAGES_PER_PART} messages (staging.ts writes a part when it is full), so a part's place
 * in the numbering follows from its index alone: a worker needs no other part to number its own.
 */
export function firstSeqOf(index: number): number {
  return (index - 1) * MESSAGES_PER_PART + 1;
}

/**
 * Delivers one staged part of an accepted batch (monthly-batch §8), as a unit that any worker may
 * run, in any order, any number of times, at the same time as others: the part's messages are
 * archived write-once with the proof of each, its records recorded in the ledger (puts of
 * deterministic items), then published with deterministic message ids. Nothing in it depends on another part or on an earlier
 * run, so a recipient that drops duplicates by `messageId` sees each record once, and the ledger
 * ends the same whatever the order. `batch.completed` is not a part's: it follows them all.
 * @throws Error when the part holds more messages than a part may (it was not staged by staging.ts)
 */
export async function deliverPart(
  deps: Pick<BatchDependencies, 'staging' | 'archive' | 'ledger' | 'publisher' | 'recipientQueueUrl' | 'clock'>,
  batch: DeliveredBatch,
  part: StagedPart,
): Promise<DeliveredPart> {
  const { recipient, index } = part;
  const arrays = (await deps.staging.getText(part.stagedKey)).split('\n');
  if (arrays.length > MESSAGES_PER_PART) throw new Error(`${part.stagedKey} holds ${arrays.length} messages, more than a part may`);
  const sentAt = deps.clock();
  const firstSeq = firstSeqOf(index);
  const messages: OutboundMessage[] = arrays.map((recordsJson, i) =>
    batchRecordsMessage(batch, recipient, firstSeq + i, recordsJson, sentAt),
  );
  // 1. Archive before publishing, so that an operator can re-deliver whatever went out, and keep
  //    the proof of each message, in the same step. Write once: a retry's messages differ only in
  //    `sentAt`, and the archive keeps the first; each distinct body sent has its own proof.
  await Promise.all([
    deps.archive.put(
      `${archivePrefixOf(recipient, batch.period, batch.batchId)}${partName(index)}`,
      messages.map((m) => m.body).join('\n'),
      {
        ifAbsent: true,
        contentType: 'application/x-ndjson',
      },
    ),
    deps.ledger.recordProofs(deliveryProofsOf(batch, recipient, messages, sentAt)),
  ]);
  // 2. Record the deliveries before publishing: a recipient's answer about a line must find it.
  const records = arrays.flatMap((recordsJson) => JSON.parse(recordsJson) as RecipientRecord[]);
  await deps.ledger.recordDeliveries(batch, recipient, records);
  // 3. Publish.
  await deps.publisher.publish(deps.recipientQueueUrl(recipient), messages);
  return { messages: messages.length, records: records.length };
}
