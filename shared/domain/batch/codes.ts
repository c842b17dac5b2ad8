/**
 * The codes of the monthly batch (spec monthly-batch §2, §5, §7), exactly as the contract spells them.
 */

/** Why a row is rejected (§7). A rejected row carries the set of every reason found. */
export const REASON_CODES = [
  'MALFORMED_ROW',
  'MISSING_FIELD',
  'INVALID_INSZ',
  'INVALID_KBO',
  'UNKNOWN_MUNICIPALITY',
  'INVALID_REGULATION',
  'INVALID_BENEFICIARY_ROLE',
  'INVALID_DATE',
  'INVALID_DATE_RANGE',
  'INVALID_AMOUNT',
  'INVALID_FIELD',
  'PERIOD_MISMATCH',
  'DUPLICATE_REFERENCE',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A valid row whose municipality has no authorised recipient (§5: the German-speaking Community). */
export const NO_AUTHORISED_RECIPIENT = 'NO_AUTHORISED_RECIPIENT' as const;

/** Why a whole file is refused (§7): nothing of it reaches any recipient. When several apply, the first of this list (§2). */
export const FILE_REFUSAL_CODES = ['UNSUPPORTED_FILE', 'UNREADABLE', 'MISSING_COLUMNS', 'TOO_MANY_ROWS', 'TOO_MANY_REJECTED_ROWS'] as const;
export type FileRefusalCode = (typeof FILE_REFUSAL_CODES)[number];

/**
 * A file-level refusal, thrown where the key or the bytes are read: an answer (the report says why),
 * not a failure to retry. Its `detail` is the report's `refusedDetail` (§8): one English sentence
 * that lets the PPS find the fault, and never a cell's content.
 */
export class FileRefusal extends Error {
  constructor(
    readonly code: FileRefusalCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'FileRefusal';
  }
}

const count = new Intl.NumberFormat('en-US');
const percent = (fraction: number, digits = 2): string =>
  `${new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(fraction * 100)} %`;
/** The rejected share, with as many decimals as it takes to show it above the limit (up to six). */
const shareAbove = (fraction: number, limit: number): string => {
  let digits = 2;
  while (digits < 6 && percent(fraction, digits) === percent(limit, digits)) digits += 1;
  return percent(fraction, digits);
};
const names = (list: readonly string[]): string =>
  list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;

/**
 * The sentences of `refusedDetail` (monthly-batch §8), one per fault. They name lines, limits and
 * the contract's column names, never what a cell holds.
 */
export const refusalDetail = {
  notMonthlyKey: (why: 'outside' | 'no-month' | 'bad-month' | 'subfolder' | 'no-name'): string =>
    ({
      outside: 'The key does not start with monthly/, the one folder the hub reads (monthly/<YYYY-MM>/<name>).',
      'no-month': "The file lies directly in monthly/, not in a month's folder monthly/<YYYY-MM>/.",
      'bad-month': 'The folder after monthly/ is not a month YYYY-MM (month 01 to 12).',
      subfolder: "The file lies in a subfolder of its month's folder; the hub reads only monthly/<YYYY-MM>/<name>.",
      'no-name': 'The key ends in / and names a folder, not a file.',
    })[why],
  unsupportedName: (): string =>
    'The name does not end in .csv, .ndjson or .jsonl, optionally followed by .gz (in any case), so the hub does not read it.',
  invalidUtf8: (line: number): string => `Line ${count.format(line)} holds bytes that are not valid UTF-8.`,
  gzip: (fault: 'not-gzip' | 'cut' | 'broken', line: number): string =>
    fault === 'not-gzip'
      ? 'The file ends in .gz but is not a gzip stream (line 1).'
      : fault === 'cut'
        ? `The gzip stream is cut short: the file ends inside it, on line ${count.format(line)}.`
        : `The gzip stream is broken (its data is corrupt) on line ${count.format(line)}.`,
  unclosedQuote: (line: number): string =>
    `The file ends inside a quoted field of the record that starts on line ${count.format(line)}: its closing quote is missing.`,
  recordTooLong: (line: number, max: number): string =>
    `The record that starts on line ${count.format(line)} is longer than ${count.format(max)} bytes, so reading stopped there.`,
  noHeader: (): string => 'The file has no header line (it holds nothing but blank lines).',
  malformedHeader: (line: number): string =>
    `The header on line ${count.format(line)} is not well-formed CSV: a quoted column name is followed by something other than ; or the line end.`,
  columns: (missing: readonly string[], repeated: readonly string[], otherRepeated: number): string => {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`misses the column${missing.length > 1 ? 's' : ''} ${names(missing)}`);
    if (repeated.length > 0) parts.push(`names ${names(repeated)} more than once`);
    if (otherRepeated > 0)
      parts.push(
        `names ${otherRepeated === 1 ? 'a column' : `${count.format(otherRepeated)} columns`} outside the contract more than once`,
      );
    return `The header ${parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1]}`}.`;
  },
  tooManyRows: (max: number, line: number): string =>
    `The file has more than the maximum of ${count.format(max)} rows: reading stopped at row ${count.format(max + 1)}, on line ${count.format(line)}.`,
  tooManyRejected: (rejected: number, rows: number, maxShare: number): string =>
    `${count.format(rejected)} of ${count.format(rows)} rows (${shareAbove(rows === 0 ? 0 : rejected / rows, maxShare)}) are rejected, more than the limit of ${percent(maxShare)}.`,
};
