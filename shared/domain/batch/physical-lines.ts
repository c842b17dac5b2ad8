import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FileRefusal, refusalDetail } from './codes';

/**
 * The byte layer of the inbound reader (spec monthly-batch §2): gunzips when asked, cuts the bytes
 * into physical lines at LF (a byte that UTF-8 never uses inside a character), decodes each line as
 * strict UTF-8, and refuses a line longer than {@link MAX_RECORD_BYTES} as soon as it grows past
 * it. It holds at most one chunk and one unfinished line of at most that many bytes, and copies
 * each byte a bounded number of times, so its time and memory grow with the file, never with the
 * square of a line.
 *
 * A fault is raised only once every line before it was yielded, so that a reader that stops early
 * (past the maximum of rows) never sees a fault that lies beyond where it stopped.
 */

/** The longest record (an NDJSON line, or a CSV record with its quoted line breaks), line end not counted. */
export const MAX_RECORD_BYTES = 65_536;

/** A physical line (1-based `line`) longer than {@link MAX_RECORD_BYTES}; the row layer names the record it is part of. */
export class LongLine extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is longer than ${MAX_RECORD_BYTES} bytes`);
    this.name = 'LongLine';
  }
}

type GzipFault = 'not-gzip' | 'cut' | 'broken';

/** Zlib's own errors (not gzip, truncated, corrupt) make a file unreadable; other errors are the source's. */
function gzipFaultOf(error: unknown, produced: boolean): GzipFault | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !code.startsWith('Z_')) return undefined;
  if (code === 'Z_BUF_ERROR') return 'cut';
  return !produced && typeof message === 'string' && message.includes('header check') ? 'not-gzip' : 'broken';
}

class GzipError extends Error {
  constructor(readonly fault: GzipFault) {
    super(`gzip: ${fault}`);
  }
}

async function* decompressed(bytes: AsyncIterable<Uint8Array>, gzip: boolean): AsyncGenerator<Uint8Array> {
  if (!gzip) {
    yield* bytes;
    return;
  }
  const gunzip = createGunzip();
  const source = Readable.from(bytes, { objectMode: false });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  let produced = false;
  try {
    for await (const chunk of gunzip) {
      produced = true;
      yield chunk as Uint8Array;
    }
  } catch (error) {
    const fault = gzipFaultOf(error, produced);
    if (fault) throw new GzipError(fault);
    throw error;
  } finally {
    source.destroy();
  }
}

const LF = 10;
const CR = 13;
const BOM = [0xef, 0xbb, 0xbf] as const;

/** A line's length without its line end: a CR before the LF (or at the end of the file) is the line end's. */
function contentLength(bytes: Uint8Array): number {
  return bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
}

function startsWithBom(bytes: Uint8Array): boolean {
  return bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];
}

/** Lines decoded from `bytes` (complete lines joined by LF), and the fault that ends them early, if any. */
interface Decoded {
  readonly lines: string[];
  readonly fault?: Error;
}

/** The number (counted from `firstLine`) and start of the first line of `bytes` longer than the longest record, if any. */
function firstLongLine(bytes: Uint8Array, firstLine: number): { line: number; start: number } | undefined {
  let from = 0;
  for (let line = firstLine; ; line += 1) {
    const lf = bytes.indexOf(LF, from);
    const end = lf < 0 ? bytes.length : lf;
    if (contentLength(bytes.subarray(from, end)) > MAX_RECORD_BYTES) return { line, start: from };
    if (lf < 0) return undefined;
    from = lf + 1;
  }
}

/**
 * Decodes complete lines joined by LF, `firstLine` being the number of the first. The common case
 * is one decode and one split; a block with a line too long or invalid UTF-8 yields the lines
 * before the first fault, and the fault.
 */
function decodeLines(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array, firstLine: number): Decoded {
  let fault: Error | undefined;
  let end = bytes.length;
  // A block no longer than the longest record cannot hold a line longer than it.
  const long = bytes.length > MAX_RECORD_BYTES ? firstLongLine(bytes, firstLine) : undefined;
  if (long) {
    fault = new LongLine(long.line);
    if (long.start === 0) return { lines: [], fault };
    end = long.start - 1; // the lines before it, without the LF that ends the last of them
  }
  const part = bytes.subarray(0, end);
  try {
    return { lines: decoder.decode(part).split('\n'), ...(fault ? { fault } : {}) };
  } catch {
    // The first line of invalid UTF-8 comes before any line too long (which lies after `part`).
  }
  const lines: string[] = [];
  let from = 0;
  for (let line = firstLine; ; line += 1) {
    const lf = part.indexOf(LF, from);
    try {
      lines.push(decoder.decode(part.subarray(from, lf < 0 ? part.length : lf)));
    } catch {
      return { lines, fault: new FileRefusal('UNREADABLE', refusalDetail.invalidUtf8(line)) };
    }
    if (lf < 0) return { lines, ...(fault ? { fault } : {}) };
    from = lf + 1;
  }
}

/**
 * The file's physical lines, without their LF (a CR before it stays), in arrays of a chunk's lines;
 * a leading byte-order mark is dropped. Throws {@link FileRefusal} `UNREADABLE` (invalid UTF-8, not
 * gzip, a gzip stream cut short or broken) and {@link LongLine}; any other error is the byte
 * source's own and is rethrown as it is.
 */
export async function* physicalLines(bytes: AsyncIterable<Uint8Array>, gzip: boolean): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let carry: Uint8Array[] = [];
  let carryBytes = 0;
  let linesDone = 0;
  const firstLine = (line: Uint8Array): Uint8Array => (linesDone === 0 && startsWithBom(line) ? line.subarray(3) : line);
  /** The line completed by `tail` (bytes up to an LF or the end of the file), checked and decoded. */
  const finishLine = (tail: Uint8Array): string => {
    let line = carryBytes === 0 ? tail : Buffer.concat([...carry, tail]);
    carry = [];
    carryBytes = 0;
    line = firstLine(line);
    const number = linesDone + 1;
    // A line too long is refused as such, whatever bytes it holds: the reader never reads it whole.
    if (contentLength(line) > MAX_RECORD_BYTES) throw new LongLine(number);
    try {
      return decoder.decode(line);
    } catch {
      throw new FileRefusal('UNREADABLE', refusalDetail.invalidUtf8(number));
    }
  };
  try {
    for await (const chunk of decompressed(bytes, gzip)) {
      const first = chunk.indexOf(LF);
      if (first < 0) {
        carry.push(chunk);
        carryBytes += chunk.length;
        // Past the longest line and its CR (and a byte-order mark on the first line): refused now,
        // before more of it is held.
        if (carryBytes > MAX_RECORD_BYTES + 1 + (linesDone === 0 ? BOM.length : 0)) throw new LongLine(linesDone + 1);
        continue;
      }
      const lines = [finishLine(chunk.subarray(0, first))];
      linesDone += 1;
      const last = chunk.lastIndexOf(LF);
      let fault: Error | undefined;
      if (last > first) {
        const block = decodeLines(decoder, chunk.subarray(first + 1, last), linesDone + 1);
        for (const line of block.lines) lines.push(line);
        fault = block.fault;
      }
      if (!fault && last + 1 < chunk.length) {
        carry = [chunk.subarray(last + 1)];
        carryBytes = chunk.length - last - 1;
      }
      yield lines;
      linesDone += lines.length - 1;
      if (fault) throw fault;
    }
  } catch (error) {
    if (error instanceof GzipError) throw new FileRefusal('UNREADABLE', refusalDetail.gzip(error.fault, linesDone + 1));
    throw error;
  }
  if (carryBytes > 0) {
    const line = finishLine(new Uint8Array(0));
    yield [line];
  }
}
