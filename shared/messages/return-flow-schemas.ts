import { z } from 'zod';
import { isValidKbo } from '../domain/checksums';
import { REGULATIONS, RETURNING_RECIPIENTS } from '../domain/recipients';
import { SCHEMA_VERSION } from './envelope';
import { MESSAGE_EXAMPLES } from './examples';

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
/**
 * A recipient's reason code (messages.md `reasonCode`): 1–40 characters `A`–`Z`, `0`–`9` and `_`,
 * never free text, so that it cannot carry a name or a number about a person.
 */
export const reasonCodeSchema = z.string().regex(/^[A-Z0-9_]{1,40}$/);
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
    type: z.literal(type).describe(`The message type, \`${type}\`; also the SQS message attribute \`type\`.`),
    schemaVersion: z.literal(SCHEMA_VERSION).describe('The version of this message schema.'),
    messageId: messageIdSchema.describe(
      "Stable id, the sender's: the same message sent again carries the same id, so a reader drops duplicates by it (the hub also sends it as the SQS message attribute `messageId`).",
    ),
    sentAt: instantSchema.describe('When the sender sent the message, an ISO 8601 instant with an offset.'),
  };
}

/** The fields of a validation decision as the recipient writes them (messages.md). */
const validationDecisionFields = {
  decisionId: messageIdSchema.describe("The recipient's id of this decision, unique per decision; received again, it is a no-op."),
  reference: referenceSchema.describe('The `reference` of the delivered payment line decided on; it names the line (no national number).'),
  fileNumber: fileNumberSchema.describe('The `fileNumber` of that delivered payment line, as delivered.'),
  decision: z.enum(['VALIDATED', 'REFUSED']).describe('Whether the recipient validates or refuses the payment line (§11, §12, §22).'),
  reasonCode: reasonCodeSchema
    .optional()
    .describe(
      "The recipient's reason code: 1–40 characters `A`–`Z`, `0`–`9` and `_`, never free text (it cannot carry a name or a number about a person); optional.",
    ),
  decidedAt: instantSchema.describe('When the recipient decided, ISO 8601 with an offset; the latest decision of a line is its status.'),
};

/** The fields of §3 of return-flows.md, every one required. */
const correctionFields = {
  requesterKbo: kboSchema.describe("The enterprise number (KBO) of VDAB or Actiris, the requester; must be the channel's recipient's."),
  ocmwKbo: kboSchema.describe("The OCMW/CPAS's enterprise number (KBO), as delivered on the line; it names the OCMW concerned."),
  regulation: regulationSchema.describe('The applicable regulation, as delivered on the line and granted to the requester.'),
  fileNumber: fileNumberSchema.describe("The OCMW's file number (het dossiernummer), as delivered on the line."),
  insz: inszSchema.describe('The national number (INSZ/NISS) of the person, 11 bare digits, as delivered on the line.'),
  kind: z
    .enum(['RECOVERY', 'ARREARS'])
    .describe('A recovery when too much was paid, arrears when too little (recuperatie dan wel achterstal).'),
  effectiveDate: isoDateSchema.describe('The date the correction takes effect (de ingangsdatum), `YYYY-MM-DD`.'),
  performanceStart: isoDateSchema.describe('First day of the performance period corrected, `YYYY-MM-DD`.'),
  performanceEnd: isoDateSchema.describe('Last day of the performance period corrected, not before `performanceStart`.'),
  reference: referenceSchema.describe('The `reference` of the payment line delivered to the requester that is to be corrected.'),
  amount: correctionAmountSchema.describe(
    'The amount to correct (het te verbeteren bedrag) in euros: strictly positive, at most two decimals, no sign; the hub sends two decimals.',
  ),
  budgetArticle: codeSchema.describe("The budget article (het begrotingsartikel), the PPS's code, 1–40 characters."),
};
const { requesterKbo: _requesterKbo, ...correctionFieldsButRequester } = correctionFields;

/** Recipient → hub: `validation.decision`. */
export const validationDecisionInboundSchema = z
  .strictObject({
    ...envelopeOf('validation.decision'),
    ...validationDecisionFields,
  })
  .describe("VDAB or Actiris → hub, on the recipient's inbound queue: its decision on a delivered payment line (return-flows §2).")
  .meta({ examples: [MESSAGE_EXAMPLES['validation.decision.inbound']] });
