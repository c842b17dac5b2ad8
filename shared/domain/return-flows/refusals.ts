import { envelope, toOutbound } from '../../messages/envelope';
import type { MessageRefusalCode, MessageRefusedMessage } from '../../messages/return-flow-schemas';
import { expiresAtEpochSeconds } from '../retention';
import type { ReturnFlowDeps } from './deps';
import { refusedMessageIdOf } from './ids';
import type { Channel, RefusedMessage } from './model';

/**
 * A refused message changes no state and goes nowhere (messages.md): the hub keeps it with its
 * code for an operator, and tells its sender with `message.refused` on the sender's outbound queue.
 */

/** The message received, as the channel delivered it. */
export interface ChannelMessage {
  readonly body: string;
  /** The SQS message id: the refused message's id when its body named none. */
  readonly sqsMessageId: string;
  /** When SQS received it (epoch ms): the same on every delivery of it. */
  readonly sentTimestampMs: number;
  /** The SQS message attribute `type`, when set. */
  readonly typeAttribute?: string;
}

/** What the sender is told: why, and nothing more. */
export function refusedNotice(channel: Channel, refusedMessageId: string, code: MessageRefusalCode, sentAt: Date): MessageRefusedMessage {
  return { ...envelope('message.refused', refusedMessageIdOf(channel, refusedMessageId), sentAt), refusedMessageId, code };
}

/** The outbound queue of the sender of a channel. */
export function senderQueueUrl(deps: ReturnFlowDeps, channel: Channel): string {
  return channel === 'PPS' ? deps.config.queueUrls.ppsOutbound : deps.config.queueUrls.recipientOutbound[channel];
}

/** Keeps a refused message for an operator and tells its sender. Idempotent. */
export async function refuseMessage(
  deps: ReturnFlowDeps,
  channel: Channel,
  received: ChannelMessage,
  refusal: { readonly code: MessageRefusalCode; readonly detail: string; readonly messageId?: string; readonly type?: string },
): Promise<RefusedMessage> {
  const now = deps.clock();
  const receivedAt = new Date(received.sentTimestampMs);
  const refused: RefusedMessage = {
    channel,
    refusedMessageId: refusal.messageId ?? received.sqsMessageId,
    code: refusal.code,
    detail: refusal.detail,
    ...(refusal.type !== undefined ? { messageType: refusal.type } : {}),
    receivedAt: receivedAt.toISOString(),
    recordedAt: now.toISOString(),
    body: received.body,
    expiresAt: expiresAtEpochSeconds(receivedAt, deps.config.refusedRetentionDays),
  };
  await deps.refused.record(refused);
  await deps.publisher.publish(senderQueueUrl(deps, channel), [
    toOutbound(refusedNotice(channel, refused.refusedMessageId, refused.code, deps.clock())),
  ]);
  return refused;
}
