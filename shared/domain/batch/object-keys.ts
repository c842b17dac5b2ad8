import type { Recipient } from '../recipients';

/**
 * Where a batch's objects live in its buckets (keys are relative to the bucket): the report, each
 * recipient's archived messages, and the staged parts of an attempt.
 */

/** The report of a batch; a refused key may have no period. */
export function reportKeyOf(period: string | null, batchId: string): string {
  return `${period ?? 'unknown-period'}/${batchId}.json`;
}

/** The folder of one recipient's archived messages of a batch: its parts and `completed.json`. */
export function archivePrefixOf(recipient: Recipient, period: string, batchId: string): string {
  return `${recipient}/${period}/${batchId}/`;
}

/** The folder of what one attempt staged: a retry stages afresh under its own attempt id. */
export function stagingPrefixOf(attemptId: string): string {
  return `${attemptId}/`;
}

/** The name of a staged or archived part, 1-based; zero-padded so that a listing is in order. */
export function partName(index: number): string {
  return `part-${String(index).padStart(6, '0')}.ndjson`;
}
