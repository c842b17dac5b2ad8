import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SendMessageBatchResult,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { MAX_MESSAGE_BYTES, type OutboundMessage } from '../messages/envelope';
import { logger } from '../observability';
import type { MessagePublisher } from '../ports';
import { sqsClient } from './aws-clients';

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

export interface SqsPublisherOptions {
  /** SendMessageBatch calls in flight at once (default 4). */
  readonly concurrency?: number;
  /** Attempts per entry, the first included (default 8). */
  readonly maxAttempts?: number;
  /** Base of the exponential backoff (default 100 ms). */
  readonly baseDelayMs?: number;
  /** Cap of one backoff delay (default 20 s). */
  readonly maxDelayMs?: number;
  /** Waits between attempts; injected by tests so that they take no real time. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1); injected by tests. */
  readonly random?: () => number;
}

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'KMS.ThrottlingException',
  'KmsThrottled',
]);
const TRANSIENT_NAMES = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

/** Whether a whole SendMessageBatch call that threw may succeed if tried again (throttling, 5xx, network). */
export function isRetryableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (e.$retryable) return true;
  if (typeof e.name === 'string' && (THROTTLING_NAMES.has(e.name) || TRANSIENT_NAMES.has(e.name))) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status >= 500 || status === 429)) return true;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  return false;
}

/** Whether a failed entry of a SendMessageBatch answer may succeed if sent again. */
function isRetryableEntry(senderFault: boolean | undefined, code: string | undefined): boolean {
  if (code !== undefined && THROTTLING_NAMES.has(code)) return true;
  // A sender fault (invalid parameter, message too long, …) fails again however often it is sent.
  return senderFault !== true;
}

/** Bytes SQS counts for an entry: the body and the attributes' names, types and values. */
function entryBytes(message: OutboundMessage): number {
  return (
    Buffer.byteLength(message.body, 'utf8') +
    Buffer.byteLength(`typeString${message.type}`, 'utf8') +
    Buffer.byteLength(`messageIdString${message.messageId}`, 'utf8')
  );
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes messages to a standard SQS queue with SendMessageBatch: at most ten entries and 1 MiB
 * per call, a bounded number of calls in flight, and the message's `type` (and `messageId`) as
 * message attributes so that a reader can route without parsing.
 *
 * SendMessageBatch answers 200 even when some entries failed: only those entries are sent again,
 * with exponential backoff and full jitter, as is a whole call that failed with a retryable error
 * (throttling, 5xx, network). A sender fault is never retried. The other messages are still
 * published (readers drop duplicates by `messageId`, so a later re-publish is harmless), and then
 * `publish` rejects with a {@link PublishError} naming every message that was not accepted.
 */
export class SqsPublisher implements MessagePublisher {
  /** SendMessageBatch calls made so far, retries included. */
  sendCalls = 0;

  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly sqs: SQSClient = sqsClient(),
    options: SqsPublisherOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 4;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 20_000;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError('concurrency must be an integer ≥ 1');
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new RangeError('maxAttempts must be an integer ≥ 1');
  }

  /**
   * Sends every message to `queueUrl`. Resolves when SQS accepted all of them; rejects with a
   * {@link PublishError} otherwise. Refuses, before sending anything, a body over
   * {@link MAX_MESSAGE_BYTES} bytes in UTF-8.
   */
  async publish(queueUrl: string, messages: readonly OutboundMessage[]): Promise<void> {
    const oversized = messages.filter((m) => Buffer.byteLength(m.body, 'utf8') > MAX_MESSAGE_BYTES);
    if (oversized.length > 0) {
      throw new PublishError(
        queueUrl,
        oversized.map((m) => ({ messageId: m.messageId, code: 'MessageTooLarge' })),
      );
    }
    if (messages.length === 0) return;

    const limit = pLimit(this.concurrency);
    const results = await Promise.all(groupIntoCalls(messages).map((group) => limit(() => this.sendGroup(queueUrl, group))));
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
    let pending: { message: OutboundMessage; code: string }[] = group.map((message) => ({ message, code: 'NotSent' }));

    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 1) await this.sleep(this.backoff(attempt - 1));
      const isLast = attempt >= this.maxAttempts;
      const entries = pending.map(({ message }, index) => toEntry(message, index));

      let result: SendMessageBatchResult;
      try {
        this.sendCalls += 1;
        result = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      } catch (error) {
        const code = errorCode(error);
        if (isLast || !isRetryableError(error)) {
          failed.push(...pending.map(({ message }) => ({ messageId: message.messageId, code })));
          return failed;
        }
        logger.warn('SendMessageBatch failed, retrying', { queueUrl, attempt, code, entries: pending.length });
        pending = pending.map(({ message }) => ({ message, code }));
        continue;
      }

      const accepted = new Set((result.Successful ?? []).map((s) => s.Id));
      const failedById = new Map((result.Failed ?? []).map((f) => [f.Id, f] as const));
      const retry: typeof pending = [];
      pending.forEach((entry, index) => {
        const id = String(index);
        if (accepted.has(id)) return;
        const failure = failedById.get(id);
        // An entry SQS did not mention at all is treated as not accepted: send it again.
        const code = failure?.Code ?? 'NotAcknowledged';
        if (failure !== undefined && !isRetryableEntry(failure.SenderFault, failure.Code)) {
          failed.push({ messageId: entry.message.messageId, code });
        } else if (isLast) {
          failed.push({ messageId: entry.message.messageId, code });
        } else {
          retry.push({ message: entry.message, code });
        }
      });
      if (retry.length > 0) {
        logger.warn('SendMessageBatch entries failed, retrying', {
          queueUrl,
          attempt,
          entries: retry.length,
          codes: [...new Set(retry.map((r) => r.code))],
        });
      }
      pending = retry;
    }
    return failed;
  }

  /** Full jitter: a uniform delay in [0, min(max, base · 2^(retry−1))). */
  private backoff(retry: number): number {
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retry - 1));
    return Math.floor(this.random() * ceiling);
  }
}

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; code?: unknown };
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
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

/** Splits messages, in order, into groups of at most ten entries and at most 1 MiB. */
export function groupIntoCalls(messages: readonly OutboundMessage[]): OutboundMessage[][] {
  const groups: OutboundMessage[][] = [];
  let current: OutboundMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = entryBytes(message);
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
