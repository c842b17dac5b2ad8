import { describe, expect, it } from 'vitest';
import { backoffDelayMs, ENTRY_RETRY, entryRetryPolicy, retryEntries } from '../../../shared/adapters/retry-entries';

const sleeps: number[] = [];
const options = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };

/** A `send` that leaves undone, call after call, the entries named in `undone` (one list per call). */
function sendLeaving(...undone: string[][]) {
  const calls: string[][] = [];
  const send = async (pending: readonly string[]) => {
    calls.push([...pending]);
    return pending.filter((entry) => undone[calls.length - 1]?.includes(entry));
  };
  return { calls, send };
}

describe('retryEntries', () => {
  it('sends only the undone entries again, backing off with full jitter, until none is left', async () => {
    sleeps.length = 0;
    const { calls, send } = sendLeaving(['b', 'c'], ['c']);

    const left = await retryEntries(['a', 'b', 'c'], send, { ...options, baseDelayMs: 100 });

    expect(left).toEqual([]);
    expect(calls).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
    // random() = 0.5: half of 100 · 2^0, then half of 100 · 2^1.
    expect(sleeps).toEqual([50, 100]);
  });

  it('answers the entries still undone after the last attempt, and does not wait after it', async () => {
    sleeps.length = 0;
    const always = Array.from({ length: 10 }, () => ['x']);
    const { calls, send } = sendLeaving(...always);

    const left = await retryEntries(['x', 'y'], send, { ...options, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 300 });

    expect(left).toEqual(['x']);
    expect(calls).toHaveLength(4);
    // Capped by maxDelayMs: half of 100, 200, min(400, 300).
    expect(sleeps).toEqual([50, 100, 150]);
  });

  it('stops at once when a call fails whole: that call is the SDK’s to retry, not ours', async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    };
    await expect(retryEntries(['a'], failing, options)).rejects.toThrow('Rate exceeded');
    expect(calls).toBe(1);
  });

  it('makes no call for no entries', async () => {
    const { calls, send } = sendLeaving();
    expect(await retryEntries([], send, options)).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('tells which entries are retried, and after which attempt', async () => {
    const { send } = sendLeaving(['b'], []);
    const retried: Array<[readonly string[], number]> = [];
    await retryEntries(['a', 'b'], send, options, (pending, attempt) => retried.push([pending, attempt]));
    expect(retried).toEqual([[['b'], 1]]);
  });
});

describe('the entry retry policy', () => {
  it('is eight attempts, 100 ms doubling, capped at 20 s, unless told otherwise', () => {
    const policy = entryRetryPolicy();
    expect(ENTRY_RETRY).toEqual({ maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 20_000 });
    expect(policy).toMatchObject(ENTRY_RETRY);
    const top = { ...policy, random: () => 0.999_999 };
    expect([1, 2, 8, 9, 20].map((retry) => backoffDelayMs(retry, top))).toEqual([99, 199, 12_799, 19_999, 19_999]);
    expect(backoffDelayMs(3, { ...policy, random: () => 0 })).toBe(0);
  });

  it.each([0, 1.5, -1])('refuses %s attempts', (maxAttempts) => {
    expect(() => entryRetryPolicy({ maxAttempts })).toThrow(RangeError);
  });
});
