import { z } from 'zod';
import { isValidKbo } from '../domain/checksums';
import { REGULATIONS, RETURNING_RECIPIENTS } from '../domain/recipients';
import { SCHEMA_VERSION } from './envelope';

/**
 * The messages of the return flows (spec messages.md, return-flows.md §2, §3), as zod schemas.
 * Every object is strict: a key that the contract does not name is refused. Values are in their
 * normalised form (KBO and INSZ as bare digits), as the hub itself sends them. Rules that need the
 * clock or a delivered payment line (the INSZ check digits, start ≤ end, "as delivered") are the
 * domain's (shared/domain/return-flows), not the schema's.
 */

/** Refusal codes for messages sent to the hub (messages.md). */
export const MESSAGE_REFUSAL_CODES = [
  'MALFORMED_MESSAGE',
  'INVALID_FIELD',
  'WRONG_CHANNEL',
  'REGULATION_NOT_GRANTED',
  'UNKNOWN_LINE',
  'LINE_MISMATCH',
  'UNKNOWN_CORRECTION',
  'ALREADY_DECIDED',
  'DUPLICATE_REQUEST',
] as const;
export type MessageRefusalCode = (typeof MESSAGE_REFUSAL_CODES)[number];

/** A message id: the same message sent again carries the same id. */
export const messageIdSchema = z.string().min(1).max(128);
/** ISO 8601 instant with an offset (`Z` or `±hh:mm`). */
export const instantSchema = z.iso.datetime({ offset: true });
/** ISO calendar date `YYYY-MM-DD` that exists. */
export const isoDateSchema = z.iso.date();
/** A KBO/BCE enterprise number, 10 bare digits with valid check digits. */
export const kboSchema = z
  .string()
  .regex(/^[01]\d{9}$/)
  .refine(isValidKbo, { message: 'invalid KBO check digits' });
/** An INSZ/NISS as 11 bare digits (the check digits depend on the clock: the domain checks them). */
export const inszSchema = z.string().regex(/^\d{11}$/);
/** Euros, strictly positive, at most two decimals, no sign, no decimal comma (kept in cents). */
export const correctionAmountSchema = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,2})?$/)
  .refine((value) => /[1-9]/.test(value), { message: 'amount must be strictly positive' });
/** A PPS code: any 1–40 characters. */
export const codeSchema = z.string().min(1).max(40);
export const referenceSchema = z.string().min(1).max(64);
export const fileNumberSchema = z.string().min(1).max(50);
export const regulationSchema = z.enum(REGULATIONS);
export const returningRecipientSchema = z.enum(RETURNING_RECIPIENTS);
export const messageRefusalCodeSchema = z.enum(MESSAGE_REFUSAL_CODES);

/** The envelope of every message, as loose as needed to read `type` before the body is checked. */
export const envelopeSchema = z.object({
  type: z.string().min(1),
  schemaVersion: z.literal(SCHEMA_VERSION),
  messageId: messageIdSchema,
  sentAt: instantSchema,
});

function envelopeOf<T extends string>(type: T) {
  return {
    type: z.literal(type),
    schemaVersion: z.literal(SCHEMA_VERSION),
    messageId: messageIdSchema,
    sentAt: instantSchema,
  };
}

/** The fields of a validation decision as the recipient writes them (messages.md). */
const validationDecisionFields = {
  decisionId: messageIdSchema,
  reference: referenceSchema,
  fileNumber: fileNumberSchema,
  decision: z.enum(['VALIDATED', 'REFUSED']),
  reasonCode: codeSchema.optional(),
  decidedAt: instantSchema,
};

/** The fields of §3 of return-flows.md, every one required. */
const correctionFields = {
  requesterKbo: kboSchema,
  ocmwKbo: kboSchema,
  regulation: regulationSchema,
  fileNumber: fileNumberSchema,
  insz: inszSchema,
  kind: z.enum(['RECOVERY', 'ARREARS']),
  effectiveDate: isoDateSchema,
  performanceStart: isoDateSchema,
  performanceEnd: isoDateSchema,
  reference: referenceSchema,
  amount: correctionAmountSchema,
  budgetArticle: codeSchema,
};
const { requesterKbo: _requesterKbo, ...correctionFieldsButRequester } = correctionFields;

