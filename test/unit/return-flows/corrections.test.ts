import { describe, expect, it } from 'vitest';
import { CORRECTION_TRANSITIONS, type CorrectionStatus, canTransition } from '../../../shared/domain/return-flows/correction';
import { approvedMessageId, correctionIdOf, outcomeMessageId } from '../../../shared/domain/return-flows/ids';
import { type PpsFlowDeps, processPpsMessage, processRegionMessage } from '../../../shared/domain/return-flows/process';
import { assertValidMessage } from '../../support/message-schemas';
import { ACTIRIS_KBO, correctionMessage, line, makeDeps, OTHER_INSZ, ppsDecisionMessage, QUEUE_URLS, received } from './fakes';

function setup(now?: Date) {
  const ctx = makeDeps(now);
  ctx.lines.put(line('VDAB', 'REF-1'));
  ctx.lines.put(line('ACTIRIS', 'REF-B', { fileNumber: 'B-7' }));
  return ctx;
}

describe('the life of a correction (return-flows §3)', () => {
  it('allows SUBMITTED → APPROVED | REJECTED, APPROVED → FORWARDED_TO_OCMW and nothing else', () => {
    const statuses = Object.keys(CORRECTION_TRANSITIONS) as CorrectionStatus[];
    const allowed = statuses.flatMap((from) => statuses.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    expect(allowed.sort()).toEqual(['APPROVED→FORWARDED_TO_OCMW', 'SUBMITTED→APPROVED', 'SUBMITTED→REJECTED']);
  });
});

describe('submitting a correction', () => {
  it('stores it SUBMITTED under (requester, requestId) and forwards it to the PPS with the hub correctionId, not the requestId', async () => {
    const { deps, corrections, publisher } = setup();
    const message = correctionMessage({ requestId: 'req-1', amount: '120.5' });

    const outcome = await processRegionMessage(deps, 'VDAB', received(message));

    expect(outcome).toEqual({ kind: 'accepted', type: 'correction.request' });
    const stored = corrections.items.get('VDAB#req-1');
    expect(stored).toMatchObject({
      status: 'SUBMITTED',
      amountCents: 12050,
      correctionId: correctionIdOf('VDAB', 'req-1'),
      forwardedToPpsAt: '2025-11-03T10:00:00.000Z',
    });
    const [toPps, ...more] = publisher.bodies(QUEUE_URLS.ppsOutbound);
    expect(more).toEqual([]);
    expect(toPps).toMatchObject({
      type: 'correction.request',
      correctionId: correctionIdOf('VDAB', 'req-1'),
      recipient: 'VDAB',
      amount: '120.50',
      insz: message.insz,
    });
    expect(toPps).not.toHaveProperty('requestId');
    assertValidMessage(toPps, 'correction.request.pps');
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toEqual([]);
  });

  it('refuses a correction from the wrong channel: a requesterKbo that is not the channel recipient’s', async () => {
    const { deps, corrections, publisher } = setup();
    // VDAB's KBO written in a message that came on Actiris's channel.
    const message = correctionMessage({ reference: 'REF-B', fileNumber: 'B-7' });

    const outcome = await processRegionMessage(deps, 'ACTIRIS', received(message));

    expect(outcome).toMatchObject({ kind: 'refused', code: 'WRONG_CHANNEL' });
    expect(corrections.items.size).toBe(0);
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toEqual([]);
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.ACTIRIS)).toEqual([
      expect.objectContaining({ type: 'message.refused', code: 'WRONG_CHANNEL', refusedMessageId: message.messageId }),
    ]);
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toEqual([]);
  });

  it('refuses a regulation that is not granted to the requester', async () => {
    const { deps, corrections } = setup();
    const message = correctionMessage({ requesterKbo: ACTIRIS_KBO, reference: 'REF-B', fileNumber: 'B-7', regulation: 'ART61' });
    const outcome = await processRegionMessage(deps, 'ACTIRIS', received(message));
    expect(outcome).toMatchObject({ kind: 'refused', code: 'REGULATION_NOT_GRANTED' });
    expect(corrections.items.size).toBe(0);
  });

  it('refuses a reference never delivered to the requester with UNKNOWN_LINE', async () => {
    const { deps } = setup();
    const outcome = await processRegionMessage(deps, 'VDAB', received(correctionMessage({ reference: 'REF-B', fileNumber: 'B-7' })));
    expect(outcome).toMatchObject({ kind: 'refused', code: 'UNKNOWN_LINE' });
  });

  it.each([
    ['insz', { insz: OTHER_INSZ }],
    ['fileNumber', { fileNumber: 'D-999' }],
    ['ocmwKbo', { ocmwKbo: '0887010362' }],
    ['regulation', { regulation: 'ART61' }],
  ])('refuses a request whose %s differs from the delivered line with LINE_MISMATCH', async (field, overrides) => {
    const { deps, corrections } = setup();
    const outcome = await processRegionMessage(deps, 'VDAB', received(correctionMessage(overrides)));
    expect(outcome).toMatchObject({ kind: 'refused', code: 'LINE_MISMATCH', detail: `${field} differ from the delivered line` });
    expect(corrections.items.size).toBe(0);
  });

  it.each([
    ['a zero amount', { amount: '0.00' }],
    ['three decimals', { amount: '10.005' }],
    ['a negative amount', { amount: '-10.00' }],
    ['a decimal comma', { amount: '10,50' }],
    ['a period that ends before it starts', { performanceStart: '2025-10-31', performanceEnd: '2025-10-01' }],
    ['a date that does not exist', { effectiveDate: '2025-02-30' }],
    ['an INSZ with wrong check digits', { insz: '85073003329' }],
    ['a KBO with wrong check digits', { ocmwKbo: '0212351213' }],
    ['an unknown kind', { kind: 'REFUND' }],
    ['a budget article over 40 characters', { budgetArticle: 'x'.repeat(41) }],
    ['a key the contract does not name', { recipient: 'VDAB' }],
    ['a missing field', { budgetArticle: undefined }],
  ])('refuses %s with INVALID_FIELD', async (_, overrides) => {
    const { deps, corrections, publisher } = setup();
    const outcome = await processRegionMessage(deps, 'VDAB', received(correctionMessage(overrides)));
    expect(outcome).toMatchObject({ kind: 'refused', code: 'INVALID_FIELD' });
    expect(corrections.items.size).toBe(0);
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toEqual([]);
  });

  it('treats a resent request (same requestId, same content) as a no-op and the same requestId with other content as DUPLICATE_REQUEST', async () => {
    const { deps, corrections, publisher } = setup();
    const message = correctionMessage({ requestId: 'req-2' });

    await processRegionMessage(deps, 'VDAB', received(message));
    const resent = await processRegionMessage(
      deps,
      'VDAB',
      received({ ...message, messageId: 'another-id', sentAt: '2025-11-03T11:00:00Z' }),
    );
    const reused = await processRegionMessage(deps, 'VDAB', received({ ...message, messageId: 'third-id', amount: '99.00' }));

    expect(resent).toEqual({ kind: 'duplicate', type: 'correction.request' });
    expect(reused).toMatchObject({ kind: 'refused', code: 'DUPLICATE_REQUEST' });
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toHaveLength(1);
    expect(corrections.items.get('VDAB#req-2')?.amountCents).toBe(12050);
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_REQUEST', refusedMessageId: 'third-id' }),
    ]);
  });

  it('keeps requestIds of different requesters apart', async () => {
    const { deps, corrections } = setup();
    await processRegionMessage(deps, 'VDAB', received(correctionMessage({ requestId: 'same' })));
    await processRegionMessage(
      deps,
      'ACTIRIS',
      received(correctionMessage({ requestId: 'same', requesterKbo: ACTIRIS_KBO, reference: 'REF-B', fileNumber: 'B-7' })),
    );
    expect([...corrections.items.values()].map((c) => c.correctionId).sort()).toEqual(
      [correctionIdOf('ACTIRIS', 'same'), correctionIdOf('VDAB', 'same')].sort(),
    );
  });

  it('repairs a crash between the write and the forward when the request is delivered again', async () => {
    const { deps, corrections, publisher } = setup();
    const message = correctionMessage({ requestId: 'req-crash' });
    publisher.failNext = 1;
    await expect(processRegionMessage(deps, 'VDAB', received(message))).rejects.toThrow();
    expect(corrections.items.get('VDAB#req-crash')?.forwardedToPpsAt).toBeUndefined();

    await processRegionMessage(deps, 'VDAB', received(message));

    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toHaveLength(1);
    expect(corrections.items.get('VDAB#req-crash')?.forwardedToPpsAt).toBeDefined();
  });
});

