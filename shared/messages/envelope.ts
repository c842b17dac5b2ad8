/**
 * The envelope every message on a queue carries (spec messages.md). Message ids are stable:
 * the same message sent again has the same id, so a reader drops duplicates by it.
 */

export const SCHEMA_VERSION = 1 as const;

export const MESSAGE_TYPES = [
  'batch.records',
  'batch.completed',
  'batch.outcome',
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
  /** The JSON body as {@link queueJson} writes it, at most {@link MAX_MESSAGE_BYTES} bytes in UTF-8. */
  readonly body: string;
}

/** One SQS billing unit: a message never exceeds it, so ten fit one SendMessageBatch (1 MiB). */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** Serialises an envelope-carrying message for a queue. */
export function toOutbound<T extends Envelope>(message: T): OutboundMessage {
  return { messageId: message.messageId, type: message.type, body: queueJson(message) };
}

// The characters JSON.stringify writes as they are that a body must not carry raw: the surrogates
// (every character outside the BMP is a pair of them) and U+FFFE, U+FFFF, which SQS refuses.
const RAW_UNSAFE = /[\ud800-\udfff\ufffe\uffff]/;
const RAW_UNSAFE_ALL = /[\ud800-\udfff\ufffe\uffff]/g;

function unicodeEscape(unit: string): string {
  return `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * JSON text as a queue carries it: every character outside the BMP written as its two `\uXXXX`
 * escapes (an emoji 😀 as `\ud83d\ude00`), and U+FFFE, U+FFFF as one. JSON.parse reads the very
 * same value, so a recipient receives every string unchanged; the body itself then holds only
 * characters of the BMP that SQS accepts, and that an emulator with a narrower set accepts too
 * (fauxqs refuses characters outside the BMP, which AWS accepts). One code path, in AWS and
 * locally alike.
 *
 * `json` must be JSON text: outside strings JSON has only ASCII, so escaping there is exact.
 */
export function escapeForQueue(json: string): string {
  return RAW_UNSAFE.test(json) ? json.replace(RAW_UNSAFE_ALL, unicodeEscape) : json;
}

/** `JSON.stringify` for a queue: see {@link escapeForQueue}. Sizes are counted on this text. */
export function queueJson(value: unknown): string {
  return escapeForQueue(JSON.stringify(value));
}
