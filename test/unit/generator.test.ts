import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BATCH_COLUMNS,
  EXTRA_COLUMN,
  type GenerateBatchOptions,
  generateBatch,
  makeInsz,
  makeKbo,
  writeBatchFile,
} from '../../scripts/lib/batch-generator';
import { isValidInsz, isValidKbo } from '../../shared/domain/checksums';
import { isMunicipalityInPeriod } from '../../shared/domain/municipalities';
import { ALL_FIELDS, REGULATIONS } from '../../shared/domain/recipients';
import { GERMAN_SPEAKING_MUNICIPALITIES, routeMunicipality } from '../../shared/domain/routing';

const NOW = new Date('2026-11-28T12:00:00Z');

async function text(options: GenerateBatchOptions): Promise<string> {
  let out = '';
  for await (const chunk of generateBatch(options)) out += chunk;
  return out;
}

type Row = Record<string, string>;

function parseCsv(csv: string): { header: string[]; rows: Row[] } {
  const parsed = Papa.parse<Row>(csv, { delimiter: ';', header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return { header: parsed.meta.fields ?? [], rows: parsed.data };
}

/** The ways the generator breaks a row, as a reader of the contract would detect them. */
function defects(row: Row, period: string): string[] {
  const found: string[] = [];
  if (!isValidInsz(row.insz ?? '', NOW)) found.push('insz');
  if (!isValidKbo(row.ocmwKbo ?? '')) found.push('kbo');
  if (!isMunicipalityInPeriod(row.ocmwNis ?? '', period) || routeMunicipality(row.ocmwNis ?? '').kind === 'unknown-municipality')
    found.push('nis');
  if (!(REGULATIONS as readonly string[]).includes(row.regulation ?? '')) found.push('regulation');
  if (!/^-?\d{1,9}(\.\d{1,2})?$/.test(row.amount ?? '')) found.push('amount');
  if ((row.performanceEnd ?? '') < (row.performanceStart ?? '')) found.push('range');
  if ((row.fileNumber ?? '') === '') found.push('fileNumber');
  if (row.period !== period) found.push('period');
  return found;
}

describe('makeInsz and makeKbo', () => {
  it('compute the check digits of known numbers', () => {
    expect(makeInsz({ yy: 85, mm: 7, dd: 30 }, 33)).toBe('85073003328');
    expect(makeKbo('04030192')).toBe('0403019261');
  });

  it('use the 2 prefix for births in or after 2000', () => {
    const insz = makeInsz({ yy: 3, mm: 4, dd: 15 }, 120, { century: 2000 });
    expect(insz.slice(0, 9)).toBe('030415120');
    expect(Number(insz.slice(9))).toBe(97 - ((2_000_000_000 + 30415120) % 97));
    expect(isValidInsz(insz, NOW)).toBe(true);
  });

  it('make bis numbers with the month plus 20 or 40', () => {
    expect(makeInsz({ yy: 90, mm: 2, dd: 1 }, 5, { bis: 40 }).slice(2, 4)).toBe('42');
    expect(makeInsz({ yy: 90, mm: 0, dd: 0 }, 5, { bis: 20 }).slice(2, 6)).toBe('2000');
  });

  it('always give a valid INSZ (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          yy: fc.integer({ min: 0, max: 99 }),
          mm: fc.integer({ min: 0, max: 12 }),
          dd: fc.integer({ min: 0, max: 31 }),
        }),
        fc.integer({ min: 1, max: 998 }),
        fc.constantFrom(1900 as const, 2000 as const),
        fc.constantFrom(0 as const, 20 as const, 40 as const),
        (birth, serial, century, bis) => {
          fc.pre(century === 1900 || 2000 + birth.yy <= NOW.getUTCFullYear());
          const insz = makeInsz(birth, serial, { century, bis });
          expect(insz).toMatch(/^\d{11}$/);
          expect(isValidInsz(insz, NOW)).toBe(true);
        },
      ),
    );
  });

  it('always give a valid KBO (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 19_999_999 }), (n) => {
        const kbo = makeKbo(String(n).padStart(8, '0'));
        expect(isValidKbo(kbo)).toBe(true);
      }),
    );
  });

  it('refuse impossible inputs', () => {
    expect(() => makeInsz({ yy: 85, mm: 13, dd: 1 }, 1)).toThrow(RangeError);
    expect(() => makeInsz({ yy: 85, mm: 1, dd: 1 }, 0)).toThrow(RangeError);
    expect(() => makeKbo('2403019')).toThrow(RangeError);
  });
});

