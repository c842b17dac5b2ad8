import type { LocalRunProgress } from '../../local/run-progress';
import { plural } from './cli';

/**
 * Progress of a local run on stderr: on a terminal one line redrawn in place (a bar while the
 * file uploads, then what the hub has delivered so far), elsewhere (a pipe, a CI log) plain lines,
 * one per stage and then at most one every {@link PLAIN_EVERY_MS}, and each stage's last figure
 * before the next stage starts or the display finishes (so a pipe never keeps only a stage's first
 * figure). Written by hand: the few lines need no progress-bar package.
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

export class ProgressDisplay {
  /** The stage shown, and for the receiving stage its recipient: a new one is always written. */
  private stage: string | undefined;
  private lastPlainAt = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private rowsRead: number | undefined;
  /** In plain mode, the latest line not yet written (skipped by the rate limit). */
  private unwritten: string | undefined;

  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {}

  /** Rows the hub has read so far, as its log says. */
  noteRowsRead(rows: number): void {
    this.rowsRead = rows;
    if (!this.stream.isTTY) this.stream.write(`… ${plural(rows, 'row')} read\n`);
  }

  update(progress: LocalRunProgress): void {
    const text = this.describe(progress);
    const stage = progress.stage === 'receiving' ? `receiving ${progress.recipient}` : progress.stage;
    const newStage = stage !== this.stage;
    this.stage = stage;
    if (this.stream.isTTY) {
      const width = Math.max(20, (this.stream.columns ?? 80) - 1);
      this.stream.write(`\r\x1b[2K${text.slice(0, width)}`);
      this.drawn = true;
      return;
    }
    if (newStage) this.flush();
    if (!newStage && this.now() - this.lastPlainAt < PLAIN_EVERY_MS) {
      this.unwritten = text;
      return;
    }
    this.lastPlainAt = this.now();
    this.unwritten = undefined;
    this.stream.write(`${text}\n`);
  }

  /** Ends the redrawn line (or writes the last plain figure), so that what follows starts on its own line. */
  finish(): void {
    this.flush();
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  /** Plain mode: writes the stage's last figure if the rate limit held it back. */
  private flush(): void {
    if (this.unwritten !== undefined) this.stream.write(`${this.unwritten}\n`);
    this.unwritten = undefined;
  }

  private describe(progress: LocalRunProgress): string {
    switch (progress.stage) {
      case 'upload': {
        const fraction = progress.totalBytes === 0 ? 1 : progress.bytes / progress.totalBytes;
        return `uploading ${bar(fraction)} ${Math.round(fraction * 100)}% of ${megabytes(progress.totalBytes)}`;
      }
      case 'processing': {
        const seconds = Math.floor(progress.elapsedMs / 1000);
        const rows = this.rowsRead === undefined ? '' : `, ${plural(this.rowsRead, 'row')} read`;
        return `processing: ${seconds} s${rows}, ${plural(progress.messagesQueued, 'message')} delivered to the recipients so far`;
      }
      case 'receiving':
        return `reading what ${progress.recipient} received: ${plural(progress.records, 'record')}`;
    }
  }
}
