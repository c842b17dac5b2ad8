import { applyCorrectionDecision, submitCorrection } from './corrections';
import type { ReturnFlowDeps } from './deps';
import { parseInbound } from './inbound';
import { type Channel, MessageRefusal, type ReturnOutcome } from './model';
import { type ChannelMessage, refuseMessage } from './refusals';
import { recordValidationDecision } from './validation-decisions';

/**
 * One return message, from its channel to its outcome: parse it, apply the use case of its type,
 * and refuse it (record, tell the sender) when it breaks a rule. A refusal is handled here and
 * resolves; any other error (throttling, the network) rejects, so that SQS delivers it again.
 */
export async function processReturnMessage(deps: ReturnFlowDeps, channel: Channel, received: ChannelMessage): Promise<ReturnOutcome> {
  const parsed = parseInbound(channel, received.body, received.typeAttribute);
  if (!parsed.ok) {
    await refuseMessage(deps, channel, received, parsed);
    return { kind: 'refused', code: parsed.code, detail: parsed.detail, ...(parsed.type !== undefined ? { type: parsed.type } : {}) };
  }
  const { inbound } = parsed;
  try {
    switch (inbound.type) {
      case 'validation.decision':
        if (channel === 'PPS') throw new MessageRefusal('WRONG_CHANNEL', 'validation.decision is not sent by PPS');
        return await recordValidationDecision(deps, channel, inbound.message);
      case 'correction.request':
        if (channel === 'PPS') throw new MessageRefusal('WRONG_CHANNEL', 'correction.request is not sent by PPS');
        return await submitCorrection(deps, channel, inbound.message);
      case 'correction.decision':
        if (channel !== 'PPS') throw new MessageRefusal('WRONG_CHANNEL', `correction.decision is not sent by ${channel}`);
        return await applyCorrectionDecision(deps, inbound.message);
    }
  } catch (error) {
    if (!(error instanceof MessageRefusal)) throw error;
    await refuseMessage(deps, channel, received, {
      code: error.code,
      detail: error.detail,
      messageId: inbound.message.messageId,
      type: inbound.type,
    });
    return { kind: 'refused', code: error.code, detail: error.detail, type: inbound.type };
  }
}
