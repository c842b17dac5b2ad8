/**
 * Preloaded (`node --import`) into a handler's child process by the crash tests, never by the
 * hub: it plays the parts of AWS that a child of the test cannot find by itself.
 *
 * - The clock: a retry that SQS delivers after a visibility timeout runs later, and the lease it
 *   reads from `Date` must have run out as it would have. `STAND_IN_CLOCK_OFFSET_MS` (set for each
 *   invocation from the stand-in's clock) moves this process's `Date` ahead; the handler does not
 *   know.
 */

/** The offset now: the child's invocation loop sets the variable before each invocation. */
function offset(): number {
  const value = Number(process.env.STAND_IN_CLOCK_OFFSET_MS ?? '0');
  if (!Number.isFinite(value)) throw new Error(`STAND_IN_CLOCK_OFFSET_MS is not a number: ${process.env.STAND_IN_CLOCK_OFFSET_MS}`);
  return value;
}

const RealDate = Date;
class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    // No argument: now, shifted; otherwise the instant or fields given, as Date takes them.
    if (args.length === 0) super(RealDate.now() + offset());
    else super(...(args as [string]));
  }
  static override now(): number {
    return RealDate.now() + offset();
  }
}
globalThis.Date = ShiftedDate as DateConstructor;
