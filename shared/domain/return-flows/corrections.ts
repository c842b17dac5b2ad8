import { toOutbound } from '../../messages/envelope';
import type { CorrectionDecisionMessage, CorrectionRequestInbound } from '../../messages/return-flow-schemas';
import type { Clock, MessagePublisher } from '../../ports';
import { isGranted, type ReturningRecipient } from '../recipients';
import { expiresAtEpochSeconds, RECIPIENT_TTL_DAYS } from '../retention';
import type { PpsFlowConfig, RegionFlowConfig } from './config';
import {
  approvedForOcmw,
  type Correction,
  type CorrectionDecision,
  type CorrectionFields,
  correctionContentHash,
  correctionFieldsOf,
  correctionForPps,
  outcomeForRequester,
} from './correction';
import { correctionDisclosureOf, type DisclosureLog } from './disclosures';
import { correctionIdOf } from './ids';
import { MessageRefusal, type ReturnOutcome } from './return-message';
import type { PaymentLineStore } from './validation-decisions';

/**
 * Corrections (return-flows §3): a recipient asks the PPS to recover or pay arrears on a payment
 * line; the PPS approves or not, once; the requester hears the outcome and only the outcome; an
 * approved correction goes on to the OCMW.
 */

/** The corrections, each changed by one conditional write. A store never returns an expired one. */
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
  /**
   * Notes that the requester was told the outcome. When that closes the correction (a rejection,
   * correction.ts `outcomeClosesCorrection`), the same write removes the INSZ in clear.
   */
  markOutcomeSent(correction: Correction, at: Date): Promise<void>;
  /** APPROVED → FORWARDED_TO_OCMW, removing the INSZ in clear in the same write (a no-op when already there). */
  markForwardedToOcmw(correction: Correction, at: Date): Promise<void>;
}

/** What submitting a correction request of VDAB or Actiris needs (region-inbound). */
export interface CorrectionRequestDeps {
  /** The delivered lines a request is checked against. */
  readonly lines: PaymentLineStore;
  readonly corrections: CorrectionStore;
  readonly publisher: MessagePublisher;
  readonly clock: Clock;
  readonly config: RegionFlowConfig;
  /** HMAC of an INSZ with the disclosure key: how a line names its person (the key is read when needed). */
  readonly personKey: (insz: string) => Promise<string>;
  /** The record of disclosures: each request forwarded to the PPS is one. */
  readonly disclosures: DisclosureLog;
}

/**
 * What applying the PPS's decision on a correction needs (pps-inbound): no payment line, no
 * disclosure key (the correction holds its person's keyed hash).
 */
export interface CorrectionDecisionDeps {
  readonly corrections: CorrectionStore;
  /** The record of disclosures: each approved correction passed on for the OCMW is one. */
  readonly disclosures: DisclosureLog;
  readonly publisher: MessagePublisher;
  readonly clock: Clock;
  readonly config: PpsFlowConfig;
}

/**
 * Submits the correction request that `requester` (its channel) sent: checks the §3 fields, that
 * the requester is who the channel says and may see the regulation, and that the line was
 * delivered to it as named; stores it SUBMITTED under (requester, requestId); forwards it to the
 * PPS. A resent request (same requestId, same content) is a no-op; other content is refused.
 * @param arrivedAt when the request reached the hub (SQS's `SentTimestamp`): the correction's retention clock
 * @throws MessageRefusal INVALID_FIELD, WRONG_CHANNEL, REGULATION_NOT_GRANTED, UNKNOWN_LINE, LINE_MISMATCH, DUPLICATE_REQUEST
 */
