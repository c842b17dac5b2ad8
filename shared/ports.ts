import type { OutboundMessage } from './messages/envelope';

/**
 * The small interfaces that both the monthly batch and the return flows depend on. The batch's
 * own ports are in domain/batch/ports.ts. Adapters in shared/adapters implement them with the AWS
 * SDK; tests implement them in memory.
 */

/** Sends messages to one queue. Resolves when every message was accepted; rejects loudly otherwise. */
export interface MessagePublisher {
  publish(queueUrl: string, messages: readonly OutboundMessage[]): Promise<void>;
}

/** A clock, injected so that retention and timestamps are testable. */
export type Clock = () => Date;
/** The clock of the running system. */
export const systemClock: Clock = () => new Date();
