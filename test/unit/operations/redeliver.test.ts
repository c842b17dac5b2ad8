import { beforeEach, describe, expect, it } from 'vitest';
import { processInboundFile } from '../../../shared/domain/batch/process-file';
import { redeliverBatch, whyNotRedeliverable } from '../../../shared/domain/batch/redeliver';
import { type AuditEntry, answerOperator, InvalidRequestError } from '../../../shared/domain/operations/operator-tool';
import {
  batchIdOf,
  formatRedelivered,
  redeliver,
  redeliverRequestSchema,
  redeliverTool,
  redeliveryRecipientsOf,
} from '../../../shared/domain/operations/redeliver';
import { BATCH_START, inboundFile, type MemoryBatch, memoryBatch } from '../../support/batch-dependencies';
import { bytesOf, csvFile, validRow } from '../../support/rows';

/** An operator's re-delivery of an archived batch, as the CLI and the operator function run it. */

const DAY_MS = 86_400_000;
const BATCH_START_ISO = new Date(BATCH_START).toISOString();

let world: MemoryBatch;
let batchId: string;

beforeEach(async () => {
  world = memoryBatch();
  const rows = Array.from({ length: 30 }, (_, i) => validRow({ reference: `R${i}`, ocmwNis: ['11002', '21004', '62063'][i % 3] }));
  const outcome = await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytesOf(csvFile(rows))), world.deps());
  if (outcome.kind !== 'delivered') throw new Error('not delivered');
  batchId = outcome.report.batchId;
});

describe('redeliver', () => {
  it('sends a delivered batch again to the recipient asked for only, with the same message ids', async () => {
    const first = world.publisher.all('queue:VDAB').map((m) => m.messageId);
    const actirisBefore = world.publisher.all('queue:ACTIRIS').length;
    const sent = await redeliver(batchId, ['VDAB'], world.deps());
    expect(sent).toEqual({ VDAB: first.length, ACTIRIS: 0, FOREM: 0 });
    expect(world.publisher.all('queue:VDAB').map((m) => m.messageId)).toEqual([...first, ...first]);
    expect(world.publisher.all('queue:ACTIRIS')).toHaveLength(actirisBefore);
  });

  it('delivers again on the last day of the replay window, counted from the file’s first reception', async () => {
    const first = world.publisher.all('queue:VDAB').length;
    world.clockMs = Date.parse(BATCH_START) + 400 * DAY_MS - 1;
    const sent = await redeliver(batchId, ['VDAB'], world.deps());
    expect(sent.VDAB).toBe(first);
  });

  it('refuses, as the operator’s to know, a batch whose replay window has passed, saying so and sending nothing', async () => {
    const before = world.publisher.sent;
    world.clockMs = Date.parse(BATCH_START) + 400 * DAY_MS;
    const refusal = redeliver(batchId, ['VDAB'], world.deps());
    await expect(refusal).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(refusal).rejects.toThrow(
      `the replay window of 400 days has passed for batch ${batchId} (received 2025-12-03T09:00:00.000Z, window ended 2027-01-07T09:00:00.000Z): its archive is destroyed, nothing can be delivered again`,
    );
    // Another stage's window: 30 days, passed after a month.
    world.clockMs = Date.parse(BATCH_START) + 31 * DAY_MS;
    await expect(redeliver(batchId, ['VDAB'], world.deps({ replayWindowDays: 30 }))).rejects.toThrow(
      `the replay window of 30 days has passed for batch ${batchId}`,
    );
    // Even with its archive still there (S3 deletes a little after the window), nothing is sent.
    expect(world.archive.objects.size).toBeGreaterThan(0);
    expect(world.publisher.sent).toBe(before);
  });

  it('refuses past the window in the use case itself, whoever calls it', async () => {
    world.clockMs = Date.parse(BATCH_START) + 401 * DAY_MS;
    await expect(redeliverBatch(batchId, ['FOREM'], world.deps())).rejects.toThrow('the replay window of 400 days has passed');
    expect(whyNotRedeliverable(batchId, undefined, new Date(world.clockMs), 400)).toBe(
      `batch ${batchId} was not delivered, so there is nothing to deliver again`,
    );
  });

  it('records the re-delivery in the record of disclosures, a new disclosure of the same records at its instant, kept as the batch', async () => {
    const delivered = world.ledger.calls.filter((c) => c.recipient === 'VDAB').flatMap((c) => c.records);
    world.clockMs += 40 * 86_400_000;
    await redeliver(batchId, ['VDAB'], world.deps());
    expect(world.ledger.redeliveries.map((r) => r.recipient)).toEqual(world.ledger.redeliveries.map(() => 'VDAB'));
    expect(world.ledger.redeliveries.flatMap((r) => r.records)).toEqual(delivered);
    expect(new Set(world.ledger.redeliveries.map((r) => r.redeliveredAt.getTime()))).toEqual(new Set([world.clockMs]));
    // Its retention is the batch's: counted from when the hub received the file, not from the re-delivery.
    expect(new Set(world.ledger.redeliveries.map((r) => r.batch.receivedAt.toISOString()))).toEqual(new Set([BATCH_START_ISO]));
  });

  it("refuses an unknown batch as the operator's mistake, sending nothing", async () => {
    const before = world.publisher.sent;
    await expect(redeliver('0'.repeat(64), ['VDAB'], world.deps())).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(redeliver('0'.repeat(64), ['VDAB'], world.deps())).rejects.toThrow(
      `unknown batch id ${'0'.repeat(64)}: no batch has this id`,
    );
    expect(world.publisher.sent).toBe(before);
  });

  it('calls a shortened batch id unknown, naming what a batch id is, never "not delivered"', async () => {
    const short = batchId.slice(0, 16);
    await expect(redeliver(short, ['VDAB'], world.deps())).rejects.toThrow(
      `unknown batch id ${short}: a batch id is 64 hex characters, the whole batchId of the file's report`,
    );
    expect(() => batchIdOf(`${batchId}…`)).toThrow(InvalidRequestError);
    expect(batchIdOf(batchId)).toBe(batchId);
  });

  it('fails, not refuses, when an archived object is missing', async () => {
    for (const key of [...world.archive.objects.keys()]) if (key.startsWith('VDAB/')) world.archive.objects.delete(key);
    await expect(redeliver(batchId, ['VDAB'], world.deps())).rejects.toThrow('is missing');
    await expect(redeliver(batchId, ['VDAB'], world.deps())).rejects.not.toBeInstanceOf(InvalidRequestError);
  });

  it('says per recipient how many messages were sent again, in words', () => {
    expect(formatRedelivered(['VDAB', 'FOREM'], { VDAB: 1, ACTIRIS: 0, FOREM: 12 })).toBe(
      'VDAB: 1 message sent again\nFOREM: 12 messages sent again',
    );
    expect(redeliveryRecipientsOf(undefined)).toEqual(['VDAB', 'ACTIRIS', 'FOREM']);
    expect(redeliveryRecipientsOf('FOREM')).toEqual(['FOREM']);
    expect(() => redeliveryRecipientsOf('PPS')).toThrow('unknown recipient PPS');
  });
});

