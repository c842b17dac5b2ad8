import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupIntoCalls, MAX_BATCH_BYTES, PublishError, SqsPublisher } from '../../../shared/adapters/sqs-publisher';
import { MAX_MESSAGE_BYTES, type OutboundMessage } from '../../../shared/messages/envelope';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vdab-outbound';
const sqsMock = mockClient(SQSClient);
const client = new SQSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

function messages(count: number, prefix = 'msg'): OutboundMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    messageId: `${prefix}-${i + 1}`,
    type: 'batch.records' as const,
    body: JSON.stringify({ type: 'batch.records', messageId: `${prefix}-${i + 1}`, seq: i + 1 }),
  }));
}

/** Answers every entry as accepted. */
function acceptAll(input: SendMessageBatchCommandInput) {
  return {
    Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `sqs-${e.Id}`, MD5OfMessageBody: 'md5' })),
    Failed: [],
  };
}

/** Message ids sent in each SendMessageBatch call, in call order. */
function sentIds(): string[][] {
  return sqsMock
    .commandCalls(SendMessageBatchCommand)
    .map((call) => (call.args[0].input.Entries ?? []).map((e) => e.MessageAttributes?.messageId?.StringValue ?? '?'));
}

const sleeps: number[] = [];
const options = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };

beforeEach(() => {
  sqsMock.reset();
  sleeps.length = 0;
});
afterEach(() => sqsMock.reset());

