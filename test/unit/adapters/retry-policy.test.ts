import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffCeilingMs,
  fullJitterMs,
  REDELIVERY_BACKOFF,
  REDELIVERY_JITTER,
  redeliveryDelaySeconds,
  SQS_MAX_VISIBILITY_SECONDS,
} from '../../../shared/adapters/retry-policy';
import { FUNCTIONS } from '../../../shared/topology';

const HOUR_SECONDS = 3_600;

describe('the one backoff', () => {
  it('doubles from its base up to its cap', () => {
    const backoff = { baseMs: 100, maxMs: 1_000 };
    expect([1, 2, 3, 4, 5, 30].map((retry) => backoffCeilingMs(retry, backoff))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('with full jitter stays in [0, ceiling)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (retry, r) => {
        const delay = fullJitterMs(retry, { baseMs: 100, maxMs: 20_000 }, () => r);
        return delay >= 0 && delay < backoffCeilingMs(retry, { baseMs: 100, maxMs: 20_000 });
      }),
    );
  });
});

describe('the redelivery of a failed message', () => {
  it('waits at least its ceiling and at most a tenth more, within SQS’s 12 hours', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        fc.constantFrom(...Object.values(REDELIVERY_BACKOFF)),
        (receiveCount, r, backoff) => {
          const seconds = redeliveryDelaySeconds(receiveCount, backoff, () => r);
          const ceiling = backoffCeilingMs(receiveCount, backoff) / 1000;
          return (
            Number.isInteger(seconds) &&
            seconds >= Math.min(ceiling, SQS_MAX_VISIBILITY_SECONDS) &&
            seconds <= Math.min(Math.ceil(ceiling * (1 + REDELIVERY_JITTER)), SQS_MAX_VISIBILITY_SECONDS)
          );
        },
      ),
    );
  });

  it('return flows: 5, 10, 20, 40 and 60 minutes after the first to the fifth failed receive', () => {
    const waits = [1, 2, 3, 4, 5].map((n) => redeliveryDelaySeconds(n, REDELIVERY_BACKOFF['region-inbound'], () => 0));
    expect(waits).toEqual([300, 600, 1_200, 2_400, 3_600]);
    expect(REDELIVERY_BACKOFF['pps-inbound']).toEqual(REDELIVERY_BACKOFF['region-inbound']);
  });

  it('split-batch: from its timeout on (the failed attempt’s lease), 15 minutes to 4 hours', () => {
    const waits = [1, 2, 3, 4, 5].map((n) => redeliveryDelaySeconds(n, REDELIVERY_BACKOFF['split-batch'], () => 0));
    expect(waits).toEqual([900, 1_800, 3_600, 7_200, 14_400]);
    expect(waits[0]).toBe(FUNCTIONS.splitBatch.timeoutSeconds);
  });

  /** The queue-fed functions: every function with a trigger queue. */
  const queueFed = Object.values(FUNCTIONS).filter((fn) => fn.triggers.length > 0);

  it.each(queueFed.map((fn) => [fn.name, fn] as const))(
    '%s: an hour of failing receives passes before the last receive, and more before the dead-letter queue',
    (name, fn) => {
      const backoff = REDELIVERY_BACKOFF[name as keyof typeof REDELIVERY_BACKOFF];
      expect(backoff, `${name} has a redelivery backoff`).toBeDefined();
      for (const queue of fn.triggers) {
        // The shortest waits (no jitter): receive n+1 comes the n-th wait after receive n.
        const waits = Array.from({ length: queue.maxReceiveCount }, (_, i) => redeliveryDelaySeconds(i + 1, backoff, () => 0));
        const lastReceive = waits.slice(0, -1).reduce((a, b) => a + b, 0);
        const deadLetter = waits.reduce((a, b) => a + b, 0);
        expect(lastReceive, `${queue.name}: the last of ${queue.maxReceiveCount} receives`).toBeGreaterThanOrEqual(HOUR_SECONDS);
        expect(deadLetter).toBeGreaterThan(lastReceive);
      }
    },
  );
});
