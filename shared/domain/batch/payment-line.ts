import { isValidInsz, isValidKbo, normaliseInsz, normaliseKbo } from '../checksums';
import { ALL_FIELDS, OPTIONAL_FIELDS, REGULATIONS, type RecordField, type Regulation } from '../recipients';
import { routeMunicipality, type Route } from '../routing';
import { parseAmountCents } from '../money';
import type { ReasonCode } from './codes';

/**
 * Validation of one row into a payment line (spec monthly-batch §2–§5, §7). Every reason found is
 * reported, as a set; a field breaks at most one rule (an absent required field is only
 * `MISSING_FIELD`; a value that is not a string, or holds a control character, is only
 * `INVALID_FIELD`).
 */

/** A valid row: normalised values (KBO and INSZ as bare digits, trimmed strings) and its amount in cents. */
export interface PaymentLine {
  readonly values: Readonly<Partial<Record<RecordField, string>>>;
  readonly regulation: Regulation;
  readonly route: Route & { kind: 'recipient' | 'no-authorised-recipient' };
  readonly amountCents: number;
}

export type RowValidation =
  | { readonly valid: true; readonly line: PaymentLine; readonly reference: string }
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

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
// Control characters U+0000–U+001F and U+007F (§2).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Whether `value` is `YYYY-MM-DD` and a real calendar date. */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth && year >= 1;
}

/** Whether `value` is a well-formed period `YYYY-MM`. */
export function isPeriod(value: string): boolean {
  return PERIOD.test(value);
}

function codePointLength(value: string, max: number): number {
  // A string's UTF-16 length bounds its code points: count them only when it could matter.
  return value.length <= max ? value.length : [...value].length;
}

export interface ValidationContext {
  /** The file's period (§7); a well-formed `period` that differs is `PERIOD_MISMATCH`. */
  readonly filePeriod: string;
  /** Processing time, for the INSZ century rule. */
  readonly now: Date;
  /** Remembers every reference seen earlier in the file; returns whether it was seen before. */
  readonly seenBefore: (reference: string) => boolean;
}

const REQUIRED: ReadonlySet<RecordField> = new Set(ALL_FIELDS.filter((field) => !OPTIONAL_FIELDS.includes(field)));


/**
 * Reads a field as the spec says: trimmed; empty is absent; `null` (NDJSON) is absent; a JSON
 * number is accepted for `amount` only, in its shortest decimal form; any other non-string, or
 * a control character, is `INVALID_FIELD`.
 */
function readField(field: RecordField, raw: unknown): { value?: string; invalid?: true } {
  if (raw === undefined || raw === null) return {};
  let text: string;
  if (typeof raw === 'string') text = raw;
  else if (field === 'amount' && typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else return { invalid: true };
  const value = text.trim();
  if (value.length === 0) return {};
  if (CONTROL.test(value)) return { invalid: true };
  return { value };
}

/**
 * Validates one row against every rule of §2–§5 and §7 and, when it is valid, normalises it into
 * a payment line. `values` is null for a malformed row (`MALFORMED_ROW`, no reference).
 */
export function validateRow(values: Readonly<Partial<Record<RecordField, unknown>>> | null, context: ValidationContext): RowValidation {
  if (values === null) return { valid: false, codes: new Set(['MALFORMED_ROW']), reference: null };
  const codes = new Set<ReasonCode>();
  const out: Partial<Record<RecordField, string>> = {};

  for (const field of ALL_FIELDS) {
    const read = readField(field, values[field]);
    if (read.invalid) {
      codes.add('INVALID_FIELD');
      continue;
    }
    if (read.value === undefined) {
      if (REQUIRED.has(field)) codes.add('MISSING_FIELD');
      continue;
    }
    out[field] = read.value;
  }

  // The reference stood on this row whatever becomes of it (§7 DUPLICATE_REFERENCE).
  const rawReference = values.reference;
  const reference = typeof rawReference === 'string' && rawReference.trim().length > 0 ? rawReference.trim() : null;
  if (reference !== null && context.seenBefore(reference)) codes.add('DUPLICATE_REFERENCE');

  for (const [field, max] of Object.entries(TEXT_RULES) as Array<[RecordField, number]>) {
    const value = out[field];
    if (value !== undefined && codePointLength(value, max) > max) codes.add('INVALID_FIELD');
  }

  if (out.period !== undefined) {
    if (!isPeriod(out.period)) codes.add('INVALID_DATE');
    else if (out.period !== context.filePeriod) codes.add('PERIOD_MISMATCH');
  }

  if (out.ocmwKbo !== undefined) {
    const kbo = normaliseKbo(out.ocmwKbo);
    if (kbo === null || !isValidKbo(kbo)) codes.add('INVALID_KBO');
    else out.ocmwKbo = kbo;
  }

  if (out.insz !== undefined) {
    const insz = normaliseInsz(out.insz);
    if (insz === null || !isValidInsz(insz, context.now)) codes.add('INVALID_INSZ');
    else out.insz = insz;
  }

  let route: Route | undefined;
  if (out.ocmwNis !== undefined) {
    route = routeMunicipality(out.ocmwNis);
    if (route.kind === 'unknown-municipality') codes.add('UNKNOWN_MUNICIPALITY');
  }

  if (out.regulation !== undefined && !(REGULATIONS as readonly string[]).includes(out.regulation)) codes.add('INVALID_REGULATION');
  if (out.beneficiaryRole !== undefined && out.beneficiaryRole !== 'PRIMARY' && out.beneficiaryRole !== 'SECONDARY') {
    codes.add('INVALID_BENEFICIARY_ROLE');
  }

  for (const [start, end] of [
    ['performanceStart', 'performanceEnd'],
    ['accountingStart', 'accountingEnd'],
  ] as const) {
    const from = out[start];
    const to = out[end];
    const fromValid = from === undefined || isCalendarDate(from);
    const toValid = to === undefined || isCalendarDate(to);
    if (!fromValid || !toValid) codes.add('INVALID_DATE');
    if (from !== undefined && to !== undefined && fromValid && toValid && from > to) codes.add('INVALID_DATE_RANGE');
  }

  let amountCents: number | null = null;
  if (out.amount !== undefined) {
    amountCents = parseAmountCents(out.amount);
    if (amountCents === null) codes.add('INVALID_AMOUNT');
  }

  if (codes.size > 0 || route === undefined || route.kind === 'unknown-municipality' || amountCents === null) {
    return { valid: false, codes, reference };
  }
  return {
    valid: true,
    reference: reference ?? '',
    line: { values: out, regulation: out.regulation as Regulation, route, amountCents },
  };
}
