import { envelope, toOutbound } from '../../messages/envelope';
import type { ValidationDecisionInbound, ValidationDecisionPps } from '../../messages/return-flow-schemas';
import type { Clock, MessagePublisher } from '../../ports';
import type { ReturningRecipient } from '../recipients';
import { expiresAtEpochSeconds, RECIPIENT_TTL_DAYS } from '../retention';
import type { ReturnFlowConfig } from './config';
import { forwardedDecisionMessageId } from './ids';
import type { LineDecision, PaymentLineView } from './payment-line';
import { MessageRefusal, type ReturnOutcome } from './return-message';

/**
 * Validation decisions (return-flows §2): a recipient validates or refuses a payment line it was
 * delivered; the hub keeps every accepted decision and passes it on to the PPS.
 */

/** One accepted validation decision of a line (its history). */
export interface StoredDecision {
  readonly recipient: ReturningRecipient;
  readonly reference: string;
  readonly decisionId: string;
  readonly fileNumber: string;
  readonly decision: LineDecision;
  readonly reasonCode?: string;
  /** As the sender wrote it (ISO 8601 with offset). */
  readonly decidedAt: string;
  /** The sender's `messageId`. */
  readonly messageId: string;
  readonly receivedAt: string;
  /** Set once the decision went to the PPS. */
  readonly forwardedAt?: string;
  readonly expiresAt: number;
}

/** The delivered lines and their decisions. A store never returns an expired item. */
export interface PaymentLineStore {
  /** The line delivered to `recipient` under `reference`, unless it was never delivered or has expired. */
  getLine(recipient: ReturningRecipient, reference: string, now: Date): Promise<PaymentLineView | undefined>;
  /** Stores a decision if its (recipient, reference, decisionId) is new; else returns the one stored. */
  addDecision(
    decision: StoredDecision,
  ): Promise<{ readonly created: true } | { readonly created: false; readonly existing: StoredDecision }>;
  /** Makes `decision` the line's status unless one with a later `decidedAt` already is (monotone, idempotent). */
  applyStatus(decision: StoredDecision): Promise<void>;
  markDecisionForwarded(decision: StoredDecision, at: Date): Promise<void>;
}

/** What recording a validation decision needs. */
export interface ValidationDecisionDeps {
  readonly lines: PaymentLineStore;
  readonly publisher: MessagePublisher;
  readonly clock: Clock;
  readonly config: ReturnFlowConfig;
}

/**
 * Whether decision `a` is later than `b` for a line's status: the latest `decidedAt` wins, so that
 * decisions arriving out of order do not overturn a later one; equal instants are ordered by
 * `decisionId` so that every replica of the rule agrees.
 */
export function isLaterDecision(
  a: Pick<StoredDecision, 'decidedAt' | 'decisionId'>,
  b: Pick<StoredDecision, 'decidedAt' | 'decisionId'>,
): boolean {
  const ta = Date.parse(a.decidedAt);
  const tb = Date.parse(b.decidedAt);
  return ta !== tb ? ta > tb : a.decisionId > b.decisionId;
}

function sameDecision(a: StoredDecision, b: StoredDecision): boolean {
  return a.fileNumber === b.fileNumber && a.decision === b.decision && a.reasonCode === b.reasonCode && a.decidedAt === b.decidedAt;
}

/** The decision as the PPS receives it: the recipient's fields plus `recipient` (messages.md). */
export function decisionForPps(decision: StoredDecision, sentAt: Date): ValidationDecisionPps {
  return {
    ...envelope('validation.decision', forwardedDecisionMessageId(decision.recipient, decision.reference, decision.decisionId), sentAt),
    decisionId: decision.decisionId,
    reference: decision.reference,
    fileNumber: decision.fileNumber,
    decision: decision.decision,
    ...(decision.reasonCode !== undefined ? { reasonCode: decision.reasonCode } : {}),
    decidedAt: decision.decidedAt,
    recipient: decision.recipient,
  };
}

/**
 * Records a validation decision that `recipient` (its channel) sent: checks that the line was
 * delivered to it and is the one named, stores the decision in the line's history, makes it the
 * line's status unless a later one is, and forwards it to the PPS. A `decisionId` received again
 * is a no-op; a crash between the write and the send is repaired when SQS delivers it again.
 * @param arrivedAt when the message reached the hub (SQS's `SentTimestamp`, the same on every delivery): the decision's retention clock
 * @throws MessageRefusal UNKNOWN_LINE, LINE_MISMATCH
 */
export async function recordValidationDecision(
  deps: ValidationDecisionDeps,
  recipient: ReturningRecipient,
  message: ValidationDecisionInbound,
  arrivedAt: Date,
): Promise<ReturnOutcome> {
  const now = deps.clock();

  // 1. The line was delivered to this recipient, as the decision names it.
  const line = await deps.lines.getLine(recipient, message.reference, now);
  if (!line) throw new MessageRefusal('UNKNOWN_LINE', 'reference was never delivered to this recipient');
  if (line.fileNumber !== message.fileNumber) throw new MessageRefusal('LINE_MISMATCH', 'fileNumber differs from the delivered line');

  // 2. Keep the decision in the line's history, once per decisionId.
  const decision = storedDecisionOf(recipient, message, arrivedAt);
  const added = await deps.lines.addDecision(decision);
  let current = decision;
  if (!added.created) {
    // §2: a decisionId received again is a no-op, whatever it says now.
    if (!sameDecision(added.existing, decision) || added.existing.forwardedAt !== undefined) {
      return { kind: 'duplicate', type: 'validation.decision' };
    }
    current = added.existing; // stored but maybe not forwarded: finish what a crash interrupted
  }

  // 3. Make it the line's status, unless a later decision is.
  await deps.lines.applyStatus(current);

  // 4. Forward it to the PPS, then note that it went.
  await deps.publisher.publish(deps.config.queueUrls.ppsOutbound, [toOutbound(decisionForPps(current, deps.clock()))]);
  await deps.lines.markDecisionForwarded(current, deps.clock());
  return { kind: added.created ? 'accepted' : 'duplicate', type: 'validation.decision' };
}

/**
 * The decision as kept in the line's history, with the recipient's retention counted from when it
 * arrived (return-flows §5), not from when it was processed: a message that waited on its queue
 * (a retry, a redrive) keeps its clock.
 */
function storedDecisionOf(recipient: ReturningRecipient, message: ValidationDecisionInbound, arrivedAt: Date): StoredDecision {
  return {
    recipient,
    reference: message.reference,
    decisionId: message.decisionId,
    fileNumber: message.fileNumber,
    decision: message.decision,
    ...(message.reasonCode !== undefined ? { reasonCode: message.reasonCode } : {}),
    decidedAt: message.decidedAt,
    messageId: message.messageId,
    receivedAt: arrivedAt.toISOString(),
    expiresAt: expiresAtEpochSeconds(arrivedAt, RECIPIENT_TTL_DAYS[recipient]),
  };
}
