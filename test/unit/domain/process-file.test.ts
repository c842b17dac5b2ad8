import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { isSqsText, PublishError } from '../../../shared/adapters/sqs-publisher';
import { BatchInProgressError, processInboundFile } from '../../../shared/domain/batch/process-file';
import { redeliverBatch } from '../../../shared/domain/batch/redeliver';
import { RECIPIENTS, type Recipient } from '../../../shared/domain/recipients';
import { MAX_MESSAGE_BYTES } from '../../../shared/messages/envelope';
import type { MessagePublisher } from '../../../shared/ports';
import { BATCH_START, inboundFile, type MemoryBatch, memoryBatch, sentToRecipients } from '../../support/batch-dependencies';
import { validRow as rowOf } from '../../support/batch-files';
import { anyText, breaksCharacterRule } from '../../support/characters';
import { MemoryManifestStore, MemoryPublisher } from '../../support/memory-ports';
import { assertValidMessage } from '../../support/message-schemas';
import { arbitraryRow, bytesOf, csvFile, validRow } from '../../support/rows';

let world: MemoryBatch;

/** A batch of `n` rows spread over the three regions, with long free text so that messages fill up. */
function batch(n: number, prefix = 'R'): Uint8Array {
  const nis = ['11002', '21004', '62063'];
  return bytesOf(
    csvFile(
      Array.from({ length: n }, (_, i) =>
        validRow({
          reference: `${prefix}${i}`,
          fileNumber: `D-${i}`, // FOREM receives each distinct record once (§6): these rows are distinct for it too
          ocmwNis: nis[i % 3],
          employmentPlace: `Werkplaats ${'é'.repeat(100)} ${i}`,
        }),
      ),
    ),
  );
}

function bodies(recipient: Recipient): Array<Record<string, unknown>> {
  return world.publisher.all(`queue:${recipient}`).map((m) => JSON.parse(m.body) as Record<string, unknown>);
}

beforeEach(() => {
  world = memoryBatch();
});

