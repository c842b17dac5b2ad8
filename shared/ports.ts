import type { OutboundMessage } from './messages/envelope';

/**
 * The small interfaces that both the monthly batch and the return flows depend on. The batch's
 * own ports are in domain/batch/ports.ts. Adapters in shared/adapters implement them with the AWS
 * SDK; tests implement them in memory.
 */

/** Sends messages to one queue. Resolves when every message was accepted; rejects loudly otherwise. */
export interface MessagePublisher {
  publish(queueUrl: string, messages: readonly OutboundMessage[]): Promise<void>;
}

/** A clock, injected so that retention and timestamps are testable. */
export type Clock = () => Date;
/** The machine's clock. */
export const systemClock: Clock = () => new Date();

/** What the functions' clock reads: the machine's, unless the host that runs them gave its own. */
let hostClock: Clock = systemClock;

/**
 * The one clock the functions read (leases, retention, timestamps): every function passes it, at
 * module scope, to its use cases and adapters. It is the machine's clock unless the host running
 * the functions gives its own with {@link setFunctionClock}: the local stand-in gives the clock on
 * which it plays SQS's visibility timeouts, so that a retry it delivers a visibility timeout later
 * finds a lease run out, as in AWS. No function knows which clock it reads.
 */
export const functionClock: Clock = () => hostClock();

/**
 * Makes {@link functionClock} read `clock` from now on; `undefined` gives it back the machine's.
 * Only a host calls it (the local stand-in, a test's handler process), never a function.
 */
export function setFunctionClock(clock: Clock | undefined): void {
  hostClock = clock ?? systemClock;
}
