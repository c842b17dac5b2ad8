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
    const { tally, refusal } = await splitRows(asRows(rows), { ...OPTIONS, maxRejectedShare: 0.5 }, sink);
    expect(refusal).toBeNull();
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
    expect((await splitRows(asRows(rows(5)), OPTIONS, new MemorySink())).refusal).toBeNull();
    const six = await splitRows(asRows(rows(6)), OPTIONS, new MemorySink());
    expect(six.refusal).toEqual({
      code: 'TOO_MANY_REJECTED_ROWS',
      detail: '6 of 100 rows (6 %) are rejected, more than the limit of 5 %.',
    });
    expect(six.tally.issues).toHaveLength(6);
  });

  it('shows the rejected share with the decimals it takes to stand above the limit', async () => {
    // 1,001 of 20,001 is 5.00475 %: "5 %" at two decimals would not say why the file is refused.
    const rows = Array.from({ length: 20_001 }, (_, i) => validRow({ reference: `R${i}`, ...(i < 1001 ? { insz: 'x' } : {}) }));
    const { refusal } = await splitRows(asRows(rows), OPTIONS, new MemorySink());
    expect(refusal?.detail).toBe('1,001 of 20,001 rows (5.005 %) are rejected, more than the limit of 5 %.');
  });

  it('accepts a file with no rows', async () => {
    const { tally, refusal } = await splitRows(asRows([]), OPTIONS, new MemorySink());
    expect(refusal).toBeNull();
    expect(tally.rows).toBe(0);
  });
});

describe('FOREM receives each distinct record once per batch (monthly-batch §6)', () => {
  const forem = (overrides: Record<string, string>): HandRow => validRow({ ocmwNis: '62063', regulation: 'ART60_7', ...overrides });

  it('delivers a payment and its reversal for the same period as one record, the first, and counts both rows delivered', async () => {
    const sink = new MemorySink();
    const rows = [
      forem({ reference: 'P1', amount: '1234.50' }),
      forem({ reference: 'P1-REV', amount: '-1234.50', accountingStart: '2025-12-01', accountingEnd: '2025-12-31' }),
      forem({ reference: 'P2', performanceStart: '2025-11-02' }), // another employment period: another record
      validRow({ reference: 'V1', ocmwNis: '11002' }), // VDAB: every payment line is its own record
      validRow({ reference: 'V2', ocmwNis: '11002' }),
    ];
    const { tally, refusal } = await splitRows(asRows(rows), OPTIONS, sink);
    expect(refusal).toBeNull();
    expect(tally.delivered).toBe(5);
    expect(tally.records).toEqual({ VDAB: 2, ACTIRIS: 0, FOREM: 2 });
    expect(sink.records.filter((r) => r.recipient === 'FOREM').map((r) => r.record.performanceStart)).toEqual(['2025-11-01', '2025-11-02']);
    const report = tally.toReport({ batchId: 'b', period: '2025-11', source: 's', sha256: 'h' }, null);
    expect([report.delivered, report.perRecipient.FOREM.records, report.perRecipient.VDAB.records]).toEqual([5, 2, 2]);
  });

  it('tells FOREM records apart by every field of its view: rows that differ in any one of them are two records', async () => {
    const differing: Record<string, string> = {
      period: '2025-11',
      ocmwKbo: '0207373429',
      ocmwNis: '62096',
      ocmwName: 'CPAS de Seraing',
      regulation: 'ART60_7',
      fileNumber: 'D-OTHER',
      insz: '90050500524',
      beneficiaryRole: 'SECONDARY',
      performanceStart: '2025-11-02',
      performanceEnd: '2025-11-29',
    };
    expect(Object.keys(differing)).toEqual(RECIPIENT_VIEWS.FOREM);
    for (const field of RECIPIENT_VIEWS.FOREM) {
      if (field === 'period' || field === 'regulation') continue; // one per file, and FOREM gets ART60_7 only
      const sink = new MemorySink();
      const { tally } = await splitRows(
        asRows([forem({ reference: 'A' }), forem({ reference: 'B', [field]: differing[field] as string })]),
        OPTIONS,
        sink,
      );
      expect([field, tally.records.FOREM, sink.records.length]).toEqual([field, 2, 2]);
    }
  });

  it('property: FOREM gets pairwise distinct records, one for each distinct record its delivered rows have, in first-seen order', async () => {
    const field = (values: string[]) => fc.constantFrom(...values);
    const foremRow = fc
      .record({
        fileNumber: field(['F1', 'F2']),
        beneficiaryRole: field(['PRIMARY', 'SECONDARY']),
        performanceEnd: field(['2025-11-29', '2025-11-30']),
        amount: field(['10.00', '-10.00', '3.00']),
      })
      .map((overrides) => overrides as Record<string, string>);
    await fc.assert(
      fc.asyncProperty(fc.array(foremRow, { maxLength: 40 }), async (variants) => {
        const rows = variants.map((overrides, i) => forem({ ...overrides, reference: `R${i}` }));
        const sink = new MemorySink();
        const { tally } = await splitRows(asRows(rows), OPTIONS, sink);
        const keys = rows.map((row) => [row.fileNumber, row.beneficiaryRole, row.performanceEnd].join('|'));
        const distinct = [...new Set(keys)];
        const sent = sink.records.map(({ record }) => [record.fileNumber, record.beneficiaryRole, record.performanceEnd].join('|'));
        expect(sent).toEqual(distinct);
        expect(tally.records.FOREM).toBe(distinct.length);
        expect(tally.delivered).toBe(rows.length);
      }),
      { numRuns: 200 },
    );
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
        expect(sink.records).toHaveLength(tally.records.VDAB + tally.records.ACTIRIS + tally.records.FOREM);
        expect(tally.records.VDAB + tally.records.ACTIRIS).toBeLessThanOrEqual(tally.delivered);
        const foremRecords = sink.records.filter((r) => r.recipient === 'FOREM').map((r) => JSON.stringify(r.record));
        expect(new Set(foremRecords).size).toBe(foremRecords.length);
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
