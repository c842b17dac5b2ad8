import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoCorrections } from '../../../shared/adapters/dynamo-corrections';
import { type Correction, correctionContentHash, correctionFieldsOf, isOpen } from '../../../shared/domain/return-flows/correction';
import { correctionEntryKey, inszHmac, LEGAL_BASIS } from '../../../shared/domain/return-flows/disclosures';
import { contentHash, correctionIdOf } from '../../../shared/domain/return-flows/ids';
import { processPpsMessage, processRegionMessage } from '../../../shared/domain/return-flows/process';
import { nationalNumberRegExp } from '../../../shared/national-number-pattern';
import { correctionMessage, INSZ, KEY, line, makeDeps, OCMW_KBO, ppsDecisionMessage, QUEUE_URLS, received } from './fakes';

/**
 * A correction keeps the INSZ in clear only while it is open (return-flows §3): once REJECTED with
 * its outcome sent, or FORWARDED_TO_OCMW, only its keyed hash; a resent request is still
 * recognised, by comparing keyed hashes. Its flows to the PPS and to the OCMW are disclosures
 * (§4), recorded as long as the correction is kept.
 */

async function submitted(requestId: string) {
  const ctx = makeDeps();
  ctx.lines.put(line('VDAB', 'REF-1'));
  const message = correctionMessage({ requestId });
  await processRegionMessage(ctx.deps, 'VDAB', received(message));
  const key = `VDAB#${requestId}`;
  return { ...ctx, message, key, correctionId: correctionIdOf('VDAB', requestId) };
}

/** Whether a stored correction holds anything shaped like a national number. */
function holdsNationalNumber(c: Correction | undefined): boolean {
  return nationalNumberRegExp().test(JSON.stringify(c));
}

describe('an open correction', () => {
  it('holds the INSZ in clear and its keyed hash, and a content hash that holds the INSZ only as its keyed hash', async () => {
    const { corrections, key, message } = await submitted('req-open');
    const stored = corrections.items.get(key);
    expect(stored).toMatchObject({ status: 'SUBMITTED', insz: INSZ, inszHmac: inszHmac(KEY, INSZ) });
    expect(isOpen(stored as Correction)).toBe(true);
    const fields = correctionFieldsOf(message as never, new Date('2025-11-03T10:00:00Z'));
    expect(stored?.contentHash).toBe(correctionContentHash(fields, inszHmac(KEY, INSZ)));
    // Not the hash of the fields with the INSZ in clear, which anyone could recompute for every INSZ.
    expect(stored?.contentHash).not.toBe(contentHash({ ...fields }));
  });
});

describe('closing a correction', () => {
  it('REJECTED with its outcome sent: the INSZ in clear is gone, its keyed hash stays, nothing else about the person changes', async () => {
    const { deps, corrections, key, correctionId } = await submitted('req-rej');
    const before = corrections.items.get(key) as Correction;
    await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'REJECTED')));
    const after = corrections.items.get(key) as Correction;
    expect(after).toMatchObject({ status: 'REJECTED', inszHmac: inszHmac(KEY, INSZ) });
    expect(after.outcomeSentAt).toBeDefined();
    expect(after).not.toHaveProperty('insz');
    expect(isOpen(after)).toBe(false);
    expect(holdsNationalNumber(after)).toBe(false);
    const { insz: _insz, ...kept } = before;
    expect(after).toMatchObject({ ...kept, status: 'REJECTED', decision: 'REJECTED' });
  });

  it('APPROVED keeps it until the OCMW message, which carries it, is sent; FORWARDED_TO_OCMW holds only the keyed hash', async () => {
    const { deps, corrections, publisher, key, correctionId } = await submitted('req-app');
    // The OCMW's queue fails once: the correction is APPROVED, its outcome sent, not yet forwarded.
    const decision = ppsDecisionMessage(correctionId, 'APPROVED');
    publisher.failAfter = publisher.sent + 1;
    await expect(processPpsMessage(deps, received(decision))).rejects.toThrow();
    expect(corrections.items.get(key)).toMatchObject({ status: 'APPROVED', insz: INSZ });
    expect(isOpen(corrections.items.get(key) as Correction)).toBe(true);

    publisher.failAfter = Number.POSITIVE_INFINITY;
    await processPpsMessage(deps, received(decision));
    expect(publisher.bodies(QUEUE_URLS.ocmwOutbound)).toEqual([expect.objectContaining({ type: 'correction.approved', insz: INSZ })]);
    const after = corrections.items.get(key) as Correction;
    expect(after).toMatchObject({ status: 'FORWARDED_TO_OCMW', inszHmac: inszHmac(KEY, INSZ) });
    expect(after).not.toHaveProperty('insz');
    expect(holdsNationalNumber(after)).toBe(false);
  });
});

