import type { BatchReport } from '../shared/domain/batch/report';
import type { Recipient } from '../shared/domain/recipients';

/** How a local run (run-file.ts) ended: what each recipient received, an incomplete delivery, and the command's exit code. */

export interface RecipientDelivery {
  /** Records written to `<dir>/<RECIPIENT>.ndjson`. */
  readonly records: number;
  /** Distinct `batch.records` messages received. */
  readonly messages: number;
  /**
   * Whether the recipient holds all the batch sent it: its `batch.completed` arrived and counts
   * exactly what was received; for an accepted file without a period, which sends nothing (§7),
   * whether nothing arrived. Never for a refused file.
   */
  readonly complete: boolean;
}

export interface LocalRunResult {
  readonly key: string;
  readonly report: BatchReport;
  readonly deliveries: Readonly<Record<Recipient, RecipientDelivery>>;
}

/**
 * An accepted file whose delivery did not complete (§9: a queue kept refusing a message, say):
 * some recipient lacks part of the batch. `<dir>` holds what each queue did receive, and no
 * `report.json`: a report says what happened, and this did not finish.
 */
export class IncompleteDeliveryError extends Error {
  override readonly name = 'IncompleteDeliveryError';
  constructor(
    readonly key: string,
    /** The recipients whose delivery did not complete. */
    readonly incomplete: readonly Recipient[],
    readonly deliveries: Readonly<Record<Recipient, RecipientDelivery>>,
  ) {
    super(`the delivery of ${key} did not complete for ${incomplete.join(', ')}: those recipients did not receive the whole batch`);
  }
}

/** The local command's exit codes (§9): a refused file and an incomplete delivery both end non-zero. */
export const LOCAL_RUN_EXIT_CODES = { delivered: 0, error: 1, refused: 2, incomplete: 3 } as const;

/** The exit code of a local run, from its result or the error it ended with. */
export function localRunExitCode(outcome: { readonly result: LocalRunResult } | { readonly error: unknown }): number {
  if ('error' in outcome) {
    return outcome.error instanceof IncompleteDeliveryError ? LOCAL_RUN_EXIT_CODES.incomplete : LOCAL_RUN_EXIT_CODES.error;
  }
  return outcome.result.report.refused === null ? LOCAL_RUN_EXIT_CODES.delivered : LOCAL_RUN_EXIT_CODES.refused;
}