describe('SqsPublisher', () => {
  it('sends 25 messages in three SendMessageBatch calls of 10, 10 and 5, with the type attribute', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
    const publisher = new SqsPublisher(client, { ...options, concurrency: 1 });

    await publisher.publish(QUEUE, messages(25));

    const calls = sqsMock.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(publisher.sendCalls).toBe(3);
    const first = calls[0]!.args[0].input;
    expect(first.QueueUrl).toBe(QUEUE);
    expect(first.Entries?.map((e) => e.Id)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(first.Entries?.[3]).toEqual({
      Id: '3',
      MessageBody: messages(4)[3]!.body,
      MessageAttributes: {
        type: { DataType: 'String', StringValue: 'batch.records' },
        messageId: { DataType: 'String', StringValue: 'msg-4' },
      },
    });
    expect(sentIds().flat()).toEqual(messages(25).map((m) => m.messageId));
  });

  it('makes no call for no messages', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
    const publisher = new SqsPublisher(client, options);
    await publisher.publish(QUEUE, []);
    expect(publisher.sendCalls).toBe(0);
  });

  it('retries only the failed entries of a partially failed call until they are accepted', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: ['0', '2', '4'].map((Id) => ({ Id, MessageId: 'x', MD5OfMessageBody: 'md5' })),
        Failed: [
          { Id: '1', SenderFault: false, Code: 'InternalError' },
          { Id: '3', SenderFault: false, Code: 'ServiceUnavailable' },
        ],
      })
      .resolvesOnce({
        Successful: [{ Id: '1', MessageId: 'x', MD5OfMessageBody: 'md5' }],
        Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError' }],
      })
      .callsFake(acceptAll);
    const publisher = new SqsPublisher(client, { ...options, baseDelayMs: 100 });

    await publisher.publish(QUEUE, messages(5));

    expect(sentIds()).toEqual([['msg-1', 'msg-2', 'msg-3', 'msg-4', 'msg-5'], ['msg-2', 'msg-4'], ['msg-2']]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)[1]!.args[0].input.Entries?.map((e) => e.Id)).toEqual(['0', '1']);
    expect(publisher.sendCalls).toBe(3);
    // Full jitter with random() = 0.5: half of 100 · 2^0, then half of 100 · 2^1.
    expect(sleeps).toEqual([50, 100]);
  });

  it('retries a whole call that was throttled, then succeeds', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    sqsMock.on(SendMessageBatchCommand).rejectsOnce(throttled).callsFake(acceptAll);
    const publisher = new SqsPublisher(client, options);

    await publisher.publish(QUEUE, messages(3));

    expect(sentIds()).toEqual([
      ['msg-1', 'msg-2', 'msg-3'],
      ['msg-1', 'msg-2', 'msg-3'],
    ]);
    expect(publisher.sendCalls).toBe(2);
    expect(sleeps).toHaveLength(1);
  });

  it('retries a 5xx and a network error', async () => {
    const serverError = Object.assign(new Error('boom'), { name: 'SomethingBroke', $metadata: { httpStatusCode: 503 } });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    sqsMock.on(SendMessageBatchCommand).rejectsOnce(serverError).rejectsOnce(reset).callsFake(acceptAll);
    const publisher = new SqsPublisher(client, options);

    await publisher.publish(QUEUE, messages(2));

    expect(publisher.sendCalls).toBe(3);
  });

  it('rejects with a PublishError naming ids and codes, never bodies, after maxAttempts', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: (input.Entries ?? [])
        .filter((e) => e.MessageAttributes?.messageId?.StringValue !== 'msg-2')
        .map((e) => ({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: 'md5' })),
      Failed: (input.Entries ?? [])
        .filter((e) => e.MessageAttributes?.messageId?.StringValue === 'msg-2')
        .map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' })),
    }));
    const publisher = new SqsPublisher(client, { ...options, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 });

    const error = await publisher.publish(QUEUE, messages(3)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    const publishError = error as PublishError;
    expect(publishError.failures).toEqual([{ messageId: 'msg-2', code: 'InternalError' }]);
    expect(publishError.queueUrl).toBe(QUEUE);
    expect(publishError.message).toContain('msg-2 (InternalError)');
    expect(publishError.message).not.toContain('seq');
    expect(publisher.sendCalls).toBe(4);
    expect(sentIds().slice(1)).toEqual([['msg-2'], ['msg-2'], ['msg-2']]);
    // Delays capped by maxDelayMs: half of 100, 200, min(400, 300).
    expect(sleeps).toEqual([50, 100, 150]);
  });

  it('rejects after maxAttempts when every call is throttled', async () => {
    sqsMock.on(SendMessageBatchCommand).rejects(Object.assign(new Error('slow down'), { name: 'RequestThrottled' }));
    const publisher = new SqsPublisher(client, { ...options, maxAttempts: 3 });

    const error = await publisher.publish(QUEUE, messages(2)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failures).toEqual([
      { messageId: 'msg-1', code: 'RequestThrottled' },
      { messageId: 'msg-2', code: 'RequestThrottled' },
    ]);
    expect(publisher.sendCalls).toBe(3);
  });

  it('does not retry a sender fault, but still publishes the other messages', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: 'md5' }],
        Failed: [
          { Id: '1', SenderFault: true, Code: 'InvalidParameterValue' },
          { Id: '2', SenderFault: false, Code: 'InternalError' },
        ],
      })
      .callsFake(acceptAll);
    const publisher = new SqsPublisher(client, options);

    const error = await publisher.publish(QUEUE, messages(3)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failures).toEqual([{ messageId: 'msg-2', code: 'InvalidParameterValue' }]);
    expect(sentIds()).toEqual([['msg-1', 'msg-2', 'msg-3'], ['msg-3']]);
  });

  it('does not retry a call that failed with a non-retryable error', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .rejects(Object.assign(new Error('no such queue'), { name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } }));
    const publisher = new SqsPublisher(client, options);

    const error = await publisher.publish(QUEUE, messages(2)).catch((e: unknown) => e);

    expect((error as PublishError).failures.map((f) => f.code)).toEqual(['QueueDoesNotExist', 'QueueDoesNotExist']);
    expect(publisher.sendCalls).toBe(1);
  });

  it('refuses a message over 64 KiB in UTF-8 bytes before any call', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
    const publisher = new SqsPublisher(client, options);
    // 'é' is two bytes: fewer characters than the limit, more bytes.
    const big: OutboundMessage = { messageId: 'big-1', type: 'batch.records', body: 'é'.repeat(MAX_MESSAGE_BYTES / 2 + 1) };
    expect(big.body.length).toBeLessThan(MAX_MESSAGE_BYTES);

    const error = await publisher.publish(QUEUE, [...messages(2), big]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failures).toEqual([{ messageId: 'big-1', code: 'MessageTooLarge' }]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(publisher.sendCalls).toBe(0);
  });

  it('accepts a message of exactly 64 KiB', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
    const publisher = new SqsPublisher(client, options);
    await publisher.publish(QUEUE, [{ messageId: 'edge', type: 'batch.records', body: 'a'.repeat(MAX_MESSAGE_BYTES) }]);
    expect(publisher.sendCalls).toBe(1);
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const waiting: Array<() => void> = [];
    sqsMock.on(SendMessageBatchCommand).callsFake(async (input: SendMessageBatchCommandInput) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight -= 1;
      return acceptAll(input);
    });
    const publisher = new SqsPublisher(client, { ...options, concurrency: 3 });
    const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

    const done = publisher.publish(QUEUE, messages(95)); // ten calls
    let released = 0;
    while (released < 10) {
      await flush();
      expect(inFlight).toBe(Math.min(3, 10 - released));
      waiting.shift()!();
      released += 1;
    }
    await done;

    expect(maxInFlight).toBe(3);
    expect(publisher.sendCalls).toBe(10);
  });
});

describe('groupIntoCalls', () => {
  it('starts a new call before the entries would exceed 1 MiB', () => {
    const body = 'x'.repeat(300 * 1024);
    const big = Array.from({ length: 7 }, (_, i) => ({ messageId: `b${i}`, type: 'batch.records' as const, body }));
    const groups = groupIntoCalls(big);
    expect(groups.map((g) => g.length)).toEqual([3, 3, 1]);
    for (const group of groups) {
      expect(group.reduce((n, m) => n + Buffer.byteLength(m.body), 0)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    }
  });
});