describe('generateBatch', () => {
  let csv: string;
  let rows: Row[];
  let header: string[];

  beforeAll(async () => {
    csv = await text({ rows: 2000, format: 'csv', seed: 7, invalidShare: 0 });
    ({ header, rows } = parseCsv(csv));
  });

  it('writes the contract columns as header, LF line ends, one line per row', () => {
    expect(header).toEqual([...BATCH_COLUMNS]);
    expect(new Set(header)).toEqual(new Set(ALL_FIELDS));
    expect(csv).not.toContain('\r');
    expect(csv.endsWith('\n')).toBe(true);
    expect(rows).toHaveLength(2000);
  });

  it('is deterministic by seed', async () => {
    const again = await text({ rows: 2000, format: 'csv', seed: 7, invalidShare: 0 });
    const other = await text({ rows: 2000, format: 'csv', seed: 8, invalidShare: 0 });
    expect(again).toBe(csv);
    expect(other).not.toBe(csv);
    expect(other.split('\n')[0]).toBe(csv.split('\n')[0]);
  });

  it('generates only valid rows when invalidShare is 0', () => {
    for (const row of rows) expect(defects(row, '2025-11')).toEqual([]);
    expect(rows.every((r) => isValidInsz(r.insz!, NOW) && isValidKbo(r.ocmwKbo!))).toBe(true);
  });

  it('draws a municipality merged on 2025-01-01 under the code it had in the month (§5)', async () => {
    const codesOf = async (period: string) =>
      new Set(parseCsv(await text({ rows: 3000, format: 'csv', seed: 11, invalidShare: 0, period })).rows.map((r) => r.ocmwNis));
    const before = await codesOf('2024-12');
    const after = await codesOf('2025-01');
    for (const [period, codes] of [
      ['2024-12', before],
      ['2025-01', after],
    ] as const)
      for (const nis of codes) expect(isMunicipalityInPeriod(nis ?? '', period), `${nis} in ${period}`).toBe(true);
    expect([before.has('71022'), before.has('82003'), after.has('71072'), after.has('82039')]).toEqual([true, true, true, true]);
    expect([before.has('71072'), after.has('71022')]).toEqual([false, false]);
  });

  it('keeps references unique and dates inside the period', () => {
    expect(new Set(rows.map((r) => r.reference)).size).toBe(rows.length);
    for (const row of rows) {
      for (const column of ['performanceStart', 'performanceEnd', 'accountingStart', 'accountingEnd']) {
        expect(row[column]).toMatch(/^2025-11-(0[1-9]|[12]\d|30)$/);
      }
      expect(row.accountingStart! <= row.accountingEnd!).toBe(true);
    }
  });

  it('covers the three regions, the German-speaking Community and the three regulations', () => {
    const routes = new Set(
      rows.map((r) => {
        const route = routeMunicipality(r.ocmwNis!);
        return route.kind === 'recipient' ? route.recipient : route.kind;
      }),
    );
    expect(routes).toEqual(new Set(['VDAB', 'ACTIRIS', 'FOREM', 'no-authorised-recipient']));
    const nis = new Set(rows.map((r) => r.ocmwNis));
    for (const code of [
      '11002',
      '44021',
      '24062',
      '71016',
      '21004',
      '21001',
      '62063',
      '52011',
      '92094',
      '25072',
      '81001',
      '63023',
      '63067',
    ]) {
      expect(nis.has(code), code).toBe(true);
    }
    expect([...nis].filter((n) => GERMAN_SPEAKING_MUNICIPALITIES.has(n!)).length).toBeGreaterThanOrEqual(2);
    const regulations = rows.map((r) => r.regulation);
    expect(new Set(regulations)).toEqual(new Set(REGULATIONS));
    expect(regulations.filter((r) => r === 'ART60_7').length).toBeGreaterThan(rows.length * 0.7);
  });

  it('varies the people: births before and after 2000, bis numbers, reversals, social economy', () => {
    const inszs = rows.map((r) => r.insz!);
    const after2000 = inszs.filter((i) => Number(i.slice(9)) !== 97 - (Number(i.slice(0, 9)) % 97));
    expect(after2000.length).toBeGreaterThan(0);
    expect(after2000.length).toBeLessThan(inszs.length / 2);
    expect(inszs.some((i) => Number(i.slice(2, 4)) >= 20)).toBe(true);
    expect(rows.some((r) => r.amount!.startsWith('-'))).toBe(true);
    expect(rows.every((r) => /^-?\d{1,9}\.\d{2}$/.test(r.amount!))).toBe(true);
    const withInitiative = rows.filter((r) => r.socialEconomyInitiativeNumber !== '');
    expect(withInitiative.length).toBeGreaterThan(0);
    expect(withInitiative.every((r) => r.socialEconomyInitiativeName !== '')).toBe(true);
    expect(rows.some((r) => r.socialEconomyInitiativeNumber === '' && r.socialEconomyInitiativeName === '')).toBe(true);
  });

  it('quotes values holding the separator or a quote (RFC 4180)', () => {
    expect(csv).toContain('"Kringwinkel; afdeling textiel"');
    expect(csv).toContain('"Atelier ""De Brug"""');
    expect(rows.some((r) => r.employmentPlace === 'Atelier "De Brug"')).toBe(true);
  });

  it('puts the requested period on every row and keeps dates in that month', async () => {
    const { rows: february } = parseCsv(await text({ rows: 300, format: 'csv', period: '2024-02', invalidShare: 0 }));
    for (const row of february) {
      expect(row.period).toBe('2024-02');
      expect(row.accountingEnd).toBe('2024-02-29');
      expect(row.performanceEnd).toMatch(/^2024-02-(0[1-9]|1\d|2\d)$/);
    }
  });

  it('makes about invalidShare of the rows invalid, in each of the varied ways', async () => {
    const { rows: mixed } = parseCsv(await text({ rows: 2000, format: 'csv', seed: 3, invalidShare: 0.5 }));
    const broken = mixed.map((r) => defects(r, '2025-11')).filter((d) => d.length > 0);
    expect(broken.length).toBeGreaterThan(800);
    expect(broken.length).toBeLessThan(1200);
    expect(new Set(broken.flat())).toEqual(new Set(['insz', 'kbo', 'nis', 'regulation', 'amount', 'range', 'fileNumber']));
    expect(broken.every((d) => d.length === 1)).toBe(true);
    expect(mixed.some((r) => r.ocmwNis === '99999')).toBe(true);
    expect(mixed.some((r) => r.regulation === 'ART99')).toBe(true);
    expect(mixed.some((r) => /^\d+,\d{2}$/.test(r.amount!))).toBe(true);
  });

  it('keeps the default 1 % of invalid rows', async () => {
    const { rows: defaults } = parseCsv(await text({ rows: 5000, format: 'csv', seed: 11 }));
    const invalid = defaults.filter((r) => defects(r, '2025-11').length > 0).length;
    expect(invalid).toBeGreaterThan(20);
    expect(invalid).toBeLessThan(90);
  });

  it('writes NDJSON objects with the CSV header as keys and the same rows', async () => {
    const ndjson = await text({ rows: 2000, format: 'ndjson', seed: 7, invalidShare: 0 });
    const lines = ndjson.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2000);
    const objects = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const [i, object] of objects.entries()) {
      expect(typeof object).toBe('object');
      expect(Object.keys(object)).toEqual(header);
      const row = rows[i]!;
      for (const key of header) {
        const value = object[key];
        if (value === null) expect(row[key]).toBe('');
        else if (typeof value === 'number') expect(value).toBe(Number(row[key]));
        else expect(value).toBe(row[key]);
      }
    }
    // Some amounts as JSON numbers, which the contract allows.
    expect(objects.some((o) => typeof o.amount === 'number')).toBe(true);
  });

  it('adds the unknown column internalNote only when asked', async () => {
    const withExtra = parseCsv(await text({ rows: 10, format: 'csv', extraColumns: true }));
    expect(withExtra.header).toEqual([...BATCH_COLUMNS, EXTRA_COLUMN]);
    expect(withExtra.rows.every((r) => r.internalNote !== '')).toBe(true);
    const ndjson = await text({ rows: 3, format: 'ndjson', extraColumns: true });
    expect(Object.keys(JSON.parse(ndjson.split('\n')[0]!) as object)).toContain(EXTRA_COLUMN);
    expect(header).not.toContain(EXTRA_COLUMN);
  });

  it('writes only the header for zero rows and refuses bad options', async () => {
    expect(await text({ rows: 0, format: 'csv' })).toBe(`${BATCH_COLUMNS.join(';')}\n`);
    expect(await text({ rows: 0, format: 'ndjson' })).toBe('');
    await expect(text({ rows: 1, format: 'csv', period: '2025-13' })).rejects.toThrow(RangeError);
    await expect(text({ rows: -1, format: 'csv' })).rejects.toThrow(RangeError);
  });
});

