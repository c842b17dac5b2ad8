import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFileLocally } from '../../../local/run-file';
import { makeInsz } from '../../../scripts/lib/batch-generator';
import { COLUMNS, csvText, fillerRows, readNdjson, sha256Hex, utf8, validRow, writeBatch } from '../../support/batch-files';
import { bodies, RECIPIENT_NAMES, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * The monthly batch end to end (spec monthly-batch.md, messages.md): files go through the local
 * stand-in (fauxqs, dynalite) and the unchanged split-batch handler, and the tests read what each
 * recipient's queue received and the report.
 */

const hub = useMonthlyBatchHub('monthly-batch-all-or-nothing');

describe('every row is delivered, and a file is all or nothing (monthly-batch §7, §8)', () => {
  it('delivers two payment lines of one person that FOREM sees as identical records as one record, the first (monthly-batch §6)', async () => {
    const period = '2024-11';
    const person = {
      ocmwNis: '52011',
      ocmwName: 'CPAS de Charleroi',
      insz: makeInsz({ yy: 88, mm: 2, dd: 14 }, 77),
      fileNumber: '52011/2024/00077',
    };
    const rows = [
      validRow(period, 'T9-VDAB-1', { insz: makeInsz({ yy: 90, mm: 5, dd: 5 }, 5) }),
      validRow(period, 'T9-FOREM-MONTHLY', { ...person, paymentType: 'MONTHLY', amount: '1500.00' }),
      validRow(period, 'T9-FOREM-REGUL', { ...person, paymentType: 'REGULARISATION', amount: '120.00' }),
    ];
    const path = await writeBatch(hub.workDir, 't9-same-person.csv', csvText(COLUMNS, rows));
    const result = await runFileLocally(hub.standIn, path, join(hub.workDir, 'out-t9'));
    expect(result.report).toMatchObject({ refused: null, rows: 3, delivered: 3, rejected: 0 });
    // Both rows are delivered; FOREM receives their one distinct record once (how many payment lines stand behind a period is payment data).
    expect(result.report.perRecipient.FOREM).toEqual({ records: 1, withheld: 0 });
    // What the recipients received: each its records and a batch.completed that counts them.
    expect(result.deliveries).toEqual({
      VDAB: { records: 1, messages: 1, complete: true },
      ACTIRIS: { records: 0, messages: 0, complete: true },
      FOREM: { records: 1, messages: 1, complete: true },
    });
    const forem = await readNdjson(join(hub.workDir, 'out-t9', 'FOREM.ndjson'));
    expect(forem).toEqual([expect.objectContaining({ fileNumber: person.fileNumber, insz: person.insz })]);
  });

  it('processes bytes first refused under a wrong month folder once they are put under the right one', async () => {
    // Rows of 2024-10 dropped under monthly/2024-09/: every row is PERIOD_MISMATCH, the file refused.
    const rows = fillerRows('2024-10', 'T10-MOVED', 3).map((f) => f.row);
    const bytes = utf8(csvText(COLUMNS, rows));
    await hub.processRaw('monthly/2024-09/t10-moved.csv', bytes);
    const refused = await hub.getReport('2024-09', sha256Hex(bytes));
    expect(refused).toMatchObject({ refused: 'TOO_MANY_REJECTED_ROWS', rows: 3, rejected: 3 });
    expect(refused.issues.map((i) => i.codes)).toEqual([['PERIOD_MISMATCH'], ['PERIOD_MISMATCH'], ['PERIOD_MISMATCH']]);

    // The PPS moves the same bytes to the right folder: they were never delivered, so now they are.
    const received = await hub.processRaw('monthly/2024-10/t10-moved.csv', bytes);
    expect(
      Object.fromEntries(RECIPIENT_NAMES.map((r) => [r, bodies(received[r]).filter((b) => b.type === 'batch.records').length])),
    ).toEqual({
      VDAB: 1,
      ACTIRIS: 1,
      FOREM: 1,
    });
    expect((await hub.allReports()).filter((r) => r.source === 'monthly/2024-10/t10-moved.csv').map((r) => r.refused)).toEqual([null]);
  });
});
