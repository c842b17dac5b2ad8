/** Valid Belgian identity numbers for generated data: the INSZ/NISS (spec §3) and the KBO/BCE (spec §4). */

/** `n` in decimal, zero-padded to `width` digits. */
export const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Builds a valid INSZ/NISS `YYMMDDSSSCC` (spec §3). `birth.mm` is the real month (0 when
 * unknown); `opts.bis` adds 20 or 40 for a bis number; `opts.century` 2000 computes the check
 * digits with the `2` prefix of births in or after 2000.
 */
export function makeInsz(
  birth: { readonly yy: number; readonly mm: number; readonly dd: number },
  serial: number,
  opts: { readonly century?: 1900 | 2000; readonly bis?: 0 | 20 | 40 } = {},
): string {
  const { yy, mm, dd } = birth;
  if (!Number.isInteger(yy) || yy < 0 || yy > 99) throw new RangeError('yy must be 0–99');
  if (!Number.isInteger(mm) || mm < 0 || mm > 12) throw new RangeError('mm must be 0–12');
  if (!Number.isInteger(dd) || dd < 0 || dd > 31) throw new RangeError('dd must be 0–31');
  if (!Number.isInteger(serial) || serial < 1 || serial > 998) throw new RangeError('serial must be 1–998');
  const body = `${pad(yy, 2)}${pad(mm + (opts.bis ?? 0), 2)}${pad(dd, 2)}${pad(serial, 3)}`;
  return body + pad(inszCheckDigits(body, opts.century ?? 1900), 2);
}

/** The check digits of an INSZ's first nine digits (`century` 2000: with the `2` prefix). */
export function inszCheckDigits(body9: string, century: 1900 | 2000): number {
  const n = Number(body9) + (century === 2000 ? 2_000_000_000 : 0);
  return 97 - (n % 97);
}

/** Builds a valid KBO/BCE enterprise number (spec §4) from its first eight digits (first digit 0 or 1). */
export function makeKbo(base8: string): string {
  if (!/^[01]\d{7}$/.test(base8)) throw new RangeError('base8 must be 8 digits, the first 0 or 1');
  return base8 + pad(97 - (Number(base8) % 97), 2);
}
