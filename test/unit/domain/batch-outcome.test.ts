import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchOutcomeMessage, OUTCOME_DETAIL_MAX_CHARS, outcomeMessageId } from '../../../shared/domain/batch/outcome';
import { BatchInProgressError, processInboundFile } from '../../../shared/domain/batch/process-file';
import type { BatchReport } from '../../../shared/domain/batch/report';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import { MAX_MESSAGE_BYTES } from '../../../shared/messages/envelope';
import type { MessagePublisher } from '../../../shared/ports';
import { inboundFile, type MemoryBatch, memoryBatch, PPS_QUEUE, sentToRecipients } from '../../support/batch-dependencies';
import { MemoryManifestStore, MemoryPublisher } from '../../support/memory-ports';
import { assertValidMessage } from '../../support/message-schemas';
import { arbitraryRow, bytesOf, csvFile, validRow } from '../../support/rows';

/**
 * `batch.outcome` (messages.md; monthly-batch §8): the PPS hears of every file it drops, once its
 * report is written, on its outbound queue; a duplicate points to the first batch.
 */

let world: MemoryBatch;

beforeEach(() => {
  world = memoryBatch();
});

const INSZ = ['85073003328', '90022512361', '78120112317'];

/** Rows for the three regions (Antwerp, Brussels, Liège), one withheld (ART61 in Brussels) and one rejected (a broken INSZ). */
function mixedFile(period = '2025-11'): Uint8Array {
  const nis = ['11002', '21004', '62063'];
  const rows = Array.from({ length: 40 }, (_, i) =>
    validRow({ period, reference: `M${i}`, ocmwNis: nis[i % 3] ?? '11002', insz: INSZ[i % 3] ?? '85073003328' }),
  );
  rows[1] = { ...rows[1], regulation: 'ART61' } as (typeof rows)[number];
  rows[2] = { ...rows[2], insz: '12345678901' } as (typeof rows)[number];
  return bytesOf(csvFile(rows));
}

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The `batch.outcome`s the PPS's queue received, parsed, each checked against its schema and size. */
function outcomes(publisher = world.publisher): Array<Record<string, unknown>> {
  return publisher.all(PPS_QUEUE).map((message) => {
    expect(message.type).toBe('batch.outcome');
    expect(Buffer.byteLength(message.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    assertValidMessage(message.body);
    const body = JSON.parse(message.body) as Record<string, unknown>;
    expect(body.messageId).toBe(message.messageId);
    return body;
  });
}

/** What the outcome repeats of a report: everything but its issues. */
function countsAndIdentity(report: BatchReport) {
  const { issues: _issues, refusedDetail, ...rest } = report;
  return { ...rest, refusedDetail: refusedDetail ?? null };
}

/** A publisher that throws on the PPS's queue `failures` times, and passes everything else to the world's. */
function ppsQueueDown(failures: number): MessagePublisher {
  let left = failures;
  return {
    publish: async (queueUrl, messages) => {
      if (queueUrl === PPS_QUEUE && left > 0) {
        left -= 1;
        throw new Error('outbound-pps unavailable');
      }
      await world.publisher.publish(queueUrl, messages);
    },
  };
}

describe('an accepted file: its batch.outcome (monthly-batch §8)', () => {
  it("is sent once, after the report is written and before the manifest says delivered, with the report's counts and key", async () => {
    const steps: string[] = [];
    const reports = world.reports;
    const publisher: MessagePublisher = {
      publish: async (queueUrl, messages) => {
        if (queueUrl === PPS_QUEUE) {
          steps.push(`outcome (report written: ${reports.objects.size}, manifest ${[...world.manifests.manifests.values()][0]?.status})`);
        }
        await world.publisher.publish(queueUrl, messages);
      },
    };
    const bytes = mixedFile();

    const result = await processInboundFile(inboundFile('monthly/2025-11/mixed.csv', bytes), world.deps({ publisher }));

    if (result.kind !== 'delivered') throw new Error(`not delivered: ${result.kind}`);
    expect(steps).toEqual(['outcome (report written: 1, manifest PUBLISHING)']);
    const [outcome, ...more] = outcomes();
    expect(more).toEqual([]);
    expect(result.report).toMatchObject({ rows: 40, delivered: 38, withheld: 1, rejected: 1, refused: null });
    expect(outcome).toEqual({
      type: 'batch.outcome',
      schemaVersion: 1,
      messageId: outcomeMessageId(sha256Of(bytes), 'monthly/2025-11/mixed.csv'),
      sentAt: '2025-12-03T09:00:00.000Z',
      ...countsAndIdentity(result.report),
      reportKey: `2025-11/${sha256Of(bytes)}.json`,
      duplicateOf: null,
    });
    expect(JSON.parse(await world.reports.getText(result.reportKey))).toEqual(result.report);
  });

  it('holds no national number and no issues list', async () => {
    const bytes = mixedFile();
    await processInboundFile(inboundFile('monthly/2025-11/mixed.csv', bytes), world.deps());
    const [body] = world.publisher.all(PPS_QUEUE).map((m) => m.body);
    for (const insz of [...INSZ, '12345678901']) expect(body).not.toContain(insz);
    expect(body).not.toContain('issues');
    expect(body).not.toContain('M2'); // the rejected row's reference: the report names it, not the outcome
  });
});

describe('a retry sends the same batch.outcome (messages.md: a repeat of the same event is a duplicate)', () => {
  it('a crash half-way through the delivery: the retry sends one outcome, the same a single attempt sends', async () => {
    const bytes = mixedFile();
    world.publisher.failAfter = 4;
    await expect(processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps())).rejects.toThrow('simulated crash');
    expect(world.publisher.all(PPS_QUEUE)).toEqual([]);

    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    world.clockMs += 90 * 60_000; // after the lease
    await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps());

    const alone = memoryBatch();
    await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), alone.deps());
    const { sentAt: _a, ...retried } = outcomes()[0] ?? {};
    const { sentAt: _b, ...single } = outcomes(alone.publisher)[0] ?? {};
    expect(outcomes()).toHaveLength(1);
    expect(retried).toEqual(single);
  });

  it('a crash between the report and the outcome: the report is written, nothing says delivered, and the retry sends it', async () => {
    const bytes = mixedFile();
    const file = inboundFile('monthly/2025-11/a.csv', bytes);
    await expect(processInboundFile(file, world.deps({ publisher: ppsQueueDown(1) }))).rejects.toThrow('outbound-pps unavailable');
    expect(world.reports.objects.size).toBe(1);
    expect(world.manifests.manifests.get(sha256Of(bytes))?.status).toBe('PUBLISHING');
    expect(world.publisher.all(PPS_QUEUE)).toEqual([]);
    const firstIds = RECIPIENTS.flatMap((r) => world.publisher.all(`queue:${r}`).map((m) => m.messageId));

    world.clockMs += 90 * 60_000; // the notification comes back after the lease ran out
    const retry = await processInboundFile(file, world.deps());

    expect(retry.kind).toBe('delivered');
    expect(outcomes()).toEqual([expect.objectContaining({ messageId: outcomeMessageId(sha256Of(bytes), file.key), duplicateOf: null })]);
    expect(world.manifests.manifests.get(sha256Of(bytes))?.status).toBe('DELIVERED');
    // The recipients got every message again with the same ids: a reader keeps each once.
    const allIds = RECIPIENTS.flatMap((r) => world.publisher.all(`queue:${r}`).map((m) => m.messageId));
    expect(new Set(allIds)).toEqual(new Set(firstIds));
  });

  it('a refused file: a crash between its report and its outcome is repaired by the retry, with the same id', async () => {
    const bytes = bytesOf('not;a;header\n1;2;3\n');
    const file = inboundFile('monthly/2025-11/columns.csv', bytes);
    await expect(processInboundFile(file, world.deps({ publisher: ppsQueueDown(1) }))).rejects.toThrow('outbound-pps unavailable');
    expect([...world.reports.objects.keys()]).toEqual([`2025-11/${sha256Of(bytes)}.json`]);

    const retry = await processInboundFile(file, world.deps());

    expect(retry).toMatchObject({ kind: 'refused', report: { refused: 'MISSING_COLUMNS' } });
    expect(outcomes()).toEqual([
      expect.objectContaining({
        messageId: outcomeMessageId(sha256Of(bytes), file.key),
        refused: 'MISSING_COLUMNS',
        refusedDetail: expect.stringMatching(/^The header misses the columns period, .*insz/),
        delivered: 0,
      }),
    ]);
  });

  it('the same notification after the batch was delivered: the same id and the same content, not a duplicate of itself', async () => {
    const bytes = mixedFile();
    const file = inboundFile('monthly/2025-11/a.csv', bytes);
    await processInboundFile(file, world.deps());
    world.clockMs += 60_000;
    const again = await processInboundFile(file, world.deps());

    expect(again.kind).toBe('duplicate');
    const [first, second] = outcomes();
    const { sentAt: _a, ...firstContent } = first ?? {};
    const { sentAt: _b, ...secondContent } = second ?? {};
    expect(secondContent).toEqual(firstContent);
    expect(second?.duplicateOf).toBeNull();
  });

  it('exactly one outcome per processed event, whatever became of the file', async () => {
    const files = [
      inboundFile('monthly/2025-11/a.csv', mixedFile()),
      inboundFile('monthly/2025-11/b.txt', mixedFile()),
      inboundFile('monthly/2025-11/c.csv', bytesOf('x\n')),
      inboundFile('monthly/2025-11/d.csv', mixedFile()),
    ];
    for (const file of files) await processInboundFile(file, world.deps());
    expect(outcomes().map((o) => [o.source, o.refused, o.duplicateOf === null ? null : 'duplicate'])).toEqual([
      ['monthly/2025-11/a.csv', null, null],
      ['monthly/2025-11/b.txt', null, 'duplicate'], // the bytes of a.csv: delivered, whatever the name
      ['monthly/2025-11/c.csv', 'MISSING_COLUMNS', null],
      ['monthly/2025-11/d.csv', null, 'duplicate'],
    ]);
  });
});

