import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BATCH_COLUMNS, makeInsz } from '../../scripts/lib/batch-generator';

/**
 * Small hand-made monthly batch files for the integration tests (spec monthly-batch §2): rows as
 * plain objects, written as CSV (`;`, RFC 4180 quoting, optional BOM and CRLF) or NDJSON, gzipped
 * or cut short, and the few reading helpers the assertions need.
 */

/** One row as the PPS would write it: column → text (a column left out is an empty cell / absent key). */
export type HandRow = Record<string, string | undefined>;

/** The contract's columns in the contract's order. */
export const COLUMNS: readonly string[] = BATCH_COLUMNS;

/** A valid KBO/BCE number (§4), the one the contract's examples use. */
export const KBO = '0403019261';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** The last day of a `YYYY-MM` month. */
function lastDay(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return pad(new Date(Date.UTC(year, month, 0)).getUTCDate(), 2);
}

/**
 * A complete valid row for `period` (a VDAB row of Antwerp, ART60_7, no social economy), with
 * `overrides` applied; an override `undefined` leaves the column empty.
 */
export function validRow(period: string, reference: string, overrides: HandRow = {}): HandRow {
  const end = `${period}-${lastDay(period)}`;
  return {
    period,
    ocmwKbo: KBO,
    ocmwNis: '11002',
    ocmwName: 'OCMW Antwerpen',
    regulation: 'ART60_7',
    fileNumber: `F-${reference}`,
    insz: '85073003328',
    beneficiaryRole: 'PRIMARY',
    performanceStart: `${period}-01`,
    performanceEnd: end,
    accountingStart: `${period}-01`,
    accountingEnd: end,
    reference,
    amount: '1000.00',
    paymentType: 'MONTHLY',
    decidingOrganisation: 'POD-MI',
    budgetArticle: '44.55.12.3300',
    assistanceType: 'RI',
    paymentRecipient: 'OCMW',
    employmentType: 'ART60_OWN_SERVICE',
    employmentPlace: 'Stad, groendienst',
    workSchedule: 'FULLTIME_38H',
    activationType: 'WORK_EXPERIENCE',
    ...overrides,
  };
}

/** Where a filler row goes: its municipality and the recipient that must receive it. */
export const FILLER_ROUTES = [
  { nis: '44021', name: 'OCMW Gent', recipient: 'VDAB' },
  { nis: '21009', name: "CPAS d'Ixelles", recipient: 'ACTIRIS' },
  { nis: '92094', name: 'CPAS de Namur', recipient: 'FOREM' },
] as const;

export interface FillerRow {
  readonly row: HandRow;
  readonly recipient: 'VDAB' | 'ACTIRIS' | 'FOREM';
  readonly amountCents: number;
}

/**
 * `count` valid ART60_7 rows, delivered for certain, spread over the three recipients in turn,
 * each with its own INSZ (built with makeInsz), reference `<prefix>-<i>` and amount.
 */
export function fillerRows(period: string, prefix: string, count: number): FillerRow[] {
  return Array.from({ length: count }, (_, i) => {
    const route = FILLER_ROUTES[i % FILLER_ROUTES.length] as (typeof FILLER_ROUTES)[number];
    const amountCents = 100_00 + i * 101;
    const row = validRow(period, `${prefix}-${pad(i, 4)}`, {
      ocmwNis: route.nis,
      ocmwName: route.name,
      insz: makeInsz({ yy: 60 + (i % 39), mm: 1 + (i % 12), dd: 1 + (i % 28) }, 100 + i),
      amount: `${Math.floor(amountCents / 100)}.${pad(amountCents % 100, 2)}`,
      fileNumber: `${route.nis}/2025/${pad(i, 5)}`,
    });
    return { row, recipient: route.recipient, amountCents };
  });
}

/** RFC 4180: quote a value holding `;`, a quote or a line end, doubling its quotes. */
export function csvCell(value: string | undefined): string {
  if (value === undefined) return '';
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (no line end) of `row` in the order of `columns`. */
export function csvLine(columns: readonly string[], row: HandRow): string {
  return columns.map((column) => csvCell(row[column])).join(';');
}

/** A CSV text: header and rows, with LF or CRLF line ends and an optional byte-order mark. */
export function csvText(
  columns: readonly string[],
  rows: readonly HandRow[],
  options: { eol?: '\n' | '\r\n'; bom?: boolean } = {},
): string {
  const eol = options.eol ?? '\n';
  const lines = [columns.join(';'), ...rows.map((row) => csvLine(columns, row))];
  return `${options.bom ? '\uFEFF' : ''}${lines.join(eol)}${eol}`;
}

/** One NDJSON line of an object (values as given: strings, numbers, null, …). */
export function ndjsonLine(value: unknown): string {
  return JSON.stringify(value);
}

/** Bytes of a text in UTF-8. */
export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** Gzip of some bytes. */
export function gzip(bytes: Uint8Array): Buffer {
  return gzipSync(bytes);
}

/** The bytes without their last `cut` bytes: a gzip stream cut short. */
export function truncate(bytes: Uint8Array, cut: number): Buffer {
  if (cut <= 0 || cut >= bytes.length) throw new RangeError('cut must leave some bytes and remove some');
  return Buffer.from(bytes.subarray(0, bytes.length - cut));
}

/** SHA-256 of some bytes, hex (the batch id of monthly-batch §8). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A fresh temporary directory. */
export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `${prefix}-`));
}

/** Writes bytes (or UTF-8 text) to `dir/name` and answers the path. */
export async function writeBatch(dir: string, name: string, content: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** The objects of an NDJSON file, one a line (an empty file: none). */
export async function readNdjson(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The names in a directory, sorted. */
export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** An INSZ written the way people write it: `YY.MM.DD-SSS.CC`. */
export function formattedInsz(insz: string): string {
  return `${insz.slice(0, 2)}.${insz.slice(2, 4)}.${insz.slice(4, 6)}-${insz.slice(6, 9)}.${insz.slice(9, 11)}`;
}
