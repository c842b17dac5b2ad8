import type { SQSEvent } from 'aws-lambda';
import { lambdaContextFor } from '../../../local/event-source';
import { loadFunctionHandler } from '../../../local/event-source-mapping';
import { setFunctionClock } from '../../../shared/ports';
import { FUNCTIONS } from '../../../shared/topology';

/**
 * A function's handler in a process of its own, as a Lambda execution environment runs it, so
 * that a test can `kill -9` it half-way (test/support/handler-process.ts starts it). It imports
 * the entry of the function named by its argument unchanged when it starts (its configuration
 * from the environment, as Lambda's INIT does), then takes invocations over IPC (`{ id, region,
 * clockOffsetMs, event }`), one at a time as Lambda gives them, and answers each with
 * `{ id, result }` or `{ id, error }`.
 */

export interface Invocation {
  readonly id: number;
  readonly region: string;
  /** How far the stand-in's clock is ahead of the real one: the functions' clock is as far ahead. */
  readonly clockOffsetMs: number;
  readonly event: SQSEvent;
}

export type InvocationAnswer = { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

// Lambda's INIT: the function named on the command line is imported before the first invocation.
const spec = Object.values(FUNCTIONS).find((f) => f.name === process.argv[2]);
if (spec === undefined) throw new Error(`no function ${process.argv[2]}`);
const loaded = loadFunctionHandler(spec);
loaded.catch(() => undefined); // reported with the first invocation

process.on('message', (invocation: Invocation) => {
  // The host's part, as the stand-in does in process: the functions read the stand-in's clock.
  const offset = invocation.clockOffsetMs;
  setFunctionClock(() => new Date(Date.now() + offset));
  const answer = (message: InvocationAnswer): void => {
    process.send?.(message);
  };
  loaded
    .then((handler) => handler(invocation.event, lambdaContextFor(spec, invocation.region)))
    .then(
      (result) => answer({ id: invocation.id, result: result ?? null }),
      (error: unknown) => answer({ id: invocation.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
    );
});
// The parent gone, so is the execution environment.
process.on('disconnect', () => process.exit(0));
