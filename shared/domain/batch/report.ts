import { RECIPIENTS, receivesAmounts, type Recipient } from '../recipients';
import type { NO_AUTHORISED_RECIPIENT, ReasonCode, RefusalCode } from './codes';

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
  readonly refused: RefusalCode | null;
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
  readonly amountCents: Record<Recipient, bigint> = { VDAB: 0n, ACTIRIS: 0n, FOREM: 0n };
  readonly issues: ReportIssue[] = [];

  /**
   * The report of this tally. A refused file delivered nothing: its delivered counts are zero, and
   * its other counts and issues are those of the rows read before the refusal.
   */
  toReport(identity: { batchId: string; period: string | null; source: string; sha256: string }, refused: RefusalCode | null): BatchReport {
    const deliveredNothing = refused !== null;
    const perRecipient = Object.fromEntries(
      RECIPIENTS.map((recipient) => {
        const totals: RecipientTotals = {
          records: deliveredNothing ? 0 : this.records[recipient],
          withheld: this.withheldBy[recipient],
          ...(receivesAmounts(recipient) ? { amountCents: (deliveredNothing ? 0n : this.amountCents[recipient]).toString() } : {}),
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
      refused,
    };
  }
}
