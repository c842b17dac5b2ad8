import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandOutput,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedMessage } from '../../../local/receive-all';
import { writeBatchFile } from '../../../scripts/lib/batch-generator';
import { RegionalConsumer } from '../../../scripts/lib/consumer/consumer';
import { type ConsumerRecipient, PublishedContract } from '../../../scripts/lib/consumer/contract';
import type { ConsumerOptions } from '../../../scripts/lib/consumer/options';
import { QUEUES } from '../../../shared/topology';
import { useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * A whole month through the reference consumer on the stand-in: the hub delivers two files of
 * November; the test takes what each recipient's queue holds (what the hub delivered), puts it
 * back reordered (every batch.completed first), with duplicates, and lets the consumer run with a
 * crash between writing a batch and deleting its messages, then a restart.
 */

const hub = useMonthlyBatchHub('art60-consumer-month-');
const contract = new PublishedContract();

interface Delivered {
  readonly records: Map<string, Array<Record<string, unknown>>>;
  readonly completed: Map<string, Record<string, unknown>>;
}

/** What the hub delivered to one recipient, by batch: its records in seq order, and its batch.completed. */
function delivered(messages: readonly ReceivedMessage[]): Delivered {
  const bodies = messages.map((m) => JSON.parse(m.body) as Record<string, unknown>);
  const records = new Map<string, Array<Record<string, unknown>>>();
  const completed = new Map<string, Record<string, unknown>>();
  const sorted = bodies.filter((b) => b.type === 'batch.records').sort((a, b) => Number(a.seq) - Number(b.seq));
  for (const body of sorted) {
    const batchId = String(body.batchId);
    records.set(batchId, [...(records.get(batchId) ?? []), ...(body.records as Array<Record<string, unknown>>)]);
  }
  for (const body of bodies.filter((b) => b.type === 'batch.completed')) completed.set(String(body.batchId), body);
  return { records, completed };
}

function sqsClient(): SQSClient {
  const { standIn } = hub;
  return new SQSClient({
    region: standIn.region,
    endpoint: standIn.endpoints.sqs,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Sends messages back to a queue in the given order, each with its `type` attribute, as the hub sent them. */
async function putBack(queueUrl: string, messages: readonly ReceivedMessage[]): Promise<void> {
  const sqs = sqsClient();
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((m, n) => ({
          Id: String(n),
          MessageBody: m.body,
          MessageAttributes: { type: { DataType: 'String', StringValue: m.attributes.type ?? '' } },
        })),
      }),
    );
  }
  sqs.destroy();
}

function options(recipient: ConsumerRecipient, outDir: string, sqs: SQSClient, lines: string[]): ConsumerOptions {
  return {
    recipient,
    outDir,
    sqs,
    contract,
    queueUrl: hub.standIn.queueUrl(QUEUES.recipientOutbound[recipient]),
    waitSeconds: 0,
    holdSeconds: 300,
    incompleteAfterMs: 900_000,
    report: (line) => lines.push(line),
  };
}

/**
 * An SQS client that crashes the first time the consumer deletes, as a process killed between its
 * write and its delete: what it received but did not delete stays on the queue, invisible until
 * its hold runs out. `holdRunsOut()` plays that moment, without the wait: every message it
 * received becomes visible again.
 */
