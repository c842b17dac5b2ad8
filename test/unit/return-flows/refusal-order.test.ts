import { describe, expect, it } from 'vitest';
import { processPpsMessage, processRegionMessage } from '../../../shared/domain/return-flows/process';
import type { Channel, ChannelMessage } from '../../../shared/domain/return-flows/return-message';
import { assertValidMessage } from '../../support/message-schemas';
import {
  ACTIRIS_KBO,
  correctionMessage,
  decisionMessage,
  line,
  makeDeps,
  ppsDecisionMessage,
  QUEUE_URLS,
  received,
  VDAB_KBO,
} from './fakes';

/** A message through the path of the queue it came from: the PPS's or a region's. */
function processAs(deps: ReturnType<typeof makeDeps>['deps'], channel: Channel, message: ChannelMessage) {
  return channel === 'PPS' ? processPpsMessage(deps, message) : processRegionMessage(deps, channel, message);
}

/**
 * messages.md: when more than one refusal applies, the first in this order wins —
 * MALFORMED_MESSAGE, WRONG_CHANNEL (a type that another sender sends), INVALID_FIELD,
 * WRONG_CHANNEL (a requesterKbo not the channel's), REGULATION_NOT_GRANTED, UNKNOWN_LINE,
 * LINE_MISMATCH, DUPLICATE_REQUEST, UNKNOWN_CORRECTION, ALREADY_DECIDED. Each case below breaks
 * two or more rules at once and expects the first.
 */

/** The outbound queue of a channel's sender. */
function outboundOf(channel: Channel): string {
  return channel === 'PPS' ? QUEUE_URLS.ppsOutbound : QUEUE_URLS.recipientOutbound[channel];
}

/** A hub with VDAB's line REF-1 (ART60_7, file D-100) and Actiris's line REF-A delivered. */
function hub() {
  const made = makeDeps();
  made.lines.put(line('VDAB', 'REF-1'));
  made.lines.put(line('ACTIRIS', 'REF-A'));
  return made;
}

async function codeOf(channel: Channel, body: unknown, setUp?: (h: ReturnType<typeof hub>) => Promise<void>): Promise<string> {
  const h = hub();
  await setUp?.(h);
  const outcome = await processAs(h.deps, channel, received(body));
  return outcome.kind === 'refused' ? outcome.code : outcome.kind;
}

describe('which refusal code wins when several apply (messages.md)', () => {
  it.each<[string, string, Channel, unknown]>([
    [
      'a wrong envelope and a type another sender sends',
      'MALFORMED_MESSAGE',
      'VDAB',
      ppsDecisionMessage('cor-1', 'APPROVED', { schemaVersion: 2 }),
    ],
    ['an unknown type and a broken field', 'MALFORMED_MESSAGE', 'VDAB', decisionMessage({ type: 'validation.verdict', decision: 'MAYBE' })],
    ['no messageId and a type another sender sends', 'MALFORMED_MESSAGE', 'PPS', correctionMessage({ messageId: undefined })],
    ['a type another sender sends and a broken field', 'WRONG_CHANNEL', 'VDAB', ppsDecisionMessage('cor-1', 'MAYBE' as 'APPROVED')],
    ['a recipient type on the PPS channel, with an unknown key', 'WRONG_CHANNEL', 'PPS', decisionMessage({ extra: 1 })],
    [
      'a hub type on a recipient channel, with fields of no schema',
      'WRONG_CHANNEL',
      'ACTIRIS',
      { ...decisionMessage(), type: 'batch.records' },
    ],
    [
      'a broken field and a requesterKbo not the channel’s',
      'INVALID_FIELD',
      'VDAB',
      correctionMessage({ requesterKbo: ACTIRIS_KBO, insz: '85073003329' }),
    ],
    [
      'an unknown key and a requesterKbo not the channel’s',
      'INVALID_FIELD',
      'VDAB',
      correctionMessage({ requesterKbo: ACTIRIS_KBO, note: 'x' }),
    ],
    [
      'start after end and a regulation not granted',
      'INVALID_FIELD',
      'ACTIRIS',
      correctionMessage({ requesterKbo: ACTIRIS_KBO, regulation: 'ART61', performanceStart: '2025-11-01' }),
    ],
    [
      'a requesterKbo not the channel’s and a regulation not granted, on an unknown line',
      'WRONG_CHANNEL',
      'ACTIRIS',
      correctionMessage({ requesterKbo: VDAB_KBO, regulation: 'ART61', reference: 'NOPE' }),
    ],
    [
      'a regulation not granted and an unknown line',
      'REGULATION_NOT_GRANTED',
      'ACTIRIS',
      correctionMessage({ requesterKbo: ACTIRIS_KBO, regulation: 'ART61', reference: 'NOPE' }),
    ],
    [
      'a regulation not granted and a line that differs',
      'REGULATION_NOT_GRANTED',
      'ACTIRIS',
      correctionMessage({ requesterKbo: ACTIRIS_KBO, regulation: 'ART61', reference: 'REF-A', fileNumber: 'OTHER' }),
    ],
    ['a decision on a line delivered to another recipient only', 'UNKNOWN_LINE', 'ACTIRIS', decisionMessage({ reference: 'REF-1' })],
  ])('%s → %s', async (_, code, channel, body) => {
    expect(await codeOf(channel, body)).toBe(code);
  });

  it('UNKNOWN_LINE and LINE_MISMATCH before DUPLICATE_REQUEST: a requestId reused with other content on a wrong line', async () => {
    const first = correctionMessage();
    const submit = async (h: ReturnType<typeof hub>) => {
      expect((await processAs(h.deps, 'VDAB', received(first))).kind).toBe('accepted');
    };
    expect(await codeOf('VDAB', { ...first, messageId: 'm-again-1', reference: 'NOPE' }, submit)).toBe('UNKNOWN_LINE');
    expect(await codeOf('VDAB', { ...first, messageId: 'm-again-2', fileNumber: 'D-999' }, submit)).toBe('LINE_MISMATCH');
    expect(await codeOf('VDAB', { ...first, messageId: 'm-again-3', amount: '99.00' }, submit)).toBe('DUPLICATE_REQUEST');
  });

  it('UNKNOWN_CORRECTION, and ALREADY_DECIDED for a correction decided before, differently', async () => {
    expect(await codeOf('PPS', ppsDecisionMessage('cor-unknown', 'APPROVED'))).toBe('UNKNOWN_CORRECTION');
    const h = hub();
    await processAs(h.deps, 'VDAB', received(correctionMessage()));
    const correctionId = [...h.corrections.items.values()][0]?.correctionId ?? '';
    expect((await processAs(h.deps, 'PPS', received(ppsDecisionMessage(correctionId, 'APPROVED')))).kind).toBe('accepted');
    const again = await processAs(h.deps, 'PPS', received(ppsDecisionMessage(correctionId, 'REJECTED')));
    expect(again).toMatchObject({ kind: 'refused', code: 'ALREADY_DECIDED' });
  });
});

