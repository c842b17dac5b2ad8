import type { OutboundMessage } from '../../messages/envelope';
import type { Recipient } from '../recipients';
import { archivePrefixOf } from './object-keys';
import type { BatchDependencies } from './ports';

/**
 * An operator's explicit request (monthly-batch §8): delivers an archived batch again to the given
 * recipients, part by part and then `batch.completed`, with the same message ids, so a recipient
 * that already holds them drops them. Only an operator re-delivers: the hub never does on its own.
 * Answers the messages sent per recipient.
 * @throws Error when the batch was not delivered, or when an archived object is missing
 */
export async function redeliverBatch(
  batchId: string,
  recipients: readonly Recipient[],
  deps: Pick<BatchDependencies, 'archive' | 'manifests' | 'publisher' | 'recipientQueueUrl'>,
): Promise<Record<Recipient, number>> {
  const manifest = await deps.manifests.get(batchId);
  if (manifest?.status !== 'DELIVERED' || manifest.period === null) {
    throw new Error(`batch ${batchId} was not delivered, so there is nothing to deliver again`);
  }
  const sent: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };
  for (const recipient of recipients) {
    const prefix = archivePrefixOf(recipient, manifest.period, batchId);
    const keys = await deps.archive.list(prefix);
    const parts = keys.filter((key) => key.endsWith('.ndjson')).sort();
    for (const key of [...parts, `${prefix}completed.json`]) {
      if (!keys.includes(key)) throw new Error(`archive object ${key} is missing`);
      const messages = (await deps.archive.getText(key)).split('\n').map((body): OutboundMessage => {
        const parsed = JSON.parse(body) as { messageId: string; type: OutboundMessage['type'] };
        return { messageId: parsed.messageId, type: parsed.type, body };
      });
      await deps.publisher.publish(deps.recipientQueueUrl(recipient), messages);
      sent[recipient] += messages.length;
    }
  }
  return sent;
}
