/**
 * Amounts in euros, kept exactly as integer cents, never as binary floats (spec monthly-batch §2).
 * One line's amount (at most 999,999,999.99) is an exact integer in a number; sums use bigint.
 */

const AMOUNT = /^(-?)(\d{1,9})(?:\.(\d{1,2}))?$/;

/** Parses `-?\d{1,9}(\.\d{1,2})?` into integer cents (`-0.00` is 0), or null when malformed. */
export function parseAmountCents(text: string): number | null {
  const match = AMOUNT.exec(text);
  if (!match) return null;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] === '-' && cents !== 0 ? -cents : cents;
}

/** Formats integer cents as a decimal string with exactly two decimals: `-1205` → `"-12.05"`. */
export function formatCents(cents: number | bigint): string {
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
