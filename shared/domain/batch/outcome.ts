import { createHash } from 'node:crypto';
import { type Envelope, envelope, MAX_MESSAGE_BYTES, type OutboundMessage, queueJson } from '../../messages/envelope';
import type { FileRefusalCode } from './codes';
import type { BatchReport } from './report';

/**
 * `batch.outcome` (spec messages.md; monthly-batch §8): what the PPS hears of every file it drops,
 * on its outbound queue, once the file's report is written. It repeats the report's counts and
 * names the report, and holds no national number and no issue: the report holds those.
 */

/** The counts of a report that its `batch.outcome` repeats (and a batch's manifest keeps for its duplicates). */
export type OutcomeCounts = Pick<BatchReport, 'rows' | 'delivered' | 'withheld' | 'unroutable' | 'rejected' | 'perRecipient'>;

export interface BatchOutcomeMessage extends Envelope<'batch.outcome'>, OutcomeCounts {
  readonly batchId: string;
  readonly period: string | null;
  /** The object's key. */
  readonly source: string;
  readonly sha256: string;
  readonly refused: FileRefusalCode | null;
  readonly refusedDetail: string | null;
  readonly reportKey: string;
  /** The first batch's `batchId` when these bytes were received before under another key; else null. */
  readonly duplicateOf: string | null;
}

/** What a `batch.outcome` says, but its envelope. */
export type BatchOutcomeFacts = Omit<BatchOutcomeMessage, keyof Envelope>;

/**
 * The longest `refusedDetail` a `batch.outcome` carries, in characters: with a key of at most
 * 1,024 bytes, the message stays far below one billing unit whatever the characters.
 */
export const OUTCOME_DETAIL_MAX_CHARS = 1000;

/**
 * The id of the outcome of the object `key` holding the batch `batchId`: the same for every
 * attempt of the same notification (a retry sends the same message), its own for the same bytes
 * under another key. The key enters as a digest, so that the id is bounded whatever the key.
 */
export function outcomeMessageId(batchId: string, key: string): string {
  return `${batchId}:outcome:${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32)}`;
}

/** The counts of a report, and nothing else of it. */
export function countsOf(report: OutcomeCounts): OutcomeCounts {
  const { rows, delivered, withheld, unroutable, rejected, perRecipient } = report;
  return { rows, delivered, withheld, unroutable, rejected, perRecipient };
}

/** At most {@link OUTCOME_DETAIL_MAX_CHARS} characters (code points); a longer sentence is cut and ends in `…`. */
function boundedDetail(detail: string | null): string | null {
  if (detail === null) return null;
  const characters = Array.from(detail);
  if (characters.length <= OUTCOME_DETAIL_MAX_CHARS) return detail;
  return `${characters.slice(0, OUTCOME_DETAIL_MAX_CHARS - 1).join('')}…`;
}

/**
 * Builds the `batch.outcome` of a file.
 * @throws Error when the body would exceed one billing unit, which the bounds of its fields rule out
 */
export function batchOutcomeMessage(facts: BatchOutcomeFacts, sentAt: Date): OutboundMessage {
  const message: BatchOutcomeMessage = {
    ...envelope('batch.outcome', outcomeMessageId(facts.batchId, facts.source), sentAt),
    batchId: facts.batchId,
    period: facts.period,
    source: facts.source,
    sha256: facts.sha256,
    refused: facts.refused,
    refusedDetail: boundedDetail(facts.refusedDetail),
    ...countsOf(facts),
    reportKey: facts.reportKey,
    duplicateOf: facts.duplicateOf,
  };
  const body = queueJson(message);
  if (Buffer.byteLength(body, 'utf8') > MAX_MESSAGE_BYTES) throw new Error('batch.outcome message exceeds 64 KiB');
  return { messageId: message.messageId, type: 'batch.outcome', body };
}