export async function submitCorrection(
  deps: CorrectionRequestDeps,
  requester: ReturningRecipient,
  message: CorrectionRequestInbound,
  arrivedAt: Date,
): Promise<ReturnOutcome> {
  const now = deps.clock();

  // 1. The §3 fields, with the rules a schema cannot check.
  const fields = correctionFieldsOf(message, now);

  // 2. The requester is who its channel says, and may see the regulation.
  checkRequester(deps, requester, fields);

  // 3. The line was delivered to the requester, as the request names it (the INSZ by its keyed hash).
  const personKey = await deps.personKey(fields.insz);
  await checkDeliveredLine(deps, requester, fields, personKey, now);

  // 4. Store it SUBMITTED, once per (requester, requestId). A resent request is recognised by its
  //    content hash, which holds the INSZ as its keyed hash: also once the correction is closed.
  const correction = submittedCorrection(requester, message, fields, personKey, now, arrivedAt);
  const created = await deps.corrections.create(correction);
  let current = correction;
  if (!created.created) {
    if (created.existing.contentHash !== correction.contentHash) {
      throw new MessageRefusal('DUPLICATE_REQUEST', 'requestId was used before with other content');
    }
    if (created.existing.forwardedToPpsAt !== undefined) return { kind: 'duplicate', type: 'correction.request' };
    if (created.existing.status !== 'SUBMITTED') {
      // Decided, so the PPS received it (and a closed correction holds no INSZ to send again):
      // only the note that it went is missing.
      await deps.corrections.markForwardedToPps(created.existing, deps.clock());
      return { kind: 'duplicate', type: 'correction.request' };
    }
    current = created.existing; // stored but maybe not forwarded: finish what a crash interrupted
  }

  // 5. Record the disclosure to the PPS, forward the request, then note that it went.
  const sentAt = deps.clock();
  await deps.disclosures.record(correctionDisclosureOf(current, 'PPS', sentAt));
  await deps.publisher.publish(deps.config.queueUrls.ppsOutbound, [toOutbound(correctionForPps(current, sentAt))]);
  await deps.corrections.markForwardedToPps(current, deps.clock());
  return { kind: created.created ? 'accepted' : 'duplicate', type: 'correction.request' };
}

/** @throws MessageRefusal WRONG_CHANNEL, REGULATION_NOT_GRANTED */
function checkRequester(deps: CorrectionRequestDeps, requester: ReturningRecipient, fields: CorrectionFields): void {
  if (fields.requesterKbo !== deps.config.recipientKbos[requester]) {
    throw new MessageRefusal('WRONG_CHANNEL', `requesterKbo is not the KBO of ${requester}, whose channel this is`);
  }
  if (!isGranted(requester, fields.regulation)) {
    throw new MessageRefusal('REGULATION_NOT_GRANTED', `regulation ${fields.regulation} is not granted to ${requester}`);
  }
}

/** @throws MessageRefusal UNKNOWN_LINE, LINE_MISMATCH (naming every field that differs) */
async function checkDeliveredLine(
  deps: CorrectionRequestDeps,
  requester: ReturningRecipient,
  fields: CorrectionFields,
  personKey: string,
  now: Date,
): Promise<void> {
  const line = await deps.lines.getLine(requester, fields.reference, now);
  if (!line) throw new MessageRefusal('UNKNOWN_LINE', 'reference was never delivered to this recipient');
  const mismatched = [
    line.fileNumber !== fields.fileNumber ? 'fileNumber' : undefined,
    line.ocmwKbo !== fields.ocmwKbo ? 'ocmwKbo' : undefined,
    line.regulation !== fields.regulation ? 'regulation' : undefined,
    line.inszHmac !== personKey ? 'insz' : undefined,
  ].filter((field) => field !== undefined);
  if (mismatched.length > 0) throw new MessageRefusal('LINE_MISMATCH', `${mismatched.join(', ')} differ from the delivered line`);
}

/** A new correction, SUBMITTED now, kept the requester's retention from when the request arrived (return-flows §5). */
function submittedCorrection(
  requester: ReturningRecipient,
  message: CorrectionRequestInbound,
  fields: CorrectionFields,
  inszHmac: string,
  now: Date,
  arrivedAt: Date,
): Correction {
  return {
    ...fields,
    inszHmac,
    correctionId: correctionIdOf(requester, message.requestId),
    requester,
    requestId: message.requestId,
    contentHash: correctionContentHash(fields, inszHmac),
    status: 'SUBMITTED',
    submittedAt: now.toISOString(),
    requestMessageId: message.messageId,
    expiresAt: expiresAtEpochSeconds(arrivedAt, RECIPIENT_TTL_DAYS[requester]),
  };
}

