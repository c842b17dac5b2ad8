import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { correctionFieldsOf, type DeliveredLine } from '../../local/return-flow-demo';
import type { LocalStandIn } from '../../local/stand-in';
import { createDynamoDocumentClient, createS3Client, createSqsClient } from '../../shared/adapters/aws-clients';
import { allQueues, BUCKETS, deadLetterQueueOf, QUEUES, type QueueSpec, TABLES } from '../../shared/topology';
import { correctionMessage, decisionMessage, ppsDecisionMessage } from '../unit/return-flows/fakes';

/**
 * The final state of a hub on the local stand-in, read the way the parties and an operator would
 * and made comparable between runs: what every party's queue received (duplicates dropped by
 * `messageId`), the reports, the archive, every table, what is left in staging and in the
 * dead-letter queues. Timestamps are taken out (keys ending in `At` or `Until`, the attempt's id,
 * ISO instants inside strings): a run under faults must equal the fault-free run apart from them.
 * Reads go straight to the emulators, never through a test's fault proxy.
 */

/** The queues a party reads. */
export const PARTY_QUEUES: readonly QueueSpec[] = [
  QUEUES.recipientOutbound.VDAB,
  QUEUES.recipientOutbound.ACTIRIS,
  QUEUES.recipientOutbound.FOREM,
  QUEUES.ppsOutbound,
  QUEUES.ocmwOutbound,
];

type Json = Record<string, unknown>;

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

/** A value without its timestamps: keys ending in `At` or `Until` and `attemptId` dropped, ISO instants in strings replaced. */
export function withoutTimestamps(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(ISO_INSTANT, '<instant>');
  if (Array.isArray(value)) return value.map(withoutTimestamps);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !/(At|Until)$/.test(key) && key !== 'attemptId')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, v]) => [key, withoutTimestamps(v)]),
    );
  }
  return value;
}

/** Direct clients of the emulators (not through a proxy), the stand-in's way. */
export interface DirectClients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBDocumentClient;
  destroy(): void;
}

export function directClients(standIn: LocalStandIn): DirectClients {
  const connection = { region: standIn.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const s3 = createS3Client({ ...connection, endpoint: standIn.endpoints.s3 });
  const sqs = createSqsClient({ ...connection, endpoint: standIn.endpoints.sqs });
  const dynamo = createDynamoDocumentClient({ ...connection, endpoint: standIn.endpoints.dynamodb });
  return {
    s3,
    sqs,
    dynamo,
    destroy() {
      s3.destroy();
      sqs.destroy();
      dynamo.destroy();
    },
  };
}

/**
 * What the parties received over a run: each queue's messages by `messageId`, with how many
 * copies came and whether the copies agree apart from timestamps.
 */
export class PartyInboxes {
  readonly byQueue = new Map<string, Map<string, Json>>();
  /** The `messageId` of every copy beyond the first, in the order they came. */
  readonly copies: string[] = [];
  readonly disagreeing: string[] = [];

  /** Receives and deletes everything on every party's queue, as the parties do. */
  async collect(standIn: LocalStandIn): Promise<void> {
    for (const queue of PARTY_QUEUES) {
      const inbox = this.byQueue.get(queue.name) ?? new Map<string, Json>();
      this.byQueue.set(queue.name, inbox);
      for (const message of await standIn.receiveAll(queue)) {
        const body = JSON.parse(message.body) as Json;
        expect(message.attributes.type).toBe(body.type);
        const id = String(body.messageId);
        const earlier = inbox.get(id);
        if (earlier === undefined) inbox.set(id, body);
        else {
          this.copies.push(`${queue.name} ${id}`);
          if (JSON.stringify(withoutTimestamps(earlier)) !== JSON.stringify(withoutTimestamps(body))) this.disagreeing.push(id);
        }
      }
    }
  }

  /** A queue's messages, one per `messageId`, in `messageId` order. */
  messages(queue: QueueSpec): Json[] {
    return [...(this.byQueue.get(queue.name) ?? new Map<string, Json>()).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, m]) => m);
  }

  /** Every queue's messages without timestamps. */
  comparable(): Record<string, unknown[]> {
    return Object.fromEntries(PARTY_QUEUES.map((q) => [q.name, this.messages(q).map(withoutTimestamps)]));
  }
}

async function listKeys(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys.sort();
}

