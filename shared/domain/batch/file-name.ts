import { FileRefusal } from './codes';

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
  if (!match?.[1]) throw new FileRefusal('UNSUPPORTED_FILE', 'the name does not end in .csv, .ndjson or .jsonl, optionally .gz');
  return { format: match[1].toLowerCase() === 'csv' ? 'csv' : 'ndjson', gzip: match[2] !== undefined };
}

const MONTHLY_KEY = /^monthly\/(\d{4}-(?:0[1-9]|1[0-2]))\/([^/]+)$/;

/**
 * The period and kind of an S3 key. The key must be `monthly/<YYYY-MM>/<name>`, the name directly
 * in the month's folder; anything else is `UNSUPPORTED_FILE`.
 */
export function parseInboundKey(key: string): { period: string; name: string; kind: FileKind } {
  const match = MONTHLY_KEY.exec(key);
  if (!match?.[1] || !match[2]) throw new FileRefusal('UNSUPPORTED_FILE', 'the key is not monthly/<YYYY-MM>/<name>');
  return { period: match[1], name: match[2], kind: fileKindOf(match[2]) };
}

/** The period of a key when it has a well-formed one, else null (for a report of a refused key). */
export function periodOfKey(key: string): string | null {
  return /^monthly\/(\d{4}-(?:0[1-9]|1[0-2]))\//.exec(key)?.[1] ?? null;
}
