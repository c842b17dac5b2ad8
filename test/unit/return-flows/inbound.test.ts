import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInbound } from '../../../shared/domain/return-flows/inbound';
import { processRegionMessage } from '../../../shared/domain/return-flows/process';
import { correctionMessage, decisionMessage, line, makeDeps, QUEUE_URLS, received } from './fakes';

describe('reading a return message off its channel (messages.md)', () => {
  it.each([
    ['a body that is not JSON', 'not json {', 'MALFORMED_MESSAGE'],
    ['a JSON array', '[1,2]', 'MALFORMED_MESSAGE'],
    ['an unknown type', JSON.stringify(decisionMessage({ type: 'validation.verdict' })), 'MALFORMED_MESSAGE'],
    ['schemaVersion 2', JSON.stringify(decisionMessage({ schemaVersion: 2 })), 'MALFORMED_MESSAGE'],
    ['a sentAt without offset', JSON.stringify(decisionMessage({ sentAt: '2025-11-03T09:15:00' })), 'MALFORMED_MESSAGE'],
    ['no messageId', JSON.stringify(decisionMessage({ messageId: undefined })), 'MALFORMED_MESSAGE'],
    ['a PPS decision on a recipient channel', JSON.stringify({ ...decisionMessage(), type: 'correction.decision' }), 'WRONG_CHANNEL'],
    ['a type that the hub sends (another sender)', JSON.stringify(decisionMessage({ type: 'batch.records' })), 'WRONG_CHANNEL'],
    ['message.refused, which only the hub sends', JSON.stringify(decisionMessage({ type: 'message.refused' })), 'WRONG_CHANNEL'],
    ['an unknown key', JSON.stringify(decisionMessage({ recipient: 'ACTIRIS' })), 'INVALID_FIELD'],
    ['an unknown decision', JSON.stringify(decisionMessage({ decision: 'MAYBE' })), 'INVALID_FIELD'],
    ['a reason code over 40 characters', JSON.stringify(decisionMessage({ reasonCode: 'R'.repeat(41) })), 'INVALID_FIELD'],
    ['an empty reason code', JSON.stringify(decisionMessage({ reasonCode: '' })), 'INVALID_FIELD'],
    ['a reason code in free text', JSON.stringify(decisionMessage({ reasonCode: 'no activation found' })), 'INVALID_FIELD'],
    ['a reason code in lower case', JSON.stringify(decisionMessage({ reasonCode: 'no_activation' })), 'INVALID_FIELD'],
    ['a reason code carrying a name', JSON.stringify(decisionMessage({ reasonCode: 'Jan Peeters' })), 'INVALID_FIELD'],
    ['a reason code with a dash', JSON.stringify(decisionMessage({ reasonCode: 'R-12' })), 'INVALID_FIELD'],
    ['a decidedAt without offset', JSON.stringify(decisionMessage({ decidedAt: '2025-11-03T09:00:00' })), 'INVALID_FIELD'],
  ])('refuses %s', (_, body, code) => {
    const parsed = parseInbound('VDAB', body);
    expect(parsed).toMatchObject({ ok: false, code });
  });

  it('accepts a reasonCode exactly when it is 1–40 characters of A–Z, 0–9 and _ (never free text)', () => {
    const codeChar = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_');
    fc.assert(
      fc.property(fc.array(codeChar, { minLength: 1, maxLength: 40 }), (chars) => {
        const parsed = parseInbound('VDAB', JSON.stringify(decisionMessage({ reasonCode: chars.join('') })));
        expect(parsed.ok).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }).filter((text) => !/^[A-Z0-9_]{1,40}$/.test(text)),
        (reasonCode) => {
          const parsed = parseInbound('VDAB', JSON.stringify(decisionMessage({ reasonCode })));
          expect(parsed).toMatchObject({ ok: false, code: 'INVALID_FIELD' });
        },
      ),
    );
  });

  it('refuses a body whose type disagrees with the SQS attribute type', () => {
    expect(parseInbound('VDAB', JSON.stringify(decisionMessage()), 'correction.request')).toMatchObject({
      ok: false,
      code: 'MALFORMED_MESSAGE',
    });
    expect(parseInbound('VDAB', JSON.stringify(decisionMessage()), 'validation.decision')).toMatchObject({ ok: true });
  });

  it('refuses a recipient message on the PPS channel with WRONG_CHANNEL', () => {
    expect(parseInbound('PPS', JSON.stringify(correctionMessage()))).toMatchObject({ ok: false, code: 'WRONG_CHANNEL' });
  });

  it('never puts a value of the message in the refusal detail', () => {
    const message = correctionMessage({ insz: '8507300332', extra: '85073003328' });
    const parsed = parseInbound('VDAB', JSON.stringify(message));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.detail).toContain('insz');
    expect(parsed.detail).not.toMatch(/\d{10}/);
  });

  it('answers a message that is not even JSON with message.refused naming the SQS message id, and keeps it for an operator', async () => {
    const { deps, publisher, refused } = makeDeps();
    deps.lines; // nothing delivered: nothing is needed to refuse
    const message = received('garbage');

    const outcome = await processRegionMessage(deps, 'ACTIRIS', message);

    expect(outcome).toMatchObject({ kind: 'refused', code: 'MALFORMED_MESSAGE' });
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.ACTIRIS)).toEqual([
      expect.objectContaining({ type: 'message.refused', refusedMessageId: message.sqsMessageId, code: 'MALFORMED_MESSAGE' }),
    ]);
    const [kept] = [...refused.items.values()];
    expect(kept).toMatchObject({ channel: 'ACTIRIS', code: 'MALFORMED_MESSAGE', body: 'garbage', receivedAt: '2025-11-03T09:15:01.000Z' });
    // Kept for the configured 30 days from receipt, then destroyed by TTL.
    expect(kept?.expiresAt).toBe(Date.parse('2025-12-03T09:15:01Z') / 1000);
  });

  it('refuses the same message the same way on every delivery, with the same message.refused id', async () => {
    const { deps, lines, publisher, refused } = makeDeps();
    lines.put(line('VDAB', 'REF-1'));
    const message = received(decisionMessage({ reference: 'NOPE' }));
    await processRegionMessage(deps, 'VDAB', message);
    await processRegionMessage(deps, 'VDAB', message);
    const ids = publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB).map((b) => b.messageId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
    expect(refused.items.size).toBe(1);
  });
});
