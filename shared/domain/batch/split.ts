import { minimise } from '../minimise';
import { isGranted, RECIPIENT_VIEWS, type Recipient, type RecipientRecord } from '../recipients';
import { FileRefusal, refusalDetail } from './codes';
import type { RawRow } from './reader';
import { ReferenceSet } from './reference-set';
import { BatchTally, type Refusal } from './report';
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
  /** The file-level refusal and its sentence for the report (§8), or null when the file is accepted. */
  readonly refusal: Refusal | null;
}

export const DEFAULT_MAX_REJECTED_SHARE = 0.05;

/** The fields of FOREM's record (§6): two FOREM records are equal when all of these are. */
const FOREM_FIELDS = RECIPIENT_VIEWS.FOREM;

/**
 * Classifies every row of a file, sends each delivered record, minimised, to the sink, and decides
 * whether the file is accepted. Reading errors that refuse the file ({@link FileRefusal}) end it
 * with that code; any other error (the byte source failing) is rethrown. The sink receives records
 * before the file is known to be accepted: it must stage them, not deliver them.
 */
export async function splitRows(rows: AsyncIterable<RawRow[]>, options: SplitOptions, sink: RecordSink): Promise<SplitResult> {
  const tally = new BatchTally();
  const references = new ReferenceSet();
  // FOREM receives each distinct record once per batch (§6): a record equal to one already sent is
  // merged into it. Kept as 128-bit hashes, as the references are: about 32 MB at a million.
  const foremRecords = new ReferenceSet();
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
        const record = minimise(recipient, row.values);
        if (recipient === 'FOREM' && foremRecords.addIfAbsentFields(record, FOREM_FIELDS)) {
          tally.addMerged();
          continue;
        }
        tally.addDelivered(recipient, row.amountCents);
        const pending = sink.accept(recipient, record);
        if (pending) await pending;
      }
    }
  } catch (error) {
    if (error instanceof FileRefusal) return { tally, refusal: { code: error.code, detail: error.detail } };
    throw error;
  }
  if (tally.rejected > tally.rows * options.maxRejectedShare) {
    const detail = refusalDetail.tooManyRejected(tally.rejected, tally.rows, options.maxRejectedShare);
    return { tally, refusal: { code: 'TOO_MANY_REJECTED_ROWS', detail } };
  }
  return { tally, refusal: null };
}
