import { digitsValue } from './checksums';
import type { Recipient } from './recipients';

/**
 * From municipality (NIS code) to recipient (spec monthly-batch §5). Data, in one place: a ruling
 * or a municipal merger changes one line here.
 */

/** Province prefixes (the NIS code's two leading digits) and the recipient of their region. */
const PROVINCE_RECIPIENT: ReadonlyArray<readonly [from: number, to: number, recipient: Recipient]> = [
  [21, 21, 'ACTIRIS'], // Brussels-Capital
  [11, 13, 'VDAB'], // Antwerp
  [23, 24, 'VDAB'], // Flemish Brabant
  [31, 38, 'VDAB'], // West Flanders
  [41, 46, 'VDAB'], // East Flanders
  [71, 73, 'VDAB'], // Limburg
  [25, 25, 'FOREM'], // Walloon Brabant
  [51, 58, 'FOREM'], // Hainaut
  [61, 64, 'FOREM'], // Liège
  [81, 85, 'FOREM'], // Luxembourg
  [91, 93, 'FOREM'], // Namur
];

/**
 * The nine municipalities of the German-speaking Community (province of Liège): since 2016 the
 * Community, not the Walloon Region, holds the employment competence, and the deliberation names
 * no recipient for it.
 */
export const GERMAN_SPEAKING_MUNICIPALITIES: ReadonlyMap<string, string> = new Map([
  ['63001', 'Amel'],
  ['63012', 'Büllingen'],
  ['63013', 'Bütgenbach'],
  ['63023', 'Eupen'],
  ['63040', 'Kelmis'],
  ['63048', 'Lontzen'],
  ['63061', 'Raeren'],
  ['63067', 'Sankt Vith'],
  ['63087', 'Burg-Reuland'],
]);

export type Route =
  | { readonly kind: 'recipient'; readonly recipient: Recipient }
  | { readonly kind: 'no-authorised-recipient' }
  | { readonly kind: 'unknown-municipality' };

const UNKNOWN: Route = { kind: 'unknown-municipality' };
const NO_RECIPIENT: Route = { kind: 'no-authorised-recipient' };
const BY_PREFIX: ReadonlyMap<number, Route> = new Map(
  PROVINCE_RECIPIENT.flatMap(([from, to, recipient]) =>
    Array.from({ length: to - from + 1 }, (_, i) => [from + i, { kind: 'recipient', recipient } as Route] as const),
  ),
);

/** Routes a (normalised, trimmed) NIS code to its recipient, to nobody, or to an unknown municipality. */
export function routeMunicipality(nis: string): Route {
  if (nis.length !== 5 || digitsValue(nis, 0, 5) < 0) return UNKNOWN;
  if (GERMAN_SPEAKING_MUNICIPALITIES.has(nis)) return NO_RECIPIENT;
  return BY_PREFIX.get(digitsValue(nis, 0, 2)) ?? UNKNOWN;
}
