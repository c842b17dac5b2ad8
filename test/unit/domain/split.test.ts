import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawRow } from '../../../shared/domain/batch/reader';
import { BatchTally } from '../../../shared/domain/batch/report';
import { type RecordSink, splitRows } from '../../../shared/domain/batch/split';
import { RECIPIENT_VIEWS, RECIPIENTS, type Recipient, type RecipientRecord } from '../../../shared/domain/recipients';
import type { HandRow } from '../../support/batch-files';
import { arbitraryRow, validRow } from '../../support/rows';

const OPTIONS = { filePeriod: '2025-11', now: new Date('2026-11-28T00:00:00Z'), maxRejectedShare: 0.05 };

class MemorySink implements RecordSink {
  readonly records: Array<{ recipient: Recipient; record: RecipientRecord }> = [];
  accept(recipient: Recipient, record: RecipientRecord): void {
    this.records.push({ recipient, record });
  }
}

async function* asRows(rows: ReadonlyArray<Record<string, unknown> | null>): AsyncGenerator<RawRow[]> {
  yield rows.map((values, index) => ({ line: index + 2, values }));
}

const PAYMENT_FIELDS_FOREM_NEVER_GETS = [
  'accountingStart',
  'accountingEnd',
  'reference',
  'amount',
  'paymentType',
  'decidingOrganisation',
  'budgetArticle',
  'assistanceType',
  'paymentRecipient',
  'employmentType',
  'employmentPlace',
  'workSchedule',
  'activationType',
  'socialEconomyInitiativeNumber',
  'socialEconomyInitiativeName',
];

describe('the outcome of each row (monthly-batch §7)', () => {
  it('rejects, then makes unroutable, then withholds, then delivers, in that order', async () => {
    const sink = new MemorySink();
    const rows = [
      validRow({ reference: 'V1', ocmwNis: '11002', regulation: 'ART61' }), // VDAB may: delivered
      validRow({ reference: 'A1', ocmwNis: '21004', regulation: 'ART60_7' }), // delivered
      validRow({ reference: 'A2', ocmwNis: '21004', regulation: 'ART57QUATER' }), // withheld
      validRow({ reference: 'F1', ocmwNis: '62063', regulation: 'ART61' }), // withheld
      validRow({ reference: 'F2', ocmwNis: '62063', regulation: 'ART60_7', amount: '-12' }), // delivered
      validRow({ reference: 'G1', ocmwNis: '63023', regulation: 'ART61' }), // unroutable, whatever the regulation
      validRow({ reference: 'G2', ocmwNis: '63023', insz: '1' }), // rejected before unroutable
      null, // malformed
    ];
    const { tally, refused } = await splitRows(asRows(rows), { ...OPTIONS, maxRejectedShare: 0.5 }, sink);
    expect(refused).toBeNull();
    expect([tally.rows, tally.delivered, tally.withheld, tally.unroutable, tally.rejected]).toEqual([8, 3, 2, 1, 2]);
    expect(sink.records.map(({ recipient, record }) => [recipient, record.reference ?? record.fileNumber])).toEqual([
      ['VDAB', 'V1'],
      ['ACTIRIS', 'A1'],
      ['FOREM', 'D-2025-001'],
    ]);
    expect(tally.withheldBy).toEqual({ VDAB: 0, ACTIRIS: 1, FOREM: 1 });
    expect(RECIPIENTS.map((r) => tally.totalCents(r))).toEqual([123450n, 123450n, -1200n]);
    expect(tally.issues).toEqual([
      { line: 7, reference: 'G1', outcome: 'unroutable', codes: ['NO_AUTHORISED_RECIPIENT'] },
      { line: 8, reference: 'G2', outcome: 'rejected', codes: ['INVALID_INSZ'] },
      { line: 9, reference: null, outcome: 'rejected', codes: ['MALFORMED_ROW'] },
    ]);
  });

  it('hands FOREM exactly its ten fields and VDAB/ACTIRIS their view', async () => {
    const sink = new MemorySink();
    const rows = [
      validRow({ reference: 'F1', ocmwNis: '92094', socialEconomyInitiativeNumber: 'SE-1', socialEconomyInitiativeName: 'Initiative' }),
      validRow({ reference: 'V1', ocmwNis: '44021', socialEconomyInitiativeNumber: 'SE-1' }),
    ];
    await splitRows(asRows(rows), OPTIONS, sink);
    expect(Object.keys(sink.records[0]?.record ?? {})).toEqual(RECIPIENT_VIEWS.FOREM);
    expect(sink.records[0]?.record).toEqual({
      period: '2025-11',
      ocmwKbo: '0403019261',
      ocmwNis: '92094',
      ocmwName: 'OCMW Antwerpen',
      regulation: 'ART60_7',
      fileNumber: 'D-2025-001',
      insz: '85073003328',
      beneficiaryRole: 'PRIMARY',
      performanceStart: '2025-11-01',
      performanceEnd: '2025-11-30',
    });
    // An absent optional field is not sent: JSON leaves out what is undefined.
    expect(Object.keys(JSON.parse(JSON.stringify(sink.records[1]?.record)) as object)).toEqual(
      RECIPIENT_VIEWS.VDAB.filter((f) => f !== 'socialEconomyInitiativeName'),
    );
    expect(sink.records[1]?.record.amount).toBe('1234.50');
  });

  it('refuses a file when more than the allowed share is rejected, not when exactly that share is', async () => {
    const rows = (rejected: number): HandRow[] =>
      Array.from({ length: 100 }, (_, i) => validRow({ reference: `R${i}`, ...(i < rejected ? { insz: 'x' } : {}) }));
    expect((await splitRows(asRows(rows(5)), OPTIONS, new MemorySink())).refused).toBeNull();
    const six = await splitRows(asRows(rows(6)), OPTIONS, new MemorySink());
    expect(six.refused).toBe('TOO_MANY_REJECTED_ROWS');
    expect(six.tally.issues).toHaveLength(6);
  });

  it('accepts a file with no rows', async () => {
    const { tally, refused } = await splitRows(asRows([]), OPTIONS, new MemorySink());
    expect(refused).toBeNull();
    expect(tally.rows).toBe(0);
  });
});

