import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BATCH_COLUMNS, writeBatchFile } from './batch-generator';

/**
 * The files of `npm run bench`'s refusal lines (scripts/bench.ts), beside the generated batches:
 * an empty file to compare with, a file with one record of 50 MB, and a file one row past the
 * default maximum of rows.
 */

/** A CSV of the header alone: no rows, accepted, delivers nothing. */
export async function writeEmptyCsv(path: string): Promise<void> {
  await writeFile(path, `${BATCH_COLUMNS.join(';')}\n`);
}

/**
 * A CSV whose second row has a cell of `megabytes` MB (no line break in it): a record far past
 * the 65,536 bytes a record may have (monthly-batch §2), between two valid rows. Written in 1 MB
 * pieces, so that this process never holds it whole.
 */
export async function writeLongRecordCsv(path: string, rowsFile: string, megabytes: number): Promise<number> {
  const [header = '', first = '', second = ''] = (await readFile(rowsFile, 'utf8')).split('\n');
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${header}\n${first}\n2025-11;"`);
  const piece = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < megabytes; i += 1) await write(piece);
  await write(`"\n${second}\n`);
  out.end();
  await once(out, 'finish');
  return megabytes * 1024 * 1024;
}

/**
 * `base` (a gzipped CSV of `rows` rows) with one more row appended as a second gzip member (a gzip
 * file may hold several, read as one stream): `rows + 1` rows without generating them again.
 */
export async function writeOneRowMore(path: string, base: string, rowsFile: string): Promise<void> {
  const line = (await readFile(rowsFile, 'utf8')).split('\n')[1] ?? '';
  await writeFile(path, await readFile(base));
  await appendFile(path, gzipSync(Buffer.from(`${line}\n`)));
}

/** A plain CSV of two generated rows, whose lines the files above borrow. */
export async function writeTwoRows(path: string, seed: number, period: string): Promise<void> {
  await writeBatchFile(path, { rows: 2, format: 'csv', seed, period, invalidShare: 0 });
}

/**
 * The three files of (e) and (f) in `dir`: an empty CSV, a CSV with one 50 MB record, and
 * `million` (the gzipped CSV of 1,000,000 rows) with one row more.
 */
export async function writeRefusalFiles(
  dir: string,
  million: string,
  options: { seed: number; period: string },
): Promise<{ empty: string; longRecord: string; tooManyRows: string }> {
  const twoRows = join(dir, 'two-rows.csv');
  await writeTwoRows(twoRows, options.seed, options.period);
  const files = {
    empty: join(dir, 'empty.csv'),
    longRecord: join(dir, 'one-50mb-record.csv'),
    tooManyRows: join(dir, 'bench-1000001.csv.gz'),
  };
  await writeEmptyCsv(files.empty);
  await writeLongRecordCsv(files.longRecord, twoRows, 50);
  await writeOneRowMore(files.tooManyRows, million, twoRows);
  return files;
}