describe('the same bytes under another key (monthly-batch §8)', () => {
  it("gets its own outcome: duplicateOf the first batch, with the first batch's counts and report, though this key would read otherwise", async () => {
    const bytes = mixedFile('2025-11');
    const first = await processInboundFile(inboundFile('monthly/2025-11/first.csv', bytes), world.deps());
    if (first.kind !== 'delivered') throw new Error('not delivered');
    const sent = sentToRecipients(world.publisher);

    // Under October's folder every row is PERIOD_MISMATCH: read alone, the file is refused.
    world.clockMs += 3_600_000;
    const elsewhere = await processInboundFile(inboundFile('monthly/2025-10/again.csv', bytes), world.deps());
    const renamed = await processInboundFile(inboundFile('monthly/2025-11/renamed.csv', bytes), world.deps());

    expect([elsewhere.kind, renamed.kind]).toEqual(['duplicate', 'duplicate']);
    expect(sentToRecipients(world.publisher)).toBe(sent);
    const [, second, third] = outcomes();
    const { batchId, sha256, rows, delivered, withheld, unroutable, rejected, perRecipient } = first.report;
    const firstCounts = { rows, delivered, withheld, unroutable, rejected, perRecipient };
    expect(second).toEqual({
      type: 'batch.outcome',
      schemaVersion: 1,
      messageId: outcomeMessageId(batchId, 'monthly/2025-10/again.csv'),
      sentAt: '2025-12-03T10:00:00.000Z',
      batchId,
      period: '2025-10',
      source: 'monthly/2025-10/again.csv',
      sha256,
      refused: null,
      refusedDetail: null,
      ...firstCounts,
      reportKey: first.reportKey,
      duplicateOf: batchId,
    });
    expect(third).toMatchObject({
      source: 'monthly/2025-11/renamed.csv',
      ...firstCounts,
      reportKey: first.reportKey,
      duplicateOf: batchId,
    });
    expect(new Set(outcomes().map((o) => o.messageId)).size).toBe(3);
    // No second report: the outcome names the first batch's.
    expect([...world.reports.objects.keys()]).toEqual([first.reportKey]);
  });

  it('waits while the first batch is being published: a refused reading of its bytes backs off, then points to its report', async () => {
    const bytes = mixedFile('2025-11');
    world.publisher.failAfter = 2;
    await expect(processInboundFile(inboundFile('monthly/2025-11/first.csv', bytes), world.deps())).rejects.toThrow('simulated crash');
    world.publisher.failAfter = Number.POSITIVE_INFINITY;

    await expect(processInboundFile(inboundFile('monthly/2025-10/early.csv', bytes), world.deps())).rejects.toBeInstanceOf(
      BatchInProgressError,
    );
    expect(world.publisher.all(PPS_QUEUE)).toEqual([]);

    world.clockMs += 90 * 60_000;
    const first = await processInboundFile(inboundFile('monthly/2025-11/first.csv', bytes), world.deps());
    const early = await processInboundFile(inboundFile('monthly/2025-10/early.csv', bytes), world.deps());

    expect([first.kind, early.kind]).toEqual(['delivered', 'duplicate']);
    expect(outcomes().map((o) => [o.source, o.duplicateOf, o.reportKey])).toEqual([
      ['monthly/2025-11/first.csv', null, `2025-11/${sha256Of(bytes)}.json`],
      ['monthly/2025-10/early.csv', sha256Of(bytes), `2025-11/${sha256Of(bytes)}.json`],
    ]);
  });
});

