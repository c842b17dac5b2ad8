import type { Recipient } from './recipients';

/**
 * How long the hub keeps what (spec return-flows §5; deliberation §16, §25). Each item's clock
 * starts when the hub received it: what a batch delivered when the hub first received the batch
 * file, a decision or correction when it arrived. Backups count as keeping: a deleted DynamoDB item
 * stays restorable for the point-in-time-recovery window, so the TTL of a DynamoDB item is the
 * limit less that window and less DynamoDB's deletion lag.
 */

const DAYS_PER_YEAR = 365;

/** The shortest span of 15 years: only three leap days fall in it (5,478 days). Anything kept "at most 15 years" is gone before it ends. */
export const SHORTEST_FIFTEEN_YEARS_DAYS = 15 * DAYS_PER_YEAR + 3;

/** The longest span of 10 years: three leap days fall in it (3,653 days). Anything kept "10 years from receipt" lasts through it. */
export const LONGEST_TEN_YEARS_DAYS = 10 * DAYS_PER_YEAR + 3;

/**
 * DynamoDB point-in-time recovery keeps a deleted item restorable this long (35 days, the default
 * and the maximum). The tables are configured with exactly this window (infra/constructs/hub-table.ts),
 * and every TTL below counts it as keeping.
 */
export const PITR_RECOVERY_PERIOD_DAYS = 35;

/**
 * DynamoDB TTL deletes an expired item in the background, typically within about two days; the spec
 * has us count 3. (Reads filter expired items out themselves, {@link isExpired}.)
 */
export const DYNAMODB_TTL_LAG_DAYS = 3;

/** Days after an item's expiry until every copy of it is gone: the TTL lag, then the recovery window. */
export const DYNAMODB_COPIES_OUTLIVE_TTL_DAYS = DYNAMODB_TTL_LAG_DAYS + PITR_RECOVERY_PERIOD_DAYS;

/**
 * For FOREM, every copy, backups included, is gone within this many days after the 3,653rd day
 * (return-flows §5).
 */
export const FOREM_COPIES_GONE_WITHIN_DAYS = 40;

/**
 * "At most 15 years" (VDAB, Actiris) in S3, where nothing keeps a copy: S3 rounds an expiry up to
 * the next midnight UTC and deletes asynchronously, so the rule fires three days inside the
 * shortest span: 15 × 365 = 5,475 days. The reports' lifecycle rule uses it.
 */
export const AT_MOST_FIFTEEN_YEARS_DAYS = 15 * DAYS_PER_YEAR;

/**
 * "10 years from receipt" (FOREM): the data lasts through the longest 10-year span, 3,653 days,
 * as a DynamoDB TTL.
 */
export const TEN_YEARS_FROM_RECEIPT_DAYS = LONGEST_TEN_YEARS_DAYS;

/**
 * "At most 15 years" as a DynamoDB TTL: the TTL, DynamoDB's deletion lag and the recovery window
 * together end by the shortest 15-year span: 5,478 − 3 − 35 = 5,440 days.
 */
export const AT_MOST_FIFTEEN_YEARS_TTL_DAYS = SHORTEST_FIFTEEN_YEARS_DAYS - DYNAMODB_COPIES_OUTLIVE_TTL_DAYS;

/**
 * The DynamoDB TTL, in days from the item's clock, of every item about a recipient: payment lines,
 * disclosures (an operator's re-delivery's too) and the proofs of delivery (from the batch file's
 * first reception), decisions and corrections and the disclosures of a correction (from their
 * arrival). FOREM's 3,653 days plus 3 of lag and 35 of recovery end on day 3,691, within the 40
 * days after the 3,653rd that §5 allows.
 */
export const RECIPIENT_TTL_DAYS: Readonly<Record<Recipient, number>> = {
  VDAB: AT_MOST_FIFTEEN_YEARS_TTL_DAYS,
  ACTIRIS: AT_MOST_FIFTEEN_YEARS_TTL_DAYS,
  FOREM: TEN_YEARS_FROM_RECEIPT_DAYS,
};

/**
 * Batch reports hold no national number and describe deliveries whose proofs are kept at most 15
 * years: they are kept as long, in S3.
 */
export const REPORT_RETENTION_DAYS = AT_MOST_FIFTEEN_YEARS_DAYS;

