import { z } from 'zod';
import { FILE_REFUSAL_CODES } from '../domain/batch/codes';
import { OUTCOME_DETAIL_MAX_CHARS } from '../domain/batch/outcome';
import {
  GRANTED_REGULATIONS,
  OPTIONAL_FIELDS,
  RECIPIENT_VIEWS,
  REGULATIONS,
  type Recipient,
  type RecordField,
  receivesAmounts,
} from '../domain/recipients';
import { SCHEMA_VERSION } from './envelope';
import { MESSAGE_EXAMPLES, RECORD_EXAMPLES } from './examples';

/**
 * The hub → recipient messages of the monthly batch (spec messages.md; monthly-batch §6), as strict
 * zod schemas: a key the contract does not grant is refused. The record schemas are derived from
 * RECIPIENT_VIEWS, OPTIONAL_FIELDS and GRANTED_REGULATIONS, so those tables stay the single source
 * of who receives what. Every rule here is expressible in JSON Schema, so that the published schema
 * files (`npm run schemas`) say exactly what these say.
 */

/**
 * A normalised text value (monthly-batch §2): trimmed, no control character (U+0000–U+001F, U+007F),
 * 1–`max` characters counted as code points (the `u` flag, here and in JSON Schema).
 */
function text(max: number): z.ZodString {
  const inner = '[^\\u0000-\\u001f\\u007f]';
  const edge = '[^\\s\\u0000-\\u001f\\u007f]';
  return z.string().regex(new RegExp(`^${edge}(?:${inner}{0,${max - 2}}${edge})?$`, 'u'));
}

const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
/** A real calendar date `YYYY-MM-DD`. */
const dateSchema = z.iso.date();
/** Euros with exactly two decimals, as recipients receive them (§6): `"1234.50"`, `"-12.00"`. */
const recordAmountSchema = z.string().regex(/^-?\d{1,9}\.\d{2}$/);

/** The rule of each field of a delivered record, in its normalised form (§2, §6), with what it means. */
const FIELD_RULES: Readonly<Record<RecordField, z.ZodType<string>>> = {
  period: periodSchema.describe('The month the payment line belongs to (de maand en het jaar), `YYYY-MM`.'),
  ocmwKbo: z
    .string()
    .regex(/^[01]\d{9}$/)
    .describe("The OCMW/CPAS's enterprise number (KBO/BCE), 10 bare digits with valid check digits."),
  ocmwNis: z
    .string()
    .regex(/^\d{5}$/)
    .describe("The NIS code (REFNIS) of the OCMW's municipality, 5 digits; it decides the recipient (monthly-batch §5)."),
  ocmwName: text(120).describe('The name of the OCMW/CPAS (de benaming van het OCMW), 1–120 characters.'),
  regulation: z.enum(REGULATIONS).describe('The applicable regulation (de toepasselijke regelgeving).'),
  fileNumber: text(50).describe("The OCMW's file number for the person (het dossiernummer), 1–50 characters."),
  insz: z
    .string()
    .regex(/^\d{11}$/)
    .describe('The national number (INSZ/NISS) of the person, 11 bare digits with valid check digits (monthly-batch §3).'),
  beneficiaryRole: z.enum(['PRIMARY', 'SECONDARY']).describe('Whether the person is the primary or secondary beneficiary.'),
  performanceStart: dateSchema.describe('First day of the performance period (de prestatieperiode); for FOREM, of the employment period.'),
  performanceEnd: dateSchema.describe('Last day of the performance period; not before `performanceStart`.'),
  accountingStart: dateSchema.describe('First day of the accounting period (de boekhoudperiode).'),
  accountingEnd: dateSchema.describe('Last day of the accounting period; not before `accountingStart`.'),
  reference: text(64).describe(
    "The PPS's reference of this payment line (de referentie), never reused for another line; return messages name the line by it.",
  ),
  amount: recordAmountSchema.describe('The amount paid (het betaalde bedrag) in euros, exactly two decimals; negative for a reversal.'),
  paymentType: text(40).describe("The type of payment (het type betaling), the PPS's code."),
  decidingOrganisation: text(40).describe("The deciding organisation (de beslissende organisatie), the PPS's code."),
  budgetArticle: text(40).describe("The budget article (het begrotingsartikel), the PPS's code."),
  assistanceType: text(40).describe("The type of assistance (het type bijstand), the PPS's code."),
  paymentRecipient: text(40).describe("To whom the payment went (de bestemmeling van de betaling), the PPS's code."),
  employmentType: text(40).describe("The type of employment (het type tewerkstelling), the PPS's code."),
  employmentPlace: text(120).describe('Where the person is employed (de plaats van tewerkstelling), 1–120 characters.'),
  workSchedule: text(40).describe('The work schedule (het uurrooster), 1–40 characters.'),
  activationType: text(40).describe("The type of activation and guidance (het type activering en begeleiding), the PPS's code."),
  socialEconomyInitiativeNumber: text(40).describe('The number of the social economy initiative, when the PPS gave one.'),
  socialEconomyInitiativeName: text(120).describe('The name of that social economy initiative, when the PPS gave one.'),
};

