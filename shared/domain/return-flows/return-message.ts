import type { MessageRefusalCode } from '../../messages/return-flow-schemas';
import type { ReturningRecipient } from '../recipients';

/**
 * A return message (spec return-flows.md §1, messages.md): who sent it, what it was as its channel
 * delivered it, and what became of it.
 */

/** Who sent a return message: the channel (queue) it came on, never a field it wrote (§1). */
export type Channel = ReturningRecipient | 'PPS';

/** A return message as its channel delivered it, before it is read. */
export interface ChannelMessage {
  readonly body: string;
  /** The SQS message id: the refused message's id when its body named none. */
  readonly sqsMessageId: string;
  /** When SQS received it (epoch ms): the same on every delivery of it. */
  readonly sentTimestampMs: number;
  /** The SQS message attribute `type`, when set. */
  readonly typeAttribute?: string;
}

/** What became of one return message. */
export type ReturnOutcome =
  | { readonly kind: 'accepted'; readonly type: string }
  | { readonly kind: 'duplicate'; readonly type: string }
  | { readonly kind: 'refused'; readonly code: MessageRefusalCode; readonly detail: string; readonly type?: string };

/** A return message broke a rule; the use case that raised it turns it into a `refused` outcome. */
export class MessageRefusal extends Error {
  override readonly name = 'MessageRefusal';
  constructor(
    readonly code: MessageRefusalCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