describe('writeBatchFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batch-generator-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the generated text, and gzip output gunzips to the same text', async () => {
    const options = { rows: 3000, format: 'csv' as const, seed: 5 };
    const expected = await text(options);

    const plain = await writeBatchFile(join(dir, 'batch.csv'), options);
    const zipped = await writeBatchFile(join(dir, 'batch.csv.gz'), { ...options, gzip: true });

    const plainBytes = await readFile(join(dir, 'batch.csv'));
    const zippedBytes = await readFile(join(dir, 'batch.csv.gz'));
    expect(plainBytes.toString('utf8')).toBe(expected);
    expect(plain).toEqual({ rows: 3000, bytes: plainBytes.length });
    expect(zippedBytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(zippedBytes).toString('utf8')).toBe(expected);
    expect(zipped).toEqual({ rows: 3000, bytes: zippedBytes.length });
    expect(zipped.bytes).toBeLessThan(plain.bytes);
  });

  it('writes identical bytes for the same seed', async () => {
    const options = { rows: 1000, format: 'ndjson' as const, seed: 9, gzip: true };
    await writeBatchFile(join(dir, 'a.ndjson.gz'), options);
    await writeBatchFile(join(dir, 'b.ndjson.gz'), options);
    await writeBatchFile(join(dir, 'c.ndjson.gz'), { ...options, seed: 10 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => readFile(join(dir, `${n}.ndjson.gz`))));
    expect(a!.equals(b!)).toBe(true);
    expect(a!.equals(c!)).toBe(false);
  });
});
