import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { escapeForQueue, MAX_MESSAGE_BYTES, type OutboundMessage } from '../messages/envelope';
import { logger } from '../observability';
import type { MessagePublisher } from '../ports';
import { sqsClient } from './aws-clients';
import { type EntryRetryOptions, type EntryRetryPolicy, entryRetryPolicy, retryEntries } from './retry-entries';

/** At most ten entries per SendMessageBatch (an SQS limit). */
export const MAX_BATCH_ENTRIES = 10;
/** At most 1 MiB of payload per SendMessageBatch (an SQS limit): bodies and attributes together. */
export const MAX_BATCH_BYTES = 1024 * 1024;

/** One message that could not be published, named by its id and SQS's code (never its body). */
export interface PublishFailure {
  readonly messageId: string;
  readonly code: string;
}

/**
 * Publishing failed for some messages: they were not accepted by SQS after the allowed attempts,
 * or could never be (a sender fault, an oversized body). Lists ids and codes only, never bodies,
 * so it is safe to log.
 */
export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly queueUrl: string,
    readonly failures: readonly PublishFailure[],
  ) {
    super(
      `Failed to publish ${failures.length} message(s) to ${queueUrl}: ${failures.map((f) => `${f.messageId} (${f.code})`).join(', ')}`,
    );
  }
}

export interface SqsPublisherOptions extends EntryRetryOptions {
  /** SendMessageBatch calls in flight at once (default 4). */
  readonly concurrency?: number;
}

/** A message still to be accepted, with the code of its last failure. */
interface Pending {
  readonly message: OutboundMessage;
  readonly code: string;
}

/** Entry codes that mean "slow down": worth sending again even when SQS calls them the sender's fault. */
const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'KMS.ThrottlingException',
  'KmsThrottled',
]);

/** Whether a failed entry of a SendMessageBatch answer may succeed if sent again. */
function isRetryableEntry(senderFault: boolean | undefined, code: string | undefined): boolean {
  if (code !== undefined && THROTTLING_CODES.has(code)) return true;
  // A sender fault (invalid parameter, message too long, …) fails again however often it is sent.
  return senderFault !== true;
}

/**
 * A character SQS refuses in a message body or a string attribute (the W3C XML set AWS documents:
 * #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF). SQS answers such an entry
 * `InvalidMessageContents` (older documentation says it replaced them with U+FFFD instead): either
 * way the recipient would not receive what the hub meant to send, so such a text is never sent.
 */
const SQS_REFUSED_CHARACTER = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/**
 * The code units that may belong to a refused character: the controls SQS refuses, the surrogates
 * (a pair is a character SQS accepts, a lone one is not) and U+FFFE, U+FFFF. A text without any is
 * accepted whole, and only a text with one is read again with the full set: this class, without
 * the `u` flag, scans a body several times faster (README, "The delivery ledger, step by step").
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters SQS refuses are what it looks for.
const SQS_SUSPECT_UNIT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** Whether SQS accepts every character of `text` in a message body or string attribute. */
export function isSqsText(text: string): boolean {
  return !SQS_SUSPECT_UNIT.test(text) || !SQS_REFUSED_CHARACTER.test(text);
}

/** Why a message whose body is `bodyBytes` long in UTF-8 can never be sent as it is, or undefined when it can. */
function unsendable(message: OutboundMessage, bodyBytes: number): string | undefined {
  if (bodyBytes > MAX_MESSAGE_BYTES) return 'MessageTooLarge';
  if (!isSqsText(message.body) || !isSqsText(message.type) || !isSqsText(message.messageId)) return 'InvalidMessageContents';
  return undefined;
}

/** Bytes SQS counts for an entry: the body (`bodyBytes` in UTF-8) and the attributes' names, types and values. */
function entryBytes(message: OutboundMessage, bodyBytes: number): number {
  return (
    bodyBytes + Buffer.byteLength(`typeString${message.type}`, 'utf8') + Buffer.byteLength(`messageIdString${message.messageId}`, 'utf8')
  );
}

/** Each body's length in UTF-8, counted once per publish: a body is up to 64 KiB. */
function bodyBytesOf(messages: readonly OutboundMessage[]): number[] {
  return messages.map((m) => Buffer.byteLength(m.body, 'utf8'));
}

/**
 * Publishes messages to a standard SQS queue with SendMessageBatch: at most ten entries and 1 MiB
 * per call, a bounded number of calls in flight, and the message's `type` (and `messageId`) as
 * message attributes so that a reader can route without parsing.
 *
 * SendMessageBatch answers 200 even when some entries failed: only those entries are sent again,
 * by the policy of retry-entries.ts; a sender fault never is. A call that fails whole is not tried
 * again here (the SDK client already retried it). The other messages are still published (readers
 * drop duplicates by `messageId`, so a later re-publish is harmless), and then `publish` rejects
 * with a {@link PublishError} naming every message that was not accepted.
 */
export class SqsPublisher implements MessagePublisher {
  /** SendMessageBatch calls made so far, entry retries included (the SDK's own retries are not seen here). */
  sendCalls = 0;

  private readonly concurrency: number;
  private readonly retry: EntryRetryPolicy;

