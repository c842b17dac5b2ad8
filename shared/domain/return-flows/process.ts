import type { ReturningRecipient } from '../recipients';
import type { PpsFlowConfig, RegionFlowConfig } from './config';
import { applyCorrectionDecision, type CorrectionDecisionDeps, type CorrectionRequestDeps, submitCorrection } from './corrections';
import { type InboundMessage, parseInbound } from './inbound';
import { type RefusalDeps, type RefusalReason, refuseMessage } from './refusals';
import { type Channel, type ChannelMessage, MessageRefusal, type ReturnOutcome } from './return-message';
import { recordValidationDecision, type ValidationDecisionDeps } from './validation-decisions';

/**
 * One return message, from its channel to its outcome, on either path: VDAB's and Actiris's
 * (validation decisions, correction requests) and the PPS's (correction decisions). Each path is
 * given only the ports of its own use cases, built once by its function.
 */

/** What the path of VDAB and Actiris needs (region-inbound): its use cases' ports and refusing. */
export interface RegionFlowDeps extends ValidationDecisionDeps, CorrectionRequestDeps, RefusalDeps {
  readonly config: RegionFlowConfig;
}

/** What the path of the PPS needs (pps-inbound): no payment-line store, no disclosure key. */
export interface PpsFlowDeps extends CorrectionDecisionDeps, RefusalDeps {
  readonly config: PpsFlowConfig;
}

/**
 * A message of VDAB or Actiris, the sender named by its channel: a validation decision or a
 * correction request. A refusal is handled here and resolves; any other error (throttling, the
 * network) rejects, so that SQS delivers it again.
 */
export function processRegionMessage(deps: RegionFlowDeps, channel: ReturningRecipient, message: ChannelMessage): Promise<ReturnOutcome> {
  return processOnChannel(deps, channel, message, async (inbound) => {
    switch (inbound.type) {
      case 'validation.decision':
        return recordValidationDecision(deps, channel, inbound.message, arrivalOf(message));
      case 'correction.request':
        return submitCorrection(deps, channel, inbound.message, arrivalOf(message));
      case 'correction.decision':
        throw new MessageRefusal('WRONG_CHANNEL', `correction.decision is not sent by ${channel}`);
    }
  });
}

/** When the hub received a message: SQS's `SentTimestamp`, the same on every delivery, so a retry keeps the retention clock (return-flows §5). */
function arrivalOf(message: ChannelMessage): Date {
  return new Date(message.sentTimestampMs);
}

/**
 * A message of the PPS: a decision on a correction. A refusal is handled here and resolves; any
 * other error rejects, so that SQS delivers it again.
 */
export function processPpsMessage(deps: PpsFlowDeps, message: ChannelMessage): Promise<ReturnOutcome> {
  return processOnChannel(deps, 'PPS', message, async (inbound) => {
    switch (inbound.type) {
      case 'correction.decision':
        return applyCorrectionDecision(deps, inbound.message);
      case 'validation.decision':
      case 'correction.request':
        throw new MessageRefusal('WRONG_CHANNEL', `${inbound.type} is not sent by PPS`);
    }
  });
}

/**
 * The steps every message takes: read it, apply the use case of its type, and refuse it (record,
 * tell the sender) when it breaks a rule.
 * @param applyUseCase the path's use cases; throws MessageRefusal WRONG_CHANNEL for a type its channel may not send
 */
async function processOnChannel(
  deps: RefusalDeps,
  channel: Channel,
  message: ChannelMessage,
  applyUseCase: (inbound: InboundMessage) => Promise<ReturnOutcome>,
): Promise<ReturnOutcome> {
  // 1. Read it: JSON, the envelope, a type this channel may send, then that type's schema.
  const parsed = parseInbound(channel, message.body, message.typeAttribute);
  if (!parsed.ok) return refuse(deps, channel, message, parsed);

  // 2. Apply the use case of its type.
  const { inbound } = parsed;
  try {
    return await applyUseCase(inbound);
  } catch (error) {
    // 3. A rule it broke refuses it; any other error is a failure, for SQS to deliver it again.
    if (!(error instanceof MessageRefusal)) throw error;
    return refuse(deps, channel, message, {
      code: error.code,
      detail: error.detail,
      messageId: inbound.message.messageId,
      type: inbound.type,
    });
  }
}

/** Refuses the message and answers the `refused` outcome. */
async function refuse(deps: RefusalDeps, channel: Channel, message: ChannelMessage, reason: RefusalReason): Promise<ReturnOutcome> {
  await refuseMessage(deps, channel, message, reason);
  return { kind: 'refused', code: reason.code, detail: reason.detail, ...(reason.type !== undefined ? { type: reason.type } : {}) };
}