describe('processing one inbound file (monthly-batch §7–§8)', () => {
  it('delivers an accepted file: messages of at most 64 KiB, seq 1..n, batch.completed last, archive, ledger, report', async () => {
    const bytes = batch(1500);
    const outcome = await processInboundFile(inboundFile('monthly/2025-11/batch.csv', bytes), world.deps());

    expect(outcome.kind).toBe('delivered');
    if (outcome.kind !== 'delivered') return;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(outcome.report).toMatchObject({ batchId: sha256, sha256, period: '2025-11', rows: 1500, delivered: 1500, refused: null });
    expect(JSON.parse(await world.reports.getText(`2025-11/${sha256}.json`))).toEqual(outcome.report);

    for (const recipient of RECIPIENTS) {
      const messages = world.publisher.all(`queue:${recipient}`);
      for (const message of messages) {
        expect(Buffer.byteLength(message.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        assertValidMessage(message.body);
      }
      const records = bodies(recipient).filter((b) => b.type === 'batch.records');
      expect(records.map((b) => b.seq)).toEqual(records.map((_, i) => i + 1));
      expect(records.length).toBeGreaterThan(1);
      const completed = bodies(recipient).at(-1);
      expect(completed).toMatchObject({ type: 'batch.completed', batchId: sha256, recipient, messages: records.length, records: 500 });
      expect(records.flatMap((b) => b.records as unknown[])).toHaveLength(500);
      expect(world.ledger.calls.filter((c) => c.recipient === recipient).flatMap((c) => c.records)).toHaveLength(500);
      expect(await world.archive.list(`${recipient}/2025-11/${sha256}/`)).toContain(`${recipient}/2025-11/${sha256}/completed.json`);
    }
    expect(bodies('VDAB').at(-1)).toMatchObject({ amountCents: String(500 * 123450), amount: '617250.00' });
    expect(bodies('FOREM').at(-1)).not.toHaveProperty('amount');
    expect(world.staging.objects.size).toBe(0);
    expect(world.manifests.manifests.get(sha256)?.status).toBe('DELIVERED');
    expect(world.ledger.calls[0]?.batch.receivedAt.toISOString()).toBe('2025-12-03T09:00:00.000Z');
  });

  it('packs records by their size on the queue, characters outside the BMP escaped: every message within 64 KiB', async () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      validRow({ reference: `E${i}`, ocmwName: '😀'.repeat(120), employmentPlace: '🇧🇪'.repeat(60) }),
    );
    const outcome = await processInboundFile(inboundFile('monthly/2025-11/emoji.csv', bytesOf(csvFile(rows))), world.deps());
    expect(outcome.kind).toBe('delivered');
    const messages = world.publisher.all('queue:VDAB');
    expect(messages.length).toBeGreaterThan(2);
    for (const message of messages) {
      expect(Buffer.byteLength(message.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
      expect(message.body).not.toMatch(/[\ud800-\udfff]/);
    }
    const records = bodies('VDAB').flatMap((b) => (b.type === 'batch.records' ? (b.records as Array<{ ocmwName: string }>) : []));
    expect(records.map((r) => r.ocmwName)).toEqual(rows.map(() => '😀'.repeat(120)));
  });

  it('delivers the same bytes once, under any key', async () => {
    const bytes = batch(30);
    await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps());
    const sent = sentToRecipients(world.publisher);
    const again = await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps());
    const renamed = await processInboundFile(inboundFile('monthly/2025-11/b.csv', bytes), world.deps());
    expect([again.kind, renamed.kind]).toEqual(['duplicate', 'duplicate']);
    expect(sentToRecipients(world.publisher)).toBe(sent);
    expect(world.staging.objects.size).toBe(0);
  });

  it('processes bytes refused under a wrong month folder again under the right one, but never re-delivers delivered bytes', async () => {
    const bytes = batch(30);
    const wrongFolder = await processInboundFile(inboundFile('monthly/2025-10/a.csv', bytes), world.deps());
    expect(wrongFolder).toMatchObject({ kind: 'refused', report: { refused: 'TOO_MANY_REJECTED_ROWS', rejected: 30 } });
    expect(world.manifests.manifests.size).toBe(0);
    const rightFolder = await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps());
    expect(rightFolder.kind).toBe('delivered');
    const sent = sentToRecipients(world.publisher);
    const wrongAgain = await processInboundFile(inboundFile('monthly/2025-10/b.csv', bytes), world.deps());
    expect(wrongAgain.kind).toBe('duplicate');
    expect(sentToRecipients(world.publisher)).toBe(sent);
  });

  it('finishes a batch after a crash half-way: the retry sends the same message ids, so a reader sees each record once', async () => {
    const bytes = batch(1200);
    world.publisher.failAfter = 7;
    await expect(processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps())).rejects.toThrow('simulated crash');
    expect(world.publisher.sent).toBe(7);

    // The notification comes back after the visibility timeout, when the lease has run out.
    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    world.clockMs += 90 * 60_000;
    const retry = await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps());
    expect(retry.kind).toBe('delivered');

    for (const recipient of RECIPIENTS) {
      const byId = new Map(
        world.publisher.all(`queue:${recipient}`).map((m) => [m.messageId, JSON.parse(m.body) as { records?: unknown[]; type: string }]),
      );
      const records = [...byId.values()].filter((b) => b.type === 'batch.records').flatMap((b) => b.records ?? []);
      expect(records).toHaveLength(400);
      if (recipient !== 'FOREM') expect(new Set(records.map((r) => (r as { reference: string }).reference)).size).toBe(400);
    }
    const manifest = [...world.manifests.manifests.values()][0];
    expect(manifest?.status).toBe('DELIVERED');
    // The retention clock stays the first reception's.
    expect(manifest?.receivedAt).toBe('2025-12-03T09:00:00.000Z');
  });

  it('says nothing was delivered when a publish fails: no report, the manifest not DELIVERED, the notification fails', async () => {
    // As the local SQS answered an entry it refused (InvalidMessageContents): the publisher rejects.
    const refusing: MessagePublisher = {
      publish: async (queueUrl, messages) => {
        if (queueUrl === 'queue:VDAB') {
          throw new PublishError(
            queueUrl,
            messages.map((m) => ({ messageId: m.messageId, code: 'InvalidMessageContents' })),
          );
        }
        await world.publisher.publish(queueUrl, messages);
      },
    };
    const bytes = bytesOf(csvFile([validRow({ ocmwName: 'OCMW 😀' })]));
    const sha256 = createHash('sha256').update(bytes).digest('hex');

    await expect(
      processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps({ publisher: refusing })),
    ).rejects.toBeInstanceOf(PublishError);
    expect(world.reports.objects.size).toBe(0);
    expect(world.manifests.manifests.get(sha256)?.status).toBe('PUBLISHING');
    expect(world.publisher.all('queue:VDAB')).toEqual([]);

    // The notification comes back after the lease: this time the queue takes the messages.
    world.clockMs += 90 * 60_000;
    const retry = await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps());
    expect(retry).toMatchObject({ kind: 'delivered', report: { delivered: 1, perRecipient: { VDAB: { records: 1 } } } });
    expect([...world.reports.objects.keys()]).toEqual([`2025-11/${sha256}.json`]);
    expect(world.manifests.manifests.get(sha256)?.status).toBe('DELIVERED');
  });

  it('does not publish while another attempt holds the batch', async () => {
    const bytes = batch(30);
    world.publisher.failAfter = 0;
    await expect(processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps())).rejects.toThrow();
    world.publisher.failAfter = Number.POSITIVE_INFINITY;
    await expect(processInboundFile(inboundFile('monthly/2025-11/a.csv', bytes), world.deps())).rejects.toBeInstanceOf(
      BatchInProgressError,
    );
    expect(world.publisher.sent).toBe(0);
  });

  it('refuses a file with too many rejected rows: nothing published, staging deleted, report with every issue', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => validRow({ reference: `R${i}`, ...(i % 10 === 0 ? { insz: '12345678901' } : {}) }));
    const outcome = await processInboundFile(inboundFile('monthly/2025-11/a.csv', bytesOf(csvFile(rows))), world.deps());
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.report).toMatchObject({ refused: 'TOO_MANY_REJECTED_ROWS', rows: 40, rejected: 4, delivered: 0 });
    expect(outcome.report.issues.map((issue) => issue.line)).toEqual([2, 12, 22, 32]);
    expect(sentToRecipients(world.publisher)).toBe(0);
    expect(world.ledger.calls).toHaveLength(0);
    expect(world.staging.objects.size).toBe(0);
    expect(world.archive.objects.size).toBe(0);
  });

  it('refuses a truncated gzip as UNREADABLE, hashing the whole object', async () => {
    const whole = gzipSync(batch(300));
    const truncated = whole.subarray(0, whole.length - 40);
    const outcome = await processInboundFile(inboundFile('monthly/2025-11/a.csv.gz', truncated), world.deps());
    expect(outcome).toMatchObject({
      kind: 'refused',
      report: { refused: 'UNREADABLE', sha256: createHash('sha256').update(truncated).digest('hex') },
    });
    expect(sentToRecipients(world.publisher)).toBe(0);
    expect(world.staging.objects.size).toBe(0);
  });

  it('refuses a key outside monthly/<YYYY-MM>/ or with another extension as UNSUPPORTED_FILE, without reading rows', async () => {
    for (const key of ['monthly/2025-11/a.xlsx', 'monthly/2025-11/deeper/a.csv']) {
      const outcome = await processInboundFile(inboundFile(key, batch(3, key)), world.deps());
      expect(outcome).toMatchObject({ kind: 'refused', report: { refused: 'UNSUPPORTED_FILE', rows: 0 } });
    }
    expect(sentToRecipients(world.publisher)).toBe(0);
  });

  it('rethrows a broken source without a report, and keeps nothing staged', async () => {
    const bytes = batch(900);
    const broken = {
      key: 'monthly/2025-11/a.csv',
      receivedAt: new Date(BATCH_START),
      open: async function* () {
        yield bytes.subarray(0, bytes.length / 2);
        throw new Error('socket hang up');
      },
    };
    await expect(processInboundFile(broken, world.deps())).rejects.toThrow('socket hang up');
    expect(world.publisher.sent).toBe(0);
    expect(world.reports.objects.size).toBe(0);
    expect(world.staging.objects.size).toBe(0);
    expect(world.manifests.manifests.size).toBe(0);
  });

  it('delivers a file with no rows: each recipient gets batch.completed with zero messages', async () => {
    const outcome = await processInboundFile(inboundFile('monthly/2025-11/empty.ndjson', bytesOf('')), world.deps());
    expect(outcome.kind).toBe('delivered');
    for (const recipient of RECIPIENTS) expect(bodies(recipient)).toMatchObject([{ type: 'batch.completed', messages: 0, records: 0 }]);
  });
});