describe('refusedMessageId: the sender’s messageId, or the SQS message id when the body has no usable one (messages.md)', () => {
  it.each<[string, unknown]>([
    ['a body that is not JSON', '{"messageId":"m-1"'],
    ['a JSON array', '["m-1"]'],
    ['no messageId', decisionMessage({ messageId: undefined, reference: 'NOPE' })],
    ['an empty messageId', decisionMessage({ messageId: '' })],
    ['a messageId of 129 characters', decisionMessage({ messageId: 'm'.repeat(129) })],
    ['a messageId that is a number', decisionMessage({ messageId: 42 })],
    ['a messageId that is null', decisionMessage({ messageId: null })],
  ])('names the SQS message id for %s', async (_, body) => {
    const h = hub();
    const message = received(body);
    const outcome = await processAs(h.deps, 'VDAB', message);
    expect(outcome).toMatchObject({ kind: 'refused', code: 'MALFORMED_MESSAGE' });
    const notices = h.publisher.bodies(outboundOf('VDAB'));
    expect(notices).toEqual([expect.objectContaining({ type: 'message.refused', refusedMessageId: message.sqsMessageId })]);
    assertValidMessage(h.publisher.all(outboundOf('VDAB'))[0]?.body);
    expect([...h.refused.items.values()].map((r) => r.refusedMessageId)).toEqual([message.sqsMessageId]);
  });

  it.each<[string, Channel, Record<string, unknown>, string]>([
    [
      'a wrong envelope, its messageId usable',
      'VDAB',
      decisionMessage({ messageId: 'm'.repeat(128), schemaVersion: 2 }),
      'MALFORMED_MESSAGE',
    ],
    ['an unknown type', 'VDAB', decisionMessage({ type: 'validation.verdict' }), 'MALFORMED_MESSAGE'],
    ['a type another sender sends', 'PPS', correctionMessage(), 'WRONG_CHANNEL'],
    ['a broken field', 'ACTIRIS', decisionMessage({ decision: 'MAYBE' }), 'INVALID_FIELD'],
    ['an unknown line', 'ACTIRIS', decisionMessage({ reference: 'NOPE' }), 'UNKNOWN_LINE'],
  ])('names the sender’s messageId for %s', async (_, channel, body, code) => {
    const h = hub();
    const outcome = await processAs(h.deps, channel, received(body));
    expect(outcome).toMatchObject({ kind: 'refused', code });
    expect(h.publisher.bodies(outboundOf(channel))).toEqual([
      expect.objectContaining({ type: 'message.refused', refusedMessageId: body.messageId, code }),
    ]);
  });
});
