import { digitsValue, isValidInsz, isValidKbo, normaliseInsz, normaliseKbo } from '../checksums';
import { formatCents, parseAmountCents } from '../money';
import { isMunicipalityInPeriod } from '../municipalities';
import { ALL_FIELDS, OPTIONAL_FIELDS, type RecordField, type Regulation } from '../recipients';
import { type Route, routeMunicipality } from '../routing';
import type { ReasonCode } from './codes';

/**
 * Validation of one row of an inbound file (spec monthly-batch §2–§5, §7). Every reason found is
 * reported, as a set; a field breaks at most one rule (an absent required field is only
 * `MISSING_FIELD`; a value that is not a string, or holds a forbidden character, is only
 * `INVALID_FIELD`).
 */

/**
 * A valid row: normalised values (KBO and INSZ as bare digits, trimmed strings, the amount with
 * exactly two decimals), in the order of ALL_FIELDS, and its amount in cents.
 */
export interface ValidatedRow {
  readonly values: Readonly<Partial<Record<RecordField, string>>>;
  readonly regulation: Regulation;
  readonly route: Route & { kind: 'recipient' | 'no-authorised-recipient' };
  readonly amountCents: number;
}

export type RowValidation =
  | { readonly valid: true; readonly row: ValidatedRow; readonly reference: string }
  | { readonly valid: false; readonly codes: ReadonlySet<ReasonCode>; readonly reference: string | null };

/** Length limits (Unicode code points) of the free-text and code columns. */
const TEXT_RULES: Partial<Record<RecordField, number>> = {
  ocmwName: 120,
  fileNumber: 50,
  reference: 64,
  paymentType: 40,
  decidingOrganisation: 40,
  budgetArticle: 40,
  assistanceType: 40,
  paymentRecipient: 40,
  employmentType: 40,
  employmentPlace: 120,
  workSchedule: 40,
  activationType: 40,
  socialEconomyInitiativeNumber: 40,
  socialEconomyInitiativeName: 120,
};

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether `value` is `YYYY-MM-DD` and a real calendar date (year 0001 or later). */
export function isCalendarDate(value: string): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const year = digitsValue(value, 0, 4);
  const month = digitsValue(value, 5, 7);
  const day = digitsValue(value, 8, 10);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0));
}

/** Whether `value` is a well-formed period `YYYY-MM`. */
export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

export interface ValidationContext {
  /** The file's period (§7), null when it has none; a well-formed `period` that differs is `PERIOD_MISMATCH`. */
  readonly filePeriod: string | null;
  /** Processing time, for the INSZ century rule. */
  readonly now: Date;
  /** Remembers every reference seen earlier in the file; returns whether it was seen before. */
  readonly seenBefore: (reference: string) => boolean;
}

// The rules per column, as arrays indexed like ALL_FIELDS: the loop below runs once per field of
// every row of a million-row file, so it allocates nothing it does not keep.
const FIELDS: readonly RecordField[] = ALL_FIELDS;
const AMOUNT_INDEX = FIELDS.indexOf('amount');
const IS_REQUIRED: readonly boolean[] = FIELDS.map((field) => !OPTIONAL_FIELDS.includes(field));
const MAX_LENGTH: readonly number[] = FIELDS.map((field) => TEXT_RULES[field] ?? Number.POSITIVE_INFINITY);
const DATE_RANGES = [
  ['performanceStart', 'performanceEnd'],
  ['accountingStart', 'accountingEnd'],
] as const;

function exceedsCodePoints(value: string, max: number): boolean {
  // A string's UTF-16 length bounds its code points: count them only when it could matter.
  return value.length > max && [...value].length > max;
}

/**
 * Validates one row against every rule of §2–§5 and §7 and, when it is valid, normalises it.
 * `values` is null for a malformed row (`MALFORMED_ROW`, no reference).
 */
