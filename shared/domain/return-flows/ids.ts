import { createHash } from 'node:crypto';
import type { ReturningRecipient } from '../recipients';
import type { Channel } from './return-message';

/**
 * Stable ids of what the hub sends (messages.md: the same message sent again carries the same
 * id). Each is derived from the business key of what caused it, so that a retry after a crash
 * sends the very same message and a reader drops the duplicate.
 */

function digest(...parts: string[]): string {
  // A separator that cannot occur in a part keeps ("a b", "c") and ("a", "b c") apart.
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** The hub's id of a correction, from who asked and the sender's `requestId`. */
export function correctionIdOf(requester: ReturningRecipient, requestId: string): string {
  return `cor-${digest('correction', requester, requestId)}`;
}

/** The id of a validation decision passed on to the PPS. */
export function forwardedDecisionMessageId(recipient: ReturningRecipient, reference: string, decisionId: string): string {
  return `vd-${digest('validation.decision', recipient, reference, decisionId)}`;
}

/** The id of a correction request passed on to the PPS. */
export function forwardedCorrectionMessageId(correctionId: string): string {
  return `cr-${digest('correction.request', correctionId)}`;
}

/** The id of the outcome told to the requester. */
export function outcomeMessageId(correctionId: string): string {
  return `co-${digest('correction.outcome', correctionId)}`;
}

/** The id of the approved correction passed on to the OCMW. */
export function approvedMessageId(correctionId: string): string {
  return `ca-${digest('correction.approved', correctionId)}`;
}

/** The id of the `message.refused` that answers a refused message. */
export function refusedMessageIdOf(channel: Channel, refusedMessageId: string): string {
  return `mr-${digest('message.refused', channel, refusedMessageId)}`;
}

/** SHA-256 of a value's canonical JSON (keys sorted): equal content, equal hash. */
export function contentHash(value: Readonly<Record<string, unknown>>): string {
  const canonical = JSON.stringify(
    Object.keys(value)
      .sort()
      .map((key) => [key, value[key]]),
  );
  return createHash('sha256').update(canonical).digest('hex');
}
