import type { OutboundMessage } from '../../messages/envelope';
import type { Recipient, RecipientRecord } from '../recipients';
import { archivePrefixOf, partName } from './object-keys';
import { batchCompletedMessage, batchRecordsMessage } from './packing';
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
  const queueUrl = deps.recipientQueueUrl(recipient);
  const prefix = archivePrefixOf(recipient, batch.period, batch.batchId);
  let seq = 0;
  for (const [index, stagedKey] of stagedParts.entries()) {
    const arrays = (await deps.staging.getText(stagedKey)).split('\n');
    const sentAt = deps.clock();
    const messages: OutboundMessage[] = arrays.map((recordsJson) => batchRecordsMessage(batch, recipient, ++seq, recordsJson, sentAt));
    // 1. Archive before publishing, so that an operator can re-deliver whatever went out. Write
    //    once: a retry's messages differ only in `sentAt`, and the archive keeps the first.
    await deps.archive.put(`${prefix}${partName(index + 1)}`, messages.map((m) => m.body).join('\n'), {
      ifAbsent: true,
      contentType: 'application/x-ndjson',
    });
    // 2. Record the deliveries before publishing: a recipient's answer about a line must find it.
    const records = arrays.flatMap((recordsJson) => JSON.parse(recordsJson) as RecipientRecord[]);
    await deps.ledger.recordDeliveries(batch, recipient, records);
    // 3. Publish.
    await deps.publisher.publish(queueUrl, messages);
  }
  // 4. `batch.completed` last: it tells the recipient that every message of the month was sent.
  const completed = batchCompletedMessage(batch, recipient, totals, deps.clock());
  await deps.archive.put(`${prefix}completed.json`, completed.body, { ifAbsent: true, contentType: 'application/json' });
  await deps.publisher.publish(queueUrl, [completed]);
}
