import type { OutboundMessage } from '../../messages/envelope';
import type { Recipient, RecipientRecord } from '../recipients';
import { archivePrefixOf } from './object-keys';
import type { BatchDependencies, DeliveredBatch } from './ports';

/**
 * The record of disclosures' side of a re-delivery (return-flows §4): the records an operator
 * delivered again, a new disclosure of the same records, recorded before they are sent. Recording
 * the same part at the same instant again is a no-op.
 */
export interface RedeliveryLog {
  recordRedelivery(batch: DeliveredBatch, recipient: Recipient, records: readonly RecipientRecord[], redeliveredAt: Date): Promise<void>;
}

/** What a re-delivery reads, records and sends. */
export type RedeliveryDeps = Pick<BatchDependencies, 'archive' | 'manifests' | 'publisher' | 'recipientQueueUrl' | 'clock'> & {
  readonly redeliveries: RedeliveryLog;
};

/**
 * An operator's explicit request (monthly-batch §8): delivers an archived batch again to the given
 * recipients, part by part and then `batch.completed`, with the same message ids, so a recipient
 * that already holds them drops them. Each part's records are recorded in the record of
 * disclosures as re-delivered, before the part is sent. Only an operator re-delivers: the hub never
 * does on its own. Answers the messages sent per recipient.
 * @throws Error when the batch was not delivered, or when an archived object is missing
 */
export async function redeliverBatch(
  batchId: string,
  recipients: readonly Recipient[],
  deps: RedeliveryDeps,
): Promise<Record<Recipient, number>> {
  const manifest = await deps.manifests.get(batchId);
  if (manifest?.status !== 'DELIVERED' || manifest.period === null) {
    throw new Error(`batch ${batchId} was not delivered, so there is nothing to deliver again`);
  }
  // The re-delivery's instant names it in the record; its retention is the batch's, from its reception.
  const redeliveredAt = deps.clock();
  const batch: DeliveredBatch = { batchId, period: manifest.period, receivedAt: new Date(manifest.receivedAt) };
  const sent: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };
  for (const recipient of recipients) {
    const prefix = archivePrefixOf(recipient, manifest.period, batchId);
    const keys = await deps.archive.list(prefix);
    const parts = keys.filter((key) => key.endsWith('.ndjson')).sort();
    for (const key of [...parts, `${prefix}completed.json`]) {
      if (!keys.includes(key)) throw new Error(`archive object ${key} is missing`);
      const records: RecipientRecord[] = [];
      const messages = (await deps.archive.getText(key)).split('\n').map((body): OutboundMessage => {
        const parsed = JSON.parse(body) as { messageId: string; type: OutboundMessage['type']; records?: unknown };
        // A `batch.records` message's records (a `batch.completed` counts them: no person's data).
        if (parsed.type === 'batch.records' && Array.isArray(parsed.records)) records.push(...(parsed.records as RecipientRecord[]));
        return { messageId: parsed.messageId, type: parsed.type, body };
      });
      // 1. Record the disclosure, then 2. send.
      if (records.length > 0) await deps.redeliveries.recordRedelivery(batch, recipient, records, redeliveredAt);
      await deps.publisher.publish(deps.recipientQueueUrl(recipient), messages);
      sent[recipient] += messages.length;
    }
  }
  return sent;
}
