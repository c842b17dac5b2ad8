import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileRefusal } from '../../../shared/domain/batch/codes';
import type { FileKind } from '../../../shared/domain/batch/file-name';
import { MAX_RECORD_BYTES } from '../../../shared/domain/batch/physical-lines';
import { type RawRow, type ReadOptions, readRows } from '../../../shared/domain/batch/reader';
import { bytesOf, chunked, csvFile, validRow } from '../../support/rows';

const CSV: FileKind = { format: 'csv', gzip: false };
const NDJSON: FileKind = { format: 'ndjson', gzip: false };
const CSV_GZ: FileKind = { format: 'csv', gzip: true };

type Outcome = { rows: RawRow[]; refused?: { code: string; detail: string } };

async function read(
  source: Uint8Array | AsyncIterable<Uint8Array>,
  kind: FileKind,
  options: ReadOptions = {},
  cuts: number[] = [],
): Promise<Outcome> {
  const rows: RawRow[] = [];
  try {
    for await (const batch of readRows(source instanceof Uint8Array ? chunked(source, cuts) : source, kind, options))
      for (const row of batch) rows.push(row);
  } catch (error) {
    if (error instanceof FileRefusal) return { rows, refused: { code: error.code, detail: error.detail } };
    throw error;
  }
  return { rows };
}

const HEADER = csvFile([]).trimEnd();
const csvRow = (reference: string): string => csvFile([validRow({ reference })]).split('\n')[1] ?? '';
const ndjsonLine = (reference: string): string => JSON.stringify(validRow({ reference }));
/** An NDJSON line of exactly `bytes` bytes: a JSON object padded in an unknown key. */
const ndjsonOfLength = (bytes: number): string => {
  const head = `{"reference":"R1","pad":"`;
  return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
};
const tooLong = (line: number) => ({
  code: 'UNREADABLE',
  detail: `The record that starts on line ${line} is longer than 65,536 bytes, so reading stopped there.`,
});

describe('a record longer than 65,536 bytes is UNREADABLE (monthly-batch §2)', () => {
  it('reads an NDJSON line of exactly 65,536 bytes, its line end not counted, and refuses one of 65,537', async () => {
    expect(MAX_RECORD_BYTES).toBe(65_536);
    for (const eol of ['\n', '\r\n']) {
      const longest = `${ndjsonLine('R0')}${eol}${ndjsonOfLength(65_536)}${eol}`;
      expect(await read(bytesOf(longest), NDJSON)).toMatchObject({ rows: [{ line: 1 }, { line: 2 }] });
      const over = `${ndjsonLine('R0')}${eol}\n${ndjsonOfLength(65_537)}${eol}${ndjsonLine('R3')}${eol}`;
      expect(await read(bytesOf(over), NDJSON)).toEqual({ rows: [expect.objectContaining({ line: 1 })], refused: tooLong(3) });
    }
    // The last line, without a line end.
    expect((await read(bytesOf(ndjsonOfLength(65_537)), NDJSON)).refused).toEqual(tooLong(1));
    expect((await read(bytesOf(ndjsonOfLength(65_536)), NDJSON)).rows).toHaveLength(1);
  });

  it('counts bytes, not characters: 21,842 euro signs are 65,526 bytes', async () => {
    const euros = (n: number, pad = '') => `{"pad":"${'€'.repeat(n)}${pad}"}`; // 10 bytes around the euros
    expect((await read(bytesOf(euros(21_842)), NDJSON)).rows).toHaveLength(1); // 65,526 + 10 = 65,536
    expect((await read(bytesOf(euros(21_842, 'a')), NDJSON)).refused).toEqual(tooLong(1));
  });

  it('counts a CSV record with the line breaks of its quoted cells, as written (CRLF two bytes), and names the line it starts on', async () => {
    const row = csvRow('R1');
    // The record: the row with a last cell replaced by a quoted one of `pad` bytes over several lines.
    const withQuoted = (padBytes: number, eol: string): string => {
      const cells = row.split(';');
      const fixed = cells.slice(0, -1).join(';').length + 1 + 2; // the other cells, a `;`, two quotes
      const inner = padBytes - fixed;
      const lines = Math.floor(inner / 1000);
      const body = Array.from({ length: lines }, () => 'y'.repeat(1000 - eol.length)).join(eol);
      return `${cells.slice(0, -1).join(';')};"${body}${'z'.repeat(inner - body.length)}"`;
    };
    for (const eol of ['\n', '\r\n']) {
      const exact = withQuoted(65_536, eol);
      expect(Buffer.byteLength(exact)).toBe(65_536);
      const ok = await read(bytesOf(`${HEADER}${eol}${exact}${eol}${csvRow('R2')}${eol}`), CSV);
      expect(ok.refused).toBeUndefined();
      expect(ok.rows.map((r) => r.line)).toEqual([2, 2 + exact.split('\n').length]);
      const over = withQuoted(65_537, eol);
      expect(await read(bytesOf(`${HEADER}${eol}${csvRow('R0')}${eol}${eol}${over}${eol}${csvRow('R2')}${eol}`), CSV)).toEqual({
        rows: [expect.objectContaining({ line: 2 })],
        refused: tooLong(4),
      });
    }
  });

  it('property: however the bytes come in chunks, a long line is refused on the line it starts, after reading at most one chunk past the limit', async () => {
    const before = `${HEADER}\n${csvRow('R1')}\n\n`;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 70_000 }), fc.constantFrom(CSV, NDJSON), fc.boolean(), async (chunkSize, kind, quoted) => {
        const start = kind.format === 'csv' ? before : `${ndjsonLine('R1')}\n\n`;
        // An endless record: a line that never ends, or (CSV) a quoted cell that never closes over short lines.
        const filler = quoted && kind.format === 'csv' ? '"' : '';
        const head = bytesOf(`${start}${filler}`);
        const piece = bytesOf(quoted && kind.format === 'csv' ? 'abc\r\n'.repeat(chunkSize) : 'a'.repeat(chunkSize));
        let pulled = 0;
        async function* endless(): AsyncGenerator<Uint8Array> {
          yield head;
          for (;;) {
            if (pulled > head.length + MAX_RECORD_BYTES + 2 * piece.length + 8) throw new Error(`read ${pulled} bytes, past one record`);
            pulled += piece.length;
            yield piece;
          }
        }
        const outcome = await read(endless(), kind);
        expect(outcome.refused).toEqual(tooLong(kind.format === 'csv' ? 4 : 3));
        expect(outcome.rows.map((r) => r.line)).toEqual(kind.format === 'csv' ? [2] : [1]);
      }),
      { numRuns: 60 },
    );
  });

  it('property: the answer does not depend on where the bytes are cut', async () => {
    const file = bytesOf(`${HEADER}\r\n${csvRow('R1')}\r\n${csvRow('R2').replace('OCMW', `"OCMW ${'q\r\n'.repeat(25_000)}"`)}\r\n`);
    const whole = await read(file, CSV);
    expect(whole.refused).toEqual(tooLong(3));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: file.length - 1 }), { maxLength: 8 }), async (cuts) => {
        expect(await read(file, CSV, {}, cuts)).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });
});