function crashingOnFirstDelete(sqs: SQSClient): { client: SQSClient; holdRunsOut(): Promise<void> } {
  let crashed = false;
  const received: Array<{ QueueUrl: string; ReceiptHandle: string }> = [];
  const client = {
    send: async (command: unknown, ...rest: unknown[]) => {
      if (!crashed && command instanceof DeleteMessageBatchCommand) {
        crashed = true;
        throw new Error('crash between the write and the delete');
      }
      const answer = await (sqs.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      if (command instanceof ReceiveMessageCommand) {
        for (const m of (answer as ReceiveMessageCommandOutput).Messages ?? []) {
          received.push({ QueueUrl: command.input.QueueUrl ?? '', ReceiptHandle: m.ReceiptHandle ?? '' });
        }
      }
      return answer;
    },
  } as unknown as SQSClient;
  return {
    client,
    async holdRunsOut() {
      for (let i = 0; i < received.length; i += 10) {
        const chunk = received.slice(i, i + 10);
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: chunk[0]?.QueueUrl,
            Entries: chunk.map((e, n) => ({ Id: String(n), ReceiptHandle: e.ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        );
      }
    },
  };
}

async function readNdjson(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const RECIPIENTS = ['VDAB', 'ACTIRIS', 'FOREM'] as const;
/** What the hub sent each recipient for the month, taken off its queue. */
const month = {} as Record<ConsumerRecipient, ReceivedMessage[]>;
let reports: Awaited<ReturnType<typeof hub.allReports>> = [];

/** A record the hub delivered to the recipient. */
function deliveredRecord(recipient: ConsumerRecipient): Record<string, unknown> {
  const records = month[recipient]
    .map((m) => JSON.parse(m.body) as { records?: Array<Record<string, unknown>> })
    .find((b) => b.records)?.records;
  if (!records?.[0]) throw new Error(`the hub delivered no record to ${recipient}`);
  return records[0];
}

describe('a whole month through the reference consumer', () => {
  beforeAll(async () => {
    const { standIn } = hub;
    // Two files of November, delivered by the hub.
    for (const [seed, name] of [
      [11, 'ocmw-activations-2025-11.csv'],
      [12, 'ocmw-activations-2025-11-b.csv'],
    ] as const) {
      const file = join(hub.workDir, name);
      await writeBatchFile(file, { rows: 1_200, format: 'csv', seed, period: '2025-11', invalidShare: 0 });
      await hub.putInbound(`monthly/2025-11/${name}`, await readFile(file));
    }
    expect(await standIn.notifyNewObjects()).toBe(2);
    await standIn.drain({ waitForRetries: true });
    reports = await hub.allReports();
    expect(reports).toHaveLength(2);
    for (const recipient of RECIPIENTS) month[recipient] = await standIn.receiveAll(QUEUES.recipientOutbound[recipient]);
  });

  it('ends with exactly the records and totals the hub delivered, for each recipient, despite duplicates, reordering and a restart', async () => {
    const { standIn } = hub;
    for (const recipient of RECIPIENTS) {
      const queueUrl = standIn.queueUrl(QUEUES.recipientOutbound[recipient]);
      const sent = month[recipient];
      const hubDelivered = delivered(sent);
      expect(hubDelivered.completed.size).toBe(2);
      // Reordered (every batch.completed first, the records shuffled) and with every fifth message twice.
      const completedFirst = [...sent].sort(
        (a, b) => Number(b.attributes.type === 'batch.completed') - Number(a.attributes.type === 'batch.completed'),
      );
      const shuffled = [
        ...completedFirst.slice(0, 2),
        ...fc.sample(fc.shuffledSubarray(completedFirst.slice(2), { minLength: completedFirst.length - 2 }), { seed: 7, numRuns: 1 })[0]!,
      ];
      const duplicates = shuffled.filter((_, i) => i % 5 === 0);
      await putBack(queueUrl, [...shuffled, ...duplicates]);

      // Act: a first run crashes after writing its first batch, before deleting its messages …
      const out = await mkdtemp(join(tmpdir(), `art60-consumer-${recipient}-`));
      const sqs = sqsClient();
      const lines: string[] = [];
      const crashing = crashingOnFirstDelete(sqs);
      const first = await RegionalConsumer.open(options(recipient, out, crashing.client, lines));
      await expect(first.run({ untilEmpty: true })).rejects.toThrow('crash between the write and the delete');
      // … and what it received comes back when its hold runs out.
      await crashing.holdRunsOut();
      // A restart: a new consumer on the same folder, with what the first remembered on disk.
      const second = await RegionalConsumer.open(options(recipient, out, sqs, lines));
      const tally = await second.run({ untilEmpty: true });
      sqs.destroy();

      // Assert: each batch exactly as delivered, in seq order, with its totals; nothing kept aside; the queue empty.
      // The crashed run wrote one batch (and died before it could say so); the restart wrote the other.
      expect(first.tally.batchesWritten).toBe(0);
      expect(tally.batchesWritten).toBe(1);
      expect(tally.rejected).toBe(0);
      expect(existsSync(join(out, 'rejected'))).toBe(false);
      expect(await standIn.receiveAll(QUEUES.recipientOutbound[recipient])).toEqual([]);
      expect((await readdir(join(out, '2025-11'))).filter((f) => f.endsWith('.ndjson')).sort()).toEqual(
        [...hubDelivered.completed.keys()].map((id) => `${id}.ndjson`).sort(),
      );
      for (const report of reports) {
        const batchId = report.batchId;
        const written = await readNdjson(join(out, '2025-11', `${batchId}.ndjson`));
        expect(written).toEqual(hubDelivered.records.get(batchId));
        const totals = report.perRecipient[recipient];
        expect(written).toHaveLength(totals.records);
        const completed = JSON.parse(await readFile(join(out, '2025-11', `${batchId}.completed.json`), 'utf8')) as Record<string, unknown>;
        expect(completed).toEqual(hubDelivered.completed.get(batchId));
        if (recipient === 'FOREM') {
          expect(totals.amountCents).toBeUndefined();
          expect(written.every((r) => !('amount' in r))).toBe(true);
        } else {
          const cents = written.reduce((sum, r) => sum + BigInt(String(r.amount).replace('.', '')), 0n);
          expect(String(cents)).toBe(totals.amountCents);
          expect(completed.amountCents).toBe(totals.amountCents);
        }
      }
      // Every copy beyond the first of each message was dropped, the crash's batch included.
      expect(lines.filter((l) => l.includes(' written: '))).toHaveLength(1);
      expect(first.tally.duplicates + tally.duplicates).toBeGreaterThanOrEqual(duplicates.length);
    }
  });

  it('keeps aside and reports what breaks the contract, deletes it only once written, and reports a batch left incomplete', async () => {
    const { standIn } = hub;
    const queueUrl = standIn.queueUrl(QUEUES.recipientOutbound.ACTIRIS);
    const sqs = sqsClient();
    const base = { schemaVersion: 1, sentAt: '2025-12-01T08:00:00Z', batchId: 'b-incomplete', period: '2025-11', recipient: 'ACTIRIS' };
    const record = deliveredRecord('ACTIRIS');
    await putBack(queueUrl, [
      { messageId: 'x1', body: 'not json', attributes: { type: 'batch.records' } },
      {
        messageId: 'x2',
        body: JSON.stringify({ ...base, type: 'batch.records', messageId: 'm-bad', seq: 0, records: [] }),
        attributes: { type: 'batch.records' },
      },
      {
        messageId: 'x3',
        body: JSON.stringify({ ...base, type: 'batch.records', messageId: 'm-1', seq: 1, records: [record] }),
        attributes: { type: 'batch.records' },
      },
      {
        messageId: 'x4',
        body: JSON.stringify({
          ...base,
          type: 'batch.completed',
          messageId: 'm-c',
          messages: 2,
          records: 2,
          amountCents: '0',
          amount: '0.00',
        }),
        attributes: { type: 'batch.completed' },
      },
    ]);
    let now = Date.parse('2025-12-01T08:00:00Z');
    const out = await mkdtemp(join(tmpdir(), 'art60-consumer-bad-'));
    const lines: string[] = [];
    const consumer = await RegionalConsumer.open({ ...options('ACTIRIS', out, sqs, lines), incompleteAfterMs: 60_000, now: () => now });

    await consumer.run({ untilEmpty: true });
    expect(consumer.tally.rejected).toBe(2);
    const rejected = await readdir(join(out, 'rejected'));
    expect(rejected).toHaveLength(2);
    const reasons = await Promise.all(
      rejected.map(async (f) => (JSON.parse(await readFile(join(out, 'rejected', f), 'utf8')) as { reason: string }).reason),
    );
    expect(reasons.sort()).toEqual([
      'not valid by batch.records.ACTIRIS.schema.json: /seq must be >= 1; /records must NOT have fewer than 1 items',
      'the body is not JSON',
    ]);
    expect(lines.filter((l) => l.startsWith('kept aside'))).toHaveLength(2);
    expect(lines.some((l) => l.includes('incomplete'))).toBe(false);

    now += 61_000;
    await consumer.run({ untilEmpty: true });
    expect(lines.filter((l) => l.includes('still incomplete'))).toEqual([
      'batch b-incomplete still incomplete after 61 s: 1 of 2 batch.records messages held (missing seq 2)',
    ]);
    // The two held messages are still on the queue, not deleted, and the stop says so.
    await consumer.release();
    expect(lines.at(-1)).toBe(
      'batch b-incomplete incomplete: 1 of 2 batch.records messages held (missing seq 2); its messages go back to the queue for the next run',
    );
    expect(consumer.tally.incompleteAtStop).toBe(1);
    expect(await standIn.receiveAll(QUEUES.recipientOutbound.ACTIRIS)).toHaveLength(2);
    sqs.destroy();
  });

  it('keeps aside a whole batch whose batch.completed does not add up', async () => {
    const { standIn } = hub;
    const queueUrl = standIn.queueUrl(QUEUES.recipientOutbound.VDAB);
    const record = deliveredRecord('VDAB');
    const base = { schemaVersion: 1, sentAt: '2025-12-01T08:00:00Z', batchId: 'b-wrong', period: '2025-11', recipient: 'VDAB' };
    await putBack(queueUrl, [
      {
        messageId: 'y1',
        body: JSON.stringify({ ...base, type: 'batch.records', messageId: 'w-1', seq: 1, records: [record] }),
        attributes: { type: 'batch.records' },
      },
      {
        messageId: 'y2',
        body: JSON.stringify({
          ...base,
          type: 'batch.completed',
          messageId: 'w-c',
          messages: 1,
          records: 1,
          amountCents: '1',
          amount: '0.01',
        }),
        attributes: { type: 'batch.completed' },
      },
    ]);
    const out = await mkdtemp(join(tmpdir(), 'art60-consumer-wrong-'));
    const lines: string[] = [];
    const sqs = sqsClient();
    const consumer = await RegionalConsumer.open(options('VDAB', out, sqs, lines));
    await consumer.run({ untilEmpty: true });
    sqs.destroy();

    const cents = BigInt(String(record.amount).replace('.', ''));
    expect(lines).toEqual([
      `kept aside (2 messages): batch.completed says amountCents 1, the records add up to ${cents} → ${join(out, 'rejected', 'batch-b-wrong.json')}`,
    ]);
    expect(existsSync(join(out, '2025-11', 'b-wrong.ndjson'))).toBe(false);
    const kept = JSON.parse(await readFile(join(out, 'rejected', 'batch-b-wrong.json'), 'utf8')) as { messages: unknown[] };
    expect(kept.messages).toHaveLength(2);
    expect(await standIn.receiveAll(QUEUES.recipientOutbound.VDAB)).toEqual([]);
  });
});
