import type { OutboundMessage } from '../../messages/envelope';
import type { Recipient, RecipientRecord } from '../recipients';
import { replayWindowEnd } from '../retention';
import { archivePrefixOf } from './object-keys';
import type { BatchDependencies, BatchManifest, DeliveredBatch } from './ports';

/**
 * The record of disclosures' side of a re-delivery (return-flows §4): the records an operator
 * delivered again, a new disclosure of the same records, recorded before they are sent. Recording
 * the same part at the same instant again is a no-op.
 */
export interface RedeliveryLog {
  recordRedelivery(batch: DeliveredBatch, recipient: Recipient, records: readonly RecipientRecord[], redeliveredAt: Date): Promise<void>;
}

/** What a re-delivery reads, records and sends, and the stage's replay window (return-flows §5). */
export type RedeliveryDeps = Pick<BatchDependencies, 'archive' | 'manifests' | 'publisher' | 'recipientQueueUrl' | 'clock'> & {
  /** Days the archive keeps what a batch delivered, from the batch file's first reception. */
  readonly replayWindowDays: number;
  readonly redeliveries: RedeliveryLog;
};
/**
 * Why a batch cannot be delivered again at `now`, in words an operator reads (no national number:
 * the batch id and dates only); undefined when it can: it was delivered, and its replay window,
 * counted from when the hub first received the file, has not passed. After the window the archive
 * is destroyed by its lifecycle, so the answer says so rather than fail on a missing object.
 */
export function whyNotRedeliverable(
  batchId: string,
  manifest: BatchManifest | undefined,
  now: Date,
  replayWindowDays: number,
): string | undefined {
  if (manifest?.status !== 'DELIVERED' || manifest.period === null)
    return `batch ${batchId} was not delivered, so there is nothing to deliver again`;
  const receivedAt = new Date(manifest.receivedAt);
  const end = replayWindowEnd(receivedAt, replayWindowDays);
  if (now.getTime() >= end.getTime())
    return (
      `the replay window of ${replayWindowDays.toLocaleString('en')} days has passed for batch ${batchId} ` +
      `(received ${receivedAt.toISOString()}, window ended ${end.toISOString()}): its archive is destroyed, nothing can be delivered again`
    );
  return undefined;
}

/**
 * An operator's explicit request (monthly-batch §8): delivers an archived batch again to the given
 * recipients, part by part and then `batch.completed`, with the same message ids, so a recipient
 * that already holds them drops them. Each part's records are recorded in the record of
 * disclosures as re-delivered, before the part is sent. Only an operator re-delivers: the hub never
 * does on its own. Answers the messages sent per recipient.
 * @throws Error when the batch was not delivered or its replay window has passed ({@link whyNotRedeliverable}),
 *   or when an archived object is missing
 */
export async function redeliverBatch(
  batchId: string,
  recipients: readonly Recipient[],
  deps: RedeliveryDeps,
): Promise<Record<Recipient, number>> {
  // 1. The batch was delivered, and is still within its replay window.
  const manifest = await deps.manifests.get(batchId);
  const refusal = whyNotRedeliverable(batchId, manifest, deps.clock(), deps.replayWindowDays);
  if (refusal !== undefined || manifest === undefined || manifest.period === null) throw new Error(refusal);
  // The re-delivery's instant names it in the record; its retention is the batch's, from its reception.
  const redeliveredAt = deps.clock();
  const batch: DeliveredBatch = { batchId, period: manifest.period, receivedAt: new Date(manifest.receivedAt) };
  // 2. Each recipient's archived parts, then its `batch.completed`: 3. the disclosure recorded, 4. sent again as written.
  const sent: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };
  for (const recipient of recipients) {
    const prefix = archivePrefixOf(recipient, batch.period, batchId);
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
      if (records.length > 0) await deps.redeliveries.recordRedelivery(batch, recipient, records, redeliveredAt);
      await deps.publisher.publish(deps.recipientQueueUrl(recipient), messages);
      sent[recipient] += messages.length;
    }
  }
  return sent;
}