/**
 * Whether a decision received now is the one the correction holds (return-flows §3: "the same
 * decision sent again (same `decision` and `decidedAt`, under any `messageId`)"). `decidedAt` is an
 * instant: written with another offset or precision (`…T13:58:00+01:00`, `…T12:58:00.000Z`) it is
 * the same `decidedAt`. The envelope (`messageId`, `sentAt`) is not part of the decision.
 */
export function isSameCorrectionDecision(
  held: Pick<Correction, 'decision' | 'decidedAt'>,
  received: Pick<CorrectionDecisionMessage, 'decision' | 'decidedAt'>,
): boolean {
  return (
    held.decision === received.decision && held.decidedAt !== undefined && Date.parse(held.decidedAt) === Date.parse(received.decidedAt)
  );
}

/**
 * Applies the PPS's decision on a correction: SUBMITTED → APPROVED | REJECTED, once; tells the
 * requester the outcome; for APPROVED, forwards the correction to the OCMW and records
 * FORWARDED_TO_OCMW. The same decision received again, under any messageId, finishes what a crash
 * interrupted and is otherwise a no-op: nothing already sent is sent again. A different decision
 * (another `decision`, or the same one at another `decidedAt`) is a second decision, refused.
 * @throws MessageRefusal UNKNOWN_CORRECTION, ALREADY_DECIDED
 */
export async function applyCorrectionDecision(deps: CorrectionDecisionDeps, message: CorrectionDecisionMessage): Promise<ReturnOutcome> {
  const now = deps.clock();

  // 1. The correction the PPS decides on.
  const found = await deps.corrections.findByCorrectionId(message.correctionId, now);
  if (!found) throw new MessageRefusal('UNKNOWN_CORRECTION', 'no correction has this correctionId');

  // 2. Decide it, once: the same decision again resumes, another one is refused.
  const decided = await deps.corrections.decide(found, message.decision, message.decidedAt, now);
  const current = decided.applied ? decided.correction : decided.current;
  if (!decided.applied && !isSameCorrectionDecision(current, message)) {
    throw new MessageRefusal('ALREADY_DECIDED', 'the correction was decided before, differently');
  }
  const decision = current.decision;
  if (decision === undefined) throw new Error(`correction ${current.correctionId} has status ${current.status} but no decision`);
  const nothingLeftToSend = current.outcomeSentAt !== undefined && (decision === 'REJECTED' || current.status === 'FORWARDED_TO_OCMW');
  if (!decided.applied && nothingLeftToSend) return { kind: 'duplicate', type: 'correction.decision' };

  // 3. Tell the requester the outcome, once (for a rejection, the note that it went closes the correction).
  if (current.outcomeSentAt === undefined) {
    await deps.publisher.publish(deps.config.queueUrls.recipientOutbound[current.requester], [
      toOutbound(outcomeForRequester(current, decision, deps.clock())),
    ]);
    await deps.corrections.markOutcomeSent(current, deps.clock());
  }

  // 4. An approved correction goes on to the OCMW, once, recorded as a disclosure first.
  if (decision === 'APPROVED' && current.status !== 'FORWARDED_TO_OCMW') {
    const sentAt = deps.clock();
    await deps.disclosures.record(correctionDisclosureOf(current, 'OCMW', sentAt));
    await deps.publisher.publish(deps.config.queueUrls.ocmwOutbound, [toOutbound(approvedForOcmw(current, sentAt))]);
    await deps.corrections.markForwardedToOcmw(current, deps.clock());
  }
  return { kind: decided.applied ? 'accepted' : 'duplicate', type: 'correction.decision' };
}