/**
 * The record a recipient may receive: exactly the keys of its view (optional ones optional), and
 * only the regulations granted to it.
 */
function recordSchemaFor(recipient: Recipient) {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const field of RECIPIENT_VIEWS[recipient]) {
    const rule =
      field === 'regulation'
        ? z
            .enum(GRANTED_REGULATIONS[recipient] as [string, ...string[]])
            .describe(`The applicable regulation (de toepasselijke regelgeving), one granted to ${recipient}.`)
        : FIELD_RULES[field];
    shape[field] = OPTIONAL_FIELDS.includes(field) ? rule.optional() : rule;
  }
  return z
    .strictObject(shape)
    .describe(`A payment line as ${recipient} receives it: exactly these fields, values normalised (monthly-batch §6).`)
    .meta({ examples: [RECORD_EXAMPLES[recipient]] });
}

/** Per recipient, the schema of one delivered record. */
export const RECORD_SCHEMAS = {
  VDAB: recordSchemaFor('VDAB'),
  ACTIRIS: recordSchemaFor('ACTIRIS'),
  FOREM: recordSchemaFor('FOREM'),
} as const satisfies Record<Recipient, z.ZodType>;

/** A message id: stable, the same message sent again carries the same id. */
const messageIdSchema = z.string().min(1).max(256);
/** ISO 8601 instant with an offset (`Z` or `±hh:mm`). */
const instantSchema = z.iso.datetime({ offset: true });
const batchIdSchema = z.string().min(1).max(128);
const countSchema = z.number().int().min(0);
/** A sum of amounts in cents, as an integer string. */
const AMOUNT_CENTS_SCHEMA = z.string().regex(/^(0|-?[1-9]\d*)$/);

function envelopeOf<T extends 'batch.records' | 'batch.completed' | 'batch.outcome'>(type: T) {
  return {
    type: z.literal(type).describe(`The message type, \`${type}\`; also the SQS message attribute \`type\`.`),
    schemaVersion: z.literal(SCHEMA_VERSION).describe('The version of this message schema.'),
    messageId: messageIdSchema.describe(
      'Stable id: the same message sent again carries the same id, so a reader drops duplicates by it; also the SQS message attribute `messageId`.',
    ),
    sentAt: instantSchema.describe('When the hub sent the message, an ISO 8601 instant with an offset.'),
  };
}

const batchFields = (recipient: Recipient) => ({
  batchId: batchIdSchema.describe("The batch: the SHA-256 (hex) of the file's bytes; the same bytes are one batch under any key."),
  period: periodSchema.describe("The batch's month, `YYYY-MM`."),
  recipient: z.literal(recipient).describe('The recipient, whose outbound queue carries the message.'),
});

/** `batch.records` to one recipient: its records, numbered by `seq` within the batch. */
function batchRecordsSchemaFor(recipient: Recipient) {
  return z
    .strictObject({
      ...envelopeOf('batch.records'),
      ...batchFields(recipient),
      seq: z
        .number()
        .int()
        .min(1)
        .describe(
          '1, 2, … within this batch and recipient; the batch is complete when `batch.completed.messages` distinct `seq` are there.',
        ),
      records: z.array(RECORD_SCHEMAS[recipient]).min(1).describe('One or more delivered records, in no particular order.'),
    })
    .describe(`Hub → ${recipient}: records of a monthly batch (messages.md)`)
    .meta({ examples: [MESSAGE_EXAMPLES[`batch.records.${recipient}`]] });
}

/** `batch.completed` to one recipient: counts, and sums only for a recipient that receives amounts. */
function batchCompletedSchemaFor(recipient: Recipient) {
  const common = {
    ...envelopeOf('batch.completed'),
    ...batchFields(recipient),
    messages: countSchema.describe(
      'How many `batch.records` messages this batch sent this recipient: a reader is complete when it holds this many distinct `seq`.',
    ),
    records: countSchema.describe('How many records those messages hold together.'),
  };
  const description = `Hub → ${recipient}: end of a monthly batch; it may arrive before the records it counts (messages.md)`;
  const examples = [MESSAGE_EXAMPLES[`batch.completed.${recipient}`]];
  if (!receivesAmounts(recipient)) return z.strictObject(common).describe(description).meta({ examples });
  return z
    .strictObject({
      ...common,
      amountCents: AMOUNT_CENTS_SCHEMA.describe('Sum of the delivered amounts in cents, an integer string such as `"-1205"`.'),
      amount: z
        .string()
        .regex(/^-?(0|[1-9]\d*)\.\d{2}$/)
        .describe('The same sum in euros, exactly two decimals.'),
    })
    .describe(description)
    .meta({ examples });
}

