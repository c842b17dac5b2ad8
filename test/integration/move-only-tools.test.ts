import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContextFor } from '../../local/event-source';
import { loadFunctionHandler } from '../../local/event-source-mapping';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { dynamoDocumentClient, s3Client, sqsClient } from '../../shared/adapters/aws-clients';
import { DynamoPaymentLines } from '../../shared/adapters/dynamo-payment-lines';
import { BUCKETS, deadLetterQueueOf, FUNCTIONS, type FunctionSpec, QUEUES, TABLES } from '../../shared/topology';
import { auditLines, captureOutput } from '../support/capture-output';
import { bytesOf, csvFile, validRow } from '../support/rows';

/**
 * The two move-only operator tools on the local stand-in, with the real functions: a decision that
 * VDAB sent on its own queue dead-letters (five receives without a delete, as a failing consumer
 * leaves it), and the dead-letter tool hands it to region-inbound's use case under VDAB's channel:
 * the line's status and what the PPS receives are what VDAB's own send would have made. A file the
 * PPS uploaded, whose notification never came, is processed by the re-notify tool without a write
 * in the inbound bucket.
 */

const FILE = bytesOf(csvFile([validRow({ reference: 'V-1', ocmwNis: '11002' }), validRow({ reference: 'F-1', ocmwNis: '62063' })]));
const LATE_FILE = bytesOf(csvFile([validRow({ reference: 'V-2', ocmwNis: '11002' })]));
const LATE_KEY = 'monthly/2025-11/late.csv';

const ROOT = path.join(import.meta.dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const run = promisify(execFile);

const previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
let standIn: LocalStandIn;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  standIn = await startLocalStandIn();
  await s3Client().send(new PutObjectCommand({ Bucket: standIn.bucketName(BUCKETS.inbound), Key: 'monthly/2025-11/a.csv', Body: FILE }));
  expect(await standIn.notifyNewObjects()).toBe(1);
  await captureOutput(() => standIn.drain());
  // What the batch sent (the recipients' records, the PPS's batch.outcome) is read away first.
  for (const q of [...Object.values(QUEUES.recipientOutbound), QUEUES.ppsOutbound]) await standIn.receiveAll(q);
});

afterAll(async () => {
  await standIn?.stop();
  if (previousLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
});

async function invoke(spec: FunctionSpec, event: unknown) {
  const handler = (await loadFunctionHandler(spec)) as unknown as (event: unknown, context: unknown) => Promise<Record<string, unknown>>;
  const { result, lines } = await captureOutput(() => handler(event, lambdaContextFor(spec, standIn.region)));
  return { answer: result, audit: auditLines(lines).map((l) => l.audit) };
}

const lines = () => new DynamoPaymentLines(dynamoDocumentClient(), TABLES.paymentLines.name);

describe('reprocessing an inbound dead letter', () => {
  it('applies VDAB’s dead-lettered decision as if VDAB had sent it, empties the DLQ, and puts nothing on VDAB’s inbound queue', async () => {
    const sqs = sqsClient();
    const inbound = standIn.queueUrl(QUEUES.recipientInbound.VDAB);
    const decision = {
      schemaVersion: 1,
      messageId: 'vdab-msg-1',
      type: 'validation.decision',
      sentAt: '2025-12-03T10:00:00Z',
      decisionId: 'vdab-d-1',
      reference: 'V-1',
      fileNumber: 'D-2025-001',
      decision: 'REFUSED',
      reasonCode: 'NOT_ELIGIBLE',
      decidedAt: '2025-12-03T09:00:00Z',
    };
    // VDAB sends on its own queue; a consumer that fails five times (it never deletes) leaves it to SQS's redrive.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: inbound,
        MessageBody: JSON.stringify(decision),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'validation.decision' } },
      }),
    );
    for (let receive = 0; receive < 10; receive += 1) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: inbound, VisibilityTimeout: 0, WaitTimeSeconds: 0 }));
      if ((got.Messages ?? []).length === 0 && receive >= QUEUES.recipientInbound.VDAB.maxReceiveCount) break;
    }
    const dlq = deadLetterQueueOf(QUEUES.recipientInbound.VDAB);
    const waiting = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: standIn.queueUrl(dlq), VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
    );
    expect(waiting.Messages?.map((m) => JSON.parse(m.Body ?? '{}').messageId)).toEqual(['vdab-msg-1']);
    expect((await lines().getLine('VDAB', 'V-1', new Date()))?.status).toBe('DELIVERED');

    const { answer, audit } = await invoke(FUNCTIONS.operatorReprocessDeadLetters, { channel: 'VDAB' });

    expect(answer).toMatchObject({ ok: true, channel: 'VDAB', accepted: 1, duplicates: 0, refused: 0, failed: 0, limitReached: false });
    // The state: the line carries VDAB's decision, and the PPS receives it from the hub, as after VDAB's own send.
    expect((await lines().getLine('VDAB', 'V-1', new Date()))?.status).toBe('REFUSED');
    const toPps = await standIn.receiveAll(QUEUES.ppsOutbound);
    expect(toPps.map((m) => JSON.parse(m.body))).toEqual([
      expect.objectContaining({
        type: 'validation.decision',
        recipient: 'VDAB',
        reference: 'V-1',
        decision: 'REFUSED',
        decisionId: 'vdab-d-1',
      }),
    ]);
    // Moved, not authored: the DLQ is empty, and nothing was put on VDAB's channel.
    expect(await standIn.receiveAll(dlq)).toEqual([]);
    expect(await standIn.receiveAll(QUEUES.recipientInbound.VDAB)).toEqual([]);
    expect(audit).toEqual([expect.objectContaining({ tool: 'reprocess-dead-letters', outcome: 'answered', results: 1 })]);

    // A second run finds nothing to do.
    const again = await invoke(FUNCTIONS.operatorReprocessDeadLetters, { channel: 'VDAB' });
    expect(again.answer).toMatchObject({ ok: true, accepted: 0, duplicates: 0, refused: 0 });
  });
});

