import { CALL_RETRY, fullJitterMs } from './retry-policy';

/**
 * The entries of a batch call that AWS hands back undone while the call itself succeeded:
 * SendMessageBatch's `Failed` entries, BatchWriteItem's `UnprocessedItems`, sent again by the one
 * retry policy (retry-policy.ts). A whole call that fails is not retried here: the SDK's own
 * strategy already did (sdk-retry.ts).
 */

/** Attempts per entry, the first included, and the exponential backoff between them (retry-policy.ts). */
export const ENTRY_RETRY = {
  maxAttempts: CALL_RETRY.entryMaxAttempts,
  baseDelayMs: CALL_RETRY.backoff.baseMs,
  maxDelayMs: CALL_RETRY.backoff.maxMs,
} as const;

export interface EntryRetryOptions {
  /** Attempts per entry, the first included (default {@link ENTRY_RETRY}). */
  readonly maxAttempts?: number;
  /** Ceiling of the first backoff; it doubles with every retry. */
  readonly baseDelayMs?: number;
  /** Cap of one backoff. */
  readonly maxDelayMs?: number;
  /** Waits between attempts; injected by tests so that they take no real time. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1); injected by tests. */
  readonly random?: () => number;
}

export type EntryRetryPolicy = Required<EntryRetryOptions>;

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The policy with the defaults filled in.
 * @throws RangeError when `maxAttempts` is not an integer ≥ 1.
 */
export function entryRetryPolicy(options: EntryRetryOptions = {}): EntryRetryPolicy {
  const policy = {
    maxAttempts: options.maxAttempts ?? ENTRY_RETRY.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? ENTRY_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? ENTRY_RETRY.maxDelayMs,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError('maxAttempts must be an integer ≥ 1');
  return policy;
}

/** Full jitter: a uniform delay in [0, min(max, base · 2^(retry−1))) before the `retry`-th retry. */
export function backoffDelayMs(retry: number, policy: EntryRetryPolicy): number {
  return fullJitterMs(retry, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }, policy.random);
}

/**
 * Sends `entries` until none is left to send again or the attempts are spent, backing off between
 * attempts. `send` makes one call with the pending entries and answers those to send again (an
 * entry that can never succeed is the caller's to set aside, not to answer). An error `send` throws
 * ends the retries at once.
 * @param onRetry called before each backoff with the entries about to be sent again.
 * @returns the entries still undone after the last attempt; empty when every one went through.
 */
export async function retryEntries<T>(
  entries: readonly T[],
  send: (pending: readonly T[]) => Promise<readonly T[]>,
  options: EntryRetryOptions = {},
  onRetry?: (pending: readonly T[], attempt: number) => void,
): Promise<readonly T[]> {
  const policy = entryRetryPolicy(options);
  let pending = entries;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    pending = await send(pending);
    if (pending.length === 0 || attempt >= policy.maxAttempts) break;
    onRetry?.(pending, attempt);
    await policy.sleep(backoffDelayMs(attempt, policy));
  }
  return pending;
}