const OUTCOME_EXAMPLE = MESSAGE_EXAMPLES['batch.outcome'];

/** One recipient's line of `perRecipient`, as in the report (monthly-batch §8). */
function outcomeRecipientSchema(recipient: Recipient) {
  const common = {
    records: countSchema.describe(`Records delivered to ${recipient} (for FOREM, the distinct records sent).`),
    withheld: countSchema.describe(`Valid rows of ${recipient}'s region withheld: their regulation is not granted to ${recipient}.`),
  };
  const examples = [OUTCOME_EXAMPLE.perRecipient[recipient]];
  const description = `What ${recipient} received of the file.`;
  if (!receivesAmounts(recipient)) return z.strictObject(common).describe(description).meta({ examples });
  return z
    .strictObject({
      ...common,
      amountCents: AMOUNT_CENTS_SCHEMA.describe('Sum of the delivered amounts in cents, an integer string such as `"-1205"`.'),
    })
    .describe(description)
    .meta({ examples });
}

/** `batch.outcome` to the PPS: what became of a file it dropped, without a national number or the issues list. */
const batchOutcomeSchema = z
  .strictObject({
    ...envelopeOf('batch.outcome'),
    batchId: batchIdSchema.describe("The batch: the SHA-256 (hex) of the file's bytes; the same bytes are one batch under any key."),
    period: periodSchema
      .nullable()
      .describe("The file's month, `YYYY-MM`, from its key; `null` when the key names none (a file refused `UNSUPPORTED_FILE`, say)."),
    source: z.string().min(1).max(1024).describe('The key of the object the PPS dropped in the inbound bucket.'),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe("The SHA-256 of the object's bytes, 64 lowercase hex digits."),
    refused: z
      .enum(FILE_REFUSAL_CODES)
      .nullable()
      .describe('Why the whole file was refused (monthly-batch §7), nothing of it delivered; `null` when it was accepted.'),
    refusedDetail: z
      .string()
      .min(1)
      .max(OUTCOME_DETAIL_MAX_CHARS)
      .nullable()
      .describe(
        "One English sentence that locates the refusal's cause, never a cell's content (the report's `refusedDetail`); `null` when accepted.",
      ),
    rows: countSchema.describe('Rows read (for a refused file, those read before the refusal).'),
    delivered: countSchema.describe('Rows delivered to a recipient; 0 for a refused file.'),
    withheld: countSchema.describe("Valid rows whose regulation is not granted to their region's recipient."),
    unroutable: countSchema.describe('Valid rows whose municipality has no authorised recipient (`NO_AUTHORISED_RECIPIENT`).'),
    rejected: countSchema.describe('Invalid rows; the report lists each with its codes.'),
    perRecipient: z
      .strictObject({
        VDAB: outcomeRecipientSchema('VDAB'),
        ACTIRIS: outcomeRecipientSchema('ACTIRIS'),
        FOREM: outcomeRecipientSchema('FOREM'),
      })
      .describe('For each recipient, as in the report.')
      .meta({ examples: [OUTCOME_EXAMPLE.perRecipient] }),
    reportKey: z
      .string()
      .min(1)
      .max(1024)
      .describe("The report's key in the reports bucket, which the PPS may read: its issues say what became of each row."),
    duplicateOf: batchIdSchema
      .nullable()
      .describe(
        "`null`, or, when these bytes were received before under another key, the first batch's `batchId`: nothing was delivered again, and the counts and `reportKey` are the first batch's.",
      ),
  })
  .describe("Hub → PPS, on the PPS's outbound queue: what became of a file the PPS dropped, once its report is written (messages.md)")
  .meta({ examples: [OUTCOME_EXAMPLE] });

/**
 * Every monthly batch message, by schema name: `<type>.<recipient>` for what a recipient receives,
 * `batch.outcome` for the PPS. The JSON Schema files in `schemas/` are generated from this registry.
 */
export const BATCH_MESSAGE_SCHEMAS = {
  'batch.records.VDAB': batchRecordsSchemaFor('VDAB'),
  'batch.records.ACTIRIS': batchRecordsSchemaFor('ACTIRIS'),
  'batch.records.FOREM': batchRecordsSchemaFor('FOREM'),
  'batch.completed.VDAB': batchCompletedSchemaFor('VDAB'),
  'batch.completed.ACTIRIS': batchCompletedSchemaFor('ACTIRIS'),
  'batch.completed.FOREM': batchCompletedSchemaFor('FOREM'),
  'batch.outcome': batchOutcomeSchema,
} as const;
export type BatchSchemaName = keyof typeof BATCH_MESSAGE_SCHEMAS;
