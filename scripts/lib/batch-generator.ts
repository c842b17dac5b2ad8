import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ALL_FIELDS, type RecordField } from '../../shared/domain/recipients';
import { type GeneratedRow, RowFactory } from './generated-rows';

/**
 * Generates realistic monthly batch files (spec monthly-batch §2) for demonstrations, tests and
 * benchmarks: valid INSZ and KBO numbers, OCMWs of the three regions and of the German-speaking
 * Community, all three regulations, and a share of rows that are invalid in varied ways.
 * Deterministic: the same options and seed give the same bytes.
 */

/** The number builders, for tests that write rows of their own. */
export { makeInsz, makeKbo } from './identity-numbers';

/** The inbound file's columns, in the order of the contract's tables (§2): the domain's own list. */
export const BATCH_COLUMNS: readonly RecordField[] = ALL_FIELDS;
export type BatchColumn = RecordField;

/** A column the PPS might add for itself: the hub must ignore it and never forward it. */
export const EXTRA_COLUMN = 'internalNote' satisfies keyof GeneratedRow;

export interface GenerateBatchOptions {
  readonly rows: number;
  readonly format: 'csv' | 'ndjson';
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** `YYYY-MM`, the period on every row (default `2025-11`). */
  readonly period?: string;
  /** Share of rows made invalid, 0–1 (default 0.01). */
  readonly invalidShare?: number;
  /** Adds the unknown column {@link EXTRA_COLUMN}. */
  readonly extraColumns?: boolean;
  /**
   * What each `reference` starts with (default `PPS-<YYYYMM>`), followed by `-` and the row's
   * number: a run that must not reuse an earlier file's references (the PPS never does) gives its own.
   */
  readonly referencePrefix?: string;
}

/** RFC 4180: quote a value that holds the separator, a quote or a line end; double its quotes. */
function csvCell(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const ROWS_PER_CHUNK = 500;

/**
 * Yields a batch file as text chunks: for CSV a header line first, `;` separated, RFC 4180
 * quoting, LF line ends; for NDJSON one object per line with the same keys as the CSV header
 * (an absent optional value is `null`, an amount now and then a JSON number). The same options
 * give the same text.
 */
export async function* generateBatch(options: GenerateBatchOptions): AsyncGenerator<string> {
  const { rows, format } = options;
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError('rows must be an integer ≥ 0');
  const invalidShare = options.invalidShare ?? 0.01;
  if (!(invalidShare >= 0 && invalidShare <= 1)) throw new RangeError('invalidShare must be within 0–1');
  const period = options.period ?? '2025-11';
  const factory = new RowFactory(options.seed ?? 1, period, invalidShare, options.extraColumns ?? false, options.referencePrefix);
  const columns: string[] = [...BATCH_COLUMNS, ...(options.extraColumns ? [EXTRA_COLUMN] : [])];

  let chunk = format === 'csv' ? `${columns.join(';')}\n` : '';
  for (let i = 0; i < rows; i += 1) {
    const row = factory.row(i);
    if (format === 'csv') {
      chunk += `${columns.map((c) => csvCell(row[c as BatchColumn])).join(';')}\n`;
    } else {
      const object: Record<string, unknown> = {};
      for (const c of columns) object[c] = row[c as BatchColumn] ?? null;
      // The contract lets `amount` be a JSON number: send some that way (decided by position, not the PRNG,
      // so that CSV and NDJSON of one seed hold the same rows).
      if (i % 17 === 5 && typeof object.amount === 'string' && /^-?\d+\.\d\d$/.test(object.amount)) {
        object.amount = Number(object.amount);
      }
      chunk += `${JSON.stringify(object)}\n`;
    }
    if ((i + 1) % ROWS_PER_CHUNK === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * Writes a generated batch file to `path`, streaming (through gzip when asked), so that a million
 * rows never sit in memory. Returns the data rows written and the file's size in bytes.
 */
export async function writeBatchFile(
  path: string,
  options: GenerateBatchOptions & { readonly gzip?: boolean },
): Promise<{ rows: number; bytes: number }> {
  const encode = new Transform({
    transform(chunk: string, _encoding, callback) {
      callback(null, Buffer.from(chunk, 'utf8'));
    },
    writableObjectMode: true,
  });
  const source = Readable.from(generateBatch(options));
  if (options.gzip) {
    await pipeline(source, encode, createGzip(), createWriteStream(path));
  } else {
    await pipeline(source, encode, createWriteStream(path));
  }
  return { rows: options.rows, bytes: (await stat(path)).size };
}