describe('properties of the split, for all inputs', () => {
  it('accounts for every row, and no recipient ever gets a row or a field the deliberation does not grant it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { maxLength: 60 }), async (rows) => {
        const sink = new MemorySink();
        const { tally } = await splitRows(asRows(rows), { ...OPTIONS, maxRejectedShare: 1 }, sink);
        expect(tally.rows).toBe(rows.length);
        expect(tally.delivered + tally.withheld + tally.unroutable + tally.rejected).toBe(tally.rows);
        expect(sink.records).toHaveLength(tally.delivered);
        for (const recipient of RECIPIENTS) {
          expect(sink.records.filter((r) => r.recipient === recipient)).toHaveLength(tally.records[recipient]);
        }
        for (const { recipient, record } of sink.records) {
          for (const key of Object.keys(record)) expect(RECIPIENT_VIEWS[recipient]).toContain(key);
          if (recipient === 'FOREM') for (const field of PAYMENT_FIELDS_FOREM_NEVER_GETS) expect(record).not.toHaveProperty(field);
          if (recipient !== 'VDAB') expect(record.regulation).toBe('ART60_7');
          expect(record.ocmwNis).not.toBe('63023');
        }
        expect(tally.issues).toHaveLength(tally.unroutable + tally.rejected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('sums of amounts', () => {
  it('stay exact past 2^53 cents', () => {
    const tally = new BatchTally();
    for (let i = 0; i < 200_000; i++) tally.addDelivered('VDAB', 99_999_999_999);
    tally.addDelivered('VDAB', -1);
    expect(tally.totalCents('VDAB')).toBe(200_000n * 99_999_999_999n - 1n);
    expect(tally.toReport({ batchId: 'b', period: '2025-11', source: 's', sha256: 'h' }, null).perRecipient.VDAB.amountCents).toBe(
      '19999999999799999',
    );
  });
});
