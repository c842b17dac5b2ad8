import { describe, expect, it } from 'vitest';
import {
  AT_MOST_FIFTEEN_YEARS_DAYS,
  AT_MOST_FIFTEEN_YEARS_TTL_DAYS,
  archiveMaximumLifetimeDays,
  DEFAULT_REPLAY_WINDOW_DAYS,
  DYNAMODB_TTL_LAG_DAYS,
  expiresAtEpochSeconds,
  FOREM_COPIES_GONE_WITHIN_DAYS,
  PITR_RECOVERY_PERIOD_DAYS,
  RECIPIENT_TTL_DAYS,
  REPORT_RETENTION_DAYS,
  RETENTION_BOUNDS,
  replayWindowEnd,
  TEN_YEARS_FROM_RECEIPT_DAYS,
} from '../../../shared/domain/retention';

/**
 * The day counts of return-flows §5, computed from the calendar rather than copied from the code:
 * a constant that moves the wrong way fails here.
 */

const DAY_MS = 86_400_000;
/** Days from `from` (YYYY-MM-DD, UTC) to the same day `years` years later. */
function daysInYearsFrom(from: string, years: number): number {
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(start);
  end.setUTCFullYear(start.getUTCFullYear() + years);
  return (end.getTime() - start.getTime()) / DAY_MS;
}
/**
 * Every span of `years` years that starts on a day from 2000 to 2084, so that it ends before 2100:
 * the spec's day counts hold for those (a span across 1 March 2100, not a leap day, may hold one
 * leap day fewer, a question for the 2090s).
 */
function spans(years: number): number[] {
  const out: number[] = [];
  for (let t = Date.UTC(2000, 0, 1); t < Date.UTC(2085, 0, 1); t += DAY_MS) {
    out.push(daysInYearsFrom(new Date(t).toISOString().slice(0, 10), years));
  }
  return out;
}

const shortestFifteenYears = Math.min(...spans(15));
const longestTenYears = Math.max(...spans(10));
const shortestTenYears = Math.min(...spans(10));

describe('retention in days (return-flows §5)', () => {
  it('knows the calendar: the shortest 15 years are 5,478 days, the longest 10 years 3,653', () => {
    expect(shortestFifteenYears).toBe(5478);
    expect(longestTenYears).toBe(3653);
  });

  it('"at most 15 years" in DynamoDB: TTL + TTL lag (3) + recovery window (35) end by the shortest 15 years, so TTL ≤ 5,440', () => {
    expect(DYNAMODB_TTL_LAG_DAYS).toBeGreaterThanOrEqual(3);
    expect(PITR_RECOVERY_PERIOD_DAYS).toBe(35);
    for (const recipient of ['VDAB', 'ACTIRIS'] as const) {
      const ttl = RECIPIENT_TTL_DAYS[recipient];
      expect(ttl + DYNAMODB_TTL_LAG_DAYS + PITR_RECOVERY_PERIOD_DAYS).toBeLessThanOrEqual(shortestFifteenYears);
      expect(ttl).toBeLessThanOrEqual(5440);
    }
    // As long as the rule allows, no shorter: the data must stay for its retention.
    expect(AT_MOST_FIFTEEN_YEARS_TTL_DAYS).toBe(5440);
  });

  it('"10 years from receipt" for FOREM: TTL of at least 3,653 days, every copy gone within 40 days after the 3,653rd', () => {
    const ttl = RECIPIENT_TTL_DAYS.FOREM;
    expect(ttl).toBeGreaterThanOrEqual(longestTenYears);
    expect(FOREM_COPIES_GONE_WITHIN_DAYS).toBe(40);
    expect(ttl + DYNAMODB_TTL_LAG_DAYS + PITR_RECOVERY_PERIOD_DAYS).toBeLessThanOrEqual(longestTenYears + 40);
    expect(ttl).toBe(3653);
  });

  it('keeps the reports in S3 (no backups) 5,475 days, three days inside the shortest 15 years, as long as the proofs they describe', () => {
    expect(AT_MOST_FIFTEEN_YEARS_DAYS).toBeLessThanOrEqual(shortestFifteenYears - 3);
    expect(REPORT_RETENTION_DAYS).toBe(5475);
    expect(TEN_YEARS_FROM_RECEIPT_DAYS).toBeGreaterThanOrEqual(longestTenYears);
  });

  it('bounds the replay window to 30–3,640 days (default 400), the raw file and refused messages to 1–90', () => {
    expect(RETENTION_BOUNDS).toEqual({
      rawFileRetentionDays: { min: 1, max: 90 },
      refusedMessageRetentionDays: { min: 1, max: 90 },
      replayWindowDays: { min: 30, max: 3640 },
    });
    expect(DEFAULT_REPLAY_WINDOW_DAYS).toBe(400);
  });

  it('counts both lifecycle steps of the archive and their roundings to midnight: window + 1 + 1 + 1 days at most', () => {
    // Expiration at the window, rounded up to midnight UTC (+1); the noncurrent version one day later (+1), rounded (+1).
    expect(archiveMaximumLifetimeDays(DEFAULT_REPLAY_WINDOW_DAYS)).toBe(403);
    expect(archiveMaximumLifetimeDays(RETENTION_BOUNDS.replayWindowDays.min)).toBe(33);
    // The longest window is gone, both steps counted, before the shortest ten years end.
    expect(archiveMaximumLifetimeDays(RETENTION_BOUNDS.replayWindowDays.max)).toBe(3643);
    expect(shortestTenYears).toBe(3652);
    expect(archiveMaximumLifetimeDays(RETENTION_BOUNDS.replayWindowDays.max)).toBeLessThan(shortestTenYears);
  });

  it('ends a batch’s replay window its number of days after the file’s first reception, to the millisecond', () => {
    expect(replayWindowEnd(new Date('2025-12-03T09:00:00.250Z'), 400).toISOString()).toBe('2027-01-07T09:00:00.250Z');
    expect(replayWindowEnd(new Date('2024-02-28T23:00:00Z'), 30).toISOString()).toBe('2024-03-29T23:00:00.000Z');
  });

  it('counts the TTL in epoch seconds from the item clock', () => {
    const receivedAt = new Date('2025-11-01T08:00:00.750Z');
    expect(expiresAtEpochSeconds(receivedAt, RECIPIENT_TTL_DAYS.VDAB)).toBe(Date.parse('2040-09-23T08:00:00Z') / 1000);
    expect(expiresAtEpochSeconds(receivedAt, RECIPIENT_TTL_DAYS.FOREM)).toBe(Date.parse('2035-11-02T08:00:00Z') / 1000);
  });
});
