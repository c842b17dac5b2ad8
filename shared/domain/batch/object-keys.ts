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

/**
 * The folder of everything staged for one batch, by any attempt: one listing of it finds what
 * earlier attempts left behind, and no listing needs to go wider (the function may list no other).
 */
export function batchStagingPrefixOf(sha256: string): string {
  return `${sha256}/`;
}

/** The folder of what one attempt staged for a batch: a retry stages afresh under its own attempt id. */
export function stagingPrefixOf(sha256: string, attemptId: string): string {
  return `${batchStagingPrefixOf(sha256)}${attemptId}/`;
}

/** The name of a staged or archived part, 1-based; zero-padded so that a listing is in order. */
export function partName(index: number): string {
  return `part-${String(index).padStart(6, '0')}.ndjson`;
}
