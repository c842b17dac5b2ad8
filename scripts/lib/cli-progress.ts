import type { LocalRunProgress } from '../../local/run-progress';

/**
 * Progress of a local run on stderr: on a terminal one line redrawn in place (a bar while the
 * file uploads, then what the hub has delivered so far), elsewhere (a pipe, a CI log) plain lines,
 * one per stage and then at most one every {@link PLAIN_EVERY_MS}. Written by hand: the few lines
 * need no progress-bar package.
 */

/** Where the display writes: stderr, or a test's stand-in. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const PLAIN_EVERY_MS = 2000;
const BAR_WIDTH = 24;

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? noun : `${noun}s`}`;
}

export class ProgressDisplay {
  private stage: LocalRunProgress['stage'] | undefined;
  private lastPlainAt = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private rowsRead: number | undefined;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {}

  /** Rows the hub has read so far, as its log says. */
  noteRowsRead(rows: number): void {
    this.rowsRead = rows;
    if (!this.stream.isTTY) this.stream.write(`… ${count(rows, 'row')} read\n`);
  }

  update(progress: LocalRunProgress): void {
    const text = this.describe(progress);
    const newStage = progress.stage !== this.stage;
    this.stage = progress.stage;
    if (this.stream.isTTY) {
      const width = Math.max(20, (this.stream.columns ?? 80) - 1);
      this.stream.write(`\r\x1b[2K${text.slice(0, width)}`);
      this.drawn = true;
      return;
    }
    if (!newStage && this.now() - this.lastPlainAt < PLAIN_EVERY_MS) return;
    this.lastPlainAt = this.now();
    this.stream.write(`${text}\n`);
  }

  /** Ends the redrawn line, so that what follows starts on its own line. */
  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private describe(progress: LocalRunProgress): string {
    switch (progress.stage) {
      case 'upload': {
        const fraction = progress.totalBytes === 0 ? 1 : progress.bytes / progress.totalBytes;
        return `uploading ${bar(fraction)} ${Math.round(fraction * 100)}% of ${megabytes(progress.totalBytes)}`;
      }
      case 'processing': {
        const seconds = Math.floor(progress.elapsedMs / 1000);
        const rows = this.rowsRead === undefined ? '' : `, ${count(this.rowsRead, 'row')} read`;
        return `processing: ${seconds} s${rows}, ${count(progress.messagesQueued, 'message')} delivered to the recipients so far`;
      }
      case 'receiving':
        return `reading what ${progress.recipient} received: ${count(progress.records, 'record')}`;
    }
  }
}
