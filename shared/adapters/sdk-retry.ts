import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { type Clock, functionClock } from '../ports';
import { CALL_RETRY, fullJitterMs, RETRY_QUOTA } from './retry-policy';

/**
 * How every SDK client of the hub retries a whole call: the SDK's standard mode (up to
 * {@link CALL_RETRY}.maxAttempts attempts of a throttled or transient failure, exponential backoff
 * with full jitter, a `Retry-After` hint honoured), with one difference: its retry quota fills up
 * again with time ({@link RETRY_QUOTA}). The SDK's own quota (500 tokens per client, refilled only
 * by successes) empties in the first minutes of an outage, and a warm execution environment's
 * calls then fail at their first attempt for as long as it lives.
 */

/** The SDK's error types that a retry may cure (the standard mode's): a throttle, a 5xx, a lost connection or a timeout. */
const RETRYABLE = new Set<RetryErrorInfo['errorType']>(['THROTTLING', 'TRANSIENT']);

/** A Retry-After hint may add at most this much to the backoff (as the SDK does). */
const MAX_HINT_EXTRA_MS = 5_000;

class RetryToken implements StandardRetryToken {
  constructor(
    private readonly count: number,
    private readonly delayMs: number,
    private readonly cost: number | undefined,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delayMs;
  }
  getRetryCost(): number | undefined {
    return this.cost;
  }
}

export interface HubRetryStrategyOptions {
  /** Reads time for the quota's refill (default: the functions' clock). */
  readonly clock?: Clock;
  /** Source of jitter in [0, 1) (default Math.random). */
  readonly random?: () => number;
}

/** The retry strategy of one SDK client (its quota is its own, as the SDK's is). */
export class HubRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  #tokens: number = RETRY_QUOTA.capacity;
  #refilledAt: number;
  readonly #clock: Clock;
  readonly #random: () => number;

  constructor(options: HubRetryStrategyOptions = {}) {
    this.#clock = options.clock ?? functionClock;
    this.#random = options.random ?? Math.random;
    this.#refilledAt = this.#clock().getTime();
  }

  /** Tokens left in the quota now, its refill since the last look included. */
  get quota(): number {
    this.#refill();
    return this.#tokens;
  }

  async acquireInitialRetryToken(_scope: string): Promise<StandardRetryToken> {
    return new RetryToken(0, 0, undefined);
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<StandardRetryToken> {
    const retry = token.getRetryCount() + 1;
    if (retry >= CALL_RETRY.maxAttempts || !RETRYABLE.has(errorInfo.errorType)) throw new Error('No retry token available');
    const cost = errorInfo.error?.name === 'TimeoutError' ? RETRY_QUOTA.timeoutRetryCost : RETRY_QUOTA.retryCost;
    this.#refill();
    if (this.#tokens < cost) throw new Error('No retry token available: the retry quota is spent until it refills');
    this.#tokens -= cost;
    const backoff = errorInfo.errorType === 'THROTTLING' ? CALL_RETRY.throttledBackoff : CALL_RETRY.backoff;
    let delayMs = fullJitterMs(retry, backoff, this.#random);
    if (errorInfo.retryAfterHint instanceof Date) {
      const hinted = errorInfo.retryAfterHint.getTime() - this.#clock().getTime();
      delayMs = Math.max(delayMs, Math.min(hinted, delayMs + MAX_HINT_EXTRA_MS));
    }
    return new RetryToken(retry, delayMs, cost);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.#refill();
    this.#tokens = Math.min(RETRY_QUOTA.capacity, this.#tokens + (token.getRetryCost() ?? RETRY_QUOTA.successRefund));
  }

  /** The quota fills linearly with time: from empty to full in {@link RETRY_QUOTA}.refillMs. */
  #refill(): void {
    const now = this.#clock().getTime();
    const elapsed = Math.max(0, now - this.#refilledAt);
    this.#refilledAt = now;
    this.#tokens = Math.min(RETRY_QUOTA.capacity, this.#tokens + (elapsed * RETRY_QUOTA.capacity) / RETRY_QUOTA.refillMs);
  }
}
