import { z } from 'zod';
import type { Channel, ChannelMessage, ReturnOutcome } from '../return-flows/return-message';
import { InvalidRequestError, type OperatorTool } from './operator-tool';

/**
 * An operator moves back what a party itself sent, and authors nothing (return-flows §1): the
 * messages of one party's inbound dead-letter queue are handed, one by one, to the same use case
 * that the party's inbound queue feeds, under the channel that the dead-letter queue belongs to
 * (the sender is who the channel says, never the message). A message leaves the dead-letter queue
 * only once it is handled (accepted, a duplicate, or refused and answered); one that fails again
 * stays there, for a later run. Nothing is ever sent on a party's inbound queue. For `npm run
 * reprocess-dead-letters` and the operator-reprocess-dead-letters function alike.
 */

/** The channels that have an inbound queue, hence a dead-letter queue to reprocess (FOREM has none). */
export const DEAD_LETTER_CHANNELS = ['VDAB', 'ACTIRIS', 'PPS'] as const satisfies readonly Channel[];
export type DeadLetterChannel = (typeof DEAD_LETTER_CHANNELS)[number];

/** A message received from a dead-letter queue: the party's message as its channel delivered it, and its receipt. */
export interface DeadLetter {
  readonly message: ChannelMessage;
  readonly receiptHandle: string;
}

/** One party's inbound dead-letter queue (shared/adapters/sqs-dead-letters.ts implements it). */
export interface DeadLetterQueue {
  /** Up to `max` messages (at most 10), hidden from other readers until handled or their visibility ends; none when empty. */
  receive(max: number): Promise<DeadLetter[]>;
  /** Removes a handled message. */
  delete(receiptHandle: string): Promise<void>;
}

/** What reprocessing needs: each channel's dead-letter queue, and the inbound use case of each channel. */
export interface ReprocessDeadLettersDeps {
  readonly deadLetters: (channel: DeadLetterChannel) => DeadLetterQueue;
  /** The inbound use case of the channel's own queue (region-inbound's or pps-inbound's), the sender being the channel. */
  readonly handle: (channel: DeadLetterChannel, message: ChannelMessage) => Promise<ReturnOutcome>;
  /** Each outcome, as the inbound function reports it (logs and metrics: a WRONG_CHANNEL here alarms as there). */
  readonly report: (channel: DeadLetterChannel, sqsMessageId: string, outcome: ReturnOutcome) => void;
  /** Each message that failed again (left in the dead-letter queue). */
  readonly onFailure: (channel: DeadLetterChannel, sqsMessageId: string, error: unknown) => void;
}

/** How many of a run's messages came to each end. */
export interface ReprocessSummary {
  readonly channel: DeadLetterChannel;
  readonly accepted: number;
  readonly duplicates: number;
  readonly refused: number;
  /** Failed again, and left in the dead-letter queue. */
  readonly failed: number;
  /** Whether the run stopped at its limit with messages possibly left. */
  readonly limitReached: boolean;
}

/** At most this many messages per run unless asked otherwise: a run must end within the function's timeout. */
export const DEFAULT_REPROCESS_LIMIT = 100;
export const MAX_REPROCESS_LIMIT = 1000;
const SQS_RECEIVE_MAX = 10;

/**
 * Reprocesses up to `limit` dead letters of `channel`, oldest first as SQS hands them out.
 * 1. Receive a batch from the channel's dead-letter queue; stop when none comes.
 * 2. Hand each message to the channel's inbound use case, the sender being the channel.
 * 3. Delete each handled message from the dead-letter queue; leave a failed one there.
 */
export async function reprocessDeadLetters(
  channel: DeadLetterChannel,
  limit: number,
  deps: ReprocessDeadLettersDeps,
): Promise<ReprocessSummary> {
  const counts = { accepted: 0, duplicates: 0, refused: 0, failed: 0 };
  const queue = deps.deadLetters(channel);
  let seen = 0;
  while (seen < limit) {
    // 1. Receive; a failed message stays hidden for its visibility timeout, so it is not received again in this run.
    const batch = await queue.receive(Math.min(SQS_RECEIVE_MAX, limit - seen));
    if (batch.length === 0) break;
    seen += batch.length;
    for (const { message, receiptHandle } of batch) {
      // 2. The same use case as the party's own queue, under the dead-letter queue's channel.
      let outcome: ReturnOutcome;
      try {
        outcome = await deps.handle(channel, message);
      } catch (error) {
        counts.failed += 1;
        deps.onFailure(channel, message.sqsMessageId, error);
        continue;
      }
      deps.report(channel, message.sqsMessageId, outcome);
      if (outcome.kind === 'accepted') counts.accepted += 1;
      else if (outcome.kind === 'duplicate') counts.duplicates += 1;
      else counts.refused += 1;
      // 3. Handled: out of the dead-letter queue.
      await queue.delete(receiptHandle);
    }
  }
  return { channel, ...counts, limitReached: seen >= limit };
}

/** One line: `VDAB: 3 accepted, 1 duplicate, 0 refused, 0 failed (left in the DLQ)`. */
export function formatReprocessed(summary: ReprocessSummary): string {
  const line =
    `${summary.channel}: ${summary.accepted} accepted, ${summary.duplicates} ${summary.duplicates === 1 ? 'duplicate' : 'duplicates'}, ` +
    `${summary.refused} refused, ${summary.failed} failed (left in the dead-letter queue)`;
  return summary.limitReached ? `${line}; the limit was reached: run it again for the rest` : line;
}

/** A channel that has a dead-letter queue. @throws InvalidRequestError otherwise. */
export function deadLetterChannelOf(channel: string): DeadLetterChannel {
  if (!(DEAD_LETTER_CHANNELS as readonly string[]).includes(channel)) {
    throw new InvalidRequestError(`${channel} has no inbound dead-letter queue (one of ${DEAD_LETTER_CHANNELS.join(', ')})`);
  }
  return channel as DeadLetterChannel;
}

/** The request of the operator-reprocess-dead-letters function, as typed in the console's Test tab. */
export const reprocessDeadLettersRequestSchema = z.strictObject({
  channel: z.enum(DEAD_LETTER_CHANNELS),
  limit: z.number().int().min(1).max(MAX_REPROCESS_LIMIT).optional(),
});
export type ReprocessDeadLettersRequest = z.infer<typeof reprocessDeadLettersRequestSchema>;

/** The function's answer: the counts, and the summary line the script prints. */
export interface ReprocessDeadLettersAnswer extends ReprocessSummary {
  readonly summary: string;
}

/** Reprocessing as an operator tool: audited with the channel and the limit; its results are the messages handled. */
export function reprocessDeadLettersTool(
  deps: ReprocessDeadLettersDeps,
): OperatorTool<ReprocessDeadLettersRequest, ReprocessDeadLettersAnswer> {
  return {
    name: 'reprocess-dead-letters',
    prepare(request) {
      const limit = request.limit ?? DEFAULT_REPROCESS_LIMIT;
      return {
        asked: { channel: request.channel, limit },
        async run() {
          const summary = await reprocessDeadLetters(request.channel, limit, deps);
          return {
            answer: { ...summary, summary: formatReprocessed(summary) },
            results: summary.accepted + summary.duplicates + summary.refused,
          };
        },
      };
    },
  };
}
