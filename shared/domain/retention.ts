import type { Recipient } from './recipients';

/**
 * How long the hub keeps what (spec return-flows §5; deliberation §16, §25). Each item's clock
 * starts when the hub received it.
 */

/**
 * "At most 15 years" (VDAB, Actiris). The shortest 15-year span is 5,478 days (only three leap
 * days in it); S3 rounds an expiry up to the next midnight UTC and deletes asynchronously, so the
 * rule must fire well before: 15 × 365 = 5,475 days.
 */
export const AT_MOST_FIFTEEN_YEARS_DAYS = 15 * 365;

/**
 * "10 years from receipt" (FOREM): the data must last through the longest 10-year span, which
 * holds three leap days: 10 × 365 + 3 = 3,653 days.
 */
export const TEN_YEARS_FROM_RECEIPT_DAYS = 10 * 365 + 3;

/** Retention of each recipient's data (archive, payment lines, decisions, corrections, disclosures). */
export const RECIPIENT_RETENTION_DAYS: Readonly<Record<Recipient, number>> = {
  VDAB: AT_MOST_FIFTEEN_YEARS_DAYS,
  ACTIRIS: AT_MOST_FIFTEEN_YEARS_DAYS,
  FOREM: TEN_YEARS_FROM_RECEIPT_DAYS,
};

/** Batch manifests and reports hold no national number and describe data of up to 15 years. */
export const REPORT_RETENTION_DAYS = Math.max(...Object.values(RECIPIENT_RETENTION_DAYS));

/** The PPS's raw inbound file: only as long as needed to process and audit it (configurable). */
export const DEFAULT_RAW_FILE_RETENTION_DAYS = 30;

/** Refused return messages kept for an operator (configurable). */
export const DEFAULT_REFUSED_MESSAGE_RETENTION_DAYS = 30;

/** Staged records of a file being processed: deleted when the file is refused or delivered; this only sweeps leftovers of a crash. */
export const STAGING_RETENTION_DAYS = 2;

const DAY_MS = 86_400_000;

/**
 * The DynamoDB TTL (epoch seconds) of an item received at `receivedAt` and kept `days` days.
 * DynamoDB deletes within about two days after it; reads filter expired items out themselves.
 */
export function expiresAtEpochSeconds(receivedAt: Date, days: number): number {
  return Math.floor((receivedAt.getTime() + days * DAY_MS) / 1000);
}

/** Whether an item with TTL `expiresAt` (epoch seconds) is expired at `now`, and so must not be read. */
export function isExpired(expiresAt: number | undefined, now: Date): boolean {
  return expiresAt !== undefined && expiresAt * 1000 <= now.getTime();
}
