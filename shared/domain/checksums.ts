/**
 * Check digits of the Belgian identifiers (spec monthly-batch §3, §4). Pure functions of the
 * digits; the caller normalises first.
 */

/**
 * Whether `digits` (11 digits, `YYMMDDSSSCC`) is a valid INSZ/NISS at `now`: the modulo-97 check
 * for a birth before 2000, or with the 2 prefix for a birth in or after 2000 (only when 2000 + YY
 * is not after the current year, UTC); month 00–12 (+20 or +40 for bis numbers), day 00–31.
 * Nothing else is derived from the number (not the sex).
 */
export function isValidInsz(digits: string, now: Date): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  const month = Number(digits.slice(2, 4));
  const day = Number(digits.slice(4, 6));
  const monthValid = month <= 12 || (month >= 20 && month <= 32) || (month >= 40 && month <= 52);
  if (!monthValid) return false;
  if (day > 31) return false;
  const body = Number(digits.slice(0, 9));
  const check = Number(digits.slice(9, 11));
  if (check === 97 - (body % 97)) return true;
  const yy = Number(digits.slice(0, 2));
  if (2000 + yy > now.getUTCFullYear()) return false;
  return check === 97 - ((2_000_000_000 + body) % 97);
}

/** Whether `digits` (10 digits, first 0 or 1) is a valid KBO/BCE enterprise number. */
export function isValidKbo(digits: string): boolean {
  if (!/^[01]\d{9}$/.test(digits)) return false;
  return Number(digits.slice(8, 10)) === 97 - (Number(digits.slice(0, 8)) % 97);
}

/** Normalises an INSZ as written (dots, dashes and spaces accepted) to its digits, or null. */
export function normaliseInsz(value: string): string | null {
  const digits = value.replace(/[.\- ]/g, '');
  return /^\d+$/.test(digits) ? digits : null;
}

/**
 * Normalises a KBO as written (`0403.019.261`, `0403 019 261`, `403019261`) to 10 digits, or null
 * when it is not made of digits and those separators.
 */
export function normaliseKbo(value: string): string | null {
  const digits = value.replace(/[. ]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  return digits.length === 9 ? `0${digits}` : digits;
}
