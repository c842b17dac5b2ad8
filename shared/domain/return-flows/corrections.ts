import { envelope, toOutbound } from '../../messages/envelope';
import type {
  CorrectionApprovedMessage,
  CorrectionDecisionMessage,
  CorrectionOutcomeMessage,
  CorrectionRequestInbound,
  CorrectionRequestPps,
} from '../../messages/return-flow-schemas';
import { isValidInsz } from '../checksums';
import { formatCents, parsePositiveAmountCents } from '../money';
import { isGranted, type ReturningRecipient } from '../recipients';
import { expiresAtEpochSeconds, RECIPIENT_RETENTION_DAYS } from '../retention';
import type { ReturnFlowDeps } from './deps';
import { approvedMessageId, contentHash, correctionIdOf, forwardedCorrectionMessageId, outcomeMessageId } from './ids';
import { type Correction, type CorrectionFields, type CorrectionStatus, MessageRefusal, type ReturnOutcome } from './model';

/**
 * Corrections (return-flows §3): a recipient asks the PPS to recover or pay arrears on a payment
 * line; the PPS approves or not, once; the requester hears the outcome and only the outcome; an
 * approved correction goes on to the OCMW.
 */

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
    ...fieldsOut(c),
  };
}

/** What the requester is told: the outcome and only the outcome (§15: "enkel de aanduiding …"). */
export function outcomeForRequester(
  c: Pick<Correction, 'correctionId' | 'requestId'>,
  decision: 'APPROVED' | 'REJECTED',
  sentAt: Date,
): CorrectionOutcomeMessage {
  return { ...envelope('correction.outcome', outcomeMessageId(c.correctionId), sentAt), requestId: c.requestId, decision };
}

/** The approved correction as the OCMW receives it: the §3 fields but requesterKbo. */
export function approvedForOcmw(c: Correction, sentAt: Date): CorrectionApprovedMessage {
  const { requesterKbo: _requesterKbo, ...fields } = fieldsOut(c);
  return { ...envelope('correction.approved', approvedMessageId(c.correctionId), sentAt), correctionId: c.correctionId, ...fields };
}

/**
 * Submits the correction request that `requester` (its channel) sent: checks the §3 fields, that
 * the requester is who the channel says and may see the regulation, and that the line was
 * delivered to it as named; stores it SUBMITTED under (requester, requestId); forwards it to the
 * PPS. A resent request (same requestId, same content) is a no-op; other content is refused.
 * @throws MessageRefusal INVALID_FIELD, WRONG_CHANNEL, REGULATION_NOT_GRANTED, UNKNOWN_LINE, LINE_MISMATCH, DUPLICATE_REQUEST
 */
export async function submitCorrection(
  deps: ReturnFlowDeps,
  requester: ReturningRecipient,
  message: CorrectionRequestInbound,
): Promise<ReturnOutcome> {
  const now = deps.clock();
  const fields = correctionFieldsOf(message, now);
  if (fields.requesterKbo !== deps.config.recipientKbos[requester]) {
    throw new MessageRefusal('WRONG_CHANNEL', `requesterKbo is not the KBO of ${requester}, whose channel this is`);
  }
  if (!isGranted(requester, fields.regulation)) {
    throw new MessageRefusal('REGULATION_NOT_GRANTED', `regulation ${fields.regulation} is not granted to ${requester}`);
  }
  const line = await deps.lines.getLine(requester, fields.reference, now);
  if (!line) throw new MessageRefusal('UNKNOWN_LINE', 'reference was never delivered to this recipient');
  const mismatched = [
    line.fileNumber !== fields.fileNumber ? 'fileNumber' : undefined,
    line.ocmwKbo !== fields.ocmwKbo ? 'ocmwKbo' : undefined,
    line.regulation !== fields.regulation ? 'regulation' : undefined,
    line.inszHmac !== deps.personKey(fields.insz) ? 'insz' : undefined,
  ].filter((field) => field !== undefined);
  if (mismatched.length > 0) throw new MessageRefusal('LINE_MISMATCH', `${mismatched.join(', ')} differ from the delivered line`);

  const correction: Correction = {
    ...fields,
    correctionId: correctionIdOf(requester, message.requestId),
    requester,
    requestId: message.requestId,
    contentHash: contentHash({ ...fields }),
    status: 'SUBMITTED',
    submittedAt: now.toISOString(),
    requestMessageId: message.messageId,
    expiresAt: expiresAtEpochSeconds(now, RECIPIENT_RETENTION_DAYS[requester]),
  };
  const created = await deps.corrections.create(correction);
  let current = correction;
  if (!created.created) {
    if (created.existing.contentHash !== correction.contentHash) {
      throw new MessageRefusal('DUPLICATE_REQUEST', 'requestId was used before with other content');
    }
    if (created.existing.forwardedToPpsAt !== undefined) return { kind: 'duplicate', type: 'correction.request' };
    current = created.existing; // stored but maybe not forwarded: finish what a crash interrupted
  }
  await deps.publisher.publish(deps.config.queueUrls.ppsOutbound, [toOutbound(correctionForPps(current, deps.clock()))]);
  await deps.corrections.markForwardedToPps(current, deps.clock());
  return { kind: created.created ? 'accepted' : 'duplicate', type: 'correction.request' };
}

/**
 * Applies the PPS's decision on a correction: SUBMITTED → APPROVED | REJECTED, once; tells the
 * requester the outcome; for APPROVED, forwards the correction to the OCMW and records
 * FORWARDED_TO_OCMW. The same decision received again finishes what a crash interrupted and is
 * otherwise a no-op; another decision is refused.
 * @throws MessageRefusal UNKNOWN_CORRECTION, ALREADY_DECIDED
 */
export async function applyCorrectionDecision(deps: ReturnFlowDeps, message: CorrectionDecisionMessage): Promise<ReturnOutcome> {
  const now = deps.clock();
  const found = await deps.corrections.findByCorrectionId(message.correctionId, now);
  if (!found) throw new MessageRefusal('UNKNOWN_CORRECTION', 'no correction has this correctionId');
  const decided = await deps.corrections.decide(found, message.decision, message.decidedAt, now);
  let current: Correction;
  if (decided.applied) {
    current = decided.correction;
  } else {
    current = decided.current;
    if (current.decision !== message.decision || current.decidedAt !== message.decidedAt) {
      throw new MessageRefusal('ALREADY_DECIDED', 'the correction was decided before');
    }
  }
  const decision = current.decision;
  if (decision === undefined) throw new Error(`correction ${current.correctionId} has status ${current.status} but no decision`);
  const sentNothing = current.outcomeSentAt !== undefined && (decision === 'REJECTED' || current.status === 'FORWARDED_TO_OCMW');
  if (!decided.applied && sentNothing) return { kind: 'duplicate', type: 'correction.decision' };

  if (current.outcomeSentAt === undefined) {
    await deps.publisher.publish(deps.config.queueUrls.recipientOutbound[current.requester], [
      toOutbound(outcomeForRequester(current, decision, deps.clock())),
    ]);
    await deps.corrections.markOutcomeSent(current, deps.clock());
  }
  if (decision === 'APPROVED' && current.status !== 'FORWARDED_TO_OCMW') {
    await deps.publisher.publish(deps.config.queueUrls.ocmwOutbound, [toOutbound(approvedForOcmw(current, deps.clock()))]);
    await deps.corrections.markForwardedToOcmw(current, deps.clock());
  }
  return { kind: decided.applied ? 'accepted' : 'duplicate', type: 'correction.decision' };
}