describe('the re-delivery tool', () => {
  it('answers an operator past the window with the reason, audited as refused, and sends nothing', async () => {
    const entries: AuditEntry[] = [];
    const before = world.publisher.sent;
    world.clockMs = Date.parse(BATCH_START) + 500 * DAY_MS;
    const answer = await answerOperator(
      redeliverTool(world.deps()),
      { success: true, data: { batchId, recipient: 'ACTIRIS' } },
      { requestId: 'r' },
      { record: (e) => entries.push(e) },
    );
    const reason = `the replay window of 400 days has passed for batch ${batchId} (received 2025-12-03T09:00:00.000Z, window ended 2027-01-07T09:00:00.000Z): its archive is destroyed, nothing can be delivered again`;
    expect(answer).toEqual({ ok: false, error: reason });
    expect(entries).toEqual([
      { tool: 'redeliver', requestId: 'r', outcome: 'refused', asked: { batchId, recipient: 'ACTIRIS' }, results: 0, reason },
    ]);
    expect(world.publisher.sent).toBe(before);
  });

  it('answers how many messages the one recipient was sent again, and audits the batch and recipient asked for', async () => {
    const entries: AuditEntry[] = [];
    const sentBefore = world.publisher.all('queue:FOREM').length;
    const answer = await answerOperator(
      redeliverTool(world.deps()),
      { success: true, data: { batchId, recipient: 'FOREM' } },
      { requestId: 'r' },
      {
        record: (e) => entries.push(e),
      },
    );
    expect(answer).toEqual({
      ok: true,
      batchId,
      recipient: 'FOREM',
      messagesSent: sentBefore,
      summary: `FOREM: ${sentBefore} ${sentBefore === 1 ? 'message' : 'messages'} sent again`,
    });
    expect(entries).toEqual([
      { tool: 'redeliver', requestId: 'r', outcome: 'answered', asked: { batchId, recipient: 'FOREM' }, results: sentBefore },
    ]);
  });

  it('takes a batch id and one named recipient, nothing else', () => {
    expect(redeliverRequestSchema.safeParse({ batchId, recipient: 'VDAB' }).success).toBe(true);
    for (const wrong of [
      { batchId },
      { batchId: 'abc', recipient: 'VDAB' },
      { batchId, recipient: 'PPS' },
      { batchId, recipient: 'VDAB', all: true },
    ]) {
      expect(redeliverRequestSchema.safeParse(wrong).success, JSON.stringify(wrong)).toBe(false);
    }
  });
});
