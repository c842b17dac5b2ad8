import { ALL_FIELDS, OPTIONAL_FIELDS, type RecordField } from '../recipients';
import { FileRefusal, refusalDetail } from './codes';
import type { FileKind } from './file-name';
import { LongLine, MAX_RECORD_BYTES, physicalLines } from './physical-lines';

/**
 * The streaming reader of inbound files (spec monthly-batch §2): gzip or not, strict UTF-8 with an
 * optional byte-order mark, LF or CRLF, CSV (`;`, RFC 4180 quoting, a header) or NDJSON. It never
 * holds more of the file than one chunk and one record of at most {@link MAX_RECORD_BYTES}, stops
 * at the first row past the maximum, and yields rows in small arrays so that the per-row cost
 * stays a function call, not a promise.
 */

/** The most rows a file may have (§2): the next one makes it `TOO_MANY_ROWS`. */
export const DEFAULT_MAX_ROWS = 1_000_000;

export interface ReadOptions {
  /** The most rows a file may have; reading stops at the next (default {@link DEFAULT_MAX_ROWS}). */
  readonly maxRows?: number;
}

/** One row as read: its physical start line and its values by column, or null when malformed. */
export interface RawRow {
  /** 1-based physical line on which the row starts. */
  readonly line: number;
  /** The known columns' values as read (strings for CSV; any JSON value for NDJSON); null: `MALFORMED_ROW`. */
  readonly values: Readonly<Partial<Record<RecordField, unknown>>> | null;
  /** CSV: the row's line when the row is that one line without quoting (its cells are slices of it). */
  readonly text?: string;
}

const KNOWN_COLUMNS = new Set<string>(ALL_FIELDS);
const REQUIRED_COLUMNS = ALL_FIELDS.filter((f) => !OPTIONAL_FIELDS.includes(f));

