import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFileLocally } from '../../../local/run-file';
import { writeBatchFile } from '../../../scripts/lib/batch-generator';
import type { BatchReport } from '../../../shared/domain/batch/report';
import { BUCKETS } from '../../../shared/topology';
import {
  COLUMNS,
  csvLine,
  csvText,
  filesIn,
  fillerRows,
  type HandRow,
  sha256Hex,
  truncate,
  utf8,
  validRow,
  writeBatch,
} from '../../support/batch-files';
import { assertValidMessage } from '../../support/message-schemas';
import { RECIPIENT_NAMES, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * The monthly batch end to end (spec monthly-batch.md, messages.md): files go through the local
 * stand-in (fauxqs, dynalite) and the unchanged split-batch handler, and the tests read what each
 * recipient's queue received and the report.
 */

const hub = useMonthlyBatchHub('monthly-batch-refused-files');

describe('refused files deliver nothing (monthly-batch §2, §7, §9)', () => {
  async function expectRefused(name: string, content: Uint8Array | string, code: string): Promise<BatchReport> {
    const path = await writeBatch(hub.workDir, name, content);
    const outDir = join(hub.workDir, `out-${name}`);
    const result = await runFileLocally(hub.standIn, path, outDir);
    expect(result.report.refused).toBe(code);
    expect(result.report.delivered).toBe(0);
    expect(result.report.perRecipient).toEqual({
      VDAB: { records: 0, withheld: expect.any(Number), amountCents: '0' },
      ACTIRIS: { records: 0, withheld: expect.any(Number), amountCents: '0' },
      FOREM: { records: 0, withheld: expect.any(Number) },
    });
    for (const recipient of RECIPIENT_NAMES) expect(result.deliveries[recipient]).toEqual({ records: 0, messages: 0, complete: false });
    expect(await filesIn(outDir)).toEqual(['report.json']);
    expect(JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'))).toEqual(result.report);
    expect(await hub.listKeys(hub.standIn.bucketName(BUCKETS.staging))).toEqual([]);
    return result.report;
  }

  it('refuses a truncated gzip as UNREADABLE, leaving staging and the archive empty of it', async () => {
    const whole = join(hub.workDir, 't4-whole.csv.gz');
    // Large enough that the VDAB records fill a staged part (100 messages) before the end is reached.
    await writeBatchFile(whole, { rows: 40_000, format: 'csv', seed: 404, period: '2025-07', gzip: true });
    const cut = truncate(await readFile(whole), 16);
    const report = await expectRefused('t4-truncated.csv.gz', cut, 'UNREADABLE');
    expect(report.period).toBe('2025-07');
    expect(report.sha256).toBe(sha256Hex(cut));
    expect(report.rows).toBeGreaterThan(39_000);
    expect(report.refusedDetail).toBe(
      `The gzip stream is cut short: the file ends inside it, on line ${(report.rows + 2).toLocaleString('en-US')}.`,
    );
    expect((await hub.listKeys(hub.standIn.bucketName(BUCKETS.archive))).filter((k) => k.includes(report.batchId))).toEqual([]);
  });

  it('refuses a CSV that ends inside a quoted field as UNREADABLE', async () => {
    const open = csvLine(COLUMNS, validRow('2025-06', 'T5-QUOTE-2')).replace(';WORK_EXPERIENCE;;', ';"WORK_EXPERIENCE;;');
    expect(open).toContain(';"WORK_EXPERIENCE;;');
    const text = `${csvText(COLUMNS, [validRow('2025-06', 'T5-QUOTE-1')])}${open}\nand more\n`;
    const report = await expectRefused('t5-open-quote.csv', text, 'UNREADABLE');
    expect(report.period).toBe('2025-06');
    expect(report.issues).toEqual([]);
    expect(report.refusedDetail).toBe(
      'The file ends inside a quoted field of the record that starts on line 3: its closing quote is missing.',
    );
  });

  it('refuses invalid UTF-8 as UNREADABLE', async () => {
    const header = utf8(`${COLUMNS.join(';')}\n`);
    const row = utf8(`${csvLine(COLUMNS, validRow('2025-06', 'T5-UTF8', { ocmwName: 'OCMW XX' }))}\n`);
    const at = row.indexOf('XX');
    row[at] = 0xc3;
    row[at + 1] = 0x28; // a lead byte followed by an ASCII byte: not UTF-8
    const report = await expectRefused('t5-latin.csv', Buffer.concat([header, row]), 'UNREADABLE');
    expect(report.rows).toBe(0);
    expect(report.refusedDetail).toBe('Line 2 holds bytes that are not valid UTF-8.');
  });

  it('refuses a record over 65,536 bytes as UNREADABLE, and stops reading there', async () => {
    const header = `${COLUMNS.join(';')}\n`;
    const before = csvLine(COLUMNS, validRow('2025-06', 'T5-LONG-1'));
    // A 5 MB cell: a record no real row comes near (§2). The rows after it are never read.
    const long = csvLine(COLUMNS, validRow('2025-06', 'T5-LONG-2', { ocmwName: `OCMW ${'x'.repeat(5_000_000)}` }));
    const after = csvLine(COLUMNS, validRow('2025-06', 'T5-LONG-3'));
    const report = await expectRefused('t5-long.csv', `${header}${before}\n\n${long}\n${after}\n`, 'UNREADABLE');
    expect(report.rows).toBe(1);
    expect(report.refusedDetail).toBe('The record that starts on line 4 is longer than 65,536 bytes, so reading stopped there.');
  });

  it('refuses a .txt file as UNSUPPORTED_FILE', async () => {
    const report = await expectRefused('t5-notes.txt', csvText(COLUMNS, [validRow('2025-06', 'T5-TXT')]), 'UNSUPPORTED_FILE');
    expect(report.refusedDetail).toBe(
      'The name does not end in .csv, .ndjson or .jsonl, optionally followed by .gz (in any case), so the hub does not read it.',
    );
    // Not a batch file, so it has no rows, and no row has a period: a local file's period is null (§7).
    expect(report).toMatchObject({ rows: 0, period: null, source: 'local/no-period/t5-notes.txt', issues: [] });
  });

  it('refuses a CSV without the insz column as MISSING_COLUMNS', async () => {
    const columns = COLUMNS.filter((c) => c !== 'insz');
    const report = await expectRefused('t5-no-insz.csv', csvText(columns, [validRow('2025-06', 'T5-NO-INSZ')]), 'MISSING_COLUMNS');
    expect(report.rows).toBe(0);
    expect(report.refusedDetail).toBe('The header misses the column insz.');
  });

  it('refuses a CSV with a column named twice as MISSING_COLUMNS', async () => {
    const columns = [...COLUMNS, 'reference'];
    const report = await expectRefused('t5-twice.csv', csvText(columns, [validRow('2025-06', 'T5-TWICE')]), 'MISSING_COLUMNS');
    expect(report.rows).toBe(0);
    expect(report.refusedDetail).toBe('The header names reference more than once.');
  });

  it('refuses a CSV without a header line (only blank lines) as MISSING_COLUMNS', async () => {
    const report = await expectRefused('t5-no-header.csv', '\n   \n\t\n', 'MISSING_COLUMNS');
    expect(report.refusedDetail).toBe('The file has no header line (it holds nothing but blank lines).');
  });

  it('refuses a file with 6 of 100 rows rejected as TOO_MANY_REJECTED_ROWS, with its full issues list', async () => {
    const period = '2025-03';
    const rows = fillerRows(period, 'T6-SIX', 100).map((f) => f.row);
    const breaks: Array<[number, HandRow, string]> = [
      [9, { ocmwKbo: '0403019262' }, 'INVALID_KBO'],
      [19, { ocmwNis: '99999' }, 'UNKNOWN_MUNICIPALITY'],
      [29, { regulation: 'ART99' }, 'INVALID_REGULATION'],
      [39, { amount: '12,50' }, 'INVALID_AMOUNT'],
      [49, { performanceStart: `${period}-20`, performanceEnd: `${period}-10` }, 'INVALID_DATE_RANGE'],
      [59, { fileNumber: undefined }, 'MISSING_FIELD'],
    ];
    for (const [index, change] of breaks) rows[index] = { ...rows[index], ...change };
    const report = await expectRefused('t6-six-rejected.csv', csvText(COLUMNS, rows), 'TOO_MANY_REJECTED_ROWS');
    expect(report).toMatchObject({ rows: 100, rejected: 6, withheld: 0, unroutable: 0, delivered: 0, period });
    expect(report.refusedDetail).toBe('6 of 100 rows (6 %) are rejected, more than the limit of 5 %.');
    expect(report.issues).toEqual(
      breaks.map(([index, , code]) => ({
        line: index + 2,
        reference: `T6-SIX-${String(index).padStart(4, '0')}`,
        outcome: 'rejected',
        codes: [code],
      })),
    );
  });

  it('accepts a file with exactly 5 of 100 rows rejected', async () => {
    const period = '2025-03';
    const fillers = fillerRows(period, 'T6-FIVE', 100);
    const rows = fillers.map((f) => f.row);
    for (const index of [0, 25, 50, 75, 99]) rows[index] = { ...rows[index], insz: '85073003329' };
    const path = await writeBatch(hub.workDir, 't6-five-rejected.csv', csvText(COLUMNS, rows));
    const result = await runFileLocally(hub.standIn, path, join(hub.workDir, 'out-t6-five'));
    expect(result.report).toMatchObject({ refused: null, rows: 100, rejected: 5, delivered: 95, withheld: 0, unroutable: 0 });
    expect(result.report.issues.map((i) => [i.line, i.codes])).toEqual([0, 25, 50, 75, 99].map((i) => [i + 2, ['INVALID_INSZ']]));
    expect(result.deliveries.VDAB.records + result.deliveries.ACTIRIS.records + result.deliveries.FOREM.records).toBe(95);
  });

  it('accepts an empty .ndjson file: rows 0, no records, and a batch.completed of 0 to each recipient', async () => {
    const key = 'monthly/2025-05/t5-empty.ndjson';
    const bytes = Buffer.alloc(0);
    const received = await hub.processRaw(key, bytes);
    const batchId = sha256Hex(bytes);
    for (const recipient of RECIPIENT_NAMES) {
      expect(received[recipient]).toHaveLength(1);
      const [message] = received[recipient];
      assertValidMessage(message?.body ?? '');
      expect(message?.attributes.type).toBe('batch.completed');
      const body = JSON.parse(message?.body ?? '{}') as Record<string, unknown>;
      expect(body).toEqual({
        type: 'batch.completed',
        schemaVersion: 1,
        messageId: `${batchId}:${recipient}:completed`,
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
        batchId,
        period: '2025-05',
        recipient,
        messages: 0,
        records: 0,
        ...(recipient === 'FOREM' ? {} : { amountCents: '0', amount: '0.00' }),
      });
    }
    expect(await hub.getReport('2025-05', batchId)).toEqual({
      batchId,
      period: '2025-05',
      source: key,
      sha256: batchId,
      rows: 0,
      delivered: 0,
      withheld: 0,
      unroutable: 0,
      rejected: 0,
      perRecipient: {
        VDAB: { records: 0, withheld: 0, amountCents: '0' },
        ACTIRIS: { records: 0, withheld: 0, amountCents: '0' },
        FOREM: { records: 0, withheld: 0 },
      },
      issues: [],
      refused: null,
      refusedDetail: null,
    });
  });
});
