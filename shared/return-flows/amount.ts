/**
 * Correction amounts (return-flows §3): euros with at most two decimals, kept in integer cents,
 * never as a binary float.
 */

/** Cents of a decimal euro string (`"12"`, `"12.5"`, `"12.50"`), or null when it is not one. */
export function eurosToCents(value: string): number | null {
  const match = /^(-?)(\d{1,9})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return sign === '-' && cents !== 0 ? -cents : cents;
}

/** The decimal string with exactly two decimals of a number of cents (`123450` → `"1234.50"`). */
export function centsToEuros(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError('cents must be a safe integer');
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