describe('a file past the maximum of rows is TOO_MANY_ROWS (monthly-batch §2)', () => {
  const rows = (n: number, row: (ref: string) => string) => Array.from({ length: n }, (_, i) => row(`R${i + 1}`));
  const tooMany = (line: number) => ({
    code: 'TOO_MANY_ROWS',
    detail: `The file has more than the maximum of 3 rows: reading stopped at row 4, on line ${line}.`,
  });

  it('reads the maximum and stops at the row past it, blank lines not counted', async () => {
    const atMax = `${HEADER}\n\n${rows(3, csvRow).join('\n')}\n\n`;
    expect(await read(bytesOf(atMax), CSV, { maxRows: 3 })).toMatchObject({ rows: [{}, {}, {}] });
    const over = `${HEADER}\n\n${rows(3, csvRow).join('\n')}\n\n${rows(3, csvRow).join('\n')}\n`;
    const outcome = await read(bytesOf(over), CSV, { maxRows: 3 });
    expect(outcome).toEqual({ rows: expect.any(Array), refused: tooMany(7) });
    expect(outcome.rows).toHaveLength(3);
    expect((await read(bytesOf(`${rows(4, ndjsonLine).join('\n')}\n`), NDJSON, { maxRows: 3 })).refused).toEqual(tooMany(4));
    expect((await read(bytesOf(`${rows(3, ndjsonLine).join('\n')}\n`), NDJSON, { maxRows: 3 })).refused).toBeUndefined();
  });

  it('counts malformed rows as rows', async () => {
    const text = `${HEADER}\na;b\nc\n${csvRow('R1')}\nd;e;f\n`;
    expect((await read(bytesOf(text), CSV, { maxRows: 3 })).refused).toEqual(tooMany(5));
  });

  it('defaults to 1,000,000 rows', async () => {
    const million = `${HEADER}\n${'a\n'.repeat(1_000_000)}`;
    expect((await read(bytesOf(million), CSV)).refused).toBeUndefined();
    expect((await read(bytesOf(`${million}b\n`), CSV)).refused).toEqual({
      code: 'TOO_MANY_ROWS',
      detail: 'The file has more than the maximum of 1,000,000 rows: reading stopped at row 1,000,001, on line 1,000,002.',
    });
  });

  it('does not see a fault that lies only beyond the row past the maximum, and sees one before it (UNREADABLE first)', async () => {
    const invalid = new Uint8Array([0xc3, 0x28, 0x0a]);
    const file = (faultAfter: number): Uint8Array => {
      const all = rows(6, csvRow);
      const head = bytesOf(`${HEADER}\n${all.slice(0, faultAfter).join('\n')}\n`);
      const tail = bytesOf(`${all.slice(faultAfter).join('\n')}\n`);
      return new Uint8Array([...head, ...invalid, ...tail]);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 6 }), async (rawCuts) => {
        const beyond = file(4);
        const cuts = rawCuts.map((c) => 1 + (c % (beyond.length - 1)));
        expect((await read(beyond, CSV, { maxRows: 3 }, cuts)).refused).toEqual(tooMany(5));
        expect((await read(file(2), CSV, { maxRows: 3 }, cuts)).refused).toEqual({
          code: 'UNREADABLE',
          detail: 'Line 4 holds bytes that are not valid UTF-8.',
        });
      }),
      { numRuns: 100 },
    );
  });

  it('gives MISSING_COLUMNS before TOO_MANY_ROWS, and stops reading there too', async () => {
    const withoutInsz = HEADER.replace(';insz', '');
    const text = `${withoutInsz}\n${rows(4, csvRow).join('\n')}\n`;
    const beyond = new Uint8Array([...bytesOf(text), 0xff, 0x0a]);
    expect((await read(beyond, CSV, { maxRows: 3 })).refused).toEqual({
      code: 'MISSING_COLUMNS',
      detail: 'The header misses the column insz.',
    });
  });
});

