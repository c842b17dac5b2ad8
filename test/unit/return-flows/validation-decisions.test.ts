import { describe, expect, it } from 'vitest';
import { forwardedDecisionMessageId } from '../../../shared/domain/return-flows/ids';
import { processRegionMessage } from '../../../shared/domain/return-flows/process';
import { isLaterDecision } from '../../../shared/domain/return-flows/validation-decisions';
import { assertValidMessage } from '../../support/message-schemas';
import { decisionMessage, line, makeDeps, QUEUE_URLS, received } from './fakes';

describe('validation decisions (return-flows §2)', () => {
  it('stores a decision for a line delivered to the channel, makes it the status and forwards it to the PPS with the recipient', async () => {
    const { deps, lines, publisher } = makeDeps();
    lines.put(line('VDAB', 'REF-1'));
    const message = decisionMessage({ decisionId: 'dec-1', reasonCode: 'R12' });

    const outcome = await processRegionMessage(deps, 'VDAB', received(message));

    expect(outcome).toEqual({ kind: 'accepted', type: 'validation.decision' });
    const view = await lines.getLine('VDAB', 'REF-1', new Date('2025-11-03T10:00:00Z'));
    expect(view?.status).toBe('VALIDATED');
    expect(lines.history('VDAB', 'REF-1').map((d) => [d.decisionId, d.decision, d.forwardedAt])).toEqual([
      ['dec-1', 'VALIDATED', '2025-11-03T10:00:00.000Z'],
    ]);
    const toPps = publisher.bodies(QUEUE_URLS.ppsOutbound);
    expect(toPps).toEqual([
      {
        type: 'validation.decision',
        schemaVersion: 1,
        messageId: forwardedDecisionMessageId('VDAB', 'REF-1', 'dec-1'),
        sentAt: '2025-11-03T10:00:00.000Z',
        decisionId: 'dec-1',
        reference: 'REF-1',
        fileNumber: 'D-100',
        decision: 'VALIDATED',
        reasonCode: 'R12',
        decidedAt: '2025-11-03T09:00:00+01:00',
        recipient: 'VDAB',
      },
    ]);
    assertValidMessage(toPps[0], 'validation.decision.pps');
  });

  it('refuses a validation for a line delivered to another region with UNKNOWN_LINE, storing and forwarding nothing', async () => {
    const { deps, lines, publisher, refused } = makeDeps();
    lines.put(line('ACTIRIS', 'REF-BXL'));
    const message = decisionMessage({ reference: 'REF-BXL' });

    const outcome = await processRegionMessage(deps, 'VDAB', received(message));

    expect(outcome).toMatchObject({ kind: 'refused', code: 'UNKNOWN_LINE' });
    expect(lines.decisions.size).toBe(0);
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toEqual([]);
    const notices = publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB);
    expect(notices).toEqual([
      expect.objectContaining({ type: 'message.refused', refusedMessageId: message.messageId, code: 'UNKNOWN_LINE' }),
    ]);
    assertValidMessage(notices[0], 'message.refused');
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.ACTIRIS)).toEqual([]);
    expect([...refused.items.values()].map((r) => [r.channel, r.code, r.refusedMessageId])).toEqual([
      ['VDAB', 'UNKNOWN_LINE', message.messageId],
    ]);
  });

  it('refuses a decision whose fileNumber differs from the delivered line with LINE_MISMATCH', async () => {
    const { deps, lines, publisher } = makeDeps();
    lines.put(line('VDAB', 'REF-1'));

    const outcome = await processRegionMessage(deps, 'VDAB', received(decisionMessage({ fileNumber: 'D-999' })));

    expect(outcome).toMatchObject({ kind: 'refused', code: 'LINE_MISMATCH' });
    expect(lines.decisions.size).toBe(0);
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toEqual([]);
  });

  it('keeps a decision the recipient’s retention from when it arrived, not from when it was processed (5,440 days)', async () => {
    const { deps, lines } = makeDeps(new Date('2025-11-05T10:00:00Z'));
    lines.put(line('VDAB', 'REF-1'));
    await processRegionMessage(deps, 'VDAB', received(decisionMessage()));
    const [stored] = [...lines.decisions.values()];
    // received() says SQS got it at 2025-11-03T09:15:01Z; it waited two days on its queue.
    expect(stored).toMatchObject({ receivedAt: '2025-11-03T09:15:01.000Z' });
    expect(stored?.expiresAt).toBe(Date.parse('2025-11-03T09:15:01Z') / 1000 + 5440 * 86_400);
  });

  it('treats a line past its retention as never delivered', async () => {
    const { deps, lines } = makeDeps(new Date('2041-01-01T00:00:00Z'));
    lines.put(line('VDAB', 'REF-1'));
    const outcome = await processRegionMessage(deps, 'VDAB', received(decisionMessage()));
    expect(outcome).toMatchObject({ kind: 'refused', code: 'UNKNOWN_LINE' });
  });

  it('keeps every decision but lets the latest decidedAt be the status, whatever the order of arrival', async () => {
    const { deps, lines } = makeDeps();
    lines.put(line('VDAB', 'REF-1'));
    const later = decisionMessage({ decisionId: 'inspection', decision: 'REFUSED', decidedAt: '2025-11-02T12:00:00Z' });
    const earlier = decisionMessage({ decisionId: 'first', decision: 'VALIDATED', decidedAt: '2025-11-02T13:00:00+02:00' });

    await processRegionMessage(deps, 'VDAB', received(later));
    await processRegionMessage(deps, 'VDAB', received(earlier));

    const view = await lines.getLine('VDAB', 'REF-1', new Date('2025-11-03T10:00:00Z'));
    expect([view?.status, view?.statusDecisionId]).toEqual(['REFUSED', 'inspection']);
    expect(
      lines
        .history('VDAB', 'REF-1')
        .map((d) => d.decisionId)
        .sort(),
    ).toEqual(['first', 'inspection']);
  });

  it('treats a decisionId received again as a no-op: nothing stored or forwarded twice, nothing refused', async () => {
    const { deps, lines, publisher, refused } = makeDeps();
    lines.put(line('VDAB', 'REF-1'));
    const message = decisionMessage({ decisionId: 'dec-7' });

    await processRegionMessage(deps, 'VDAB', received(message));
    const again = await processRegionMessage(deps, 'VDAB', received({ ...message, messageId: 'm-resent' }));
    const changed = await processRegionMessage(deps, 'VDAB', received({ ...message, decision: 'REFUSED' }));

    expect(again).toEqual({ kind: 'duplicate', type: 'validation.decision' });
    expect(changed).toEqual({ kind: 'duplicate', type: 'validation.decision' });
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toHaveLength(1);
    expect(lines.history('VDAB', 'REF-1')).toHaveLength(1);
    expect(refused.items.size).toBe(0);
  });

  it('repairs a crash between the write and the send: the retry forwards the same message id once', async () => {
    const { deps, lines, publisher } = makeDeps();
    lines.put(line('VDAB', 'REF-1'));
    const message = decisionMessage({ decisionId: 'dec-9' });
    publisher.failNext = 1;

    await expect(processRegionMessage(deps, 'VDAB', received(message))).rejects.toThrow('throttled');
    expect(lines.history('VDAB', 'REF-1')[0]?.forwardedAt).toBeUndefined();
    const retry = await processRegionMessage(deps, 'VDAB', received(message));

    expect(retry.kind).toBe('duplicate');
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound).map((b) => b.messageId)).toEqual([
      forwardedDecisionMessageId('VDAB', 'REF-1', 'dec-9'),
    ]);
    expect(lines.history('VDAB', 'REF-1')[0]?.forwardedAt).toBeDefined();
  });

  it('orders decisions by instant, not by the text of their offsets', () => {
    expect(
      isLaterDecision({ decidedAt: '2025-11-02T12:30:00+01:00', decisionId: 'a' }, { decidedAt: '2025-11-02T11:00:00Z', decisionId: 'b' }),
    ).toBe(true);
    expect(
      isLaterDecision({ decidedAt: '2025-11-02T12:00:00+02:00', decisionId: 'a' }, { decidedAt: '2025-11-02T11:00:00Z', decisionId: 'b' }),
    ).toBe(false);
    expect(
      isLaterDecision({ decidedAt: '2025-11-02T11:00:00Z', decisionId: 'b' }, { decidedAt: '2025-11-02T12:00:00+01:00', decisionId: 'a' }),
    ).toBe(true);
  });
});
