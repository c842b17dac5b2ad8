import { open } from 'node:fs/promises';
import type { BatchReport } from '../shared/domain/batch/report';
import type { Recipient } from '../shared/domain/recipients';
import { QUEUES } from '../shared/topology';
import type { LocalRunProgress } from './run-progress';
import type { LocalStandIn } from './stand-in';

/** A recipient's queue after a local run (run-file.ts): what it received, written to its file, and whether it is the whole batch. */

/** What one recipient's queue held: its records, its distinct `batch.records` and its `batch.completed`. */
export interface Received {
  readonly records: number;
  readonly messages: number;
  readonly completed: { readonly messages: number; readonly records: number } | undefined;
}

/** Receives a recipient's queue into `<dir>/<RECIPIENT>.ndjson`, dropping duplicates by message id. */
export async function drainRecipient(
  standIn: LocalStandIn,
  recipient: Recipient,
  path: string,
  progress: (p: LocalRunProgress) => void,
): Promise<Received> {
  const file = await open(path, 'w');
  const seen = new Set<string>();
  const seqs = new Set<number>();
  let records = 0;
  let completed: { messages: number; records: number } | undefined;
  try {
    for (;;) {
      const received = await standIn.receiveAll(QUEUES.recipientOutbound[recipient]);
      if (received.length === 0) break;
      for (const message of received) {
        const body = JSON.parse(message.body) as Record<string, unknown>;
        const messageId = String(body.messageId);
        if (seen.has(messageId)) continue;
        seen.add(messageId);
        if (body.type === 'batch.records' && Array.isArray(body.records) && typeof body.seq === 'number') {
          seqs.add(body.seq);
          records += body.records.length;
          await file.write(body.records.map((record) => `${JSON.stringify(record)}\n`).join(''));
          progress({ stage: 'receiving', recipient, records });
        } else if (body.type === 'batch.completed') {
          completed = { messages: Number(body.messages), records: Number(body.records) };
        }
      }
    }
  } finally {
    await file.close();
  }
  return { records, messages: seqs.size, completed };
}

/**
 * Whether a recipient holds the whole batch (see {@link RecipientDelivery.complete}), judged by
 * what its queue received, so that a delivery that stopped half-way names only the recipients it
 * did not finish, whether or not a report was written.
 */
export function isComplete(report: BatchReport | undefined, got: Received): boolean {
  if (report !== undefined && report.refused !== null) return false;
  // A file without a period delivers nothing and sends no message at all (§7).
  if (report !== undefined && report.period === null) return got.messages === 0 && got.records === 0 && got.completed === undefined;
  return got.completed !== undefined && got.completed.messages === got.messages && got.completed.records === got.records;
}
