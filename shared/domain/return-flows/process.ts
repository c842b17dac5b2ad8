import { applyCorrectionDecision, type CorrectionDeps, submitCorrection } from './corrections';
import { type InboundMessage, parseInbound } from './inbound';
import { type RefusalDeps, type RefusalReason, refuseMessage } from './refusals';
import { type Channel, type ChannelMessage, MessageRefusal, type ReturnOutcome } from './return-message';
import { recordValidationDecision, type ValidationDecisionDeps } from './validation-decisions';

/**
 * Everything the return-flow use cases need, injected: one bag, built once per function, holding
 * the ports of each use case (its stores, the publisher, the clock, the configuration).
 */
export interface ReturnFlowDeps extends ValidationDecisionDeps, CorrectionDeps, RefusalDeps {}

/**
 * One return message, from its channel to its outcome: parse it, apply the use case of its type,
 * and refuse it (record, tell the sender) when it breaks a rule. A refusal is handled here and
 * resolves; any other error (throttling, the network) rejects, so that SQS delivers it again.
 */
export async function processReturnMessage(deps: ReturnFlowDeps, channel: Channel, message: ChannelMessage): Promise<ReturnOutcome> {
  // 1. Read it: JSON, the envelope, a type this channel may send, then that type's schema.
  const parsed = parseInbound(channel, message.body, message.typeAttribute);
  if (!parsed.ok) return refuse(deps, channel, message, parsed);

  // 2. Apply the use case of its type.
  const { inbound } = parsed;
  try {
    return await applyUseCase(deps, channel, inbound);
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

/** @throws MessageRefusal WRONG_CHANNEL when the channel may not send this type, and whatever the use case refuses */
async function applyUseCase(deps: ReturnFlowDeps, channel: Channel, inbound: InboundMessage): Promise<ReturnOutcome> {
  switch (inbound.type) {
    case 'validation.decision':
      if (channel === 'PPS') throw new MessageRefusal('WRONG_CHANNEL', 'validation.decision is not sent by PPS');
      return recordValidationDecision(deps, channel, inbound.message);
    case 'correction.request':
      if (channel === 'PPS') throw new MessageRefusal('WRONG_CHANNEL', 'correction.request is not sent by PPS');
      return submitCorrection(deps, channel, inbound.message);
    case 'correction.decision':
      if (channel !== 'PPS') throw new MessageRefusal('WRONG_CHANNEL', `correction.decision is not sent by ${channel}`);
      return applyCorrectionDecision(deps, inbound.message);
  }
}

/** Refuses the message and answers the `refused` outcome. */
async function refuse(deps: ReturnFlowDeps, channel: Channel, message: ChannelMessage, reason: RefusalReason): Promise<ReturnOutcome> {
  await refuseMessage(deps, channel, message, reason);
  return { kind: 'refused', code: reason.code, detail: reason.detail, ...(reason.type !== undefined ? { type: reason.type } : {}) };
}