describe('a refused file: its batch.outcome', () => {
  it("carries the refusal, its detail and the report's counts, and names the report", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => validRow({ reference: `R${i}`, ...(i < 3 ? { insz: '12345678901' } : {}) }));
    const bytes = bytesOf(csvFile(rows));
    const result = await processInboundFile(inboundFile('monthly/2025-11/rejected.csv', bytes), world.deps());

    if (result.kind !== 'refused') throw new Error(`not refused: ${result.kind}`);
    expect(sentToRecipients(world.publisher)).toBe(0);
    expect(outcomes()).toEqual([
      expect.objectContaining({
        ...countsAndIdentity(result.report),
        refused: 'TOO_MANY_REJECTED_ROWS',
        refusedDetail: '3 of 20 rows (15 %) are rejected, more than the limit of 5 %.',
        rows: 20,
        rejected: 3,
        delivered: 0,
        reportKey: `2025-11/${sha256Of(bytes)}.json`,
        duplicateOf: null,
      }),
    ]);
  });

  it('UNSUPPORTED_FILE, decided by the name alone: a report is written and the PPS is told, under any key split-batch is notified of', async () => {
    const bytes = mixedFile();
    const keys = ['monthly/2025-11/mixed.xlsx', 'monthly/2025-11/deeper/mixed.csv', 'monthly/2025-13/mixed.csv'];
    for (const [i, key] of keys.entries()) {
      const content = bytesOf(`${i}\n${Buffer.from(bytes).toString('utf8')}`);
      const result = await processInboundFile(inboundFile(key, content), world.deps());
      expect(result).toMatchObject({ kind: 'refused', report: { refused: 'UNSUPPORTED_FILE', rows: 0 } });
    }
    expect(sentToRecipients(world.publisher)).toBe(0);
    const told = outcomes();
    for (const [i, outcome] of told.entries()) {
      expect(outcome.refusedDetail).toBe(JSON.parse(await world.reports.getText(String(outcome.reportKey))).refusedDetail);
      expect(outcome.refusedDetail, keys[i]).toMatch(/^The .+\.$/);
    }
    expect(told.map((o) => [o.source, o.period, o.refused, o.rows, o.reportKey])).toEqual([
      [keys[0], '2025-11', 'UNSUPPORTED_FILE', 0, `2025-11/${told[0]?.batchId}.json`],
      [keys[1], '2025-11', 'UNSUPPORTED_FILE', 0, `2025-11/${told[1]?.batchId}.json`],
      [keys[2], null, 'UNSUPPORTED_FILE', 0, `unknown-period/${told[2]?.batchId}.json`],
    ]);
    for (const outcome of told) expect(world.reports.objects.has(String(outcome.reportKey))).toBe(true);
  });

  it("repeats the report's refusedDetail, cut to a bounded sentence when it is long", () => {
    const facts = {
      batchId: 'a'.repeat(64),
      period: '2025-11',
      source: `monthly/2025-11/${'\u0001😀'.repeat(200)}.csv`,
      sha256: 'a'.repeat(64),
      refused: 'MISSING_COLUMNS' as const,
      rows: 0,
      delivered: 0,
      withheld: 0,
      unroutable: 0,
      rejected: 0,
      perRecipient: {
        VDAB: { records: 0, withheld: 0, amountCents: '0' },
        ACTIRIS: { records: 0, withheld: 0, amountCents: '0' },
        FOREM: { records: 0, withheld: 0 },
      },
      reportKey: `2025-11/${'a'.repeat(64)}.json`,
      duplicateOf: null,
    };
    const short = batchOutcomeMessage({ ...facts, refusedDetail: 'The header lacks the column insz.' }, new Date(0));
    expect(JSON.parse(short.body).refusedDetail).toBe('The header lacks the column insz.');

    const long = batchOutcomeMessage({ ...facts, refusedDetail: `The header names twice: ${'😀\u0001'.repeat(40_000)}` }, new Date(0));
    const detail = JSON.parse(long.body).refusedDetail as string;
    expect(Array.from(detail)).toHaveLength(OUTCOME_DETAIL_MAX_CHARS);
    expect(detail.endsWith('…')).toBe(true);
    expect(Buffer.byteLength(long.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    assertValidMessage(long.body);
  });
});