describe('municipalities as of the month of the key (monthly-batch §5, §7)', () => {
  /** What became of each row of a file of `period`, one row per NIS code, processed under `monthly/<period>/`. */
  async function outcomes(period: string, codes: readonly string[]): Promise<Record<string, string>> {
    const rows = codes.map((ocmwNis) => rowOf(period, `REF-${ocmwNis}`, { ocmwNis }));
    const outcome = await processInboundFile(
      inboundFile(`monthly/${period}/refnis.csv`, bytesOf(csvFile(rows))),
      world.deps({ maxRejectedShare: 0.5 }),
    );
    if (outcome.kind !== 'delivered') throw new Error(`not delivered: ${outcome.kind}`);
    const result: Record<string, string> = {};
    for (const recipient of RECIPIENTS) {
      for (const body of bodies(recipient).filter((b) => b.type === 'batch.records' && b.batchId === outcome.report.batchId)) {
        for (const record of body.records as Array<Record<string, string>>) result[record.ocmwNis as string] = recipient;
      }
    }
    for (const issue of outcome.report.issues) result[(issue.reference ?? '').slice(4)] = issue.codes.join(',');
    return result;
  }

  it('rejects the code a merger or a re-coding ended, and delivers its successor, from January 2019', async () => {
    const codes = ['54007', '57096', '12030', '12041', '63023', '11002'];
    expect(await outcomes('2018-12', codes)).toEqual({
      '54007': 'FOREM',
      '57096': 'UNKNOWN_MUNICIPALITY',
      '12030': 'VDAB',
      '12041': 'UNKNOWN_MUNICIPALITY',
      '63023': 'NO_AUTHORISED_RECIPIENT',
      '11002': 'VDAB',
    });
    expect(await outcomes('2019-01', codes)).toEqual({
      '54007': 'UNKNOWN_MUNICIPALITY',
      '57096': 'FOREM',
      '12030': 'UNKNOWN_MUNICIPALITY',
      '12041': 'VDAB',
      '63023': 'NO_AUTHORISED_RECIPIENT',
      '11002': 'VDAB',
    });
  });
});

