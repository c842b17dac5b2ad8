import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PROOF_EXIT_CODES, parseProofArgs, proofQueryFrom } from '../../../scripts/proof';
import { bodySha256 } from '../../../shared/domain/batch/delivery-proof';
import { processInboundFile } from '../../../shared/domain/batch/process-file';
import { type AuditEntry, answerOperator } from '../../../shared/domain/operations/operator-tool';
import { checkProof, proofQueryOf, proofRequestSchema, proofTool } from '../../../shared/domain/operations/proofs';
import { nationalNumberRegExp } from '../../../shared/national-number-pattern';
import { inboundFile, memoryBatch } from '../../support/batch-dependencies';
import { bytesOf, csvFile, validRow } from '../../support/rows';

/** "Did the hub send exactly this?": the proof of each delivery, as the CLI and the operator function ask it. */

/** A batch delivered to every recipient, its proofs kept by the in-memory ledger. */
async function deliveredWorld() {
  const world = memoryBatch();
  const rows = Array.from({ length: 30 }, (_, i) => validRow({ reference: `R${i}`, ocmwNis: ['11002', '21004', '62063'][i % 3] }));
  const outcome = await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytesOf(csvFile(rows))), world.deps());
  if (outcome.kind !== 'delivered') throw new Error('not delivered');
  return world;
}

