import type { OutboundMessage } from './messages/envelope';
import type { Recipient, RecipientRecord } from './domain/recipients';

/**
 * The small interfaces the domain and the handlers depend on. Adapters in shared/adapters
 * implement them with the AWS SDK; tests implement them in memory.
 */

/** Sends messages to one queue. Resolves when every message was accepted; rejects loudly otherwise. */
export interface MessagePublisher {
  publish(queueUrl: string, messages: readonly OutboundMessage[]): Promise<void>;
}

/** A clock, injected so that retention and timestamps are testable. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** The batch whose records are being delivered. */
export interface DeliveredBatch {
  readonly batchId: string;
  readonly period: string;
  /** When the hub received the file: every retention clock of what it delivers starts here. */
  readonly receivedAt: Date;
}

/**
 * Remembers what the monthly batch delivered, before it is published: the payment lines of VDAB
 * and Actiris (so that their decisions and corrections can be checked against them) and, for every
 * recipient, the record of disclosures. Idempotent: recording the same records again is a no-op
 * (a later delivery of the same reference to the same recipient replaces the line).
 */
export interface DeliveryLedger {
  recordDeliveries(batch: DeliveredBatch, recipient: Recipient, records: readonly RecipientRecord[]): Promise<void>;
}
