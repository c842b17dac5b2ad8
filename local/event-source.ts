import { randomBytes, randomUUID } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';
import type { FunctionSpec } from '../shared/topology';
import { LOCAL_ACCOUNT_ID } from './emulators';

/**
 * What Lambda's SQS event source mapping does around a handler, played locally: the event it
 * builds from received messages, the context it passes, and how it reads the handler's answer.
 */

function lambdaMessageAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const attribute: SQSMessageAttribute = {
    dataType: value.DataType ?? 'String',
    stringListValues: [],
    binaryListValues: [],
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined) attribute.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
  return attribute;
}

/** The record Lambda builds from one received message (camel-cased keys, string attributes). */
export function sqsRecordOf(message: Message, queueArn: string, region: string): SQSRecord {
  if (message.MessageId === undefined || message.ReceiptHandle === undefined) {
    throw new Error('ReceiveMessage returned a message without MessageId or ReceiptHandle');
  }
  const received = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ...(received as Record<string, string>),
    ApproximateReceiveCount: received.ApproximateReceiveCount ?? '1',
    SentTimestamp: received.SentTimestamp ?? String(Date.now()),
    SenderId: received.SenderId ?? LOCAL_ACCOUNT_ID,
    ApproximateFirstReceiveTimestamp: received.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
  };
  const record: SQSRecord = {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, lambdaMessageAttribute(value)]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes !== undefined) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** The event Lambda passes for a batch of messages from one queue. */
export function sqsEventOf(messages: readonly Message[], queueArn: string, region: string): SQSEvent {
  return { Records: messages.map((m) => sqsRecordOf(m, queueArn, region)) };
}

function deprecated(name: string): never {
  throw new Error(`context.${name} is not supported: return a value or throw`);
}

/** A Lambda context for one invocation of `spec`, with its deadline from the function's timeout. */
export function lambdaContextFor(spec: FunctionSpec, region: string, now = Date.now()): Context {
  const deadline = now + spec.timeoutSeconds * 1000;
  const day = new Date(now).toISOString().slice(0, 10).replace(/-/g, '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: spec.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${spec.name}`,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${spec.name}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => deprecated('done'),
    fail: () => deprecated('fail'),
    succeed: () => deprecated('succeed'),
  };
}

export type InvocationOutcome =
  | { readonly kind: 'succeeded'; readonly failed: readonly string[] }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * Reads a handler's answer as an event source mapping with ReportBatchItemFailures does: nothing
 * or an empty list deletes every record; listed ids are retried; an answer that names no record of
 * the batch (empty, null or unknown id) fails the whole batch.
 */
export function outcomeOf(result: unknown, event: SQSEvent): InvocationOutcome {
  if (result === undefined || result === null || typeof result !== 'object' || !('batchItemFailures' in result)) {
    return { kind: 'succeeded', failed: [] };
  }
  const failures = (result as { batchItemFailures: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'succeeded', failed: [] };
  if (!Array.isArray(failures)) return { kind: 'failed', reason: 'batchItemFailures is not an array' };
  const ids = new Set(event.Records.map((r) => r.messageId));
  const failed: string[] = [];
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) {
      return { kind: 'failed', reason: `batchItemFailures names no record of the batch: ${JSON.stringify(id)}` };
    }
    failed.push(id);
  }
  return { kind: 'succeeded', failed };
}
