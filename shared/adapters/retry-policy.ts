import { FUNCTION_TIMEOUT_SECONDS } from '../topology';

/**
 * The hub's one retry policy: exponential backoff, at the three scales at which something is tried
 * again. Each mechanism takes its numbers from here and its delays from {@link backoffCeilingMs}:
 *
 * - a whole AWS call, by the SDK within one attempt (sdk-retry.ts): milliseconds to seconds;
 * - the entries a batch call hands back undone (retry-entries.ts): the same, per entry;
 * - a queued message whose handling failed, by SQS's redelivery (sqs-redelivery.ts): minutes to
 *   hours, so that an hour of a failing dependency passes before a message reaches its dead-letter queue.
 */

/** An exponential backoff: the ceiling starts at `baseMs` and doubles with every retry, up to `maxMs`. */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** The ceiling of the delay before the `retry`-th retry (1 = the first): min(max, base · 2^(retry−1)). */
export function backoffCeilingMs(retry: number, backoff: Backoff): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** (Math.max(1, retry) - 1));
}

/** Full jitter: a uniform delay in [0, ceiling), for calls that many clients make at once. */
export function fullJitterMs(retry: number, backoff: Backoff, random: () => number = Math.random): number {
  return Math.floor(random() * backoffCeilingMs(retry, backoff));
}

/** Within one attempt: a whole AWS call (the SDK's standard numbers) and the entries of a batch call. */
export const CALL_RETRY = {
  /** Attempts of one call, the first included: the worst throttled backoff (about 15 s) fits a 30 s function. */
  maxAttempts: 5,
  backoff: { baseMs: 100, maxMs: 20_000 },
  /** A throttled call waits longer (the SDK's standard mode does the same). */
  throttledBackoff: { baseMs: 500, maxMs: 20_000 },
  /** Attempts of one entry of a batch call that the service handed back undone. */
  entryMaxAttempts: 8,
} as const;

/**
 * The SDK's retry quota, per client: a retry costs tokens, a success gives some back, and unlike
 * the SDK's own quota it fills up again with time, so that a client whose quota an outage emptied
 * retries again a minute later instead of failing at the first attempt for as long as it lives.
 */
export const RETRY_QUOTA = {
  capacity: 500,
  retryCost: 5,
  /** A timeout costs more: the call may have been slow rather than refused. */
  timeoutRetryCost: 10,
  /** What a success without a retry gives back. */
  successRefund: 1,
  /** An empty quota is full again after this long without any success. */
  refillMs: 60_000,
} as const;

const HOUR_MS = 3_600_000;

/**
 * How long a queued message whose handling failed waits before SQS delivers it again, per function
 * that a queue triggers: the ceiling for the n-th failed receive is the n-th step of the backoff.
 * With the queues' five receives (shared/topology.ts, `maxReceiveCount`) the last receive comes at
 * least an hour after the first (a unit test checks each), and the message then waits once more
 * before its dead-letter queue.
 *
 * split-batch starts at its own timeout: a failed attempt's lease on the batch runs out then, and a
 * retry any sooner would only find the batch still held.
 */
export const REDELIVERY_BACKOFF = {
  'split-batch': { baseMs: FUNCTION_TIMEOUT_SECONDS.splitBatch * 1000, maxMs: 4 * HOUR_MS },
  'region-inbound': { baseMs: 5 * 60_000, maxMs: HOUR_MS },
  'pps-inbound': { baseMs: 5 * 60_000, maxMs: HOUR_MS },
} as const satisfies Record<string, Backoff>;

/** SQS's longest visibility timeout (ChangeMessageVisibility), in seconds: 12 hours. */
export const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/** How much later than its ceiling a message may come back, as a share of it: messages failed together spread out. */
export const REDELIVERY_JITTER = 0.1;

/**
 * The visibility timeout, in whole seconds, that a message gets after its `receiveCount`-th receive
 * failed: the backoff's ceiling, plus up to {@link REDELIVERY_JITTER} of it, never less.
 */
export function redeliveryDelaySeconds(receiveCount: number, backoff: Backoff, random: () => number = Math.random): number {
  const ceiling = backoffCeilingMs(receiveCount, backoff);
  return Math.min(SQS_MAX_VISIBILITY_SECONDS, Math.ceil((ceiling * (1 + REDELIVERY_JITTER * random())) / 1000));
}

/**
 * A failure that no retry can cure (a message that is not what its queue carries, a record from a
 * queue that is no channel): not retried by backoff, its message goes to its dead-letter queue
 * without waiting (sqs-redelivery.ts).
 */
export class PermanentFailure extends Error {
  override readonly name: string = 'PermanentFailure';
}
