import type { Recipient } from '../recipients';
import { deliverPart } from './deliver-part';
import { deliveryProofsOf } from './delivery-proof';
import { archivePrefixOf } from './object-keys';
import { batchCompletedMessage } from './packing';
import type { BatchDependencies, DeliveredBatch } from './ports';

/** What one recipient receives in a batch, for its `batch.completed`. */
export interface RecipientBatchTotals {
  readonly messages: number;
  readonly records: number;
  readonly amountCents: bigint;
}

/**
 * Delivers an accepted batch's staged parts to one recipient (monthly-batch §8), in the order they
 * were staged: each part is archived, recorded in the ledger, then published; `batch.completed`
 * comes last. Message ids, archive keys and ledger writes are deterministic, so a retry after a
 * crash repeats every step harmlessly.
 */
export async function deliverToRecipient(
  deps: Pick<BatchDependencies, 'staging' | 'archive' | 'ledger' | 'publisher' | 'recipientQueueUrl' | 'clock'>,
  batch: DeliveredBatch,
  recipient: Recipient,
  stagedParts: readonly string[],
  totals: RecipientBatchTotals,
): Promise<void> {
  // 1–3. Each part: archived, recorded, published (deliver-part.ts), in the order staged.
  for (const [index, stagedKey] of stagedParts.entries()) await deliverPart(deps, batch, { recipient, index: index + 1, stagedKey });
  // 4. `batch.completed` last: it tells the recipient that every message of the month was sent.
  await deliverCompleted(deps, batch, recipient, totals);
}

/**
 * Archives (with its proof) and publishes a recipient's `batch.completed`, once every part was delivered: by
 * {@link deliverToRecipient}, or after a fan-out of {@link deliverPart} over the parts.
 */
export async function deliverCompleted(
  deps: Pick<BatchDependencies, 'archive' | 'ledger' | 'publisher' | 'recipientQueueUrl' | 'clock'>,
  batch: DeliveredBatch,
  recipient: Recipient,
  totals: RecipientBatchTotals,
): Promise<void> {
  const sentAt = deps.clock();
  const completed = batchCompletedMessage(batch, recipient, totals, sentAt);
  const prefix = archivePrefixOf(recipient, batch.period, batch.batchId);
  // Archived write-once with its proof, as the parts are (deliver-part.ts), then published.
  await Promise.all([
    deps.archive.put(`${prefix}completed.json`, completed.body, { ifAbsent: true, contentType: 'application/json' }),
    deps.ledger.recordProofs(deliveryProofsOf(batch, recipient, [completed], sentAt)),
  ]);
  await deps.publisher.publish(deps.recipientQueueUrl(recipient), [completed]);
}
