import { envelope, toOutbound } from '../../messages/envelope';
import type { MessageRefusalCode, MessageRefusedMessage } from '../../messages/return-flow-schemas';
import type { Clock, MessagePublisher } from '../../ports';
import { expiresAtEpochSeconds } from '../retention';
import type { ReturnFlowConfig } from './config';
import { refusedMessageIdOf } from './ids';
import type { Channel, ChannelMessage } from './return-message';

/**
 * A refused message changes no state and goes nowhere (messages.md): the hub keeps it with its
 * code for an operator, and tells its sender with `message.refused` on the sender's outbound queue.
 */

/** A refused return message, kept for an operator (messages.md; return-flows §5). */
export interface RefusedMessage {
  readonly channel: Channel;
  /** The sender's `messageId`, or the SQS message id when the body named none. */
  readonly refusedMessageId: string;
  readonly code: MessageRefusalCode;
  /** Which rule it broke, in words and field names: never a value from the message. */
  readonly detail: string;
  readonly messageType?: string;
  /** When SQS received it (stable across retries, so that recording it again is idempotent). */
  readonly receivedAt: string;
  readonly recordedAt: string;
  /** The message as received, for the operator; destroyed with the record. */
  readonly body: string;
  /** Epoch seconds (§5); a store never returns an expired refusal. */
  readonly expiresAt: number;
}

/** The refused messages, per channel. */
export interface RefusedMessageStore {
  /** Idempotent: recording the same refusal again overwrites it with itself. */
  record(refused: RefusedMessage): Promise<void>;
  list(channel: Channel, now: Date): Promise<RefusedMessage[]>;
}

/** What refusing a message needs. */
export interface RefusalDeps {
  readonly refused: RefusedMessageStore;
  readonly publisher: MessagePublisher;
  readonly clock: Clock;
  readonly config: ReturnFlowConfig;
}

/** Why a message is refused, and what of it could be read. */
export interface RefusalReason {
  readonly code: MessageRefusalCode;
  readonly detail: string;
  /** The sender's `messageId`, when the body carried a usable one. */
  readonly messageId?: string;
  readonly type?: string;
}

/** What the sender is told: why, and nothing more. */
export function refusedNotice(channel: Channel, refusedMessageId: string, code: MessageRefusalCode, sentAt: Date): MessageRefusedMessage {
  return { ...envelope('message.refused', refusedMessageIdOf(channel, refusedMessageId), sentAt), refusedMessageId, code };
}

/** The outbound queue of the sender of a channel. */
export function senderQueueUrl(config: ReturnFlowConfig, channel: Channel): string {
  return channel === 'PPS' ? config.queueUrls.ppsOutbound : config.queueUrls.recipientOutbound[channel];
}

/**
 * Refuses a message: keeps it for an operator, then tells its sender. Idempotent: the refusal is
 * keyed by when SQS received the message, the same on every delivery of it.
 */
export async function refuseMessage(
  deps: RefusalDeps,
  channel: Channel,
  message: ChannelMessage,
  reason: RefusalReason,
): Promise<RefusedMessage> {
  const now = deps.clock();

  // 1. Keep it for an operator, with the retention of refused messages.
  const receivedAt = new Date(message.sentTimestampMs);
  const refused: RefusedMessage = {
    channel,
    refusedMessageId: reason.messageId ?? message.sqsMessageId,
    code: reason.code,
    detail: reason.detail,
    ...(reason.type !== undefined ? { messageType: reason.type } : {}),
    receivedAt: receivedAt.toISOString(),
    recordedAt: now.toISOString(),
    body: message.body,
    expiresAt: expiresAtEpochSeconds(receivedAt, deps.config.refusedRetentionDays),
  };
  await deps.refused.record(refused);

  // 2. Tell its sender why, on the sender's outbound queue.
  await deps.publisher.publish(senderQueueUrl(deps.config, channel), [
    toOutbound(refusedNotice(channel, refused.refusedMessageId, refused.code, deps.clock())),
  ]);
  return refused;
}
