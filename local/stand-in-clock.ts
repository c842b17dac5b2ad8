/**
 * The stand-in's clock: the time on which its SQS plays visibility timeouts, and the time the
 * functions it runs read (it gives them this clock: shared/ports.ts, `setFunctionClock`). By
 * default the process's clock plus whatever `advance()` added, so that a run skips the wait for a
 * retry and the retry finds what AWS's would: the lease of the attempt before it run out.
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