  constructor(
    private readonly sqs: SQSClient = sqsClient(),
    options: SqsPublisherOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError('concurrency must be an integer ≥ 1');
    this.retry = entryRetryPolicy(options);
  }

  /**
   * Sends every message to `queueUrl`. Resolves when SQS accepted all of them; rejects with a
   * {@link PublishError} otherwise. Every body goes out as {@link escapeForQueue} writes it (a
   * no-op for the hub's own bodies, which are written so; an archived body of an older version is
   * mended by it). Refuses, before sending anything, a body over {@link MAX_MESSAGE_BYTES} bytes
   * in UTF-8 (`MessageTooLarge`) or a message with a character SQS refuses (`InvalidMessageContents`).
   */
  async publish(queueUrl: string, given: readonly OutboundMessage[]): Promise<void> {
    const messages = given.map((m) => {
      const body = escapeForQueue(m.body);
      return body === m.body ? m : { ...m, body };
    });
    const bodyBytes = bodyBytesOf(messages);
    const refused = messages.flatMap((m, i) => {
      const code = unsendable(m, bodyBytes[i] as number);
      return code === undefined ? [] : [{ messageId: m.messageId, code }];
    });
    if (refused.length > 0) throw new PublishError(queueUrl, refused);
    if (messages.length === 0) return;

    const limit = pLimit(this.concurrency);
    const groups = groupIntoCalls(messages, bodyBytes);
    const results = await Promise.all(groups.map((group) => limit(() => this.sendGroup(queueUrl, group))));
    const failures = results.flat();
    if (failures.length > 0) {
      logger.error('Messages not published', {
        queueUrl,
        failed: failures.length,
        codes: [...new Set(failures.map((f) => f.code))],
      });
      throw new PublishError(queueUrl, failures);
    }
  }

  /** Sends one group (one SendMessageBatch worth) until every entry is accepted or has failed for good. */
  private async sendGroup(queueUrl: string, group: readonly OutboundMessage[]): Promise<PublishFailure[]> {
    const failed: PublishFailure[] = [];
    let pending: readonly Pending[] = group.map((message) => ({ message, code: 'NotSent' }));
    const logRetry = (retry: readonly Pending[], attempt: number): void =>
      logger.warn('SendMessageBatch entries failed, retrying', {
        queueUrl,
        attempt,
        entries: retry.length,
        codes: [...new Set(retry.map((r) => r.code))],
      });
    try {
      const undone = await retryEntries(
        pending,
        async (entries) => {
          pending = entries;
          return this.sendOnce(queueUrl, entries, failed);
        },
        this.retry,
        logRetry,
      );
      failed.push(...undone.map(failureOf));
    } catch (error) {
      // The SDK client already retried this call whole: its entries fail now, under its error's code.
      const code = errorCode(error);
      failed.push(...pending.map(({ message }) => failureOf({ message, code })));
    }
    return failed;
  }

  /** One SendMessageBatch call: sets aside the entries that can never succeed, answers those to send again. */
  private async sendOnce(queueUrl: string, entries: readonly Pending[], failed: PublishFailure[]): Promise<Pending[]> {
    this.sendCalls += 1;
    const result = await this.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries.map(({ message }, index) => toEntry(message, index)) }),
    );
    const accepted = new Set((result.Successful ?? []).map((s) => s.Id));
    const failedById = new Map((result.Failed ?? []).map((f) => [f.Id, f] as const));
    const again: Pending[] = [];
    entries.forEach(({ message }, index) => {
      const id = String(index);
      if (accepted.has(id)) return;
      const failure = failedById.get(id);
      // An entry SQS did not mention at all is treated as not accepted: send it again.
      const code = failure?.Code ?? 'NotAcknowledged';
      if (failure !== undefined && !isRetryableEntry(failure.SenderFault, failure.Code)) failed.push(failureOf({ message, code }));
      else again.push({ message, code });
    });
    return again;
  }
}

function failureOf({ message, code }: Pending): PublishFailure {
  return { messageId: message.messageId, code };
}

/** The name of a failed call's error, or its Node.js code (`ECONNRESET`) when the name says nothing. */
function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; code?: unknown };
    if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
    if (typeof e.code === 'string') return e.code;
  }
  return 'UnknownError';
}

function toEntry(message: OutboundMessage, index: number): SendMessageBatchRequestEntry {
  return {
    Id: String(index),
    MessageBody: message.body,
    MessageAttributes: {
      type: { DataType: 'String', StringValue: message.type },
      messageId: { DataType: 'String', StringValue: message.messageId },
    },
  };
}

/**
 * Splits messages, in order, into groups of at most ten entries and at most 1 MiB; `bodyBytes`
 * holds each body's length in UTF-8 when the caller counted it already.
 */
export function groupIntoCalls(
  messages: readonly OutboundMessage[],
  bodyBytes: readonly number[] = bodyBytesOf(messages),
): OutboundMessage[][] {
  const groups: OutboundMessage[][] = [];
  let current: OutboundMessage[] = [];
  let bytes = 0;
  for (const [i, message] of messages.entries()) {
    const size = entryBytes(message, bodyBytes[i] as number);
    if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
