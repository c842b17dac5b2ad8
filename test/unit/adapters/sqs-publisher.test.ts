import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsClientSettings } from '../../../shared/adapters/aws-clients';
import { ENTRY_RETRY } from '../../../shared/adapters/retry-entries';
import { CALL_RETRY } from '../../../shared/adapters/retry-policy';
import { groupIntoCalls, isSqsText, MAX_BATCH_BYTES, PublishError, SqsPublisher } from '../../../shared/adapters/sqs-publisher';
import { MAX_MESSAGE_BYTES, type OutboundMessage, queueJson } from '../../../shared/messages/envelope';
import { anyText } from '../../support/characters';
import { serviceError, stubService } from '../../support/sdk-stub';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/vdab-outbound';
const clientConfig = { region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } };
// Replaces this client's `send`: no SDK middleware runs, so only our code's retries are seen.
const client = new SQSClient(clientConfig);
const sqsMock = mockClient(client);

function messages(count: number, prefix = 'msg'): OutboundMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    messageId: `${prefix}-${i + 1}`,
    type: 'batch.records' as const,
    body: JSON.stringify({ type: 'batch.records', messageId: `${prefix}-${i + 1}`, seq: i + 1 }),
  }));
}

/** Answers every entry as accepted, with the body's MD5 that the SDK client checks. */
function acceptAll(input: SendMessageBatchCommandInput) {
  const md5 = (body = '') => createHash('md5').update(body).digest('hex');
  return {
    Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `sqs-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) })),
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

  it('gives up on an entry after the shared policy’s attempts when none is given', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: [],
      Failed: (input.Entries ?? []).map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError' })),
    }));
    const publisher = new SqsPublisher(client, options);

    await expect(publisher.publish(QUEUE, messages(1))).rejects.toBeInstanceOf(PublishError);

    expect(publisher.sendCalls).toBe(ENTRY_RETRY.maxAttempts);
    expect(sleeps).toHaveLength(ENTRY_RETRY.maxAttempts - 1);
  });

  it('does not try a whole call again that failed (the SDK client already did): the loud PublishError names its code', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    sqsMock.on(SendMessageBatchCommand).rejectsOnce(throttled).callsFake(acceptAll);
    const publisher = new SqsPublisher(client, { ...options, concurrency: 1 });

    const error = await publisher.publish(QUEUE, messages(12)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failures).toEqual(messages(10).map((m) => ({ messageId: m.messageId, code: 'ThrottlingException' })));
    // The other call of the publish still went out; nothing was sent twice and nobody waited.
    expect(sentIds()).toEqual([messages(10).map((m) => m.messageId), ['msg-11', 'msg-12']]);
    expect(publisher.sendCalls).toBe(2);
    expect(sleeps).toEqual([]);
  });

  it('names a failed call by its Node.js code when its name says nothing (a network error)', async () => {
    sqsMock.on(SendMessageBatchCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const publisher = new SqsPublisher(client, options);

    const error = await publisher.publish(QUEUE, messages(2)).catch((e: unknown) => e);

    expect((error as PublishError).failures.map((f) => f.code)).toEqual(['ECONNRESET', 'ECONNRESET']);
    expect(publisher.sendCalls).toBe(1);
  });

  it('keeps the entries of a call that failed whole on a retry, under the error’s code', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: '0', MessageId: 'x', MD5OfMessageBody: 'md5' }],
        Failed: [{ Id: '1', SenderFault: false, Code: 'InternalError' }],
      })
      .rejects(Object.assign(new Error('no such queue'), { name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } }));
    const publisher = new SqsPublisher(client, options);

    const error = await publisher.publish(QUEUE, messages(2)).catch((e: unknown) => e);

    expect((error as PublishError).failures).toEqual([{ messageId: 'msg-2', code: 'QueueDoesNotExist' }]);
    expect(sentIds()).toEqual([['msg-1', 'msg-2'], ['msg-2']]);
    expect(publisher.sendCalls).toBe(2);
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

  it('answers an entry refused for its characters (as fauxqs refuses an emoji) with a PublishError, never a success, and does not retry it', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: [],
      Failed: (input.Entries ?? []).map((e) => ({
        Id: e.Id,
        SenderFault: true,
        Code: 'InvalidMessageContents',
        Message: 'Invalid characters found.',
      })),
    }));
    const publisher = new SqsPublisher(client, options);

    const error = await publisher.publish(QUEUE, messages(2)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failures).toEqual([
      { messageId: 'msg-1', code: 'InvalidMessageContents' },
      { messageId: 'msg-2', code: 'InvalidMessageContents' },
    ]);
    expect(publisher.sendCalls).toBe(1);
  });

  it.each(['0000', '0001', '0008', '000B', '000C', '001F'])(
    'refuses, before any call, a body SQS would refuse (a raw U+%s): InvalidMessageContents, nothing sent',
    async (hex) => {
      sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
      const publisher = new SqsPublisher(client, options);
      const bad: OutboundMessage = {
        messageId: 'bad-1',
        type: 'batch.records',
        body: `{"a":"x${String.fromCharCode(Number.parseInt(hex, 16))}"}`,
      };

      const error = await publisher.publish(QUEUE, [...messages(2), bad]).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).failures).toEqual([{ messageId: 'bad-1', code: 'InvalidMessageContents' }]);
      expect(publisher.sendCalls).toBe(0);
    },
  );

  it('sends characters outside the BMP as JSON escapes: the same JSON value, only BMP characters on the wire', async () => {
    sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
    const publisher = new SqsPublisher(client, options);
    const value = { type: 'batch.records', ocmwName: 'OCMW 😀', place: '🇧🇪 Liège', noncharacter: '\u{10fffe}' };
    // A body written raw (as an archive of an older version holds it) goes out escaped all the same.
    await publisher.publish(QUEUE, [{ messageId: 'm-1', type: 'batch.records', body: JSON.stringify(value) }]);
    const sent = sqsMock.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries?.[0]?.MessageBody ?? '';
    expect(sent).toContain('OCMW \\ud83d\\ude00');
    expect(sent).not.toMatch(/[\ud800-\udfff]/);
    expect(JSON.parse(sent)).toEqual(value);
  });

  it('property: whatever a message holds, every body that reaches a send call is within SQS’s set, BMP only, and the same JSON value', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(anyText, fc.oneof(anyText, fc.array(anyText, { maxLength: 3 })), { maxKeys: 4 }), async (value) => {
        sqsMock.reset();
        sqsMock.on(SendMessageBatchCommand).callsFake(acceptAll);
        const publisher = new SqsPublisher(client, options);
        const body = queueJson(value);
        await publisher.publish(QUEUE, [{ messageId: 'p-1', type: 'batch.records', body }]);
        const sent = sqsMock.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
        expect(sent).toHaveLength(1);
        const wire = sent[0]?.MessageBody ?? '';
        expect(isSqsText(wire)).toBe(true);
        expect(wire).not.toMatch(/[\ud800-\udfff\ufffe\uffff]/);
        expect(JSON.parse(wire)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('knows SQS’s character set: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF', () => {
    const refused: number[] = [];
    for (let unit = 0; unit <= 0xffff; unit += 1) if (!isSqsText(String.fromCharCode(unit))) refused.push(unit);
    const expected = Array.from({ length: 0x10000 }, (_, u) => u).filter(
      (u) => !(u === 0x9 || u === 0xa || u === 0xd || (u >= 0x20 && u <= 0xd7ff) || (u >= 0xe000 && u <= 0xfffd)),
    );
    expect(refused).toEqual(expected); // lone surrogates included
    expect(isSqsText('😀 \u{10000} \u{10ffff}')).toBe(true);
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

describe('SqsPublisher on a client configured as aws-clients.ts does: whole calls are the SDK’s to retry', () => {
  /** A client with the project's retry configuration, its service stubbed below the SDK's retries. */
  function sdkClient(answer: Parameters<typeof stubService>[1]) {
    const sdk = new SQSClient({ ...clientConfig, ...awsClientSettings('sqs') });
    return { sdk, service: stubService(sdk, answer) };
  }
  const accept = (_command: string, input: Record<string, unknown>) => acceptAll(input as unknown as SendMessageBatchCommandInput);

  it('survives a throttled call: the SDK sends it again, the publisher made one call', async () => {
    let calls = 0;
    const { sdk, service } = sdkClient((command, input) => {
      calls += 1;
      if (calls === 1) throw serviceError('ThrottlingException', 400, 'Rate exceeded');
      return accept(command, input);
    });
    const publisher = new SqsPublisher(sdk, options);

    await publisher.publish(QUEUE, messages(3));

    expect(service.attempts.map((a) => a.command)).toEqual(['SendMessageBatchCommand', 'SendMessageBatchCommand']);
    expect(publisher.sendCalls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('survives a 5xx and a network error the same way', async () => {
    let calls = 0;
    const { sdk, service } = sdkClient((command, input) => {
      calls += 1;
      if (calls === 1) throw serviceError('SomethingBroke', 503, 'boom');
      if (calls === 2) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return accept(command, input);
    });
    const publisher = new SqsPublisher(sdk, options);

    await publisher.publish(QUEUE, messages(2));

    expect(service.attempts).toHaveLength(3);
    expect(publisher.sendCalls).toBe(1);
  });

  it(`fails loudly after the SDK's ${CALL_RETRY.maxAttempts} attempts when every call fails, without a retry of its own`, async () => {
    const { sdk, service } = sdkClient(() => {
      throw serviceError('ServiceUnavailable', 503);
    });
    const publisher = new SqsPublisher(sdk, options);

    const error = await publisher.publish(QUEUE, messages(2)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failures).toEqual([
      { messageId: 'msg-1', code: 'ServiceUnavailable' },
      { messageId: 'msg-2', code: 'ServiceUnavailable' },
    ]);
    expect(service.attempts).toHaveLength(CALL_RETRY.maxAttempts);
    expect(publisher.sendCalls).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry a call that failed with a non-retryable error, nor does the SDK', async () => {
    const { sdk, service } = sdkClient(() => {
      throw serviceError('QueueDoesNotExist', 400, 'no such queue');
    });
    const publisher = new SqsPublisher(sdk, options);

    const error = await publisher.publish(QUEUE, messages(2)).catch((e: unknown) => e);

    expect((error as PublishError).failures.map((f) => f.code)).toEqual(['QueueDoesNotExist', 'QueueDoesNotExist']);
    expect(service.attempts).toHaveLength(1);
    expect(publisher.sendCalls).toBe(1);
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
