import { envelope } from '../../messages/envelope';
import type {
  CorrectionApprovedMessage,
  CorrectionOutcomeMessage,
  CorrectionRequestInbound,
  CorrectionRequestPps,
} from '../../messages/return-flow-schemas';
import { isValidInsz } from '../checksums';
import { formatCents, parsePositiveAmountCents } from '../money';
import type { Regulation, ReturningRecipient } from '../recipients';
import { approvedMessageId, contentHash, forwardedCorrectionMessageId, outcomeMessageId } from './ids';
import { MessageRefusal } from './return-message';

/**
 * A correction (return-flows §3): what a recipient asks, the life it then leads, and the messages
 * that carry it to the PPS, back to the requester and on to the OCMW.
 */

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

/**
 * A correction as the hub keeps it; `expiresAt` in epoch seconds (§5). It holds the request's INSZ
 * in clear only while it is open ({@link isOpen}); once closed, only its keyed hash `inszHmac`.
 */
export interface Correction extends Omit<CorrectionFields, 'insz'> {
  /** The INSZ in clear: only while the correction is open, to send it to the PPS and the OCMW. */
  readonly insz?: string;
  /** HMAC-SHA-256 of the INSZ with the disclosure key (§4): kept for the correction's whole life. */
  readonly inszHmac: string;
  readonly correctionId: string;
  readonly requester: ReturningRecipient;
  readonly requestId: string;
  /**
   * SHA-256 of the request's fields with the INSZ as its keyed hash ({@link correctionContentHash}):
   * a resent request is recognised by it (§3), after the INSZ in clear is gone as well as before.
   */
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

/** The life of a correction: from each status, where it may go. */
export const CORRECTION_TRANSITIONS: Readonly<Record<CorrectionStatus, readonly CorrectionStatus[]>> = {
  SUBMITTED: ['APPROVED', 'REJECTED'],
  APPROVED: ['FORWARDED_TO_OCMW'],
  REJECTED: [],
  FORWARDED_TO_OCMW: [],
};

/** Whether a correction in status `from` may move to `to`. */
export function canTransition(from: CorrectionStatus, to: CorrectionStatus): boolean {
  return CORRECTION_TRANSITIONS[from].includes(to);
}

/**
 * Whether a correction is still open (§3): it is closed once `REJECTED` with its outcome sent, or
 * `FORWARDED_TO_OCMW`. Only an open correction holds the INSZ in clear: the write that closes it
 * removes it, and the keyed hash stays.
 */
export function isOpen(c: Pick<Correction, 'status' | 'outcomeSentAt'>): boolean {
  if (c.status === 'FORWARDED_TO_OCMW') return false;
  return !(c.status === 'REJECTED' && c.outcomeSentAt !== undefined);
}

/** Whether sending the outcome of a correction decided `decision` closes it (a rejection: nothing follows it). */
export function outcomeClosesCorrection(decision: CorrectionDecision): boolean {
  return decision === 'REJECTED';
}

/**
 * The content hash of a request's fields (§3: a resent request is the same `requestId` with the
 * same content): SHA-256 of the fields with the INSZ replaced by its keyed hash, so that it can be
 * compared after the INSZ in clear is gone, and says nothing of the INSZ to whoever lacks the key.
 */
export function correctionContentHash(fields: CorrectionFields, inszHmac: string): string {
  const { insz: _insz, ...rest } = fields;
  return contentHash({ ...rest, inszHmac });
}

/** A correction's fields with its INSZ in clear, to send. @throws Error when the correction is closed (no INSZ is kept) */
function openFields(c: Correction): CorrectionFields {
  if (c.insz === undefined) throw new Error(`correction ${c.correctionId} is closed: it no longer holds the INSZ in clear`);
  return { ...c, insz: c.insz };
}

/**
 * The §3 fields of a request, normalised, after the rules a schema cannot check: the INSZ's check
 * digits (they depend on the date), start ≤ end of the performance period.
 * @throws MessageRefusal INVALID_FIELD
 */
export function correctionFieldsOf(message: CorrectionRequestInbound, now: Date): CorrectionFields {
  if (!isValidInsz(message.insz, now)) throw new MessageRefusal('INVALID_FIELD', 'insz: invalid INSZ');
  if (message.performanceStart > message.performanceEnd) {
    throw new MessageRefusal('INVALID_FIELD', 'performanceEnd: before performanceStart');
  }
  const amountCents = parsePositiveAmountCents(message.amount);
  if (amountCents === null) throw new MessageRefusal('INVALID_FIELD', 'amount: not a strictly positive amount');
  return {
    requesterKbo: message.requesterKbo,
    ocmwKbo: message.ocmwKbo,
    regulation: message.regulation,
    fileNumber: message.fileNumber,
    insz: message.insz,
    kind: message.kind,
    effectiveDate: message.effectiveDate,
    performanceStart: message.performanceStart,
    performanceEnd: message.performanceEnd,
    reference: message.reference,
    amountCents,
    budgetArticle: message.budgetArticle,
  };
}

/** The §3 fields as they go out, the amount as a decimal string with two decimals. */
function fieldsOut(c: CorrectionFields) {
  return {
    requesterKbo: c.requesterKbo,
    ocmwKbo: c.ocmwKbo,
    regulation: c.regulation,
    fileNumber: c.fileNumber,
    insz: c.insz,
    kind: c.kind,
    effectiveDate: c.effectiveDate,
    performanceStart: c.performanceStart,
    performanceEnd: c.performanceEnd,
    reference: c.reference,
    amount: formatCents(c.amountCents),
    budgetArticle: c.budgetArticle,
  };
}

/** The request as the PPS receives it: the hub's correctionId, the requester, the §3 fields. */
export function correctionForPps(c: Correction, sentAt: Date): CorrectionRequestPps {
  return {
    ...envelope('correction.request', forwardedCorrectionMessageId(c.correctionId), sentAt),
    correctionId: c.correctionId,
    recipient: c.requester,
    ...fieldsOut(openFields(c)),
  };
}

/** What the requester is told: the outcome and only the outcome (§15: "enkel de aanduiding …"). */
export function outcomeForRequester(
  c: Pick<Correction, 'correctionId' | 'requestId'>,
  decision: CorrectionDecision,
  sentAt: Date,
): CorrectionOutcomeMessage {
  return { ...envelope('correction.outcome', outcomeMessageId(c.correctionId), sentAt), requestId: c.requestId, decision };
}

/** The approved correction as the OCMW receives it: the §3 fields but requesterKbo. */
export function approvedForOcmw(c: Correction, sentAt: Date): CorrectionApprovedMessage {
  const { requesterKbo: _requesterKbo, ...fields } = fieldsOut(openFields(c));
  return { ...envelope('correction.approved', approvedMessageId(c.correctionId), sentAt), correctionId: c.correctionId, ...fields };
}