describe("applying the PPS's decision", () => {
  async function submitted(requestId = 'req-A') {
    const ctx = setup();
    await processRegionMessage(ctx.deps, 'VDAB', received(correctionMessage({ requestId })));
    return { ...ctx, correctionId: correctionIdOf('VDAB', requestId) };
  }

  it('APPROVED: tells the requester the outcome only, forwards the correction to the OCMW without requesterKbo, records FORWARDED_TO_OCMW', async () => {
    const { deps, corrections, publisher, correctionId } = await submitted('req-A');

    const outcome = await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'APPROVED')));

    expect(outcome).toEqual({ kind: 'accepted', type: 'correction.decision' });
    const toRequester = publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB);
    expect(toRequester).toEqual([
      {
        type: 'correction.outcome',
        schemaVersion: 1,
        messageId: outcomeMessageId(correctionId),
        sentAt: '2025-11-03T10:00:00.000Z',
        requestId: 'req-A',
        decision: 'APPROVED',
      },
    ]);
    assertValidMessage(toRequester[0], 'correction.outcome');
    const toOcmw = publisher.bodies(QUEUE_URLS.ocmwOutbound);
    expect(toOcmw).toHaveLength(1);
    expect(toOcmw[0]).toMatchObject({
      type: 'correction.approved',
      messageId: approvedMessageId(correctionId),
      correctionId,
      ocmwKbo: '0212351212',
      amount: '120.50',
      kind: 'RECOVERY',
    });
    expect(toOcmw[0]).not.toHaveProperty('requesterKbo');
    assertValidMessage(toOcmw[0], 'correction.approved');
    expect(corrections.items.get('VDAB#req-A')).toMatchObject({
      status: 'FORWARDED_TO_OCMW',
      decision: 'APPROVED',
      decidedAt: '2025-11-04T09:00:00Z',
    });
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.ACTIRIS)).toEqual([]);
  });

  it('needs only its own ports: no payment-line store, no disclosure key, no recipient KBOs', async () => {
    const { deps, corrections, publisher, correctionId } = await submitted('req-P');
    const { lines: _lines, personKey: _personKey, config, ...ports } = deps;
    const { recipientKbos: _kbos, ...ppsConfig } = config;
    const ppsDeps: PpsFlowDeps = { ...ports, config: ppsConfig };

    const outcome = await processPpsMessage(ppsDeps, received(ppsDecisionMessage(correctionId, 'APPROVED')));

    expect(outcome).toEqual({ kind: 'accepted', type: 'correction.decision' });
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toHaveLength(1);
    expect(corrections.items.get('VDAB#req-P')?.status).toBe('FORWARDED_TO_OCMW');
  });

  it('REJECTED: tells the requester and sends nothing to the OCMW', async () => {
    const { deps, corrections, publisher, correctionId } = await submitted('req-R');
    await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'REJECTED')));
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toEqual([
      expect.objectContaining({ type: 'correction.outcome', requestId: 'req-R', decision: 'REJECTED' }),
    ]);
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toEqual([]);
    expect(corrections.items.get('VDAB#req-R')?.status).toBe('REJECTED');
  });

  it('refuses a second decision with ALREADY_DECIDED and changes nothing', async () => {
    const { deps, corrections, publisher, correctionId } = await submitted('req-2nd');
    await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'REJECTED')));

    const second = ppsDecisionMessage(correctionId, 'APPROVED');
    const outcome = await processPpsMessage(deps, received(second));

    expect(outcome).toMatchObject({ kind: 'refused', code: 'ALREADY_DECIDED' });
    expect(corrections.items.get('VDAB#req-2nd')?.status).toBe('REJECTED');
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toEqual([]);
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound).filter((b) => b.type === 'message.refused')).toEqual([
      expect.objectContaining({ refusedMessageId: second.messageId, code: 'ALREADY_DECIDED' }),
    ]);
  });

  it('treats the same decision delivered again as a no-op', async () => {
    const { deps, publisher, correctionId } = await submitted('req-again');
    const decision = ppsDecisionMessage(correctionId, 'APPROVED');
    await processPpsMessage(deps, received(decision));
    const again = await processPpsMessage(deps, received(decision));
    expect(again).toEqual({ kind: 'duplicate', type: 'correction.decision' });
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toHaveLength(1);
  });

  it('treats the same decision and decidedAt under a new messageId as a no-op: no refusal, nothing sent again', async () => {
    const { deps, corrections, publisher, correctionId } = await submitted('req-new-id');
    const first = ppsDecisionMessage(correctionId, 'APPROVED');
    await processPpsMessage(deps, received(first));
    const item = corrections.items.get('VDAB#req-new-id');

    const resent = ppsDecisionMessage(correctionId, 'APPROVED', { sentAt: '2025-11-05T07:00:00Z' });
    expect(resent.messageId).not.toBe(first.messageId);
    const outcome = await processPpsMessage(deps, received(resent));

    expect(outcome).toEqual({ kind: 'duplicate', type: 'correction.decision' });
    expect(corrections.items.get('VDAB#req-new-id')).toEqual(item);
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound).filter((b) => b.type === 'message.refused')).toEqual([]);
  });

  it('reads decidedAt as an instant: the same instant written with another offset is the same decision', async () => {
    const { deps, publisher, correctionId } = await submitted('req-offset');
    await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'REJECTED', { decidedAt: '2025-11-04T10:00:00+01:00' })));

    const outcome = await processPpsMessage(
      deps,
      received(ppsDecisionMessage(correctionId, 'REJECTED', { decidedAt: '2025-11-04T09:00:00.000Z' })),
    );

    expect(outcome).toEqual({ kind: 'duplicate', type: 'correction.decision' });
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound).filter((b) => b.type === 'message.refused')).toEqual([]);
  });

  it('refuses the same decision at another decidedAt with ALREADY_DECIDED: it is a second decision', async () => {
    const { deps, corrections, publisher, correctionId } = await submitted('req-later');
    await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'APPROVED')));
    const before = corrections.items.get('VDAB#req-later');

    const later = ppsDecisionMessage(correctionId, 'APPROVED', { decidedAt: '2025-11-05T09:00:00Z' });
    const outcome = await processPpsMessage(deps, received(later));

    expect(outcome).toMatchObject({ kind: 'refused', code: 'ALREADY_DECIDED' });
    expect(corrections.items.get('VDAB#req-later')).toEqual(before);
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound).filter((b) => b.type === 'message.refused')).toEqual([
      expect.objectContaining({ refusedMessageId: later.messageId, code: 'ALREADY_DECIDED' }),
    ]);
  });

  it('finishes what a crash interrupted when the same decision comes back under a new messageId', async () => {
    const { deps, corrections, publisher, correctionId } = await submitted('req-crash-new-id');
    publisher.failNext = 1;
    await expect(processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'APPROVED')))).rejects.toThrow();

    const resent = await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'APPROVED')));

    expect(resent.kind).toBe('duplicate');
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toHaveLength(1);
    expect(corrections.items.get('VDAB#req-crash-new-id')?.status).toBe('FORWARDED_TO_OCMW');
  });

  it('keeps a correction the requester’s retention from when the request arrived (5,440 days: backups count as keeping)', async () => {
    const { corrections } = await submitted('req-clock');
    // received() says SQS got the request at 09:15:01; the hub processed it at 10:00.
    expect(corrections.items.get('VDAB#req-clock')?.expiresAt).toBe(Date.parse('2025-11-03T09:15:01Z') / 1000 + 5440 * 86_400);
  });

  it('refuses a decision for an unknown correction with UNKNOWN_CORRECTION', async () => {
    const { deps, publisher } = await submitted();
    const outcome = await processPpsMessage(deps, received(ppsDecisionMessage('cor-nope', 'APPROVED')));
    expect(outcome).toMatchObject({ kind: 'refused', code: 'UNKNOWN_CORRECTION' });
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toEqual([]);
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toEqual([]);
  });

  it('repairs a crash after the decision was written: the retry sends the outcome and the OCMW message once each', async () => {
    const { deps, corrections, publisher, correctionId } = await submitted('req-crash2');
    const decision = ppsDecisionMessage(correctionId, 'APPROVED');
    publisher.failNext = 1;
    await expect(processPpsMessage(deps, received(decision))).rejects.toThrow();
    expect(corrections.items.get('VDAB#req-crash2')?.status).toBe('APPROVED');

    const retry = await processPpsMessage(deps, received(decision));

    expect(retry.kind).toBe('duplicate');
    expect(publisher.bodies(QUEUE_URLS.recipientOutbound.VDAB)).toHaveLength(1);
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toHaveLength(1);
    expect(corrections.items.get('VDAB#req-crash2')?.status).toBe('FORWARDED_TO_OCMW');
  });

  it('refuses a correction.decision that arrives on a recipient channel with WRONG_CHANNEL', async () => {
    const { deps, corrections, correctionId } = await submitted('req-wc');
    const outcome = await processRegionMessage(deps, 'VDAB', received(ppsDecisionMessage(correctionId, 'APPROVED')));
    expect(outcome).toMatchObject({ kind: 'refused', code: 'WRONG_CHANNEL' });
    expect(corrections.items.get('VDAB#req-wc')?.status).toBe('SUBMITTED');
  });
});