describe('a request resent after its correction closed', () => {
  it.each(['REJECTED', 'APPROVED'] as const)(
    'is still recognised by its keyed hashes (%s): a no-op, not DUPLICATE_REQUEST, nothing sent again',
    async (decision) => {
      const { deps, publisher, message, correctionId, corrections, key } = await submitted(`req-resend-${decision}`);
      await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, decision)));
      const sentBefore = publisher.sent;

      const resent = await processRegionMessage(deps, 'VDAB', received({ ...message, messageId: 'resent-1' }));

      expect(resent).toEqual({ kind: 'duplicate', type: 'correction.request' });
      expect(publisher.sent).toBe(sentBefore);
      expect(corrections.items.get(key)).not.toHaveProperty('insz');
    },
  );

  it('with other content, is DUPLICATE_REQUEST, for any field changed', async () => {
    const { deps, publisher, message, correctionId } = await submitted('req-other');
    await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'REJECTED')));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<[string, unknown]>(
          ['amount', '99.00'],
          ['kind', 'ARREARS'],
          ['effectiveDate', '2025-09-01'],
          ['performanceEnd', '2025-10-30'],
          ['budgetArticle', 'BA-45'],
        ),
        async ([field, value]) => {
          const outcome = await processRegionMessage(deps, 'VDAB', received({ ...message, messageId: `m-${field}`, [field]: value }));
          expect(outcome).toMatchObject({ kind: 'refused', code: 'DUPLICATE_REQUEST' });
        },
      ),
    );
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound).filter((b) => b.type === 'correction.request')).toHaveLength(1);
  });

  it('repairs a lost note that it went to the PPS without sending it again, once the PPS has decided it', async () => {
    const { deps, corrections, publisher, message, key, correctionId } = await submitted('req-lost');
    // The request reached the PPS, the note that it went was lost; the PPS decides; the region resends.
    corrections.items.set(key, { ...(corrections.items.get(key) as Correction), forwardedToPpsAt: undefined } as Correction);
    await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'REJECTED')));
    const toPps = publisher.bodies(QUEUE_URLS.ppsOutbound).length;

    expect(await processRegionMessage(deps, 'VDAB', received(message))).toEqual({ kind: 'duplicate', type: 'correction.request' });
    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toHaveLength(toPps);
    expect(corrections.items.get(key)?.forwardedToPpsAt).toBeDefined();
  });
});

describe('the disclosures of a correction', () => {
  it('records the request forwarded to the PPS and the approved correction passed on for the OCMW, keyed by the keyed hash, kept as the correction', async () => {
    const { deps, disclosures, corrections, key, correctionId } = await submitted('req-disc');
    await processPpsMessage(deps, received(ppsDecisionMessage(correctionId, 'APPROVED')));
    const correction = corrections.items.get(key) as Correction;
    const common = {
      personKey: inszHmac(KEY, INSZ),
      period: '2025-10-01/2025-10-31',
      correctionId,
      regulation: 'ART60_7',
      legalBasis: LEGAL_BASIS,
      deliveredAt: '2025-11-03T10:00:00.000Z',
      expiresAt: correction.expiresAt,
    };
    expect(disclosures.all()).toEqual([
      { ...common, entryKey: correctionEntryKey('PPS', correctionId), recipient: 'PPS', flow: 'CORRECTION_REQUEST' },
      { ...common, entryKey: correctionEntryKey('OCMW', correctionId), recipient: 'OCMW', flow: 'CORRECTION_APPROVED', ocmwKbo: OCMW_KBO },
    ]);
    expect(JSON.stringify(disclosures.all()).match(nationalNumberRegExp())).toBeNull();
    expect(LEGAL_BASIS).toBe('19/122 of 2 July 2019, as amended on 4 May 2021 and 1 October 2024 (IVC/KSZG/24/342)');
  });

  it('records none for the OCMW when the PPS rejects it, and records before sending: a send that fails leaves the disclosure', async () => {
    const rejected = await submitted('req-disc-rej');
    await processPpsMessage(rejected.deps, received(ppsDecisionMessage(rejected.correctionId, 'REJECTED')));
    expect(rejected.disclosures.all().map((d) => d.recipient)).toEqual(['PPS']);

    const ctx = makeDeps();
    ctx.lines.put(line('VDAB', 'REF-1'));
    ctx.publisher.failNext = 1;
    await expect(processRegionMessage(ctx.deps, 'VDAB', received(correctionMessage({ requestId: 'req-fail' })))).rejects.toThrow();
    expect(ctx.disclosures.all().map((d) => d.recipient)).toEqual(['PPS']);
  });
});

describe('DynamoCorrections: the write that closes a correction removes the INSZ in clear', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const mock = mockClient(doc);
  const store = new DynamoCorrections(doc, 'corrections');
  const at = new Date('2025-11-04T10:00:00Z');
  const base = { requester: 'VDAB', requestId: 'r-1', correctionId: 'cor-1' } as Correction;
  const updates = () => mock.commandCalls(UpdateCommand).map((c) => c.args[0].input as UpdateCommandInput);

  beforeEach(() => {
    mock.reset();
    mock.on(UpdateCommand).resolves({});
  });

  it('removes it with the note that a rejection was told, in the same conditional write, and not for an approval', async () => {
    await store.markOutcomeSent({ ...base, status: 'REJECTED', decision: 'REJECTED' }, at);
    await store.markOutcomeSent({ ...base, status: 'APPROVED', decision: 'APPROVED' }, at);
    const [rejected, approved] = updates();
    expect(rejected).toMatchObject({
      UpdateExpression: 'SET outcomeSentAt = if_not_exists(outcomeSentAt, :at) REMOVE insz',
      ConditionExpression: 'attribute_exists(pk) AND decision = :decision',
      ExpressionAttributeValues: { ':decision': 'REJECTED' },
    });
    expect(approved?.UpdateExpression).not.toContain('REMOVE');
  });

  it('removes it with the move to FORWARDED_TO_OCMW, in the same conditional write', async () => {
    await store.markForwardedToOcmw({ ...base, status: 'APPROVED', decision: 'APPROVED' }, at);
    expect(updates()[0]).toMatchObject({
      UpdateExpression: 'SET #status = :forwarded, forwardedToOcmwAt = :at REMOVE insz',
      ConditionExpression: '#status = :approved',
    });
  });
});
