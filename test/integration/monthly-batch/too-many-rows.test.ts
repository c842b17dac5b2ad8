import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBatchFile } from '../../../scripts/lib/batch-generator';
import { BUCKETS, SETTINGS_ENV } from '../../../shared/topology';
import { sha256Hex } from '../../support/batch-files';
import { RECIPIENT_NAMES, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * The maximum of rows (monthly-batch §2), configured as the deployed function is (its MAX_ROWS),
 * through the local stand-in and the unchanged split-batch handler.
 */

const hub = useMonthlyBatchHub('monthly-batch-too-many-rows');
const MAX_ROWS = 5_000;

describe('a file past the maximum of rows is TOO_MANY_ROWS (monthly-batch §2)', () => {
  it('refuses the row past the maximum before anything is delivered, and leaves nothing staged; accepts the maximum', async () => {
    // Read by split-batch at its cold start, which comes with the first file below.
    process.env[SETTINGS_ENV.maxRows] = String(MAX_ROWS);
    const period = '2025-09';
    const atMax = join(hub.workDir, 'at-max.csv');
    await writeBatchFile(atMax, { rows: MAX_ROWS, format: 'csv', seed: 2_2025, period });
    const overMax = join(hub.workDir, 'over-max.csv');
    const bytes = await readFile(atMax);
    const lastRow = bytes.toString('utf8').trimEnd().split('\n').at(-1) ?? '';
    await appendFile(overMax, bytes);
    await appendFile(overMax, `\n\n${lastRow}\n`); // two blank lines, then the row past the maximum

    const over = await readFile(overMax);
    const received = await hub.processRaw(`monthly/${period}/over-max.csv`, over);
    for (const recipient of RECIPIENT_NAMES) expect(received[recipient]).toEqual([]);
    const report = await hub.getReport(period, sha256Hex(over));
    expect(report).toMatchObject({ refused: 'TOO_MANY_ROWS', rows: MAX_ROWS, delivered: 0 });
    expect(report.refusedDetail).toBe('The file has more than the maximum of 5,000 rows: reading stopped at row 5,001, on line 5,004.');
    expect(await hub.listKeys(hub.standIn.bucketName(BUCKETS.staging))).toEqual([]);

    const accepted = await hub.processRaw(`monthly/${period}/at-max.csv`, bytes);
    const acceptedReport = await hub.getReport(period, sha256Hex(bytes));
    expect(acceptedReport).toMatchObject({ refused: null, refusedDetail: null, rows: MAX_ROWS });
    expect(RECIPIENT_NAMES.every((recipient) => accepted[recipient].length > 0)).toBe(true);
  });
});
