import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFileLocally } from '../../../local/run-file';
import { fillerRows, gzip, ndjsonLine, readNdjson, sha256Hex, utf8, validRow, writeBatch } from '../../support/batch-files';
import { expectedRecord, sumCents, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * The monthly batch end to end (spec monthly-batch.md, messages.md): files go through the local
 * stand-in (fauxqs, dynalite) and the unchanged split-batch handler, and the tests read what each
 * recipient's queue received and the report.
 */

const hub = useMonthlyBatchHub('monthly-batch-ndjson-gzip');

describe('NDJSON, gzipped: JSON numbers, null, wrong types, broken lines (monthly-batch §2)', () => {
  const period = '2025-09';
  const fillers = fillerRows(period, 'T2-FILL', 80);
  const number100 = {
    ...validRow(period, 'T2-NUM-100'),
    amount: 100,
    socialEconomyInitiativeNumber: null,
    socialEconomyInitiativeName: null,
    internalNote: 'T2-NOTE',
  };
  const exponent = { ...validRow(period, 'T2-EXP-1E2', { ocmwNis: '21001', ocmwName: "CPAS d'Anderlecht" }), amount: 'AMOUNT' };
  const forem = {
    ...validRow(period, 'T2-FOREM', { ocmwNis: '92094', ocmwName: 'CPAS de Namur' }),
    amount: -5,
    socialEconomyInitiativeName: null,
  };
  const lines = [
    ndjsonLine(number100), // 1
    ndjsonLine(exponent).replace('"amount":"AMOUNT"', '"amount":1e2'), // 2
    ndjsonLine({ ...validRow(period, 'T2-BAD-AMOUNT'), amount: 12.345 }), // 3
    ndjsonLine({ ...validRow(period, 'T2-BOOL'), fileNumber: true }), // 4
    'this is not JSON {', // 5
    '["T2-ARRAY", 1]', // 6
    '', // 7
    ndjsonLine(forem), // 8
    ...fillers.map((f) => ndjsonLine(f.row)), // 9…88
  ];
  let result: Awaited<ReturnType<typeof runFileLocally>>;
  let outDir: string;
  let bytes: Buffer;

  beforeAll(async () => {
    expect(lines[1]).toContain('"amount":1e2');
    bytes = gzip(utf8(`${lines.join('\n')}\n`));
    const path = await writeBatch(hub.workDir, 't2-numbers.jsonl.gz', bytes);
    outDir = join(hub.workDir, 'out-t2');
    result = await runFileLocally(hub.standIn, path, outDir);
  });

  it('accepts the file and lists the four rejected rows with their lines and codes', () => {
    expect(result.report).toMatchObject({
      sha256: sha256Hex(bytes),
      period,
      source: `monthly/${period}/t2-numbers.jsonl.gz`,
      rows: 87,
      delivered: 83,
      withheld: 0,
      unroutable: 0,
      rejected: 4,
      refused: null,
    });
    expect(result.report.issues).toEqual([
      { line: 3, reference: 'T2-BAD-AMOUNT', outcome: 'rejected', codes: ['INVALID_AMOUNT'] },
      { line: 4, reference: 'T2-BOOL', outcome: 'rejected', codes: ['INVALID_FIELD'] },
      { line: 5, reference: null, outcome: 'rejected', codes: ['MALFORMED_ROW'] },
      { line: 6, reference: null, outcome: 'rejected', codes: ['MALFORMED_ROW'] },
    ]);
    expect(result.report.perRecipient).toEqual({
      VDAB: { records: 1 + 27, withheld: 0, amountCents: String(10_000 + sumCents(fillers, 'VDAB')) },
      ACTIRIS: { records: 1 + 27, withheld: 0, amountCents: String(10_000 + sumCents(fillers, 'ACTIRIS')) },
      FOREM: { records: 1 + 26, withheld: 0 },
    });
  });

  it('turns JSON number amounts into two-decimal strings (100 and 1e2 → "100.00") and null into an absent field', async () => {
    const vdab = await readNdjson(join(outDir, 'VDAB.ndjson'));
    const actiris = await readNdjson(join(outDir, 'ACTIRIS.ndjson'));
    const forem = await readNdjson(join(outDir, 'FOREM.ndjson'));
    expect(vdab.find((r) => r.reference === 'T2-NUM-100')).toEqual(expectedRecord('VDAB', validRow(period, 'T2-NUM-100'), '100.00'));
    expect(actiris.find((r) => r.reference === 'T2-EXP-1E2')).toEqual(
      expectedRecord('ACTIRIS', validRow(period, 'T2-EXP-1E2', { ocmwNis: '21001', ocmwName: "CPAS d'Anderlecht" }), '100.00'),
    );
    const foremRecord = forem.find((r) => r.fileNumber === 'F-T2-FOREM');
    expect(foremRecord).toEqual(expectedRecord('FOREM', validRow(period, 'T2-FOREM', { ocmwNis: '92094', ocmwName: 'CPAS de Namur' }), ''));
    expect([vdab.length, actiris.length, forem.length]).toEqual([28, 28, 27]);
    const all = JSON.stringify([vdab, actiris, forem]);
    expect(all).not.toContain('socialEconomy');
    expect(all).not.toContain('T2-NOTE');
    expect(all).not.toContain('T2-BAD-AMOUNT');
    expect(all).not.toContain('T2-BOOL');
  });
});