describe('the command line', () => {
  it('npm run reprocess-dead-letters moves an Actiris dead letter the same way, and writes the audit line on stderr', async () => {
    const dlq = deadLetterQueueOf(QUEUES.recipientInbound.ACTIRIS);
    // As SQS's redrive leaves it: Actiris's message, now in its DLQ (a decision about a line never delivered to it).
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: standIn.queueUrl(dlq),
        MessageBody: JSON.stringify({
          schemaVersion: 1,
          messageId: 'actiris-msg-1',
          type: 'validation.decision',
          sentAt: '2025-12-03T10:00:00Z',
          decisionId: 'actiris-d-1',
          reference: 'NEVER-DELIVERED',
          fileNumber: 'D-1',
          decision: 'VALIDATED',
          decidedAt: '2025-12-03T09:00:00Z',
        }),
        MessageAttributes: { type: { DataType: 'String', StringValue: 'validation.decision' } },
      }),
    );
    const { stdout, stderr } = await run(
      process.execPath,
      [TSX, path.join(ROOT, 'scripts', 'reprocess-dead-letters.ts'), '--channel', 'ACTIRIS'],
      {
        cwd: ROOT,
        env: { ...process.env, ...standIn.clientEnv, POWERTOOLS_LOG_LEVEL: 'ERROR' },
      },
    );

    expect(stdout).toBe('ACTIRIS: 0 accepted, 0 duplicates, 1 refused, 0 failed (left in the dead-letter queue)\n');
    const audit = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { message: string; audit: Record<string, unknown> });
    expect(audit).toEqual([
      {
        level: 'INFO',
        message: 'operator tool used',
        audit: expect.objectContaining({
          tool: 'reprocess-dead-letters',
          outcome: 'answered',
          asked: { channel: 'ACTIRIS', limit: 100 },
          results: 1,
        }),
      },
    ]);
    // Refused UNKNOWN_LINE to Actiris, as region-inbound refuses it from Actiris's own queue.
    const toActiris = (await standIn.receiveAll(QUEUES.recipientOutbound.ACTIRIS)).map(
      (m) => JSON.parse(m.body) as Record<string, unknown>,
    );
    expect(toActiris).toEqual([
      expect.objectContaining({ type: 'message.refused', refusedMessageId: 'actiris-msg-1', code: 'UNKNOWN_LINE' }),
    ]);
    expect(await standIn.receiveAll(dlq)).toEqual([]);
  }, 60_000);
});

describe('re-notifying a PPS file', () => {
  it('processes a file whose notification never came, as its notification would, and leaves the inbound object as the PPS wrote it', async () => {
    const s3 = s3Client();
    const bucket = standIn.bucketName(BUCKETS.inbound);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: LATE_KEY, Body: LATE_FILE }));
    const before = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: LATE_KEY }));

    const { answer, audit } = await invoke(FUNCTIONS.operatorRenotifyFile, { key: LATE_KEY });

    expect(answer).toMatchObject({ ok: true, key: LATE_KEY, outcome: 'delivered', rows: 1, delivered: 1 });
    const toVdab = (await standIn.receiveAll(QUEUES.recipientOutbound.VDAB)).map((m) => JSON.parse(m.body) as { type: string });
    expect(toVdab.map((m) => m.type)).toEqual(['batch.records', 'batch.completed']);
    const after = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: LATE_KEY }));
    expect([after.ETag, after.LastModified?.toISOString()]).toEqual([before.ETag, before.LastModified?.toISOString()]);
    expect(audit).toEqual([expect.objectContaining({ tool: 'renotify-file', outcome: 'answered', asked: { key: LATE_KEY } })]);

    // The same bytes again: a duplicate, nothing delivered twice.
    const again = await invoke(FUNCTIONS.operatorRenotifyFile, { key: LATE_KEY });
    expect(again.answer).toMatchObject({ ok: true, outcome: 'duplicate', status: 'DELIVERED' });
    expect(await standIn.receiveAll(QUEUES.recipientOutbound.VDAB)).toEqual([]);
  });
});
