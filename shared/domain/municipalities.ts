import { digitsValue } from './checksums';
import { REFNIS_MUNICIPALITIES_CSV } from './municipalities-table';

/**
 * Which NIS codes were Belgian municipalities in which month (spec monthly-batch §5): a code is
 * known for a month when Statbel's REFNIS lists it as a municipality on at least one day of that
 * month. The table is the project's own copy of REFNIS (`municipalities-table.ts`, written by
 * `npm run refnis`); this module reads it once, when first imported.
 *
 * Which recipient a municipality's rows go to is another question, answered by `routing.ts`.
 */

/** One validity span of a municipality code, as the table writes it. */
export interface MunicipalitySpan {
  /** The five-digit NIS code, as text. */
  readonly nis: string;
  readonly nameNl: string;
  readonly nameFr: string;
  /** First day of validity, `YYYY-MM-DD`, inclusive. */
  readonly validFrom: string;
  /** Last day of validity, `YYYY-MM-DD`, inclusive; null while the code is still valid. */
  readonly validTo: string | null;
}

/** The table's header line, in the format of the REFNIS extract the contract is given with. */
export const MUNICIPALITY_TABLE_HEADER = 'nis;name_nl;name_fr;valid_from;valid_to';

const NIS = /^\d{5}$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * Reads a municipality table (`nis;name_nl;name_fr;valid_from;valid_to`, `;`-separated, no
 * quoting, LF line ends, an empty `valid_to` for an open span). Strict: anything else throws, naming
 * the line, so that a broken table never loads.
 */
export function parseMunicipalityTable(text: string): MunicipalitySpan[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== MUNICIPALITY_TABLE_HEADER) throw new Error(`municipality table: the header is not ${MUNICIPALITY_TABLE_HEADER}`);
  const spans: MunicipalitySpan[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = (lines[i] as string).split(';');
    const [nis, nameNl, nameFr, validFrom, validTo] = cells;
    const where = `municipality table, line ${i + 1}`;
    if (cells.length !== 5 || nis === undefined || nameNl === undefined || nameFr === undefined) {
      throw new Error(`${where}: not 5 cells`);
    }
    if (!NIS.test(nis)) throw new Error(`${where}: the NIS code is not five digits`);
    if (nameNl === '' || nameFr === '') throw new Error(`${where}: a name is empty`);
    if (validFrom === undefined || !ISO_DATE.test(validFrom)) throw new Error(`${where}: valid_from is not YYYY-MM-DD`);
    if (validTo === undefined || (validTo !== '' && !ISO_DATE.test(validTo))) throw new Error(`${where}: valid_to is not YYYY-MM-DD`);
    if (validTo !== '' && validTo < validFrom) throw new Error(`${where}: valid_to is before valid_from`);
    spans.push({ nis, nameNl, nameFr, validFrom, validTo: validTo === '' ? null : validTo });
  }
  return spans;
}

/** Every span of the project's table, sorted by code, then start. */
export const MUNICIPALITY_SPANS: readonly MunicipalitySpan[] = parseMunicipalityTable(REFNIS_MUNICIPALITIES_CSV);

/** A month as one number: `year * 12 + month - 1` (January 2025 is 24300). */
export type MonthNumber = number;

/** The month number of a well-formed `YYYY-MM` (or of the month of a `YYYY-MM-DD`), else -1. */
export function monthNumberOf(periodOrDate: string): MonthNumber {
  if (periodOrDate.length < 7 || periodOrDate.charCodeAt(4) !== 45) return -1;
  const year = digitsValue(periodOrDate, 0, 4);
  const month = digitsValue(periodOrDate, 5, 7);
  if (year < 0 || month < 1 || month > 12) return -1;
  return year * 12 + month - 1;
}

/** The month after every month: the end of an open span. */
const OPEN_END: MonthNumber = Number.MAX_SAFE_INTEGER;

/** A table of municipality spans, indexed for the question "was this code a municipality in that month?". */
export class MunicipalityCalendar {
  /**
   * Code → its spans as month numbers, `[from, to, from, to, …]`, both inclusive: the months with at
   * least one day of validity. Built once; a lookup allocates nothing.
   */
  private readonly months = new Map<string, MonthNumber[]>();

  constructor(spans: readonly MunicipalitySpan[]) {
    for (const span of spans) {
      const months = this.months.get(span.nis) ?? [];
      months.push(monthNumberOf(span.validFrom), span.validTo === null ? OPEN_END : monthNumberOf(span.validTo));
      this.months.set(span.nis, months);
    }
  }

  /**
   * Whether `nis` was a municipality on at least one day of `month`; with `month` null (a file
   * without a period), whether it was one at any time in the table.
   */
  isMunicipalityIn(nis: string, month: MonthNumber | null): boolean {
    const months = this.months.get(nis);
    if (months === undefined) return false;
    if (month === null) return true;
    for (let i = 0; i < months.length; i += 2) {
      if ((months[i] as number) <= month && month <= (months[i + 1] as number)) return true;
    }
    return false;
  }

  /** The codes that were municipalities on at least one day of `month`, sorted. */
  codesIn(month: MonthNumber | null): string[] {
    return [...this.months.keys()].filter((nis) => this.isMunicipalityIn(nis, month)).sort();
  }
}

/** The project's table, indexed. */
export const MUNICIPALITIES = new MunicipalityCalendar(MUNICIPALITY_SPANS);

// The file's period, parsed once: every row of a file asks with the same period.
let lastPeriod: string | null = null;
let lastMonth: MonthNumber | null = null;

/**
 * Whether `nis` was a municipality in the file's period `YYYY-MM` (§5, §7). A period that is null,
 * or not a well-formed `YYYY-MM`, is no period: then any code the table ever lists is known. The
 * period's month is remembered between calls, so the check of a row is one string comparison and
 * one map lookup.
 */
export function isMunicipalityInPeriod(nis: string, period: string | null): boolean {
  if (period !== lastPeriod) {
    const month = period === null || period.length !== 7 ? -1 : monthNumberOf(period);
    lastMonth = month < 0 ? null : month;
    lastPeriod = period;
  }
  return MUNICIPALITIES.isMunicipalityIn(nis, lastMonth);
}
