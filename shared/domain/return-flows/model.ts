import type { MessageRefusalCode } from '../../messages/return-flow-schemas';
import type { Regulation, ReturningRecipient } from '../recipients';

/**
 * The things of the return flows (spec return-flows.md §2, §3) and the small ports through which
 * the use cases keep them. Adapters (shared/adapters/dynamo-*.ts) implement the ports on DynamoDB;
 * tests implement them in memory. Every item carries `expiresAt` (epoch seconds, §5) and a port
 * never returns an expired item.
 */

export type { MessageRefusalCode };

/** Who sent a return message: the channel (queue) it came on, never a field it wrote (§1). */
export type Channel = ReturningRecipient | 'PPS';

/** A payment line as delivered to VDAB or Actiris, with what a decision or a correction is checked against. */
export interface PaymentLine {
  readonly recipient: ReturningRecipient;
  readonly reference: string;
  readonly fileNumber: string;
  readonly ocmwKbo: string;
  readonly regulation: Regulation;
  /** HMAC-SHA-256 of the INSZ (the disclosure key): the line holds no national number in clear. */
  readonly inszHmac: string;
  readonly period: string;
  readonly batchId: string;
  readonly deliveredAt: string;
  readonly expiresAt: number;
}

export type LineDecision = 'VALIDATED' | 'REFUSED';
export type LineStatus = 'DELIVERED' | LineDecision;

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

/** A line with its current status: the decision with the latest `decidedAt`, or DELIVERED. */
export interface PaymentLineView extends PaymentLine {
  readonly status: LineStatus;
  readonly statusDecisionId?: string;
  readonly statusDecidedAt?: string;
}

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

export type CorrectionKind = 'RECOVERY' | 'ARREARS';
export type CorrectionDecision = 'APPROVED' | 'REJECTED';
/** The life of a correction (§3). */
export type CorrectionStatus = 'SUBMITTED' | CorrectionDecision | 'FORWARDED_TO_OCMW';

/** The fields of §3, normalised; the amount in cents. */
export interface CorrectionFields {
  readonly requesterKbo: string;
  readonly ocmwKbo: string;
  readonly regulation: Regulation;
  readonly fileNumber: string;
  readonly insz: string;
  readonly kind: CorrectionKind;
  readonly effectiveDate: string;
  readonly performanceStart: string;
  readonly performanceEnd: string;
  readonly reference: string;
  readonly amountCents: number;
  readonly budgetArticle: string;
}

export interface Correction extends CorrectionFields {
  readonly correctionId: string;
  readonly requester: ReturningRecipient;
  readonly requestId: string;
  /** SHA-256 of the request's fields: a resent request is recognised by it (§3). */
  readonly contentHash: string;
  readonly status: CorrectionStatus;
  readonly submittedAt: string;
  /** The requester's `messageId`. */
  readonly requestMessageId: string;
  readonly forwardedToPpsAt?: string;
  readonly decision?: CorrectionDecision;
  readonly decidedAt?: string;
  readonly decisionReceivedAt?: string;
  readonly outcomeSentAt?: string;
  readonly forwardedToOcmwAt?: string;
  readonly expiresAt: number;
}

export interface CorrectionStore {
  /** Stores a SUBMITTED correction if (requester, requestId) is new or expired; else returns the one stored. */
  create(correction: Correction): Promise<{ readonly created: true } | { readonly created: false; readonly existing: Correction }>;
  findByCorrectionId(correctionId: string, now: Date): Promise<Correction | undefined>;
  markForwardedToPps(correction: Correction, at: Date): Promise<void>;
  /**
   * The PPS's decision: SUBMITTED → APPROVED | REJECTED, once (a conditional write). When the
   * correction is no longer SUBMITTED, returns it as it is now.
   */
  decide(
    correction: Correction,
    decision: CorrectionDecision,
    decidedAt: string,
    at: Date,
  ): Promise<{ readonly applied: true; readonly correction: Correction } | { readonly applied: false; readonly current: Correction }>;
  markOutcomeSent(correction: Correction, at: Date): Promise<void>;
  /** APPROVED → FORWARDED_TO_OCMW (a no-op when already there). */
  markForwardedToOcmw(correction: Correction, at: Date): Promise<void>;
}

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
  readonly expiresAt: number;
}

export interface RefusedMessageStore {
  /** Idempotent: recording the same refusal again overwrites it with itself. */
  record(refused: RefusedMessage): Promise<void>;
  list(channel: Channel, now: Date): Promise<RefusedMessage[]>;
}

/** What became of one return message. */
export type ReturnOutcome =
  | { readonly kind: 'accepted'; readonly type: string }
  | { readonly kind: 'duplicate'; readonly type: string }
  | { readonly kind: 'refused'; readonly code: MessageRefusalCode; readonly detail: string; readonly type?: string };

/** A refusal raised by a rule; the use case turns it into a `refused` outcome. */
export class MessageRefusal extends Error {
  override readonly name = 'MessageRefusal';
  constructor(
    readonly code: MessageRefusalCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