async function objectsWithoutTimestamps(s3: S3Client, bucket: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of await listKeys(s3, bucket)) {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = (await response.Body?.transformToString('utf-8')) ?? '';
    // A report is one JSON document; an archived part is NDJSON, one message a line.
    out[key] = key.endsWith('.ndjson')
      ? text
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => withoutTimestamps(JSON.parse(line)))
      : withoutTimestamps(JSON.parse(text));
  }
  return out;
}

async function scanAll(dynamo: DynamoDBDocumentClient, table: string): Promise<unknown[]> {
  const items: Json[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...((page.Items ?? []) as Json[]));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items.map(withoutTimestamps).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** The state of the hub's stores, without timestamps, and what is left behind. */
export interface StoreState {
  readonly reports: Record<string, unknown>;
  readonly archive: Record<string, unknown>;
  readonly tables: Record<string, unknown[]>;
  /** Keys left in the staging bucket (they hold national numbers: none may stay). */
  readonly staging: string[];
  /** Messages in each dead-letter queue, and on `batch-notifications`, by queue name (only those holding some). */
  readonly leftOnQueues: Record<string, number>;
}

/** Reads the stores of the hub; empties the dead-letter queues and `batch-notifications` to count them. */
export async function storeState(standIn: LocalStandIn, clients: DirectClients): Promise<StoreState> {
  const tables: Record<string, unknown[]> = {};
  for (const table of Object.values(TABLES)) tables[table.name] = await scanAll(clients.dynamo, table.name);
  // A proof is keyed by the SHA-256 of the body sent, whose `sentAt` is a timestamp, and a retry's
  // new body gets a proof of its own: what must agree is which messages are proven, once each.
  tables[TABLES.deliveryProofs.name] = [...new Set((tables[TABLES.deliveryProofs.name] as { pk: string }[]).map((item) => item.pk))].sort();
  const leftOnQueues: Record<string, number> = {};
  for (const queue of [...allQueues().map(deadLetterQueueOf), QUEUES.batchNotifications]) {
    const left = (await standIn.receiveAll(queue)).length;
    if (left > 0) leftOnQueues[queue.name] = left;
  }
  return {
    reports: await objectsWithoutTimestamps(clients.s3, BUCKETS.reports.name),
    archive: await objectsWithoutTimestamps(clients.s3, BUCKETS.archive.name),
    tables,
    staging: await listKeys(clients.s3, BUCKETS.staging.name),
    leftOnQueues,
  };
}

/**
 * Each recipient's `batch.completed` says what it received: as many `batch.records` messages as
 * it holds (seq 1..n), as many records, and (VDAB, Actiris) the sum of their amounts in cents.
 */
export function expectCompletedMatchesRecords(inboxes: PartyInboxes): void {
  for (const recipient of ['VDAB', 'ACTIRIS', 'FOREM'] as const) {
    const messages = inboxes.messages(QUEUES.recipientOutbound[recipient]).filter((m) => typeof m.batchId === 'string');
    const completed = messages.filter((m) => m.type === 'batch.completed');
    const records = messages.filter((m) => m.type === 'batch.records');
    expect(completed).toHaveLength(1);
    const seqs = records.map((m) => Number(m.seq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: records.length }, (_, i) => i + 1));
    const lines = records.flatMap((m) => m.records as Array<Record<string, string>>);
    const cents = lines.reduce((sum, r) => sum + (r.amount === undefined ? 0n : BigInt(r.amount.replace('.', ''))), 0n);
    expect(completed[0]).toMatchObject({ messages: records.length, records: lines.length });
    if (recipient !== 'FOREM') expect(completed[0]?.amountCents).toBe(cents.toString());
  }
}

function receivedLines(inboxes: PartyInboxes, queue: QueueSpec): DeliveredLine[] {
  return inboxes
    .messages(queue)
    .filter((m) => m.type === 'batch.records')
    .flatMap((m) => m.records as DeliveredLine[])
    .sort((a, b) => a.reference.localeCompare(b.reference));
}

const DECIDED_AT = '2025-12-01T10:00:00.000Z';

/**
 * A fixed script of return-flow messages after a batch (messages.md, return-flows.md), with
 * fixed ids, played by the parties with their own clients straight to the emulators: VDAB
 * validates three lines, refuses one, decides on a line it never received, sends a malformed
 * message and asks a recovery; Actiris validates a line and asks arrears; then VDAB sends its first
 * decision again under another messageId, and the PPS approves VDAB's correction and rejects
 * Actiris's. `settle` plays the functions (and their retries) after each of the two rounds.
 */