export function validateRow(
  values: Readonly<Partial<Record<RecordField, unknown>>> | null,
  context: ValidationContext,
  /** The row's text when it came from one physical line (CSV): one scan for forbidden characters then serves every field. */
  rowText?: string,
): RowValidation {
  if (values === null) return { valid: false, codes: new Set(['MALFORMED_ROW']), reference: null };
  const row = FIELD_READER.reset(rowText === undefined || hasForbiddenCharacter(rowText));
  // One object literal in the order of ALL_FIELDS (the record of a full view, §6), read with
  // named properties: a million rows a file make this the hot path. Absent fields are undefined.
  const out: Partial<Record<RecordField, string>> = {
    period: row.read(values.period, 0),
    ocmwKbo: row.read(values.ocmwKbo, 1),
    ocmwNis: row.read(values.ocmwNis, 2),
    ocmwName: row.read(values.ocmwName, 3),
    regulation: row.read(values.regulation, 4),
    fileNumber: row.read(values.fileNumber, 5),
    insz: row.read(values.insz, 6),
    beneficiaryRole: row.read(values.beneficiaryRole, 7),
    performanceStart: row.read(values.performanceStart, 8),
    performanceEnd: row.read(values.performanceEnd, 9),
    accountingStart: row.read(values.accountingStart, 10),
    accountingEnd: row.read(values.accountingEnd, 11),
    reference: row.read(values.reference, 12),
    amount: row.read(values.amount, 13),
    paymentType: row.read(values.paymentType, 14),
    decidingOrganisation: row.read(values.decidingOrganisation, 15),
    budgetArticle: row.read(values.budgetArticle, 16),
    assistanceType: row.read(values.assistanceType, 17),
    paymentRecipient: row.read(values.paymentRecipient, 18),
    employmentType: row.read(values.employmentType, 19),
    employmentPlace: row.read(values.employmentPlace, 20),
    workSchedule: row.read(values.workSchedule, 21),
    activationType: row.read(values.activationType, 22),
    socialEconomyInitiativeNumber: row.read(values.socialEconomyInitiativeNumber, 23),
    socialEconomyInitiativeName: row.read(values.socialEconomyInitiativeName, 24),
  };

  // The reference stood on this row whatever becomes of it (§7 DUPLICATE_REFERENCE), unless the
  // field itself is broken (a forbidden character, over 64 characters): then INVALID_FIELD is its
  // only code (§2). A later row with the same broken text is broken the same way.
  const rawReference = values.reference;
  const reference = typeof rawReference === 'string' && rawReference.length > 0 ? trimmed(rawReference) || null : null;
  if (out.reference !== undefined && context.seenBefore(out.reference)) row.fail('DUPLICATE_REFERENCE');

  if (out.period !== undefined) {
    if (!isPeriod(out.period)) row.fail('INVALID_DATE');
    else if (out.period !== context.filePeriod) row.fail('PERIOD_MISMATCH');
  }

  if (out.ocmwKbo !== undefined) {
    const kbo = normaliseKbo(out.ocmwKbo);
    if (kbo === null || !isValidKbo(kbo)) row.fail('INVALID_KBO');
    else out.ocmwKbo = kbo;
  }

  if (out.insz !== undefined) {
    const insz = normaliseInsz(out.insz);
    if (insz === null || !isValidInsz(insz, context.now)) row.fail('INVALID_INSZ');
    else out.insz = insz;
  }

  let route: Route | undefined;
  if (out.ocmwNis !== undefined) {
    route = routeMunicipality(out.ocmwNis);
    // A code with a recipient is still unknown when it was no municipality in the file's period (§5).
    if (route.kind === 'unknown-municipality' || !isMunicipalityInPeriod(out.ocmwNis, context.filePeriod)) row.fail('UNKNOWN_MUNICIPALITY');
  }

  const regulation = out.regulation;
  if (regulation !== undefined && regulation !== 'ART60_7' && regulation !== 'ART57QUATER' && regulation !== 'ART61')
    row.fail('INVALID_REGULATION');
  if (out.beneficiaryRole !== undefined && out.beneficiaryRole !== 'PRIMARY' && out.beneficiaryRole !== 'SECONDARY') {
    row.fail('INVALID_BENEFICIARY_ROLE');
  }

  for (const [start, end] of DATE_RANGES) {
    const from = out[start];
    const to = out[end];
    const fromValid = from === undefined || isCalendarDate(from);
    const toValid = to === undefined || isCalendarDate(to);
    if (!fromValid || !toValid) row.fail('INVALID_DATE');
    if (from !== undefined && to !== undefined && fromValid && toValid && from > to) row.fail('INVALID_DATE_RANGE');
  }

  let amountCents: number | null = null;
  if (out.amount !== undefined) {
    amountCents = parseAmountCents(out.amount);
    if (amountCents === null) row.fail('INVALID_AMOUNT');
    // The normalised amount: exactly two decimals, as recipients receive it (§6).
    else if (!isCanonicalAmount(out.amount, amountCents)) out.amount = formatCents(amountCents);
  }

  if (row.codes !== undefined || route === undefined || route.kind === 'unknown-municipality' || amountCents === null) {
    return { valid: false, codes: row.codes ?? new Set(), reference };
  }
  return {
    valid: true,
    reference: reference ?? '',
    row: { values: out, regulation: regulation as Regulation, route, amountCents },
  };
}

