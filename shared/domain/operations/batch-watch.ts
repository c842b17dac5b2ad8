import type { Clock } from '../../ports';
import type { ManifestStatus } from '../batch/ports';

/**
 * The scheduled check of the monthly batches (functions/batch-watch.ts, every 15 minutes): two
 * failures that no function sees by itself, since both are something that does not happen.
 * - The month's file has not arrived by its due day: the PPS did not drop it, or dropped it where
 *   nothing notices (the wrong bucket, a notification lost). A refused file is no arrival here: it
 *   delivered nothing, and it has an alarm of its own.
 * - A batch stays `PUBLISHING` past its lease: the attempt that held it died, and no retry took it
 *   over (its notification dead-lettered, or nothing polls the queue).
 * The answer is published as metrics whose alarms treat silence as a failure, so that a check
 * that stops running is seen too.
 */

/** The calendar the due day counts in: the PPS and the operators are in Belgium. */
export const HUB_TIME_ZONE = 'Europe/Brussels';

/** The latest due day a stage may set: every month has it. */
export const LAST_DUE_DAY = 28;

/** The due day when none is configured (the laptop): the PPS drops a month's file in its first days. */
export const DEFAULT_MONTHLY_FILE_DUE_DAY = 10;

/** A batch as the check reads it (the `batches` table's `byStatus` index). */
export interface WatchedBatch {
  readonly batchId: string;
  readonly status: ManifestStatus;
  /** When the hub first received the bytes (ISO 8601). */
  readonly receivedAt: string;
  /** Until when the attempt that publishes it holds it (ISO 8601); only while `PUBLISHING`. */
  readonly leaseUntil?: string;
}

/** Where the check reads the batches. */
export interface WatchedBatches {
  /** Every batch still `PUBLISHING`. */
  publishing(): Promise<readonly WatchedBatch[]>;
  /** The batches `DELIVERED` whose bytes were first received at or after `since`. */
  deliveredSince(since: Date): Promise<readonly WatchedBatch[]>;
}

export interface BatchWatchDeps {
  readonly batches: WatchedBatches;
  readonly clock: Clock;
  /** The day of the month (1–28, {@link HUB_TIME_ZONE}) from which a month without a file alarms. */
  readonly monthlyFileDueDay: number;
}

/** What the check found, for the metrics and the log. */
export interface BatchWatchReport {
  /** The month checked, `YYYY-MM`, in {@link HUB_TIME_ZONE}. */
  readonly month: string;
  /** Whether the due day has come this month. */
  readonly fileDue: boolean;
  /** The batches received this month, delivered or still publishing. */
  readonly receivedThisMonth: number;
  /** Due, and no batch received this month. */
  readonly monthlyFileMissing: boolean;
  /** The batches `PUBLISHING` whose lease has run out, by id. */
  readonly stuckPublishing: readonly string[];
}

const CALENDAR_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: HUB_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day of an instant in {@link HUB_TIME_ZONE}: its month `YYYY-MM` and day of the month. */
export function hubCalendarDay(at: Date): { readonly month: string; readonly day: number } {
  const parts = Object.fromEntries(CALENDAR_DAY.formatToParts(at).map((p) => [p.type, p.value]));
  return { month: `${parts.year}-${parts.month}`, day: Number(parts.day) };
}

/** A day before the first of the instant's UTC month: earlier than the first of its month anywhere in Europe. */
function beforeTheMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 0));
}

/** Checks the batches once; reads only. */
export async function watchBatches(deps: BatchWatchDeps): Promise<BatchWatchReport> {
  // 1. Today, in the hub's calendar.
  const now = deps.clock();
  const { month, day } = hubCalendarDay(now);

  // 2. The batches still publishing, and those delivered since before the month began.
  const [publishing, delivered] = await Promise.all([deps.batches.publishing(), deps.batches.deliveredSince(beforeTheMonth(now))]);

  // 3. The month's file: any batch received this month, delivered or on its way.
  const receivedThisMonth = [...publishing, ...delivered].filter((b) => hubCalendarDay(new Date(b.receivedAt)).month === month).length;
  const fileDue = day >= deps.monthlyFileDueDay;

  // 4. The batches whose publishing attempt's lease has run out.
  const stuckPublishing = publishing
    .filter((b) => b.leaseUntil !== undefined && new Date(b.leaseUntil).getTime() < now.getTime())
    .map((b) => b.batchId)
    .sort();

  return { month, fileDue, receivedThisMonth, monthlyFileMissing: fileDue && receivedThisMonth === 0, stuckPublishing };
}
