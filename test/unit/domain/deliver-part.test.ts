import { BatchWriteItemCommand, type BatchWriteItemCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDeliveryLedger } from '../../../shared/adapters/dynamo-delivery-ledger';
import { deliverCompleted, deliverToRecipient } from '../../../shared/domain/batch/deliver';
import { deliverPart, firstSeqOf, type StagedPart } from '../../../shared/domain/batch/deliver-part';
import { partName } from '../../../shared/domain/batch/object-keys';
import type { BatchDependencies, DeliveredBatch } from '../../../shared/domain/batch/ports';
import { MESSAGES_PER_PART } from '../../../shared/domain/batch/staging';
import { RECIPIENTS, type Recipient, type RecipientRecord } from '../../../shared/domain/recipients';
import { MemoryBlobStore, MemoryPublisher } from '../../support/memory-ports';

/**
 * One staged part delivered as a unit (deliver-part.ts), as a fan-out past one function runs it:
 * any worker, any order, any number of times, several at once. Whatever the runs, every recipient
 * ends with exactly the records of the batch once after dropping duplicates by messageId, numbered
 * as the one-function delivery numbers them, and the archive and the ledger end the same.
 */

const KEY = Buffer.alloc(32, 7);
const batch: DeliveredBatch = { batchId: 'f'.repeat(64), period: '2025-11', receivedAt: new Date('2025-12-03T09:00:00Z') };
const SENT_AT = new Date('2025-12-03T09:05:00Z');
/** Each recipient: two full parts and a last one of 37 messages, two records a message. */
const PART_SIZES = [MESSAGES_PER_PART, MESSAGES_PER_PART, 37];

function record(recipient: Recipient, part: number, line: number, n: number): RecipientRecord {
  const id = `${recipient}-${part}-${line}-${n}`;
  // Two records of one person per message: FOREM's disclosures are kept per person.
  const insz = `850730${String(part * 1000 + line).padStart(5, '0')}`;
  const common = { period: '2025-11', ocmwKbo: '0212351212', regulation: 'ART60_7', fileNumber: `F-${id}`, insz };
  return recipient === 'FOREM' ? common : { ...common, reference: `REF-${id}`, amount: '12.34' };
}

/** The staged parts of every recipient, written as staging.ts writes them: one `records` array a line. */
function stageParts(staging: MemoryBlobStore): Promise<StagedPart[]> {
  const parts: StagedPart[] = [];
  const writes: Array<Promise<void>> = [];
  for (const recipient of RECIPIENTS) {
    PART_SIZES.forEach((size, p) => {
      const stagedKey = `${batch.batchId}/attempt-1/${recipient}/${partName(p + 1)}`;
      const lines = Array.from({ length: size }, (_, line) => JSON.stringify([0, 1].map((n) => record(recipient, p + 1, line, n))));
      writes.push(staging.put(stagedKey, lines.join('\n')));
      parts.push({ recipient, index: p + 1, stagedKey });
    });
  }
  return Promise.all(writes).then(() => parts);
}

/** A DynamoDB whose tables keep what BatchWriteItem puts, by key: what the ledger ends with. */
function memoryDynamo() {
  const client = new DynamoDBClient({ region: 'eu-west-1' });
  const mock = mockClient(client);
  const tables = new Map<string, unknown>();
  mock.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => {
    for (const [table, requests] of Object.entries(input.RequestItems ?? {})) {
      for (const { PutRequest } of requests) {
        const item = PutRequest?.Item ?? {};
        tables.set(`${table}|${item.pk?.S}|${item.sk?.S}`, item);
      }
    }
    return { UnprocessedItems: {} };
  });
  return { client, tables };
}

/** A world: staging with the parts, an archive, a publisher and a ledger over a fresh table store. */
async function world() {
  const staging = new MemoryBlobStore();
  const parts = await stageParts(staging);
  const archive = new MemoryBlobStore();
  const publisher = new MemoryPublisher();
  const dynamo = memoryDynamo();
  const ledger = new DynamoDeliveryLedger(
    dynamo.client,
    { paymentLines: 'lines', disclosures: 'disclosures', deliveryProofs: 'proofs' },
    async () => KEY,
    () => SENT_AT,
  );
  const deps: Pick<BatchDependencies, 'staging' | 'archive' | 'ledger' | 'publisher' | 'recipientQueueUrl' | 'clock'> = {
    staging,
    archive,
    ledger,
    publisher,
    recipientQueueUrl: (recipient) => `queue:${recipient}`,
    clock: () => SENT_AT,
  };
  return { parts, archive, publisher, tables: dynamo.tables, deps };
}

type World = Awaited<ReturnType<typeof world>>;

