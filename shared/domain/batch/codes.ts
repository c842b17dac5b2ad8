/**
 * The codes of the monthly batch (spec monthly-batch §2, §5, §7), exactly as the contract spells them.
 */

/** Why a row is rejected (§7). A rejected row carries the set of every reason found. */
export const REASON_CODES = [
  'MALFORMED_ROW',
  'MISSING_FIELD',
  'INVALID_INSZ',
  'INVALID_KBO',
  'UNKNOWN_MUNICIPALITY',
  'INVALID_REGULATION',
  'INVALID_BENEFICIARY_ROLE',
  'INVALID_DATE',
  'INVALID_DATE_RANGE',
  'INVALID_AMOUNT',
  'INVALID_FIELD',
  'PERIOD_MISMATCH',
  'DUPLICATE_REFERENCE',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** A valid row whose municipality has no authorised recipient (§5: the German-speaking Community). */
export const NO_AUTHORISED_RECIPIENT = 'NO_AUTHORISED_RECIPIENT' as const;

/** Why a whole file is refused (§7): nothing of it reaches any recipient. */
export const FILE_REFUSAL_CODES = ['UNSUPPORTED_FILE', 'MISSING_COLUMNS', 'UNREADABLE', 'TOO_MANY_REJECTED_ROWS'] as const;
export type FileRefusalCode = (typeof FILE_REFUSAL_CODES)[number];

/** A file-level refusal, thrown where the key or the bytes are read: an answer (the report says why), not a failure to retry. */
export class FileRefusal extends Error {
  constructor(
    readonly code: FileRefusalCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'FileRefusal';
  }
}