describe('refusedDetail: one sentence that finds the fault, never a cell (monthly-batch §8)', () => {
  it('names the line of invalid UTF-8 and of a quoted field left open', async () => {
    const invalid = new Uint8Array([...bytesOf(`${HEADER}\n${csvRow('R1')}\n\n`), 0x41, 0xff, 0x0a]);
    expect((await read(invalid, CSV)).refused).toEqual({ code: 'UNREADABLE', detail: 'Line 4 holds bytes that are not valid UTF-8.' });
    const cut = new Uint8Array([...bytesOf(`${HEADER}\n${csvRow('R1')}\nabc`), 0xe2, 0x82]);
    expect((await read(cut, CSV)).refused).toEqual({ code: 'UNREADABLE', detail: 'Line 3 holds bytes that are not valid UTF-8.' });
    const open = `${HEADER}\n${csvRow('R1')}\n2025-11;"secret\nname\n`;
    expect((await read(bytesOf(open), CSV)).refused).toEqual({
      code: 'UNREADABLE',
      detail: 'The file ends inside a quoted field of the record that starts on line 3: its closing quote is missing.',
    });
  });

  it('tells a file that is not gzip from a gzip stream cut short or broken', async () => {
    const text = `${HEADER}\n${Array.from({ length: 3000 }, (_, i) => csvRow(`R${i}`)).join('\n')}\n`;
    const gz = gzipSync(bytesOf(text));
    expect((await read(bytesOf(text), CSV_GZ)).refused).toEqual({
      code: 'UNREADABLE',
      detail: 'The file ends in .gz but is not a gzip stream (line 1).',
    });
    const cut = await read(gz.subarray(0, gz.length >> 1), CSV_GZ);
    expect(cut.refused?.detail).toMatch(/^The gzip stream is cut short: the file ends inside it, on line [\d,]+\.$/);
    const line = Number(cut.refused?.detail.match(/line ([\d,]+)/)?.[1]?.replace(/,/g, ''));
    expect(line).toBe(cut.rows.length + 2); // the header, the rows read, then the line it breaks in
    const broken = Buffer.from(gz);
    broken.writeUInt8((broken.at(-6) ?? 0) ^ 0xff, broken.length - 6); // the CRC
    expect((await read(broken, CSV_GZ)).refused?.detail).toMatch(/^The gzip stream is broken \(its data is corrupt\) on line [\d,]+\.$/);
  });

  it('names the missing and repeated columns of the contract, and never another header cell', async () => {
    const detail = async (header: string) => (await read(bytesOf(`${header}\n${csvRow('R1')}\n`), CSV)).refused;
    expect(await detail(HEADER.replace(';insz', '').replace(';amount', ''))).toEqual({
      code: 'MISSING_COLUMNS',
      detail: 'The header misses the columns insz and amount.',
    });
    expect(await detail(`${HEADER.replace(';insz', '').replace(';amount', '')};reference`)).toEqual({
      code: 'MISSING_COLUMNS',
      detail: 'The header misses the columns insz and amount, and names reference more than once.',
    });
    expect(await detail(`${HEADER};reference;reference`)).toEqual({
      code: 'MISSING_COLUMNS',
      detail: 'The header names reference more than once.',
    });
    // A data row where the header should be: the detail names the contract's columns, and counts the rest.
    const dataRow = csvRow('R1');
    const refused = await detail(`${dataRow};85073003328`);
    expect(refused?.detail).toMatch(
      /^The header misses the columns period, ocmwKbo, .*, workSchedule and activationType, and names \d+ columns outside the contract more than once\.$/,
    );
    for (const cell of dataRow.split(';').filter((c) => c.length >= 4)) expect(refused?.detail).not.toContain(cell);
    expect((await read(bytesOf('\n  \n'), CSV)).refused).toEqual({
      code: 'MISSING_COLUMNS',
      detail: 'The file has no header line (it holds nothing but blank lines).',
    });
    expect((await read(bytesOf(`\n${HEADER.replace('period', '"period"x')}\n`), CSV)).refused).toEqual({
      code: 'MISSING_COLUMNS',
      detail: 'The header on line 2 is not well-formed CSV: a quoted column name is followed by something other than ; or the line end.',
    });
  });
});