/** What a recipient holds after dropping duplicates by messageId: each message's id and records, by seq. */
function received(w: World, recipient: Recipient) {
  const byId = new Map<string, { seq: number; records: unknown }>();
  for (const message of w.publisher.all(`queue:${recipient}`)) {
    const body = JSON.parse(message.body) as { seq?: number; records?: unknown };
    if (!byId.has(message.messageId)) byId.set(message.messageId, { seq: body.seq ?? 0, records: body.records });
  }
  return [...byId.entries()].sort((a, b) => a[1].seq - b[1].seq);
}

function snapshot(w: World) {
  return {
    received: Object.fromEntries(RECIPIENTS.map((r) => [r, received(w, r)])),
    archive: new Map([...w.archive.objects.entries()].sort()),
    ledger: new Map([...w.tables.entries()].sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** The one-function delivery: each recipient's parts in order, then `batch.completed`. */
async function reference() {
  const w = await world();
  for (const recipient of RECIPIENTS) {
    const keys = w.parts.filter((p) => p.recipient === recipient).map((p) => p.stagedKey);
    await deliverToRecipient(w.deps, batch, recipient, keys, { messages: 237, records: 474, amountCents: 0n });
  }
  return snapshot(w);
}

/** The fan-out: the given runs of parts, then each recipient's `batch.completed`. */
async function fannedOut(runs: (w: World) => Promise<void>) {
  const w = await world();
  await runs(w);
  for (const recipient of RECIPIENTS) await deliverCompleted(w.deps, batch, recipient, { messages: 237, records: 474, amountCents: 0n });
  return { w, ...snapshot(w) };
}

let expected: Awaited<ReturnType<typeof reference>>;

beforeEach(async () => {
  expected ??= await reference();
});

describe('delivering one staged part as a unit (deliver-part.ts)', () => {
  it('numbers a part from its index alone: every part but the last holds MESSAGES_PER_PART messages', () => {
    expect([1, 2, 3].map(firstSeqOf)).toEqual([1, MESSAGES_PER_PART + 1, 2 * MESSAGES_PER_PART + 1]);
  });

  it('the reference delivery gives each recipient every record once, numbered 1…n, and writes its ledger', () => {
    for (const recipient of RECIPIENTS) {
      const got = expected.received[recipient] ?? [];
      expect(got.map(([, m]) => m.seq)).toEqual([0, ...Array.from({ length: 237 }, (_, i) => i + 1)]); // 0: batch.completed has no seq
      expect(got.flatMap(([, m]) => (Array.isArray(m.records) ? m.records : [])).length).toBe(474);
    }
    // VDAB and Actiris: a line item a record; FOREM: a disclosure item per person and part.
    expect([...expected.ledger.keys()].filter((k) => k.startsWith('lines|')).length).toBe(2 * 474);
    expect([...expected.ledger.keys()].filter((k) => k.startsWith('disclosures|')).length).toBe(237);
  });

  it('property: parts run in any order, any of them again, end with the same messages, archive and ledger', async () => {
    const indexes = Array.from({ length: RECIPIENTS.length * PART_SIZES.length }, (_, i) => i);
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(indexes, { minLength: indexes.length }),
        fc.array(fc.constantFrom(...indexes), { maxLength: 6 }),
        fc.array(fc.nat({ max: indexes.length }), { maxLength: 6 }),
        async (order, repeats, positions) => {
          // The repeats go anywhere in the order, before or after the part's first run.
          const runs = [...order];
          for (const [i, part] of repeats.entries()) runs.splice(Math.min(positions[i] ?? 0, runs.length), 0, part);
          const got = await fannedOut(async (w) => {
            for (const i of runs) await deliverPart(w.deps, batch, w.parts[i] as StagedPart);
          });
          expect(got.received).toEqual(expected.received);
          expect(got.archive).toEqual(expected.archive);
          expect(got.ledger).toEqual(expected.ledger);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('parts run at the same time, every one twice, end the same', async () => {
    const got = await fannedOut(async (w) => {
      await Promise.all([...w.parts, ...[...w.parts].reverse()].map((part) => deliverPart(w.deps, batch, part)));
    });
    expect(got.received).toEqual(expected.received);
    expect(got.archive).toEqual(expected.archive);
    expect(got.ledger).toEqual(expected.ledger);
    // Each part went out twice: duplicates the recipients drop by messageId.
    expect(got.w.publisher.all('queue:VDAB')).toHaveLength(2 * 237 + 1);
  });

  it('refuses a part that holds more messages than a part may: it could not be numbered from its index', async () => {
    const w = await world();
    const oversized = `${batch.batchId}/attempt-1/VDAB/${partName(9)}`;
    await w.deps.staging.put(oversized, Array.from({ length: MESSAGES_PER_PART + 1 }, () => '[]').join('\n'));
    await expect(deliverPart(w.deps, batch, { recipient: 'VDAB', index: 9, stagedKey: oversized })).rejects.toThrow(/more than a part may/);
    expect(w.publisher.sent).toBe(0);
  });
});