function stripCarriageReturn(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/**
 * Whether a line is empty or white space only (§2): white space is exactly what
 * `String.prototype.trim` removes (U+0085 and U+001C–U+001F are not), so a line of those is a row.
 */
function isBlank(line: string): boolean {
  const first = line.charCodeAt(0);
  if (first > 32 && first < 127) return false; // the common case: a row starts with a visible ASCII character
  return line.trim().length === 0;
}

/**
 * Assembles CSV records from physical lines: `;` separates cells, a cell that starts with `"` is
 * quoted (`""` is a quote inside it) and may span lines. A quoted cell followed by anything but
 * `;` or the end of the line makes the record malformed. Resumable across lines.
 */
class CsvRecordAssembler {
  private cells: string[] = [];
  private cell = '';
  private inQuotes = false;
  private malformed = false;
  private open = false;

  /** True while a quoted cell continues on the next line. */
  get pending(): boolean {
    return this.open;
  }

  /**
   * Feeds one physical line (without its line end). Returns the record's cells when the line
   * completes it (null cells: malformed quoting), or undefined when the record continues.
   */
  feed(line: string): { cells: string[] | null; plain?: true } | undefined {
    let i = 0;
    const n = line.length;
    if (this.open) {
      this.cell += '\n';
    } else if (line.indexOf('"') < 0) {
      return { cells: line.split(';'), plain: true }; // the common case: no quoting on this line
    }
    for (;;) {
      if (this.inQuotes) {
        const quote = line.indexOf('"', i);
        if (quote < 0) {
          this.cell += line.slice(i);
          this.open = true;
          return undefined;
        }
        this.cell += line.slice(i, quote);
        if (line.charCodeAt(quote + 1) === 34) {
          this.cell += '"';
          i = quote + 2;
          continue;
        }
        this.inQuotes = false;
        i = quote + 1;
        if (i < n && line.charCodeAt(i) !== 59) {
          this.malformed = true;
          const next = line.indexOf(';', i);
          i = next < 0 ? n : next;
        }
        if (i >= n) return this.finish();
        i += 1; // past the `;`
        this.cells.push(this.cell);
        this.cell = '';
        if (i >= n) {
          this.cells.push('');
          return this.finish(false);
        }
        continue;
      }
      if (line.charCodeAt(i) === 34) {
        this.inQuotes = true;
        i += 1;
        continue;
      }
      const separator = line.indexOf(';', i);
      if (separator < 0) {
        this.cell += line.slice(i);
        return this.finish();
      }
      this.cells.push(this.cell + line.slice(i, separator));
      this.cell = '';
      i = separator + 1;
      if (i >= n) {
        this.cells.push('');
        return this.finish(false);
      }
    }
  }

  private finish(pushCell = true): { cells: string[] | null } {
    if (pushCell) this.cells.push(this.cell);
    const result = { cells: this.malformed ? null : this.cells };
    this.cells = [];
    this.cell = '';
    this.inQuotes = false;
    this.malformed = false;
    this.open = false;
    return result;
  }
}

type ColumnIndex = ReadonlyArray<readonly [RecordField, number]>;

/**
 * Maps a header to the index of each known column, or answers the refusal it earns
 * (`MISSING_COLUMNS`): a header that is not well-formed CSV, a required column missing, a column
 * named twice. Its detail names the contract's columns only: a name outside the contract (the
 * first line may be a data row) is counted, never quoted.
 */
function columnIndex(header: readonly string[] | null, line: number): ColumnIndex | FileRefusal {
  if (!header) return new FileRefusal('MISSING_COLUMNS', refusalDetail.malformedHeader(line));
  const names = header.map((name) => name.trim());
  const missing = REQUIRED_COLUMNS.filter((column) => !names.includes(column));
  const repeated = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  const repeatedKnown = ALL_FIELDS.filter((column) => repeated.includes(column));
  if (missing.length > 0 || repeated.length > 0) {
    const detail = refusalDetail.columns(missing, repeatedKnown, repeated.length - repeatedKnown.length);
    return new FileRefusal('MISSING_COLUMNS', detail);
  }
  return names.flatMap((name, index) => (KNOWN_COLUMNS.has(name) ? [[name as RecordField, index] as const] : []));
}

const tooLong = (line: number): FileRefusal => new FileRefusal('UNREADABLE', refusalDetail.recordTooLong(line, MAX_RECORD_BYTES));

/** The refusal of the row past the maximum (§2), unless the header refused the file already (it comes first). */
const tooMany = (maxRows: number, line: number, headerRefusal?: FileRefusal): FileRefusal =>
  headerRefusal ?? new FileRefusal('TOO_MANY_ROWS', refusalDetail.tooManyRows(maxRows, line));

async function* csvRows(lines: AsyncIterable<string[]>, maxRows: number): AsyncGenerator<RawRow[]> {
  const assembler = new CsvRecordAssembler();
  let lineNumber = 0;
  let recordStart = 0;
  /** Bytes of the record so far, while it spans lines (a one-line record is bounded by the byte layer). */
  let recordBytes = 0;
  let records = 0;
  let columns: ColumnIndex | undefined;
  let width = 0;
  // A header that refuses the file (MISSING_COLUMNS) does not end the reading: UNREADABLE comes
  // first wherever it lies (§2), so the rest is still decoded and framed up to the row past the
  // maximum, and no row is made.
  let headerRefusal: FileRefusal | undefined;
  try {
    for await (const batch of lines) {
      const rows: RawRow[] = [];
      for (const rawLine of batch) {
        lineNumber += 1;
        const line = stripCarriageReturn(rawLine);
        if (!assembler.pending) {
          if (isBlank(line)) continue;
          recordStart = lineNumber;
          recordBytes = 0;
        } else if (recordBytes + Buffer.byteLength(line) > MAX_RECORD_BYTES) {
          if (rows.length > 0) yield rows;
          throw tooLong(recordStart);
        }
        const record = assembler.feed(line);
        if (!record) {
          recordBytes += Buffer.byteLength(rawLine) + 1; // the line and its LF, inside a quoted cell
          continue;
        }
        if (columns === undefined && headerRefusal === undefined) {
          const header = columnIndex(record.cells, recordStart);
          if (header instanceof FileRefusal) headerRefusal = header;
          else {
            columns = header;
            width = record.cells?.length ?? 0;
          }
          continue;
        }
        records += 1;
        if (records > maxRows) {
          if (rows.length > 0) yield rows;
          throw tooMany(maxRows, recordStart, headerRefusal);
        }
        if (headerRefusal) continue;
        const cells = record.cells;
        if (!cells || cells.length !== width || columns === undefined) {
          rows.push({ line: recordStart, values: null });
          continue;
        }
        const values: Partial<Record<RecordField, unknown>> = {};
        for (const [field, index] of columns) values[field] = cells[index];
        rows.push(record.plain ? { line: recordStart, values, text: line } : { line: recordStart, values });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    // A line too long is a record too long: the one it is part of, which may have started lines before.
    if (error instanceof LongLine) throw tooLong(assembler.pending ? recordStart : error.line);
    throw error;
  }
  if (assembler.pending) throw new FileRefusal('UNREADABLE', refusalDetail.unclosedQuote(recordStart));
  if (headerRefusal) throw headerRefusal;
  if (!columns) throw new FileRefusal('MISSING_COLUMNS', refusalDetail.noHeader());
}

async function* ndjsonRows(lines: AsyncIterable<string[]>, maxRows: number): AsyncGenerator<RawRow[]> {
  let lineNumber = 0;
  let records = 0;
  try {
    for await (const batch of lines) {
      const rows: RawRow[] = [];
      for (const rawLine of batch) {
        lineNumber += 1;
        if (isBlank(rawLine)) continue;
        records += 1;
        if (records > maxRows) {
          if (rows.length > 0) yield rows;
          throw tooMany(maxRows, lineNumber);
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(rawLine);
        } catch {
          rows.push({ line: lineNumber, values: null });
          continue;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          rows.push({ line: lineNumber, values: null });
          continue;
        }
        const source = parsed as Record<string, unknown>;
        const values: Partial<Record<RecordField, unknown>> = {};
        for (const field of ALL_FIELDS) if (Object.hasOwn(source, field)) values[field] = source[field];
        rows.push({ line: lineNumber, values });
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    if (error instanceof LongLine) throw tooLong(error.line);
    throw error;
  }
}

/**
 * Reads an inbound file's rows, in order, in small arrays. Throws {@link FileRefusal} with
 * `UNREADABLE`, `MISSING_COLUMNS` or `TOO_MANY_ROWS` when the file as a whole cannot be read (the
 * rows before a fault are yielded first); any other error is the byte source's own (a broken S3
 * stream) and is rethrown as it is.
 */
export function readRows(bytes: AsyncIterable<Uint8Array>, kind: FileKind, options: ReadOptions = {}): AsyncGenerator<RawRow[]> {
  const lines = physicalLines(bytes, kind.gzip);
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  return kind.format === 'csv' ? csvRows(lines, maxRows) : ndjsonRows(lines, maxRows);
}
