import type { z } from 'zod';
import { MESSAGE_TYPES } from '../../messages/envelope';
import {
  type CorrectionDecisionMessage,
  type CorrectionRequestInbound,
  correctionDecisionSchema,
  correctionRequestInboundSchema,
  envelopeSchema,
  type MessageRefusalCode,
  messageIdSchema,
  type ValidationDecisionInbound,
  validationDecisionInboundSchema,
} from '../../messages/return-flow-schemas';
import type { Channel } from './return-message';

/**
 * Reading a return message off its channel (messages.md): JSON, the envelope, a type this channel's
 * sender may send, then the type's strict schema. Each failure has its refusal code, and the checks
 * run in the order in which the codes win when several apply: MALFORMED_MESSAGE, WRONG_CHANNEL (a
 * type that another sender sends), INVALID_FIELD; the use cases go on from there.
 */

/** The types each channel's sender may send to the hub. */
export const CHANNEL_TYPES: Readonly<Record<Channel, readonly string[]>> = {
  VDAB: ['validation.decision', 'correction.request'],
  ACTIRIS: ['validation.decision', 'correction.request'],
  PPS: ['correction.decision'],
};

export type InboundMessage =
  | { readonly type: 'validation.decision'; readonly message: ValidationDecisionInbound }
  | { readonly type: 'correction.request'; readonly message: CorrectionRequestInbound }
  | { readonly type: 'correction.decision'; readonly message: CorrectionDecisionMessage };

export type ParsedInbound =
  | { readonly ok: true; readonly inbound: InboundMessage }
  | {
      readonly ok: false;
      readonly code: MessageRefusalCode;
      readonly detail: string;
      /** The sender's `messageId`, when the body carried a usable one. */
      readonly messageId?: string;
      readonly type?: string;
    };

const INBOUND_SCHEMAS = {
  'validation.decision': validationDecisionInboundSchema,
  'correction.request': correctionRequestInboundSchema,
  'correction.decision': correctionDecisionSchema,
} as const;

/** Where a message broke its schema, by field name and rule: never the value (it may be an INSZ). */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 10)
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(message)';
      const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(',')}` : '';
      return `${path}: ${issue.code}${keys}`;
    })
    .join('; ');
}

/**
 * The body's `messageId` when it is usable, that is when it keeps the envelope's rule (a string of
 * 1–128 characters), whatever else is wrong with the body. When it is not, `message.refused` names
 * the SQS message id instead (messages.md).
 */
export function usableMessageId(value: unknown): string | undefined {
  return typeof value === 'string' && messageIdSchema.safeParse(value).success ? value : undefined;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);

/**
 * Parses the body of a message received on `channel`. `typeAttribute` is the SQS message attribute
 * `type`, when the sender set it: it must agree with the body.
 */
export function parseInbound(channel: Channel, body: string, typeAttribute?: string): ParsedInbound {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, code: 'MALFORMED_MESSAGE', detail: 'body is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'MALFORMED_MESSAGE', detail: 'body is not a JSON object' };
  }
  const fields = raw as Record<string, unknown>;
  const messageId = usableMessageId(fields.messageId);
  const claimedType = typeof fields.type === 'string' ? fields.type.slice(0, 64) : undefined;
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    return {
      ok: false,
      code: 'MALFORMED_MESSAGE',
      detail: `envelope: ${describeIssues(envelope.error.issues)}`,
      messageId,
      type: claimedType,
    };
  }
  const { type } = envelope.data;
  if (typeAttribute !== undefined && typeAttribute !== type) {
    return { ok: false, code: 'MALFORMED_MESSAGE', detail: 'the SQS attribute type differs from the body type', messageId, type };
  }
  if (!CHANNEL_TYPES[channel].includes(type)) {
    // A type of messages.md that another sender sends (another party, or the hub itself: a
    // `batch.records` on an inbound queue) claims to be that sender: the channel says otherwise.
    // Only a type that messages.md does not know is malformed.
    return KNOWN_TYPES.has(type)
      ? { ok: false, code: 'WRONG_CHANNEL', detail: `${type} is not sent by ${channel}`, messageId, type }
      : { ok: false, code: 'MALFORMED_MESSAGE', detail: 'unknown type', messageId, type };
  }
  const schema = INBOUND_SCHEMAS[type as keyof typeof INBOUND_SCHEMAS];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, code: 'INVALID_FIELD', detail: describeIssues(parsed.error.issues), messageId, type };
  }
  return { ok: true, inbound: { type, message: parsed.data } as InboundMessage };
}
