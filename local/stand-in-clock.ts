/**
 * The stand-in's clock: the time on which its SQS plays visibility timeouts. By default the
 * process's clock plus whatever `advance()` added, so that a run can skip the wait for a retry.
 * The functions read the process's clock (`Date`), which `advance()` of the default clock does
 * not move; a test that needs both to agree passes a clock whose `advance()` moves `Date` too
 * (vitest's `vi.setSystemTime`).
 */
export interface StandInClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Moves the clock forward by `ms` (not negative). */
  advance(ms: number): void;
}

/** The process's clock, plus what `advance()` added. */
export function offsetClock(now: () => number = Date.now): StandInClock {
  let offset = 0;
  return {
    now: () => now() + offset,
    advance(ms) {
      if (!(ms >= 0)) throw new Error(`advance(): ${ms} is not a non-negative number of milliseconds`);
      offset += ms;
    },
  };
}
