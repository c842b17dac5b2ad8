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
  if (digits.length !== 11) return false;
  const body = digitsValue(digits, 0, 9);
  const check = digitsValue(digits, 9, 11);
  if (body < 0 || check < 0) return false;
  const month = digitsValue(digits, 2, 4);
  const day = digitsValue(digits, 4, 6);
  const monthValid = month <= 12 || (month >= 20 && month <= 32) || (month >= 40 && month <= 52);
  if (!monthValid || day > 31) return false;
  if (check === 97 - (body % 97)) return true;
  const yy = digitsValue(digits, 0, 2);
  if (2000 + yy > now.getUTCFullYear()) return false;
  return check === 97 - ((2_000_000_000 + body) % 97);
}

/**
 * The number written by the decimal digits `text[from..to)`, or -1 when one of them is not a
 * digit. Arithmetic on character codes: no slice, no regular expression, in the per-row path.
 */
export function digitsValue(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Whether `digits` (10 digits, first 0 or 1) is a valid KBO/BCE enterprise number. */
export function isValidKbo(digits: string): boolean {
  if (digits.length !== 10 || digits.charCodeAt(0) > 49) return false;
  const base = digitsValue(digits, 0, 8);
  const check = digitsValue(digits, 8, 10);
  return base >= 0 && check >= 0 && check === 97 - (base % 97);
}

/** Normalises an INSZ as written (dots, dashes and spaces accepted) to its digits, or null. */
export function normaliseInsz(value: string): string | null {
  if (value.length === 11 && digitsValue(value, 0, 11) >= 0) return value;
  const digits = value.replace(/[.\- ]/g, '');
  return /^\d+$/.test(digits) ? digits : null;
}

/**
 * Normalises a KBO as written (`0403.019.261`, `0403 019 261`, `403019261`) to 10 digits, or null
 * when it is not made of digits and those separators.
 */
export function normaliseKbo(value: string): string | null {
  if (value.length === 10 && digitsValue(value, 0, 10) >= 0) return value;
  const digits = value.replace(/[. ]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  return digits.length === 9 ? `0${digits}` : digits;
}
