/**
 * The envelope every message on a queue carries (spec messages.md). Message ids are stable:
 * the same message sent again has the same id, so a reader drops duplicates by it.
 */

export const SCHEMA_VERSION = 1 as const;

export const MESSAGE_TYPES = [
  'batch.records',
  'batch.completed',
  'correction.outcome',
  'message.refused',
  'validation.decision',
  'correction.request',
  'correction.decision',
  'correction.approved',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface Envelope<T extends MessageType = MessageType> {
  readonly type: T;
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly messageId: string;
  /** ISO 8601 instant with offset. */
  readonly sentAt: string;
}

/** Builds the envelope fields of a message. `sentAt` is given in UTC with a `Z` offset. */
export function envelope<T extends MessageType>(type: T, messageId: string, sentAt: Date): Envelope<T> {
  return { type, schemaVersion: SCHEMA_VERSION, messageId, sentAt: sentAt.toISOString() };
}

/** A message ready for a queue: its body, and the id and type that also go out as SQS attributes. */
export interface OutboundMessage {
  readonly messageId: string;
  readonly type: MessageType;
  /** The JSON body, at most {@link MAX_MESSAGE_BYTES} bytes in UTF-8. */
  readonly body: string;
}

/** One SQS billing unit: a message never exceeds it, so ten fit one SendMessageBatch (1 MiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Serialises an envelope-carrying message for a queue. */
export function toOutbound<T extends Envelope>(message: T): OutboundMessage {
  return { messageId: message.messageId, type: message.type, body: JSON.stringify(message) };
}
