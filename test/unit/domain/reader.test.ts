import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileRefusal } from '../../../shared/domain/batch/codes';
import type { FileKind } from '../../../shared/domain/batch/file-name';
import { fileKindOf, parseInboundKey } from '../../../shared/domain/batch/file-name';
import { type RawRow, readRows } from '../../../shared/domain/batch/reader';
import { bytesOf, chunked, csvFile, validRow } from '../../support/rows';

const CSV: FileKind = { format: 'csv', gzip: false };
const NDJSON: FileKind = { format: 'ndjson', gzip: false };

async function rowsOf(bytes: Uint8Array, kind: FileKind, cuts: number[] = []): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const batch of readRows(chunked(bytes, cuts), kind)) rows.push(...batch);
  return rows;
}

async function refusalOf(bytes: Uint8Array, kind: FileKind): Promise<string> {
  try {
    await rowsOf(bytes, kind);
  } catch (error) {
    if (error instanceof FileRefusal) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('file names and keys (monthly-batch §2)', () => {
  it.each([
    ['a.csv', 'csv', false],
    ['a.CSV', 'csv', false],
    ['a.ndjson', 'ndjson', false],
    ['a.jsonl', 'ndjson', false],
    ['a.csv.gz', 'csv', true],
    ['a.JSONL.GZ', 'ndjson', true],
  ])('%s is %s (gzip %s)', (name, format, gzip) => {
    expect(fileKindOf(name)).toEqual({ format, gzip });
  });

  it.each(['a.txt', 'a.csv.zip', 'a.gz', 'a.json', 'csv'])('%s is UNSUPPORTED_FILE', (name) => {
    expect(() => fileKindOf(name)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FILE' }));
  });

  it('takes the period from monthly/<YYYY-MM>/<name> and nothing deeper or elsewhere', () => {
    expect(parseInboundKey('monthly/2025-11/batch.csv')).toMatchObject({ period: '2025-11', name: 'batch.csv' });
    for (const key of ['monthly/2025-11/sub/batch.csv', 'monthly/2025-13/batch.csv', 'other/2025-11/batch.csv', 'monthly/batch.csv']) {
      expect(() => parseInboundKey(key)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FILE' }));
    }
  });
});

describe('CSV reading (monthly-batch §2)', () => {
  it('reads a BOM, CRLF line ends, quoting, and numbers lines physically, blank lines included', async () => {
    const text =
      '\uFEFFperiod;ocmwKbo;ocmwNis;ocmwName;regulation;fileNumber;insz;beneficiaryRole;performanceStart;performanceEnd;accountingStart;accountingEnd;reference;amount;paymentType;decidingOrganisation;budgetArticle;assistanceType;paymentRecipient;employmentType;employmentPlace;workSchedule;activationType;extra\r\n' +
      '2025-11;0403019261;11002;"OCMW ""Antwerpen""; centrum";ART60_7;F1;85073003328;PRIMARY;2025-11-01;2025-11-30;2025-11-01;2025-11-30;R1;10.00;T;D;B;A;P;E;"two\r\nlines";W;X;secret\r\n' +
      '\r\n' +
      '   \r\n' +
      '2025-11;0403019261;11002;N;ART60_7;F2;85073003328;PRIMARY;2025-11-01;2025-11-30;2025-11-01;2025-11-30;R2;10.00;T;D;B;A;P;E;P;W;X;secret\r\n';
    const rows = await rowsOf(bytesOf(text), CSV);
    expect(rows.map((row) => row.line)).toEqual([2, 6]);
    expect(rows[0]?.values?.ocmwName).toBe('OCMW "Antwerpen"; centrum');
    expect(rows[0]?.values?.employmentPlace).toBe('two\nlines');
    expect(rows[1]?.values?.reference).toBe('R2');
    expect(Object.keys(rows[1]?.values ?? {})).not.toContain('extra');
  });

  it('makes a row with another number of cells than the header MALFORMED (values null)', async () => {
    const file = `${csvFile([validRow()])}a;b;c\n${csvFile([validRow({ reference: 'R2' })]).split('\n')[1]};one-too-many\n`;
    const rows = await rowsOf(bytesOf(file), CSV);
    expect(rows.map((row) => [row.line, row.values === null])).toEqual([
      [2, false],
      [3, true],
      [4, true],
    ]);
  });

  it('makes a quoted cell followed by other text MALFORMED', async () => {
    const good = csvFile([validRow()]);
    const broken = good.replace('OCMW Antwerpen', '"OCMW"Antwerpen');
    const rows = await rowsOf(bytesOf(broken), CSV);
    expect(rows).toEqual([{ line: 2, values: null }]);
  });

  it('refuses a file without a header, a missing column, or a column named twice (MISSING_COLUMNS)', async () => {
    expect(await refusalOf(bytesOf(''), CSV)).toBe('MISSING_COLUMNS');
    expect(await refusalOf(bytesOf('\n  \n'), CSV)).toBe('MISSING_COLUMNS');
    const header = csvFile([]).trimEnd();
    expect(await refusalOf(bytesOf(`${header.replace(';insz', '')}\n`), CSV)).toBe('MISSING_COLUMNS');
    expect(await refusalOf(bytesOf(`${header};insz\n`), CSV)).toBe('MISSING_COLUMNS');
    expect(await refusalOf(bytesOf(`${header};note;note\n`), CSV)).toBe('MISSING_COLUMNS');
  });

  it('accepts a header alone (no rows) and optional columns left out', async () => {
    expect(await rowsOf(bytesOf(csvFile([])), CSV)).toEqual([]);
    const columns = csvFile([])
      .trimEnd()
      .split(';')
      .filter((c) => !c.startsWith('socialEconomy'));
    expect(await rowsOf(bytesOf(csvFile([validRow()], { columns })), CSV)).toHaveLength(1);
  });

  it('refuses a file that ends inside a quoted field, invalid UTF-8, and bad gzip (UNREADABLE)', async () => {
    expect(await refusalOf(bytesOf(`${csvFile([validRow()])}2025-11;"unterminated\n`), CSV)).toBe('UNREADABLE');
    const invalidUtf8 = new Uint8Array([...bytesOf(csvFile([validRow()])), 0xff, 0xfe, 0x0a]);
    expect(await refusalOf(invalidUtf8, CSV)).toBe('UNREADABLE');
    const truncatedUtf8 = new Uint8Array([...bytesOf(csvFile([validRow()]).trimEnd()), 0xc3]);
    expect(await refusalOf(truncatedUtf8, CSV)).toBe('UNREADABLE');
    expect(await refusalOf(bytesOf(csvFile([validRow()])), { format: 'csv', gzip: true })).toBe('UNREADABLE');
    const gzipped = gzipSync(bytesOf(csvFile([validRow(), validRow({ reference: 'R2' })])));
    expect(await refusalOf(gzipped.subarray(0, gzipped.length - 12), { format: 'csv', gzip: true })).toBe('UNREADABLE');
    expect(await rowsOf(gzipped, { format: 'csv', gzip: true })).toHaveLength(2);
  });

  it('rethrows an error of the byte source as it is (a broken S3 stream is not UNREADABLE)', async () => {
    const broken = new Error('socket hang up');
    async function* source(): AsyncGenerator<Uint8Array> {
      yield bytesOf(csvFile([validRow()]));
      throw broken;
    }
    for (const kind of [CSV, { format: 'csv', gzip: true } as const]) {
      const bytes = kind.gzip
        ? (async function* () {
            yield gzipSync(bytesOf(csvFile([validRow()]))).subarray(0, 40);
            throw broken;
          })()
        : source();
      await expect(async () => {
        for await (const _ of readRows(bytes, kind)) void _;
      }).rejects.toBe(broken);
    }
  });

  it('reads the same rows however the bytes are cut into chunks', async () => {
    const file = bytesOf(
      csvFile(
        [
          validRow({ ocmwName: 'Ville de Liège "Sud"; cœur' }),
          validRow({ reference: 'R2', employmentPlace: 'a\r\nb' }),
          validRow({ reference: 'R3' }),
        ],
        { eol: '\r\n', bom: true },
      ),
    );
    const whole = await rowsOf(file, CSV);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: file.length - 1 }), { maxLength: 12 }), async (cuts) => {
        expect(await rowsOf(file, CSV, cuts)).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});

describe('NDJSON reading (monthly-batch §2)', () => {
  it('reads objects, skips blank lines, and marks non-JSON and non-objects MALFORMED', async () => {
    const text = [
      JSON.stringify({ ...validRow(), unknown: 'x' }),
      '',
      '   ',
      '{not json',
      '[1,2]',
      'null',
      '"text"',
      JSON.stringify({ ...validRow({ reference: 'R2' }), amount: 100 }),
    ].join('\r\n');
    const rows = await rowsOf(bytesOf(`\uFEFF${text}`), NDJSON);
    expect(rows.map((row) => [row.line, row.values === null])).toEqual([
      [1, false],
      [4, true],
      [5, true],
      [6, true],
      [7, true],
      [8, false],
    ]);
    expect(rows[0]?.values).not.toHaveProperty('unknown');
    expect(rows[5]?.values?.amount).toBe(100);
  });

  it('accepts an empty file (no rows)', async () => {
    expect(await rowsOf(bytesOf(''), NDJSON)).toEqual([]);
  });
});
