import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileRefusal } from '../../../shared/domain/batch/codes';
import type { FileKind } from '../../../shared/domain/batch/file-name';
import { fileKindOf, parseInboundKey } from '../../../shared/domain/batch/file-name';
import { type RawRow, readRows } from '../../../shared/domain/batch/reader';
import { NOT_WHITE_SPACE, WHITE_SPACE } from '../../support/characters';
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

describe('blank lines and white space (monthly-batch §2)', () => {
  const HEADER = csvFile([]).trimEnd();
  const csvRow = (reference: string): string => csvFile([validRow({ reference })]).split('\n')[1] ?? '';
  const ndjsonRow = (reference: string): string => JSON.stringify(validRow({ reference }));
  const whiteSpaceLine = fc
    .array(fc.constantFrom(...WHITE_SPACE.filter((c) => c !== '\n')), { maxLength: 4 })
    .map((chars) => chars.join(''));

  it('skips blank and white-space-only lines before the CSV header too, and counts them', async () => {
    const text = `\n   \r\n\t\u00a0\u3000\ufeff\u2028\u2029\n${HEADER}\n\u000b\u000c\n${csvRow('R1')}\n`;
    const rows = await rowsOf(bytesOf(text), CSV);
    expect(rows.map((row) => [row.line, row.values?.reference])).toEqual([[6, 'R1']]);
  });

  it.each(NOT_WHITE_SPACE.map((c) => [(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0'), c]))(
    'takes a line of U+%s for a line, not white space: a header, or a malformed row',
    async (_, character) => {
      expect(await refusalOf(bytesOf(`${character}\n${HEADER}\n${csvRow('R1')}\n`), CSV)).toBe('MISSING_COLUMNS');
      const csv = await rowsOf(bytesOf(`${HEADER}\n${character}\n${csvRow('R1')}\n`), CSV);
      expect(csv.map((row) => [row.line, row.values === null])).toEqual([
        [2, true],
        [3, false],
      ]);
      const ndjson = await rowsOf(bytesOf(`${character}\n${ndjsonRow('R1')}\n`), NDJSON);
      expect(ndjson.map((row) => [row.line, row.values === null])).toEqual([
        [1, true],
        [2, false],
      ]);
    },
  );

  it('property: white-space-only lines anywhere, before the header too, are skipped and keep the physical line numbers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(whiteSpaceLine, { nil: undefined }), { minLength: 1, maxLength: 12 }), async (plan) => {
        // `undefined` is a data row, a string a white-space line; the CSV header goes before the first data row.
        const csvLines: string[] = [];
        const ndjsonLines: string[] = [];
        const expected: Array<[number, string]> = [];
        let headerDone = false;
        plan.forEach((blank, index) => {
          if (blank !== undefined) {
            csvLines.push(blank);
            ndjsonLines.push(blank);
            return;
          }
          if (!headerDone) {
            csvLines.push(HEADER);
            headerDone = true;
          }
          const reference = `R${index}`;
          csvLines.push(csvRow(reference));
          ndjsonLines.push(ndjsonRow(reference));
          expected.push([csvLines.length, reference]);
        });
        if (!headerDone) csvLines.push(HEADER);
        const csv = await rowsOf(bytesOf(`${csvLines.join('\n')}\n`), CSV);
        expect(csv.map((row) => [row.line, row.values?.reference])).toEqual(expected);
        const ndjson = await rowsOf(bytesOf(ndjsonLines.join('\n')), NDJSON);
        expect(ndjson.map((row) => row.values?.reference)).toEqual(expected.map(([, reference]) => reference));
        expect(ndjson.map((row) => ndjsonLines[row.line - 1])).toEqual(expected.map(([, reference]) => ndjsonRow(reference)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('CSV quoting exactly (monthly-batch §2)', () => {
  const columns = csvFile([]).trimEnd().split(';');
  const NAME = columns.indexOf('ocmwName');
  /** A file whose one data row has `cell` as its raw ocmwName cell (and, optionally, a row after it). */
  const fileWith = (cell: string, after = true): string => {
    const row = (reference: string) => columns.map((c, i) => (i === NAME ? cell : (validRow({ reference })[c] ?? '')));
    const next = columns.map((c) => validRow({ reference: 'NEXT' })[c] ?? '').join(';');
    return `${columns.join(';')}\n${row('R1').join(';')}\n${after ? `${next}\n` : ''}`;
  };

  it.each([
    ['"OCMW ""Antwerpen""; centrum"', 'OCMW "Antwerpen"; centrum'],
    ['""', ''],
    ['""""', '"'],
    [' "OCMW"', ' "OCMW"'], // its first character is a space: not quoted, the quotes are ordinary
    ['OC"MW', 'OC"MW'],
    ['OCMW"', 'OCMW"'],
    ['OC""MW', 'OC""MW'],
  ])('reads the cell %s as %s', async (cell, value) => {
    const rows = await rowsOf(bytesOf(fileWith(cell)), CSV);
    expect(rows.map((row) => [row.line, row.values?.ocmwName, row.values?.reference])).toEqual([
      [2, value, 'R1'],
      [3, 'OCMW Antwerpen', 'NEXT'],
    ]);
  });

  it.each(['"OCMW"x', '"OCMW" ', '"OCMW"\t', '"OCMW"""x', '"OC"MW"'])(
    'makes a row MALFORMED when anything but ; or the line end follows the closing quote: %s',
    async (cell) => {
      const rows = await rowsOf(bytesOf(fileWith(cell)), CSV);
      expect(rows.map((row) => [row.line, row.values === null])).toEqual([
        [2, true],
        [3, false],
      ]);
    },
  );

  it('lets a quoted cell span lines, blank ones included, and numbers the next row physically', async () => {
    const rows = await rowsOf(bytesOf(fileWith('"OCMW\r\n\r\n   \nAntwerpen"')), CSV);
    expect(rows.map((row) => [row.line, row.values?.ocmwName])).toEqual([
      [2, 'OCMW\n\n   \nAntwerpen'],
      [6, 'OCMW Antwerpen'],
    ]);
  });

  it('takes a quoted last cell before the line end, LF or CRLF', async () => {
    const text = `${columns.join(';')};note\r\n${columns.map((c) => validRow()[c] ?? '').join(';')};"a;b"\r\n`;
    expect(await rowsOf(bytesOf(text), CSV)).toMatchObject([{ line: 2, values: { reference: 'REF-1' } }]);
  });
});

describe('which refusal a file gets when several apply (monthly-batch §2)', () => {
  const HEADER = csvFile([]).trimEnd();
  const withoutInsz = HEADER.replace(';insz', '');
  /** Many rows, so that the fault at the end lies chunks away from the header. */
  const manyRows = Array.from({ length: 2000 }, (_, i) => csvFile([validRow({ reference: `R${i}` })]).split('\n')[1]).join('\n');
  const invalidUtf8 = (text: string) => new Uint8Array([...bytesOf(text), 0xc3, 0x28, 0x0a]);

  it.each([
    ['a header without a column', withoutInsz],
    ['a header that is not well-formed CSV', HEADER.replace('period', '"period"x')],
    ['a column named twice', `${HEADER};insz`],
    ['blank lines, then a data row where the header should be', '\n   '],
  ])('UNREADABLE before MISSING_COLUMNS: %s, invalid UTF-8 at the end', async (_, header) => {
    const text = `${header}\n${manyRows}\n`;
    expect(await refusalOf(bytesOf(text), CSV)).toBe('MISSING_COLUMNS');
    expect(await refusalOf(invalidUtf8(text), CSV)).toBe('UNREADABLE');
    expect(await refusalOf(bytesOf(`${text}2025-11;"never closed\n`), CSV)).toBe('UNREADABLE');
  });

  it('UNREADABLE before MISSING_COLUMNS in a gzip file cut short, the fault after the header', async () => {
    const gzipped = gzipSync(bytesOf(`${withoutInsz}\n${manyRows}\n`));
    expect(await refusalOf(gzipped, { format: 'csv', gzip: true })).toBe('MISSING_COLUMNS');
    expect(await refusalOf(gzipped.subarray(0, gzipped.length - 12), { format: 'csv', gzip: true })).toBe('UNREADABLE');
  });
});
