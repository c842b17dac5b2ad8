/**
 * Who may receive what (spec monthly-batch §1 and §6; deliberation §13, §14, §23).
 * This file is the one place that says which regulations and which fields each recipient
 * is granted. Everything that builds a record for a recipient reads these tables.
 */

export const RECIPIENTS = ['VDAB', 'ACTIRIS', 'FOREM'] as const;
export type Recipient = (typeof RECIPIENTS)[number];

export const REGULATIONS = ['ART60_7', 'ART57QUATER', 'ART61'] as const;
export type Regulation = (typeof REGULATIONS)[number];

/** Regulations each recipient may receive (§13, §14). */
export const GRANTED_REGULATIONS: Readonly<Record<Recipient, readonly Regulation[]>> = {
  VDAB: ['ART60_7', 'ART57QUATER', 'ART61'],
  ACTIRIS: ['ART60_7'],
  FOREM: ['ART60_7'],
};

/** Fields of the parties' identity, granted to every recipient (§13). */
const IDENTITY_FIELDS = ['period', 'ocmwKbo', 'ocmwNis', 'ocmwName', 'regulation', 'fileNumber', 'insz', 'beneficiaryRole'] as const;

/** The payment fields of §13 that VDAB and Actiris receive; FOREM gets none of them ("Betalingen: nihil"). */
const PAYMENT_FIELDS = [
  'performanceStart',
  'performanceEnd',
  'accountingStart',
  'accountingEnd',
  'reference',
  'amount',
  'paymentType',
  'decidingOrganisation',
  'budgetArticle',
  'assistanceType',
  'paymentRecipient',
  'employmentType',
  'employmentPlace',
  'workSchedule',
  'activationType',
  'socialEconomyInitiativeNumber',
  'socialEconomyInitiativeName',
] as const;

export type IdentityField = (typeof IDENTITY_FIELDS)[number];
export type PaymentField = (typeof PAYMENT_FIELDS)[number];
export type RecordField = IdentityField | PaymentField;

/** Every field of a payment line, in the order recipients' records list them. */
export const ALL_FIELDS: readonly RecordField[] = [...IDENTITY_FIELDS, ...PAYMENT_FIELDS];

/** Fields present only when the PPS filled them in. */
export const OPTIONAL_FIELDS: readonly RecordField[] = ['socialEconomyInitiativeNumber', 'socialEconomyInitiativeName'];

/**
 * The minimised view of each recipient (§6): exactly these keys and no other.
 * FOREM gets the performance period as the employment period its calculator needs (§10, §23).
 */
export const RECIPIENT_VIEWS: Readonly<Record<Recipient, readonly RecordField[]>> = {
  VDAB: ALL_FIELDS,
  ACTIRIS: ALL_FIELDS,
  FOREM: [...IDENTITY_FIELDS, 'performanceStart', 'performanceEnd'],
};

/** Whether a recipient receives amounts, so that its report and `batch.completed` carry sums. */
export function receivesAmounts(recipient: Recipient): boolean {
  return RECIPIENT_VIEWS[recipient].includes('amount');
}

/** Whether the deliberation grants `regulation` to `recipient`. */
export function isGranted(recipient: Recipient, regulation: Regulation): boolean {
  return GRANTED_REGULATIONS[recipient].includes(regulation);
}

/** Recipients that send validations and corrections back (return-flows §1): FOREM has no inbound channel. */
export const RETURNING_RECIPIENTS = ['VDAB', 'ACTIRIS'] as const satisfies readonly Recipient[];
export type ReturningRecipient = (typeof RETURNING_RECIPIENTS)[number];

export function isRecipient(value: unknown): value is Recipient {
  return typeof value === 'string' && (RECIPIENTS as readonly string[]).includes(value);
}
export function isRegulation(value: unknown): value is Regulation {
  return typeof value === 'string' && (REGULATIONS as readonly string[]).includes(value);
}

/** A minimised record as a recipient receives it: only keys of its view, values as normalised strings. */
export type RecipientRecord = Readonly<Partial<Record<RecordField, string>>>;