/** The PPS's raw inbound file: only as long as needed to process and audit it (configurable). */
export const DEFAULT_RAW_FILE_RETENTION_DAYS = 30;

/** Refused return messages kept for an operator (configurable). */
export const DEFAULT_REFUSED_MESSAGE_RETENTION_DAYS = 30;

/**
 * The replay window: the archive keeps the messages delivered to a recipient this many days
 * (configurable), so that an operator can deliver a batch again; only the proofs of delivery are
 * kept longer.
 */
export const DEFAULT_REPLAY_WINDOW_DAYS = 400;

/** The whole numbers of days a configurable retention may take, both ends included. */
export interface DayBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * The retentions a stage configures and the bounds the spec sets them (return-flows §5): a value
 * outside fails the synthesis (infra/config.ts) and a function's cold start (shared/configuration).
 */
export const RETENTION_BOUNDS = {
  /** The raw file holds rows that no recipient may have: 1 to 90 days. */
  rawFileRetentionDays: { min: 1, max: 90 },
  /** A refused message's body may hold an INSZ: 1 to 90 days. */
  refusedMessageRetentionDays: { min: 1, max: 90 },
  /** The archive's replay window: 30 to 3,640 days. */
  replayWindowDays: { min: 30, max: 3640 },
} as const satisfies Readonly<Record<string, DayBounds>>;

export type BoundedRetention = keyof typeof RETENTION_BOUNDS;

/** "a whole number of days from 30 to 3,640": what a bounded retention must be, in words. */
export function describeDayBounds({ min, max }: DayBounds): string {
  return `a whole number of days from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`;
}

/** Whether `days` is a whole number of days within `bounds`. */
export function isWithinDayBounds(days: number, { min, max }: DayBounds): boolean {
  return Number.isInteger(days) && days >= min && days <= max;
}

/**
 * S3 rounds each lifecycle step up to the next midnight UTC: an object expires up to a day after
 * its rule's day count, counted from its creation ("Lifecycle rules: Based on an object's age").
 */
export const S3_MIDNIGHT_ROUNDING_DAYS = 1;

/**
 * Days an archived message stays as a noncurrent version once the lifecycle has expired it: the
 * least S3 takes. The archive is versioned (Object Lock requires it), so expiring an object only
 * puts a delete marker in front of it; the noncurrent-version expiration then deletes it.
 */
export const ARCHIVE_NONCURRENT_VERSION_DAYS = 1;

/**
 * The most days an archived message exists, from its write to its deletion, for a replay window:
 * the window (expiration), its rounding to midnight UTC, the noncurrent days and their rounding.
 * S3 then deletes asynchronously. The longest window, 3,640 days, ends by day 3,643, nine days
 * inside the shortest 10-year span (3,652 days).
 */
export function archiveMaximumLifetimeDays(replayWindowDays: number): number {
  return replayWindowDays + S3_MIDNIGHT_ROUNDING_DAYS + ARCHIVE_NONCURRENT_VERSION_DAYS + S3_MIDNIGHT_ROUNDING_DAYS;
}

/**
 * When a batch's replay window ends: the archive keeps what it delivered `replayWindowDays` from
 * when the hub first received the batch file (each object is locked that long from its own write,
 * a little later, so it is still there until this instant).
 */
export function replayWindowEnd(receivedAt: Date, replayWindowDays: number): Date {
  return new Date(receivedAt.getTime() + replayWindowDays * DAY_MS);
}

/** Staged records of a file being processed: deleted when the file is refused or delivered; this only sweeps leftovers of a crash. */
export const STAGING_RETENTION_DAYS = 2;

const DAY_MS = 86_400_000;

/**
 * The DynamoDB TTL (epoch seconds) of an item whose clock started at `receivedAt` and that is kept
 * `days` days. DynamoDB deletes within about two days after it; reads filter expired items out themselves.
 */
export function expiresAtEpochSeconds(receivedAt: Date, days: number): number {
  return Math.floor((receivedAt.getTime() + days * DAY_MS) / 1000);
}

/** Whether an item with TTL `expiresAt` (epoch seconds) is expired at `now`, and so must not be read. */
export function isExpired(expiresAt: number | undefined, now: Date): boolean {
  return expiresAt !== undefined && expiresAt * 1000 <= now.getTime();
}