export async function playReturnFlowScript(
  standIn: LocalStandIn,
  clients: DirectClients,
  inboxes: PartyInboxes,
  kbos: { readonly VDAB: string; readonly ACTIRIS: string },
  settle: () => Promise<void>,
): Promise<void> {
  const send = async (queue: QueueSpec, message: Json): Promise<void> => {
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: standIn.queueUrl(queue),
        MessageBody: JSON.stringify({ schemaVersion: 1, sentAt: DECIDED_AT, ...message }),
        MessageAttributes: { type: { DataType: 'String', StringValue: String(message.type ?? 'unknown') } },
      }),
    );
  };
  const vdab = receivedLines(inboxes, QUEUES.recipientOutbound.VDAB);
  const actiris = receivedLines(inboxes, QUEUES.recipientOutbound.ACTIRIS);
  expect(vdab.length).toBeGreaterThan(5);
  expect(actiris.length).toBeGreaterThan(2);
  // The return flows' one set of message builders (test/unit/return-flows/fakes.ts), every field named.
  const decision = (line: DeliveredLine, id: string, verdict: 'VALIDATED' | 'REFUSED'): Json =>
    decisionMessage({
      messageId: `msg-${id}`,
      sentAt: DECIDED_AT,
      decisionId: id,
      reference: line.reference,
      fileNumber: line.fileNumber,
      decision: verdict,
      ...(verdict === 'REFUSED' ? { reasonCode: 'NO_ACTIVATION_REGISTERED' } : {}),
      decidedAt: DECIDED_AT,
    });
  const correction = (line: DeliveredLine, requester: 'VDAB' | 'ACTIRIS', requestId: string, kind: string, amount: string): Json =>
    correctionMessage({
      messageId: `msg-${requestId}`,
      sentAt: DECIDED_AT,
      requestId,
      requesterKbo: kbos[requester],
      ...correctionFieldsOf(line),
      kind,
      amount,
    });
  const [v0, v1, v2, v3] = vdab as [DeliveredLine, DeliveredLine, DeliveredLine, DeliveredLine];
  const [a0, a1] = actiris as [DeliveredLine, DeliveredLine];
  await send(QUEUES.recipientInbound.VDAB, decision(v0, 'vdab-val-0', 'VALIDATED'));
  await send(QUEUES.recipientInbound.VDAB, decision(v1, 'vdab-val-1', 'VALIDATED'));
  await send(QUEUES.recipientInbound.VDAB, decision(v2, 'vdab-val-2', 'VALIDATED'));
  await send(QUEUES.recipientInbound.VDAB, decision(v3, 'vdab-ref-3', 'REFUSED'));
  await send(QUEUES.recipientInbound.VDAB, decision(a0, 'vdab-foreign', 'VALIDATED'));
  await send(QUEUES.recipientInbound.VDAB, { type: 'validation.decision', messageId: 'msg-vdab-malformed', reference: 42 });
  await send(QUEUES.recipientInbound.VDAB, correction(v0, 'VDAB', 'vdab-rec-1', 'RECOVERY', '150.00'));
  await send(QUEUES.recipientInbound.ACTIRIS, decision(a1, 'actiris-val-1', 'VALIDATED'));
  await send(QUEUES.recipientInbound.ACTIRIS, correction(a0, 'ACTIRIS', 'actiris-arr-1', 'ARREARS', '75.25'));
  await settle();
  await inboxes.collect(standIn);

  const requests = inboxes.messages(QUEUES.ppsOutbound).filter((m) => m.type === 'correction.request');
  expect(requests).toHaveLength(2);
  // The same decision again under another messageId, once the first is recorded: a no-op.
  await send(QUEUES.recipientInbound.VDAB, { ...decision(v0, 'vdab-val-0', 'VALIDATED'), messageId: 'msg-vdab-val-0-again' });
  for (const request of requests) {
    const verdict = request.recipient === 'VDAB' ? 'APPROVED' : 'REJECTED';
    await send(
      QUEUES.ppsInbound,
      ppsDecisionMessage(String(request.correctionId), verdict, {
        messageId: `msg-pps-${String(request.correctionId)}`,
        sentAt: DECIDED_AT,
        decidedAt: DECIDED_AT,
      }),
    );
  }
  await settle();
  await inboxes.collect(standIn);
}