/** Hub → PPS: `validation.decision`, with the recipient the channel named. */
export const validationDecisionPpsSchema = z
  .strictObject({
    ...envelopeOf('validation.decision'),
    ...validationDecisionFields,
    recipient: returningRecipientSchema.describe('The recipient that decided: the channel the decision came on, never a field it wrote.'),
  })
  .describe("Hub → PPS, on the PPS's outbound queue: an accepted validation decision of VDAB or Actiris, passed on.")
  .meta({ examples: [MESSAGE_EXAMPLES['validation.decision.pps']] });
/** Recipient → hub: `correction.request`. */
export const correctionRequestInboundSchema = z
  .strictObject({
    ...envelopeOf('correction.request'),
    requestId: messageIdSchema.describe(
      "The requester's id of this request, unique per request: resent with the same content it is a no-op, with other content `DUPLICATE_REQUEST`.",
    ),
    ...correctionFields,
  })
  .describe("VDAB or Actiris → hub, on the recipient's inbound queue: a request to correct a delivered payment (return-flows §3).")
  .meta({ examples: [MESSAGE_EXAMPLES['correction.request.inbound']] });
/** Hub → PPS: `correction.request`, with the hub's `correctionId` and not the sender's `requestId`. */
export const correctionRequestPpsSchema = z
  .strictObject({
    ...envelopeOf('correction.request'),
    correctionId: messageIdSchema.describe("The hub's id of the correction; the PPS's `correction.decision` names it."),
    recipient: returningRecipientSchema.describe('The recipient that asked: the channel the request came on.'),
    ...correctionFields,
  })
  .describe(
    "Hub → PPS, on the PPS's outbound queue: an accepted correction request, with the hub's `correctionId` (not the sender's `requestId`).",
  )
  .meta({ examples: [MESSAGE_EXAMPLES['correction.request.pps']] });
/** PPS → hub: `correction.decision`. */
export const correctionDecisionSchema = z
  .strictObject({
    ...envelopeOf('correction.decision'),
    correctionId: messageIdSchema.describe("The hub's `correctionId` of the request decided on."),
    decision: z.enum(['APPROVED', 'REJECTED']).describe("The PPS's decision, once per correction (§15)."),
    decidedAt: instantSchema.describe('When the PPS decided; the same decision at the same instant sent again is a no-op.'),
  })
  .describe("PPS → hub, on the PPS's inbound queue: the decision on a correction request (return-flows §3).")
  .meta({ examples: [MESSAGE_EXAMPLES['correction.decision']] });
/** Hub → requester: `correction.outcome`, the outcome and only the outcome (§15). */
export const correctionOutcomeSchema = z
  .strictObject({
    ...envelopeOf('correction.outcome'),
    requestId: messageIdSchema.describe("The requester's own `requestId` of the request decided on."),
    decision: z.enum(['APPROVED', 'REJECTED']).describe("The PPS's decision on it, and nothing more (§15)."),
  })
  .describe("Hub → VDAB or Actiris, on the requester's outbound queue: the outcome of its correction request, and only the outcome.")
  .meta({ examples: [MESSAGE_EXAMPLES['correction.outcome']] });
/** Hub → OCMW: `correction.approved`, the fields of §3 but `requesterKbo`. */
export const correctionApprovedSchema = z
  .strictObject({
    ...envelopeOf('correction.approved'),
    correctionId: messageIdSchema.describe("The hub's id of the approved correction."),
    ...correctionFieldsButRequester,
  })
  .describe(
    'Hub → OCMW, on the OCMW queue the PPS reads: an approved correction, its fields but `requesterKbo` (`ocmwKbo` names the OCMW).',
  )
  .meta({ examples: [MESSAGE_EXAMPLES['correction.approved']] });
/** Hub → sender: `message.refused`, why and nothing more. */
export const messageRefusedSchema = z
  .strictObject({
    ...envelopeOf('message.refused'),
    refusedMessageId: z
      .string()
      .min(1)
      .max(128)
      .describe(
        "The refused message's `messageId`, or, when its body has no usable one, the SQS message id `SendMessage` returned to its sender.",
      ),
    code: messageRefusalCodeSchema.describe('Why it was refused: the first rule broken, in the order of messages.md.'),
  })
  .describe("Hub → sender, on the sender's outbound queue: the sender's message was refused, and why; nothing more.")
  .meta({ examples: [MESSAGE_EXAMPLES['message.refused']] });

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
