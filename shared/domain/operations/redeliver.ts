import { z } from 'zod';
import { type RedeliveryDeps, redeliverBatch, whyNotRedeliverable } from '../batch/redeliver';
import { isRecipient, RECIPIENTS, type Recipient } from '../recipients';
import { InvalidRequestError, type OperatorTool } from './operator-tool';

/**
 * An operator's explicit re-delivery of an archived batch (monthly-batch §8; README, "Replay a
 * batch to one recipient from the archive"): the request's check, the re-delivery and its summary,
 * for `npm run redeliver` and the operator-redeliver function alike. The messages hold national
 * numbers; the answer and the audit line hold only counts.
 */

/** What a re-delivery reads, where it records the disclosure and where it sends, and the stage's replay window. */
export type RedeliverDeps = RedeliveryDeps;

/**
 * The recipients to deliver to: the one named, or all of them.
 * @throws InvalidRequestError on a name that is no recipient.
 */
export function redeliveryRecipientsOf(recipient: string | undefined): readonly Recipient[] {
  if (recipient === undefined) return RECIPIENTS;
  if (!isRecipient(recipient)) throw new InvalidRequestError(`unknown recipient ${recipient}`);
  return [recipient];
}

/**
 * A batch id as an operator typed it, checked: the whole id, as the report gives it (a summary
 * that shortened it would otherwise be taken for an unknown batch).
 * @throws InvalidRequestError on anything but 64 hex characters
 */
export function batchIdOf(batchId: string): string {
  if (!BATCH_ID.test(batchId))
    throw new InvalidRequestError(`unknown batch id ${batchId}: a batch id is 64 hex characters, the whole batchId of the file's report`);
  return batchId;
}

/**
 * Delivers a delivered batch again to the recipients, with the same message ids, recorded in the
 * record of disclosures as a re-delivery; answers the messages sent per recipient.
 * @throws InvalidRequestError when no batch has this id, the batch was not delivered, or its replay
 *   window has passed (nothing was sent)
 * @throws Error when an archived object is missing
 */
export async function redeliver(
  batchId: string,
  recipients: readonly Recipient[],
  deps: RedeliverDeps,
): Promise<Record<Recipient, number>> {
  // Checked here too, so that an operator's mistake, or a request past the replay window, is told
  // apart from a missing archive object.
  const manifest = await deps.manifests.get(batchIdOf(batchId));
  if (manifest === undefined) throw new InvalidRequestError(`unknown batch id ${batchId}: no batch has this id`);
  const refusal = whyNotRedeliverable(batchId, manifest, deps.clock(), deps.replayWindowDays);
  if (refusal !== undefined) throw new InvalidRequestError(refusal);
  return redeliverBatch(batchId, recipients, deps);
}

/** One line per recipient: `VDAB: 12 messages sent again`. */
export function formatRedelivered(recipients: readonly Recipient[], sent: Readonly<Record<Recipient, number>>): string {
  return recipients
    .map(
      (recipient) => `${recipient}: ${sent[recipient].toLocaleString('en')} ${sent[recipient] === 1 ? 'message' : 'messages'} sent again`,
    )
    .join('\n');
}

/** A batch id: the SHA-256 of the file's bytes, hex, as the batch report and the `batches` table give it. */
const BATCH_ID = /^[0-9a-f]{64}$/;

/**
 * The request of the operator-redeliver function, as typed in the console's Test tab. One
 * recipient, always named: re-delivering to all three is three deliberate requests.
 */
export const redeliverRequestSchema = z.strictObject({
  batchId: z.string().regex(BATCH_ID, { error: "must be the batch's id: 64 hex characters (its report, the batches table)" }),
  recipient: z.enum(RECIPIENTS),
});
export type RedeliverRequest = z.infer<typeof redeliverRequestSchema>;

/** The function's answer: how many messages the recipient was sent again. */
export interface RedeliverAnswer {
  readonly batchId: string;
  readonly recipient: Recipient;
  readonly messagesSent: number;
  readonly summary: string;
}

/** The re-delivery as an operator tool. */
export function redeliverTool(deps: RedeliverDeps): OperatorTool<RedeliverRequest, RedeliverAnswer> {
  return {
    name: 'redeliver',
    prepare(request) {
      const { batchId, recipient } = request;
      return {
        asked: { batchId, recipient },
        async run() {
          const sent = await redeliver(batchId, [recipient], deps);
          const answer: RedeliverAnswer = {
            batchId,
            recipient,
            messagesSent: sent[recipient],
            summary: formatRedelivered([recipient], sent),
          };
          return { answer, results: sent[recipient] };
        },
      };
    },
  };
}
