import { describe, expect, it } from 'vitest';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import {
  AT_MOST_FIFTEEN_YEARS_DAYS,
  AT_MOST_FIFTEEN_YEARS_TTL_DAYS,
  DYNAMODB_TTL_LAG_DAYS,
  expiresAtEpochSeconds,
  FOREM_COPIES_GONE_WITHIN_DAYS,
  PITR_RECOVERY_PERIOD_DAYS,
  RECIPIENT_ARCHIVE_DAYS,
  RECIPIENT_TTL_DAYS,
  REPORT_RETENTION_DAYS,
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

  it('keeps the archive in S3 (no backups) 5,475 days for VDAB and Actiris, 3,653 for FOREM: three days inside the shortest 15 years', () => {
    expect(RECIPIENT_ARCHIVE_DAYS).toEqual({ VDAB: 5475, ACTIRIS: 5475, FOREM: 3653 });
    expect(AT_MOST_FIFTEEN_YEARS_DAYS).toBeLessThanOrEqual(shortestFifteenYears - 3);
    expect(TEN_YEARS_FROM_RECEIPT_DAYS).toBeGreaterThanOrEqual(longestTenYears);
    // Reports and manifests describe the archive: they last as long as its longest retention.
    expect(REPORT_RETENTION_DAYS).toBe(Math.max(...RECIPIENTS.map((r) => RECIPIENT_ARCHIVE_DAYS[r])));
  });

  it('counts the TTL in epoch seconds from the item clock', () => {
    const receivedAt = new Date('2025-11-01T08:00:00.750Z');
    expect(expiresAtEpochSeconds(receivedAt, RECIPIENT_TTL_DAYS.VDAB)).toBe(Date.parse('2040-09-23T08:00:00Z') / 1000);
    expect(expiresAtEpochSeconds(receivedAt, RECIPIENT_TTL_DAYS.FOREM)).toBe(Date.parse('2035-11-02T08:00:00Z') / 1000);
  });
});
