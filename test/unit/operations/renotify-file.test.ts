import { describe, expect, it } from 'vitest';
import type { BatchOutcome } from '../../../shared/domain/batch/process-file';
import { type AuditEntry, answerOperator, InvalidRequestError } from '../../../shared/domain/operations/operator-tool';
import {
  formatRenotified,
  type InboundObjects,
  inboundKeyOf,
  renotifyFile,
  renotifyFileRequestSchema,
  renotifyFileTool,
} from '../../../shared/domain/operations/renotify-file';
import { memoryBatch, PPS_QUEUE } from '../../support/batch-dependencies';
import { bytesOf, csvFile, validRow } from '../../support/rows';

/**
 * Re-notifying a file the PPS wrote: the batch use case for the existing object, as its S3
 * notification runs it, with the time S3 received it; nothing is written in the inbound bucket.
 */

const RECEIVED = new Date('2025-12-02T07:30:00Z');

/** The inbound bucket in memory, read only: the tool has no way to write it. */
class MemoryInbound implements InboundObjects {
  readonly reads: string[] = [];
  constructor(private readonly objects: ReadonlyMap<string, { bytes: Uint8Array; receivedAt: Date }>) {}
  async receivedAt(key: string) {
    return this.objects.get(key)?.receivedAt;
  }
  async *open(key: string) {
    this.reads.push(key);
    const object = this.objects.get(key);
    if (!object) throw new Error(`no ${key}`);
    yield object.bytes;
  }
}

const rows = Array.from({ length: 9 }, (_, i) => validRow({ reference: `R${i}`, ocmwNis: ['11002', '21004', '62063'][i % 3] }));
const FILE = bytesOf(csvFile(rows));
const KEY = 'monthly/2025-11/file.csv';

/** Messages the recipients' queues received (not the PPS's outcomes). */
function toRecipients(w: ReturnType<typeof world>): number {
  return (['VDAB', 'ACTIRIS', 'FOREM'] as const).reduce((n, r) => n + w.batch.publisher.all(`queue:${r}`).length, 0);
}

function world(objects: Record<string, Uint8Array> = { [KEY]: FILE }) {
  const batch = memoryBatch();
  const inbound = new MemoryInbound(new Map(Object.entries(objects).map(([k, bytes]) => [k, { bytes, receivedAt: RECEIVED }])));
  const reported: Array<[string, BatchOutcome['kind']]> = [];
  const deps = { inbound, batch: batch.deps(), report: (key: string, outcome: BatchOutcome) => reported.push([key, outcome.kind]) };
  return { batch, inbound, reported, deps };
}

describe('renotifyFile', () => {
  it('delivers a file that was never processed, as its notification would, dated when S3 received it', async () => {
    const w = world();
    const answer = await renotifyFile(KEY, w.deps);
    expect(answer).toMatchObject({ key: KEY, outcome: 'delivered', rows: 9, delivered: 9 });
    expect(w.batch.publisher.all('queue:VDAB').length).toBeGreaterThan(0);
    const manifest = await w.batch.manifests.get(answer.batchId);
    expect(manifest).toMatchObject({ status: 'DELIVERED', source: KEY, receivedAt: RECEIVED.toISOString() });
    expect(w.reported).toEqual([[KEY, 'delivered']]);
    expect(formatRenotified(answer)).toBe(`${KEY}: delivered (batch ${answer.batchId}, 9 of 9 rows delivered)`);
  });

  it('delivers nothing again for a file already delivered: a duplicate', async () => {
    const w = world();
    await renotifyFile(KEY, w.deps);
    const sent = toRecipients(w);
    const again = await renotifyFile(KEY, w.deps);
    expect(again).toMatchObject({ outcome: 'duplicate', status: 'DELIVERED' });
    // Nothing to a recipient; the PPS hears of the event again (the same batch.outcome, by its id).
    expect(toRecipients(w)).toBe(sent);
    const outcomes = w.batch.publisher.all(PPS_QUEUE);
    expect(outcomes).toHaveLength(2);
    expect(new Set(outcomes.map((m) => m.messageId)).size).toBe(1);
    expect(formatRenotified(again)).toContain('already DELIVERED, nothing delivered again');
  });

  it('reads a refused file again (a refusal records no manifest), and refuses it again while it is wrong', async () => {
    const w = world({ [KEY]: bytesOf('not,a,monthly,file\n') });
    const first = await renotifyFile(KEY, w.deps);
    const second = await renotifyFile(KEY, w.deps);
    expect([first.outcome, second.outcome]).toEqual(['refused', 'refused']);
    expect(second.refused).toEqual(expect.any(String));
    expect(w.inbound.reads.length).toBeGreaterThanOrEqual(2);
    // Nothing to a recipient; the PPS is told of each refusal.
    expect(toRecipients(w)).toBe(0);
    expect(w.batch.publisher.all(PPS_QUEUE).map((m) => JSON.parse(m.body).refused)).toEqual([second.refused, second.refused]);
  });

  it('refuses a key that is not the PPS’s, or no object, as the operator’s mistake, reading nothing', async () => {
    const w = world();
    for (const key of ['reports/x.json', 'monthly/../archive/x', 'monthly/2025-11//x', 'monthly/2025-11/missing.csv']) {
      await expect(renotifyFile(key, w.deps), key).rejects.toBeInstanceOf(InvalidRequestError);
    }
    expect(w.inbound.reads).toEqual([]);
    expect(w.reported).toEqual([]);
    expect(inboundKeyOf(`  ${KEY} `)).toBe(KEY);
  });
});

describe('the tool', () => {
  it('audits the key and one result, and answers with counts only', async () => {
    const w = world();
    const entries: AuditEntry[] = [];
    const answer = await answerOperator(
      renotifyFileTool(w.deps),
      { success: true, data: { key: KEY } },
      { requestId: 'r-1' },
      {
        record: (e) => entries.push(e),
      },
    );
    expect(answer).toMatchObject({ ok: true, key: KEY, outcome: 'delivered', summary: expect.stringContaining('9 of 9 rows') });
    expect(JSON.stringify(answer)).not.toMatch(/\d{11}/);
    expect(entries).toEqual([{ tool: 'renotify-file', requestId: 'r-1', outcome: 'answered', asked: { key: KEY }, results: 1 }]);
  });

  it('refuses, audited, a key outside monthly/', async () => {
    const w = world();
    const entries: AuditEntry[] = [];
    const answer = await answerOperator(
      renotifyFileTool(w.deps),
      { success: true, data: { key: 'staging/x' } },
      { requestId: 'r-2' },
      {
        record: (e) => entries.push(e),
      },
    );
    expect(answer).toEqual({ ok: false, error: expect.stringContaining('monthly/') });
    expect(entries.map((e) => e.outcome)).toEqual(['refused']);
    expect(renotifyFileRequestSchema.safeParse({ key: '' }).success).toBe(false);
    expect(renotifyFileRequestSchema.safeParse({ key: KEY, bucket: 'x' }).success).toBe(false);
  });
});