describe('the proof of each delivery', () => {
  it('is kept for every message sent, batch.completed included, with its batch, recipient, seq and sentAt, and no content', async () => {
    const world = await deliveredWorld();
    const sent = ['VDAB', 'ACTIRIS', 'FOREM'].flatMap((r) => world.publisher.all(`queue:${r}`));
    expect(sent.length).toBeGreaterThan(3);
    for (const message of sent) {
      const [proof, ...others] = await world.ledger.forMessage(message.messageId);
      expect(others).toEqual([]);
      const body = JSON.parse(message.body) as { batchId: string; recipient: string; seq?: number; sentAt: string };
      expect(proof).toEqual({
        messageId: message.messageId,
        sha256: bodySha256(message.body),
        batchId: body.batchId,
        recipient: body.recipient,
        ...(body.seq !== undefined ? { seq: body.seq } : {}),
        sentAt: body.sentAt,
        expiresAt: expect.any(Number),
      });
    }
    expect(JSON.stringify([...world.ledger.proofs.values()]).match(nationalNumberRegExp())).toBeNull();
  });

  it('answers SENT for a body exactly as sent, ALTERED for the same id with any other body, NOT_SENT for an id never sent', async () => {
    const world = await deliveredWorld();
    const [message] = world.publisher.all('queue:VDAB');
    if (message === undefined) throw new Error('nothing sent to VDAB');
    const now = world.clock();

    const sent = await checkProof(proofQueryOf({ body: message.body }), world.ledger, now);
    expect(sent).toMatchObject({ verdict: 'SENT', messageId: message.messageId, sent: [{ recipient: 'VDAB', seq: 1 }] });
    expect(sent.summary).toMatch(/^SENT: the hub sent exactly this message to VDAB at .*, seq 1$/);

    // One amount changed, or only a space added: not what the hub sent.
    for (const altered of [message.body.replace(/"amount":"(\d)/, '"amount":"9$1'), `${message.body} `]) {
      expect(altered).not.toBe(message.body);
      const answer = await checkProof(proofQueryOf({ body: altered }), world.ledger, now);
      expect(answer).toMatchObject({
        verdict: 'ALTERED',
        messageId: message.messageId,
        sent: [{ recipient: 'VDAB', sha256: bodySha256(message.body) }],
      });
    }

    const forged = message.body.replace(message.messageId, `${message.messageId.slice(0, -1)}9999`);
    expect((await checkProof(proofQueryOf({ body: forged }), world.ledger, now)).verdict).toBe('NOT_SENT');
    expect(
      (await checkProof(proofQueryOf({ messageId: message.messageId, sha256: bodySha256(message.body).toUpperCase() }), world.ledger, now))
        .verdict,
    ).toBe('SENT');
  });

  it('keeps a proof for each body a retry sent under one id (another sentAt), and the archive the first', async () => {
    const world = await deliveredWorld();
    const [first] = world.publisher.all('queue:FOREM');
    if (first === undefined) throw new Error('nothing sent to FOREM');
    // The same batch delivered again later (a retry of the delivery): the same ids, another sentAt.
    world.clockMs += 60_000;
    const [manifest] = [...world.manifests.manifests.values()];
    world.manifests.manifests.clear();
    const again = await processInboundFile(
      inboundFile(
        'monthly/2025-11/a.csv',
        bytesOf(
          csvFile(Array.from({ length: 30 }, (_, i) => validRow({ reference: `R${i}`, ocmwNis: ['11002', '21004', '62063'][i % 3] }))),
        ),
      ),
      world.deps(),
    );
    expect(again.kind).toBe('delivered');
    expect(manifest).toBeDefined();
    const bodies = world.publisher.all('queue:FOREM').filter((m) => m.messageId === first.messageId);
    expect(new Set(bodies.map((m) => m.body)).size).toBe(2);
    for (const m of bodies) expect((await checkProof(proofQueryOf({ body: m.body }), world.ledger, world.clock())).verdict).toBe('SENT');
  });
});

describe('the proof tool', () => {
  it('audits the message id and digest only, never the body', async () => {
    const world = await deliveredWorld();
    const [message] = world.publisher.all('queue:ACTIRIS');
    if (message === undefined) throw new Error('nothing sent to ACTIRIS');
    const entries: AuditEntry[] = [];
    const answer = await answerOperator(
      proofTool({ proofs: world.ledger, clock: world.clock }),
      { success: true, data: { body: message.body } },
      { requestId: 'r' },
      { record: (e) => entries.push(e) },
    );
    expect(answer).toMatchObject({ ok: true, verdict: 'SENT', messageId: message.messageId });
    expect(entries).toEqual([
      {
        tool: 'proof',
        requestId: 'r',
        outcome: 'answered',
        asked: { messageId: message.messageId, sha256: bodySha256(message.body) },
        results: 1,
      },
    ]);
    expect(JSON.stringify([answer, entries]).match(nationalNumberRegExp())).toBeNull();
  });

  it('refuses a body that is no message of the hub, and a malformed digest, repeating no value', async () => {
    expect(() => proofQueryOf({ body: 'not json' })).toThrow('the body is not JSON');
    expect(() => proofQueryOf({ body: '{"records":[]}' })).toThrow('the body has no messageId');
    expect(() => proofQueryOf({ messageId: 'm', sha256: 'abc' })).toThrow('64 hex characters');
    expect(() => proofQueryOf({ body: '{}', messageId: 'm' })).toThrow('not both');
    expect(proofRequestSchema.safeParse({ body: '{}' }).success).toBe(true);
    expect(proofRequestSchema.safeParse({ messageId: 'm', sha256: 'a'.repeat(64) }).success).toBe(true);
    expect(proofRequestSchema.safeParse({ messageId: 'm' }).success).toBe(false);
    expect(proofRequestSchema.safeParse({ body: '{}', extra: 1 }).success).toBe(false);
  });
});

describe('npm run proof', () => {
  it('reads the body exactly from a file or standard input, or takes an id and a digest, one of them', async () => {
    expect(parseProofArgs(['--file', 'm.json']).source).toEqual({ kind: 'file', path: 'm.json' });
    expect(parseProofArgs(['--stdin', '--json'])).toEqual({ source: { kind: 'stdin' }, json: true });
    expect(parseProofArgs(['--message-id', 'm', '--sha256', 'A'.repeat(64)]).source).toEqual({
      kind: 'digest',
      messageId: 'm',
      sha256: 'a'.repeat(64),
    });
    expect(() => parseProofArgs([])).toThrow('give one of');
    expect(() => parseProofArgs(['--stdin', '--file', 'x'])).toThrow('give one of');
    expect(() => parseProofArgs(['--message-id', 'm'])).toThrow('64 hex characters');
    const body = '{"messageId":"b:VDAB:records:1","records":[]}\n';
    expect(await proofQueryFrom({ kind: 'stdin' }, Readable.from([Buffer.from(body)]))).toEqual({
      messageId: 'b:VDAB:records:1',
      sha256: bodySha256(body),
    });
    expect(PROOF_EXIT_CODES).toEqual({ SENT: 0, ALTERED: 3, NOT_SENT: 4 });
  });
});
