import { minimise } from '../minimise';
import { isGranted, type Recipient, type RecipientRecord } from '../recipients';
import { FileRefusal, type FileRefusalCode } from './codes';
import type { RawRow } from './reader';
import { ReferenceSet } from './reference-set';
import { BatchTally } from './report';
import { validateRow } from './row-validation';

/**
 * The monthly batch's rule for every row (spec monthly-batch §7): rejected, unroutable, withheld
 * or delivered to exactly one recipient, in that order; and the file-level refusal when more than
 * the allowed share of rows is rejected.
 */

/** Where delivered records go while a file is read. It may answer a promise to apply backpressure. */
export interface RecordSink {
  accept(recipient: Recipient, record: RecipientRecord): void | Promise<void>;
}

export interface SplitOptions {
  /** The file's period (the S3 key's `<YYYY-MM>`); null for a local file none of whose rows has one (§7). */
  readonly filePeriod: string | null;
  /** Processing time (INSZ century rule). */
  readonly now: Date;
  /** Share of rejected rows above which the file is refused (default 0.05). */
  readonly maxRejectedShare: number;
}

export interface SplitResult {
  readonly tally: BatchTally;
  /** The file-level refusal, or null when the file is accepted. */
  readonly refused: FileRefusalCode | null;
}

export const DEFAULT_MAX_REJECTED_SHARE = 0.05;

/**
 * Classifies every row of a file, sends each delivered record, minimised, to the sink, and decides
 * whether the file is accepted. Reading errors that refuse the file ({@link FileRefusal}) end it
 * with that code; any other error (the byte source failing) is rethrown. The sink receives records
 * before the file is known to be accepted: it must stage them, not deliver them.
 */
export async function splitRows(rows: AsyncIterable<RawRow[]>, options: SplitOptions, sink: RecordSink): Promise<SplitResult> {
  const tally = new BatchTally();
  const references = new ReferenceSet();
  const context = {
    filePeriod: options.filePeriod,
    now: options.now,
    seenBefore: (reference: string) => references.addIfAbsent(reference),
  };
  try {
    for await (const batch of rows) {
      for (const raw of batch) {
        tally.rows += 1;
        const result = validateRow(raw.values, context, raw.text);
        if (!result.valid) {
          tally.addRejected(raw.line, result.reference, result.codes);
          continue;
        }
        const { row } = result;
        if (row.route.kind === 'no-authorised-recipient') {
          tally.addUnroutable(raw.line, result.reference);
          continue;
        }
        const recipient = row.route.recipient;
        if (!isGranted(recipient, row.regulation)) {
          tally.withheld += 1;
          tally.withheldBy[recipient] += 1;
          continue;
        }
        tally.addDelivered(recipient, row.amountCents);
        const pending = sink.accept(recipient, minimise(recipient, row.values));
        if (pending) await pending;
      }
    }
  } catch (error) {
    if (error instanceof FileRefusal) return { tally, refused: error.code };
    throw error;
  }
  const refused = tally.rejected > tally.rows * options.maxRejectedShare ? 'TOO_MANY_REJECTED_ROWS' : null;
  return { tally, refused };
}