/**
 * Reads one field as the spec says: trimmed; empty or null is absent; a JSON number only for
 * `amount`, in its shortest decimal form (`String(n)`: `1e400` is `Infinity`, an INVALID_AMOUNT);
 * any other non-string, a forbidden character or a length over the limit is INVALID_FIELD and
 * nothing else for that field (undefined: not checked further); a required field absent is
 * MISSING_FIELD.
 */
class FieldReader {
  codes: Set<ReasonCode> | undefined;
  private checkCharacters = true;

  /** Starts a row; `checkCharacters` false when the whole row is known to hold no forbidden character. */
  reset(checkCharacters: boolean): this {
    this.codes = undefined;
    this.checkCharacters = checkCharacters;
    return this;
  }

  fail(code: ReasonCode): void {
    this.codes ??= new Set();
    this.codes.add(code);
  }

  read(raw: unknown, index: number): string | undefined {
    let text: string;
    if (typeof raw === 'string') text = raw;
    else if (raw === undefined || raw === null) text = '';
    else if (index === AMOUNT_INDEX && typeof raw === 'number') text = String(raw);
    else {
      this.fail('INVALID_FIELD');
      return undefined;
    }
    const value = trimmed(text);
    if (value.length === 0) {
      if (IS_REQUIRED[index]) this.fail('MISSING_FIELD');
      return undefined;
    }
    if (this.checkCharacters && hasForbiddenCharacter(value)) {
      this.fail('INVALID_FIELD');
      return undefined;
    }
    if (exceedsCodePoints(value, MAX_LENGTH[index] as number)) {
      this.fail('INVALID_FIELD'); // too long: broken too, so not checked further (a reference not for duplicates)
      return undefined;
    }
    return value;
  }
}

/** Whether a well-formed amount is already written as {@link formatCents} writes it (`1234.50`). */
function isCanonicalAmount(text: string, cents: number): boolean {
  const length = text.length;
  if (length < 4 || text.charCodeAt(length - 3) !== 46) return false;
  const start = text.charCodeAt(0) === 45 ? 1 : 0;
  if (text.charCodeAt(start) === 48 && start + 1 !== length - 3) return false; // a leading zero
  return !(start === 1 && cents === 0); // "-0.00" is "0.00"
}

// validateRow is synchronous and not re-entrant: one reader serves every row.
const FIELD_READER = new FieldReader();

// The characters no value may hold (§2): control characters U+0000–U+001F and U+007F, Unicode
// noncharacters (U+FDD0–U+FDEF, U+xFFFE and U+xFFFF of every plane) and lone surrogates. SUSPECT
// is a first pass without the `u` flag (one class of code units: measured as cheap per row as the
// control-character scan it replaced); it also matches every surrogate, paired or not, so a text
// it flags is checked again by FORBIDDEN, which reads code points. Only texts with characters
// outside the BMP (emoji) take that second pass, and pass it unless they hold a noncharacter of
// planes 1–16 or a lone surrogate.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are part of what this finds
const SUSPECT = /[\u0000-\u001f\u007f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are part of what this finds
const FORBIDDEN = /[\u0000-\u001f\u007f\p{Noncharacter_Code_Point}\p{Surrogate}]/u;

/** Whether `text` holds a character no value may hold (§2): a control character, a noncharacter or a lone surrogate. */
export function hasForbiddenCharacter(text: string): boolean {
  return SUSPECT.test(text) && FORBIDDEN.test(text);
}

/** `String.prototype.trim`, skipped when the value starts and ends with a visible ASCII character. */
function trimmed(text: string): string {
  const length = text.length;
  if (length === 0) return text;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(length - 1);
  return first > 32 && first < 127 && last > 32 && last < 127 ? text : text.trim();
}
