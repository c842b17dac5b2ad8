import { z } from 'zod';
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

/** The rule of each field of a delivered record, in its normalised form (§2, §6). */
const FIELD_RULES: Readonly<Record<RecordField, z.ZodType<string>>> = {
  period: periodSchema,
  ocmwKbo: z.string().regex(/^[01]\d{9}$/),
  ocmwNis: z.string().regex(/^\d{5}$/),
  ocmwName: text(120),
  regulation: z.enum(REGULATIONS),
  fileNumber: text(50),
  insz: z.string().regex(/^\d{11}$/),
  beneficiaryRole: z.enum(['PRIMARY', 'SECONDARY']),
  performanceStart: dateSchema,
  performanceEnd: dateSchema,
  accountingStart: dateSchema,
  accountingEnd: dateSchema,
  reference: text(64),
  amount: recordAmountSchema,
  paymentType: text(40),
  decidingOrganisation: text(40),
  budgetArticle: text(40),
  assistanceType: text(40),
  paymentRecipient: text(40),
  employmentType: text(40),
  employmentPlace: text(120),
  workSchedule: text(40),
  activationType: text(40),
  socialEconomyInitiativeNumber: text(40),
  socialEconomyInitiativeName: text(120),
};

/**
 * The record a recipient may receive: exactly the keys of its view (optional ones optional), and
 * only the regulations granted to it.
 */
function recordSchemaFor(recipient: Recipient) {
  const shape: Record<string, z.ZodType<string | undefined>> = {};
  for (const field of RECIPIENT_VIEWS[recipient]) {
    const rule = field === 'regulation' ? z.enum(GRANTED_REGULATIONS[recipient] as [string, ...string[]]) : FIELD_RULES[field];
    shape[field] = OPTIONAL_FIELDS.includes(field) ? rule.optional() : rule;
  }
  return z.strictObject(shape).describe(`A payment line as ${recipient} receives it (monthly-batch §6)`);
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

function envelopeOf<T extends 'batch.records' | 'batch.completed'>(type: T) {
  return {
    type: z.literal(type),
    schemaVersion: z.literal(SCHEMA_VERSION),
    messageId: messageIdSchema,
    sentAt: instantSchema,
  };
}

/** `batch.records` to one recipient: its records, numbered by `seq` within the batch. */
function batchRecordsSchemaFor(recipient: Recipient) {
  return z
    .strictObject({
      ...envelopeOf('batch.records'),
      batchId: batchIdSchema,
      period: periodSchema,
      recipient: z.literal(recipient),
      seq: z.number().int().min(1),
      records: z.array(RECORD_SCHEMAS[recipient]).min(1),
    })
    .describe(`Hub → ${recipient}: records of a monthly batch (messages.md)`);
}

/** `batch.completed` to one recipient: counts, and sums only for a recipient that receives amounts. */
function batchCompletedSchemaFor(recipient: Recipient) {
  const common = {
    ...envelopeOf('batch.completed'),
    batchId: batchIdSchema,
    period: periodSchema,
    recipient: z.literal(recipient),
    messages: countSchema,
    records: countSchema,
  };
  const description = `Hub → ${recipient}: end of a monthly batch (messages.md)`;
  if (!receivesAmounts(recipient)) return z.strictObject(common).describe(description);
  return z
    .strictObject({
      ...common,
      /** Sum of the delivered amounts in cents, an integer string such as `"-1205"`. */
      amountCents: z.string().regex(/^(0|-?[1-9]\d*)$/),
      /** The same sum in euros, exactly two decimals. */
      amount: z.string().regex(/^-?(0|[1-9]\d*)\.\d{2}$/),
    })
    .describe(description);
}

/**
 * Every monthly batch message, by schema name `<type>.<recipient>`. The JSON Schema files in
 * `schemas/` are generated from this registry.
 */
export const BATCH_MESSAGE_SCHEMAS = {
  'batch.records.VDAB': batchRecordsSchemaFor('VDAB'),
  'batch.records.ACTIRIS': batchRecordsSchemaFor('ACTIRIS'),
  'batch.records.FOREM': batchRecordsSchemaFor('FOREM'),
  'batch.completed.VDAB': batchCompletedSchemaFor('VDAB'),
  'batch.completed.ACTIRIS': batchCompletedSchemaFor('ACTIRIS'),
  'batch.completed.FOREM': batchCompletedSchemaFor('FOREM'),
} as const;
export type BatchSchemaName = keyof typeof BATCH_MESSAGE_SCHEMAS;