describe('every batch.outcome sent, for all inputs', () => {
  it('property: one per file, valid against its published JSON Schema, within one billing unit, its counts those of the report', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbitraryRow, { maxLength: 30 }),
        fc.constantFrom('csv', 'ndjson', 'txt'),
        fc.constantFrom('2025-11', '2025-10'),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (rows, format, folder, maxRejectedShare) => {
          world.publisher = new MemoryPublisher();
          world.manifests = new MemoryManifestStore();
          const text =
            format === 'csv'
              ? csvFile(rows.map((row) => Object.fromEntries(Object.entries(row ?? { period: 'broken' }).map(([k, v]) => [k, String(v)]))))
              : rows.map((row) => (row === null ? '{broken' : JSON.stringify(row))).join('\n');
          const key = `monthly/${folder}/batch.${format}`;

          const result = await processInboundFile(inboundFile(key, bytesOf(text)), world.deps({ maxRejectedShare }));

          const [outcome, ...more] = outcomes();
          expect(more).toEqual([]);
          if (result.kind === 'duplicate') throw new Error('a fresh world has no duplicate');
          expect(outcome).toMatchObject({ ...countsAndIdentity(result.report), reportKey: result.reportKey, duplicateOf: null });
          expect(outcome?.messageId).toBe(outcomeMessageId(result.report.batchId, key));
        },
      ),
      { numRuns: 80 },
    );
  });
});