/** Recipient → hub: `validation.decision`. */
export const validationDecisionInboundSchema = z.strictObject({
  ...envelopeOf('validation.decision'),
  ...validationDecisionFields,
});
/** Hub → PPS: `validation.decision`, with the recipient the channel named. */
export const validationDecisionPpsSchema = z.strictObject({
  ...envelopeOf('validation.decision'),
  ...validationDecisionFields,
  recipient: returningRecipientSchema,
});
/** Recipient → hub: `correction.request`. */
export const correctionRequestInboundSchema = z.strictObject({
  ...envelopeOf('correction.request'),
  requestId: messageIdSchema,
  ...correctionFields,
});
/** Hub → PPS: `correction.request`, with the hub's `correctionId` and not the sender's `requestId`. */
export const correctionRequestPpsSchema = z.strictObject({
  ...envelopeOf('correction.request'),
  correctionId: messageIdSchema,
  recipient: returningRecipientSchema,
  ...correctionFields,
});
/** PPS → hub: `correction.decision`. */
export const correctionDecisionSchema = z.strictObject({
  ...envelopeOf('correction.decision'),
  correctionId: messageIdSchema,
  decision: z.enum(['APPROVED', 'REJECTED']),
  decidedAt: instantSchema,
});
/** Hub → requester: `correction.outcome`, the outcome and only the outcome (§15). */
export const correctionOutcomeSchema = z.strictObject({
  ...envelopeOf('correction.outcome'),
  requestId: messageIdSchema,
  decision: z.enum(['APPROVED', 'REJECTED']),
});
/** Hub → OCMW: `correction.approved`, the fields of §3 but `requesterKbo`. */
export const correctionApprovedSchema = z.strictObject({
  ...envelopeOf('correction.approved'),
  correctionId: messageIdSchema,
  ...correctionFieldsButRequester,
});
/** Hub → sender: `message.refused`, why and nothing more. */
export const messageRefusedSchema = z.strictObject({
  ...envelopeOf('message.refused'),
  refusedMessageId: z.string().min(1).max(128),
  code: messageRefusalCodeSchema,
});

export type ValidationDecisionInbound = z.infer<typeof validationDecisionInboundSchema>;
export type ValidationDecisionPps = z.infer<typeof validationDecisionPpsSchema>;
export type CorrectionRequestInbound = z.infer<typeof correctionRequestInboundSchema>;
export type CorrectionRequestPps = z.infer<typeof correctionRequestPpsSchema>;
export type CorrectionDecisionMessage = z.infer<typeof correctionDecisionSchema>;
export type CorrectionOutcomeMessage = z.infer<typeof correctionOutcomeSchema>;
export type CorrectionApprovedMessage = z.infer<typeof correctionApprovedSchema>;
export type MessageRefusedMessage = z.infer<typeof messageRefusedSchema>;

/**
 * Every return-flow message, by schema name. The JSON Schema files are generated from this
 * registry (`z.toJSONSchema`); names say the type and, where one type has two shapes, the leg.
 */
export const RETURN_FLOW_MESSAGE_SCHEMAS = {
  'validation.decision.inbound': validationDecisionInboundSchema,
  'validation.decision.pps': validationDecisionPpsSchema,
  'correction.request.inbound': correctionRequestInboundSchema,
  'correction.request.pps': correctionRequestPpsSchema,
  'correction.decision': correctionDecisionSchema,
  'correction.outcome': correctionOutcomeSchema,
  'correction.approved': correctionApprovedSchema,
  'message.refused': messageRefusedSchema,
} as const;
export type ReturnFlowSchemaName = keyof typeof RETURN_FLOW_MESSAGE_SCHEMAS;
