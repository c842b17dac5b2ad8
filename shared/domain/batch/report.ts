import { RECIPIENTS, type Recipient, receivesAmounts } from '../recipients';
import { type FileRefusalCode, NO_AUTHORISED_RECIPIENT, REASON_CODES, type ReasonCode } from './codes';

/**
 * The report of one file (spec monthly-batch §8). It holds no national number: a row is named by
 * its line and its reference.
 */

export interface ReportIssue {
  readonly line: number;
  readonly reference: string | null;
  readonly outcome: 'rejected' | 'unroutable';
  readonly codes: ReadonlyArray<ReasonCode | typeof NO_AUTHORISED_RECIPIENT>;
}

export interface RecipientTotals {
  readonly records: number;
  readonly withheld: number;
  /** VDAB and ACTIRIS only: the sum of the delivered amounts in cents, as an integer string. */
  readonly amountCents?: string;
}

export interface BatchReport {
  readonly batchId: string;
  readonly period: string | null;
  readonly source: string;
  readonly sha256: string;
  readonly rows: number;
  readonly delivered: number;
  readonly withheld: number;
  readonly unroutable: number;
  readonly rejected: number;
  readonly perRecipient: Readonly<Record<Recipient, RecipientTotals>>;
  readonly issues: readonly ReportIssue[];
  readonly refused: FileRefusalCode | null;
  /** One English sentence that lets the PPS find a refused file's fault, never a cell's content; null when accepted. */
  readonly refusedDetail: string | null;
}

/** Why a file was refused, for its report: the code and its sentence. */
export interface Refusal {
  readonly code: FileRefusalCode;
  readonly detail: string;
}

/** Counts of one file as it is read; turned into a {@link BatchReport} when the file ends. */
export class BatchTally {
  rows = 0;
  delivered = 0;
  withheld = 0;
  unroutable = 0;
  rejected = 0;
  readonly records: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };
  readonly withheldBy: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };
  private readonly amountCents: Record<Recipient, bigint> = { VDAB: 0n, ACTIRIS: 0n, FOREM: 0n };
  // Sums are kept in a number while they are exact (below 2^53) and moved into the bigint before.
  private readonly pendingCents: Record<Recipient, number> = { VDAB: 0, ACTIRIS: 0, FOREM: 0 };
  private readonly issueLog = new IssueLog();

  /** Notes a rejected row with its reasons. */
  addRejected(line: number, reference: string | null, codes: ReadonlySet<ReasonCode>): void {
    this.rejected += 1;
    this.issueLog.add(line, reference, codes);
  }

  /** Notes a valid row without an authorised recipient. */
  addUnroutable(line: number, reference: string | null): void {
    this.unroutable += 1;
    this.issueLog.add(line, reference, null);
  }

  /** The issues so far, in file order. */
  get issues(): ReportIssue[] {
    return this.issueLog.toArray();
  }

  /** Counts one delivered row, a record of its own, and its amount (integer cents, at most ±10^11). */
  addDelivered(recipient: Recipient, amountCents: number): void {
    this.delivered += 1;
    this.records[recipient] += 1;
    const pending = this.pendingCents[recipient] + amountCents;
    if (Math.abs(pending) < 2 ** 52) {
      this.pendingCents[recipient] = pending;
      return;
    }
    this.amountCents[recipient] += BigInt(pending);
    this.pendingCents[recipient] = 0;
  }

  /**
   * Counts a delivered row whose record equals one already delivered to the recipient in this
   * batch (FOREM, §6): the row is delivered, merged into that record; no record is added.
   */
  addMerged(): void {
    this.delivered += 1;
  }

  /** The exact sum of a recipient's delivered amounts, in cents. */
  totalCents(recipient: Recipient): bigint {
    return this.amountCents[recipient] + BigInt(this.pendingCents[recipient]);
  }

  /**
   * The report of this tally. A refused file delivered nothing: its delivered counts are zero, and
   * its other counts and issues are those of the rows read before the refusal.
   */
  toReport(identity: { batchId: string; period: string | null; source: string; sha256: string }, refusal: Refusal | null): BatchReport {
    const deliveredNothing = refusal !== null;
    const perRecipient = Object.fromEntries(
      RECIPIENTS.map((recipient) => {
        const totals: RecipientTotals = {
          records: deliveredNothing ? 0 : this.records[recipient],
          withheld: this.withheldBy[recipient],
          ...(receivesAmounts(recipient) ? { amountCents: (deliveredNothing ? 0n : this.totalCents(recipient)).toString() } : {}),
        };
        return [recipient, totals];
      }),
    ) as Record<Recipient, RecipientTotals>;
    return {
      ...identity,
      rows: this.rows,
      delivered: deliveredNothing ? 0 : this.delivered,
      withheld: this.withheld,
      unroutable: this.unroutable,
      rejected: this.rejected,
      perRecipient,
      issues: this.issues,
      refused: refusal?.code ?? null,
      refusedDetail: refusal?.detail ?? null,
    };
  }
}

const CODE_BIT = new Map<ReasonCode, number>(REASON_CODES.map((code, index) => [code, 1 << index]));
const UNROUTABLE = 0;

/**
 * The issues of a file, kept compactly until its report is written: a refused file of a million
 * rejected rows lists them all. A line number and a bit set of codes in typed arrays, and the
 * reference as its own string, copied so that it does not keep the decoded chunk it was cut from.
 */
class IssueLog {
  private lines = new Uint32Array(1024);
  private codes = new Uint16Array(1024);
  private readonly references: Array<string | null> = [];

  add(line: number, reference: string | null, codes: ReadonlySet<ReasonCode> | null): void {
    const index = this.references.length;
    if (index === this.lines.length) {
      const lines = new Uint32Array(index * 2);
      lines.set(this.lines);
      this.lines = lines;
      const bits = new Uint16Array(index * 2);
      bits.set(this.codes);
      this.codes = bits;
    }
    let bits = UNROUTABLE;
    for (const code of codes ?? []) bits |= CODE_BIT.get(code) ?? 0;
    this.lines[index] = line;
    this.codes[index] = bits;
    this.references.push(reference === null ? null : Buffer.from(reference, 'utf8').toString('utf8'));
  }

  toArray(): ReportIssue[] {
    return this.references.map((reference, index) => {
      const bits = this.codes[index] ?? UNROUTABLE;
      return bits === UNROUTABLE
        ? { line: this.lines[index] ?? 0, reference, outcome: 'unroutable', codes: [NO_AUTHORISED_RECIPIENT] }
        : {
            line: this.lines[index] ?? 0,
            reference,
            outcome: 'rejected',
            codes: REASON_CODES.filter((code) => (bits & (CODE_BIT.get(code) ?? 0)) !== 0).sort(),
          };
    });
  }
}