describe('an operator re-delivers a batch from the archive', () => {
  it('sends the archived messages again, with the same ids, to one recipient only', async () => {
    const outcome = await processInboundFile(inboundFile('monthly/2025-11/a.csv', batch(600)), world.deps());
    if (outcome.kind !== 'delivered') throw new Error('not delivered');
    const first = world.publisher.all('queue:ACTIRIS').map((m) => m.messageId);
    const vdabBefore = world.publisher.all('queue:VDAB').length;
    const sent = await redeliverBatch(outcome.report.batchId, ['ACTIRIS'], world.deps());
    expect(sent).toEqual({ VDAB: 0, ACTIRIS: first.length, FOREM: 0 });
    expect(world.publisher.all('queue:ACTIRIS').map((m) => m.messageId)).toEqual([...first, ...first]);
    expect(world.publisher.all('queue:VDAB')).toHaveLength(vdabBefore);
  });

  it('refuses to re-deliver a batch that was never delivered', async () => {
    await expect(redeliverBatch('0'.repeat(64), ['VDAB'], world.deps())).rejects.toThrow('was not delivered');
  });
});

describe('every message sent, for all inputs', () => {
  it('validates against its published JSON Schema and fits one billing unit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { maxLength: 40 }), fc.constantFrom('csv', 'ndjson'), async (rows, format) => {
        world.publisher = new MemoryPublisher();
        world.manifests = new MemoryManifestStore();
        const text =
          format === 'csv'
            ? csvFile(
                rows
                  .map((row) => row ?? { period: 'broken' })
                  .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)]))),
              )
            : rows.map((row) => (row === null ? '{broken' : JSON.stringify(row))).join('\n');
        const outcome = await processInboundFile(
          inboundFile(`monthly/2025-11/batch.${format}`, bytesOf(text)),
          world.deps({ maxRejectedShare: 1 }),
        );
        expect(outcome.kind).toBe('delivered');
        let total = 0;
        for (const recipient of RECIPIENTS) {
          for (const message of world.publisher.all(`queue:${recipient}`)) {
            assertValidMessage(message.body);
            expect(Buffer.byteLength(message.body)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
            total += 1;
          }
        }
        expect(total).toBeGreaterThanOrEqual(RECIPIENTS.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('which refusal a file gets when several apply, wherever the faults lie (monthly-batch §2)', () => {
  it('property: UNSUPPORTED_FILE, then UNREADABLE, then MISSING_COLUMNS, then TOO_MANY_REJECTED_ROWS', async () => {
    const header = csvFile([]).trimEnd();
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          unsupported: fc.boolean(),
          missingColumn: fc.boolean(),
          rejected: fc.integer({ min: 0, max: 6 }),
          invalidUtf8At: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
          unclosedQuote: fc.boolean(),
          gzip: fc.boolean(),
          truncated: fc.boolean(),
        }),
        async (plan) => {
          world.publisher = new MemoryPublisher();
          world.manifests = new MemoryManifestStore();
          const rows = Array.from({ length: 40 }, (_, i) => validRow({ reference: `R${i}`, ...(i < plan.rejected ? { insz: '1' } : {}) }));
          const lines = csvFile(rows).trimEnd().split('\n').slice(1);
          const parts: Uint8Array[] = [bytesOf(`${plan.missingColumn ? header.replace(';insz', '') : header}\n`)];
          lines.forEach((line, i) => {
            if (i === plan.invalidUtf8At) parts.push(new Uint8Array([0xe2, 0x28, 0xa1, 0x0a]));
            parts.push(bytesOf(`${line}\n`));
          });
          if (plan.invalidUtf8At === lines.length) parts.push(new Uint8Array([0xe2, 0x28, 0xa1, 0x0a]));
          if (plan.unclosedQuote) parts.push(bytesOf('2025-11;"never closed\n'));
          let bytes: Uint8Array = Buffer.concat(parts);
          if (plan.gzip) bytes = gzipSync(bytes);
          const truncated = plan.gzip && plan.truncated;
          if (truncated) bytes = bytes.subarray(0, bytes.length - 12);
          const key = `monthly/2025-11/a.${plan.unsupported ? 'txt' : 'csv'}${plan.gzip ? '.gz' : ''}`;

          const outcome = await processInboundFile(inboundFile(key, bytes), world.deps());

          const expected = plan.unsupported
            ? 'UNSUPPORTED_FILE'
            : plan.invalidUtf8At !== undefined || plan.unclosedQuote || truncated
              ? 'UNREADABLE'
              : plan.missingColumn
                ? 'MISSING_COLUMNS'
                : plan.rejected / 40 > 0.05
                  ? 'TOO_MANY_REJECTED_ROWS'
                  : null;
          expect(outcome.kind === 'delivered' ? null : outcome.kind === 'refused' ? outcome.report.refused : outcome.kind).toBe(expected);
          if (expected !== null) expect(sentToRecipients(world.publisher)).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('every character a value may hold reaches the recipient unchanged (monthly-batch §2)', () => {
  it('property: a value with a forbidden character is rejected INVALID_FIELD; any other arrives as the same string, in bodies SQS accepts', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.constantFrom('csv', 'ndjson'), async (text, format) => {
        world.publisher = new MemoryPublisher();
        world.manifests = new MemoryManifestStore();
        const name = `OCMW ${text}`;
        const row = validRow({ ocmwName: name });
        // csvFile quotes a value holding `;`, a quote or a line end (RFC 4180).
        const content = format === 'csv' ? csvFile([row]) : JSON.stringify(row);
        // UTF-8 cannot hold a lone surrogate: a CSV file's bytes carry U+FFFD in its place.
        const carried = format === 'csv' ? Buffer.from(name, 'utf8').toString('utf8') : name;

        const outcome = await processInboundFile(
          inboundFile(`monthly/2025-11/a.${format}`, bytesOf(content)),
          world.deps({ maxRejectedShare: 1 }),
        );

        if (outcome.kind !== 'delivered') throw new Error(`not delivered: ${outcome.kind}`);
        for (const recipient of RECIPIENTS) {
          for (const message of world.publisher.all(`queue:${recipient}`)) {
            expect(isSqsText(message.body)).toBe(true);
            expect(message.body).not.toMatch(/[\ud800-\udfff\ufffe\uffff]/);
          }
        }
        const records = bodies('VDAB')
          .filter((b) => b.type === 'batch.records')
          .flatMap((b) => b.records as Array<Record<string, unknown>>);
        if (breaksCharacterRule(carried.trim())) {
          expect(outcome.report.issues).toEqual([
            { line: format === 'csv' ? 2 : 1, reference: 'REF-1', outcome: 'rejected', codes: ['INVALID_FIELD'] },
          ]);
          expect(records).toEqual([]);
        } else {
          expect(records.map((r) => r.ocmwName)).toEqual([carried.trim()]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
