import { FileRefusal, refusalDetail } from './codes';

/**
 * What the key or path of an inbound file says (spec monthly-batch §2): its format, whether it is
 * gzipped, and, for a key `monthly/<YYYY-MM>/<name>`, the file's period.
 */

export type FileFormat = 'csv' | 'ndjson';

export interface FileKind {
  readonly format: FileFormat;
  readonly gzip: boolean;
}

const EXTENSION = /\.(csv|ndjson|jsonl)(\.gz)?$/i;

/** The format of a file from its name, or a refusal `UNSUPPORTED_FILE`. Extensions ignore case. */
export function fileKindOf(name: string): FileKind {
  const match = EXTENSION.exec(name);
  if (!match?.[1]) throw new FileRefusal('UNSUPPORTED_FILE', refusalDetail.unsupportedName());
  return { format: match[1].toLowerCase() === 'csv' ? 'csv' : 'ndjson', gzip: match[2] !== undefined };
}

const MONTHLY_KEY = /^monthly\/(\d{4}-(?:0[1-9]|1[0-2]))\/([^/]+)$/;

/**
 * Where the local run (§9) puts a local file none of whose rows has a well-formed `period`: such a
 * file's period is null (§7). A local file with a period goes under `monthly/<period>/`, where the
 * key's rule gives the same answer. No such key reaches split-batch in AWS: the PPS may write only
 * under `monthly/`, and only `monthly/` is notified to split-batch and readable by it.
 */
export const NO_PERIOD_LOCAL_PREFIX = 'local/no-period/';

const NO_PERIOD_LOCAL_KEY = /^local\/no-period\/([^/]+)$/;

/**
 * The period and kind of an inbound key. The key must be `monthly/<YYYY-MM>/<name>`, the name
 * directly in the month's folder; anything else is `UNSUPPORTED_FILE`. The one exception is the
 * local run's key for a file without a period ({@link NO_PERIOD_LOCAL_PREFIX}), whose period is null.
 */
export function parseInboundKey(key: string): { period: string | null; name: string; kind: FileKind } {
  const local = NO_PERIOD_LOCAL_KEY.exec(key);
  if (local?.[1]) return { period: null, name: local[1], kind: fileKindOf(local[1]) };
  const match = MONTHLY_KEY.exec(key);
  if (!match?.[1] || !match[2]) throw new FileRefusal('UNSUPPORTED_FILE', refusalDetail.notMonthlyKey(whyNotMonthly(key)));
  return { period: match[1], name: match[2], kind: fileKindOf(match[2]) };
}

/** Why a key is not `monthly/<YYYY-MM>/<name>`, for the report's `refusedDetail`. */
function whyNotMonthly(key: string): 'outside' | 'no-month' | 'bad-month' | 'subfolder' | 'no-name' {
  const parts = key.split('/');
  if (parts[0] !== 'monthly') return 'outside';
  if (key.endsWith('/')) return 'no-name';
  if (parts.length === 2) return 'no-month';
  return /^\d{4}-(?:0[1-9]|1[0-2])$/.test(parts[1] ?? '') ? 'subfolder' : 'bad-month';
}

/** The period of a key when it has a well-formed one, else null (for a report of a refused key). */
export function periodOfKey(key: string): string | null {
  return /^monthly\/(\d{4}-(?:0[1-9]|1[0-2]))\//.exec(key)?.[1] ?? null;
}
