import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { longPollRequestTimeoutMs } from '../../../shared/adapters/aws-clients';
import type { Recipient } from '../../../shared/domain/recipients';
import { generateBatch } from '../batch-generator';
import { SmokeFailure } from './definitions';

/** The smoke test's steps as the parties (scripts/lib/smoke.ts): the PPS's file, the recipients' queues, VDAB's decision. */

/** A generated monthly file, its references unique to the run, and its batch id (the SHA-256 of its bytes). */
export async function smokeFile(rows: number, runId: string): Promise<{ body: Buffer; batchId: string }> {
  let text = '';
  for await (const chunk of generateBatch({ rows, format: 'csv', seed: 607, invalidShare: 0, referencePrefix: `SMOKE-${runId}` }))
    text += chunk;
  const body = Buffer.from(text, 'utf8');
  return { body, batchId: createHash('sha256').update(body).digest('hex') };
}

/**
 * Puts a monthly file as the PPS does: SSE-KMS with the hub's inbound key, and `If-None-Match: *`,
 * so that it never replaces a file already there.
 */
export async function putMonthlyFile(
  s3: S3Client,
  file: { bucket: string; key: string; body: Buffer; inboundKeyArn: string },
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: file.bucket,
      Key: file.key,
      Body: file.body,
      ContentType: 'text/csv',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: file.inboundKeyArn,
      IfNoneMatch: '*',
    }),
  );
}

type Json = Record<string, unknown>;

/** What a recipient received of one batch. */
export interface ReceivedBatch {
  readonly recipient: Recipient;
  /** The `batch.completed` message. */
  readonly completed: Json;
  /** The records of its `batch.records` messages, in `seq` order. */
  readonly records: readonly Json[];
}

/**
 * Receives from a queue until `accept` says it has what it waits for, deleting every message it
 * accepts and leaving the others alone (they are someone else's, or an earlier run's). Fails after
 * `timeoutSeconds`.
 */
async function receiveUntil(
  sqs: SQSClient,
  queueUrl: string,
  waitSeconds: number,
  timeoutSeconds: number,
  take: (body: Json) => boolean,
  done: () => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!done()) {
    if (Date.now() > deadline) throw new SmokeFailure(`${what}: nothing after ${timeoutSeconds} s`);
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ['All'],
      }),
      { requestTimeout: longPollRequestTimeoutMs(waitSeconds) },
    );
    for (const m of messages) {
      if (take(bodyOf(m))) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

function bodyOf(m: Message): Json {
  try {
    const body = JSON.parse(m.Body ?? '') as unknown;
    return typeof body === 'object' && body !== null ? (body as Json) : {};
  } catch {
    return {};
  }
}

/**
 * Reads a recipient's outbound queue until it holds the batch's `batch.completed` and as many
 * distinct `seq` of `batch.records` as it counts (messages.md: the completion may come first).
 */
export async function receiveBatch(
  sqs: SQSClient,
  queueUrl: string,
  recipient: Recipient,
  batchId: string,
  waitSeconds: number,
  timeoutSeconds: number,
): Promise<ReceivedBatch> {
  const bySeq = new Map<number, Json[]>();
  let completed: Json | undefined;
  const done = () => completed !== undefined && bySeq.size === Number(completed.messages);
  await receiveUntil(
    sqs,
    queueUrl,
    waitSeconds,
    timeoutSeconds,
    (body) => {
      if (body.batchId !== batchId) return false;
      if (body.type === 'batch.completed') completed = body;
      else if (body.type === 'batch.records') bySeq.set(Number(body.seq), (body.records as Json[] | undefined) ?? []);
      else return false;
      return true;
    },
    done,
    `${recipient}: batch ${batchId.slice(0, 12)}… not complete (${bySeq.size} records messages${completed ? ` of ${String(completed.messages)}` : ', no batch.completed'})`,
  );
  const records = [...bySeq.entries()].sort(([a], [b]) => a - b).flatMap(([, r]) => r);
  return { recipient, completed: completed as Json, records };
}

/** Sends a `validation.decision` as VDAB or Actiris would, on its inbound queue; returns its ids. */
export async function sendValidation(
  sqs: SQSClient,
  queueUrl: string,
  line: { readonly reference: string; readonly fileNumber: string },
  runId: string,
): Promise<{ messageId: string; decisionId: string }> {
  const now = new Date().toISOString();
  const ids = { messageId: `smoke-msg-${runId}`, decisionId: `smoke-val-${runId}` };
  const message = {
    type: 'validation.decision',
    schemaVersion: 1,
    sentAt: now,
    ...ids,
    reference: line.reference,
    fileNumber: line.fileNumber,
    decision: 'VALIDATED',
    decidedAt: now,
  };
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      MessageAttributes: { type: { DataType: 'String', StringValue: message.type } },
    }),
  );
  return ids;
}

/** Reads the PPS's outbound queue until the hub forwards the decision `decisionId`. */
export async function receiveForwardedDecision(
  sqs: SQSClient,
  queueUrl: string,
  decisionId: string,
  waitSeconds: number,
  timeoutSeconds: number,
): Promise<Json> {
  let forwarded: Json | undefined;
  await receiveUntil(
    sqs,
    queueUrl,
    waitSeconds,
    timeoutSeconds,
    (body) => {
      if (body.type !== 'validation.decision' || body.decisionId !== decisionId) return false;
      forwarded = body;
      return true;
    },
    () => forwarded !== undefined,
    `PPS: the validation ${decisionId} was not forwarded`,
  );
  return forwarded as Json;
}
