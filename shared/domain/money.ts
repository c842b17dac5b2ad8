/**
 * Amounts in euros, kept exactly as integer cents, never as binary floats (spec monthly-batch §2).
 * One line's amount (at most 999,999,999.99) is an exact integer in a number; sums use bigint.
 */

/**
 * Parses `-?\d{1,9}(\.\d{1,2})?` into integer cents (`-0.00` is 0), or null when malformed.
 * Character arithmetic, no regular expression: it runs once per row of a million-row file.
 */
export function parseAmountCents(text: string): number | null {
  const length = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  const negative = i === 1;
  let euros = 0;
  let integerDigits = 0;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) break;
    euros = euros * 10 + digit;
    integerDigits += 1;
  }
  if (integerDigits < 1 || integerDigits > 9) return null;
  let cents = 0;
  if (i < length) {
    if (text.charCodeAt(i) !== 46) return null; // '.'
    const decimals = length - i - 1;
    if (decimals < 1 || decimals > 2) return null;
    for (let d = 1; d <= decimals; d++) {
      const digit = text.charCodeAt(i + d) - 48;
      if (!(digit >= 0 && digit <= 9)) return null;
      cents = cents * 10 + digit;
    }
    if (decimals === 1) cents *= 10;
  }
  const total = euros * 100 + cents;
  return negative && total !== 0 ? -total : total;
}

/** Formats integer cents as a decimal string with exactly two decimals: `-1205` → `"-12.05"`. */
export function formatCents(cents: number | bigint): string {
  if (typeof cents === 'number' && Number.isSafeInteger(cents)) {
    const magnitude = Math.abs(cents);
    const rest = magnitude % 100;
    return `${cents < 0 ? '-' : ''}${(magnitude - rest) / 100}.${rest < 10 ? '0' : ''}${rest}`;
  }
  const value = BigInt(cents);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const euros = magnitude / 100n;
  const rest = (magnitude % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${euros}.${rest}`;
}

/** Parses a strictly positive amount with at most two decimals into cents (corrections), or null. */
export function parsePositiveAmountCents(text: string): number | null {
  const cents = /^\d{1,9}(\.\d{1,2})?$/.test(text) ? parseAmountCents(text) : null;
  return cents !== null && cents > 0 ? cents : null;
}
