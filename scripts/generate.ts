import { pathToFileURL } from 'node:url';
import { writeBatchFile } from './lib/batch-generator';
import { parseCommandLine, plural, runCommand, UsageError } from './lib/cli';

/**
 * Writes a generated monthly batch file (spec monthly-batch §2):
 *
 *     npm run generate -- --rows N --format csv|ndjson [--gzip] --out F [--seed S] [--period YYYY-MM]
 *                         [--invalid-share X] [--extra-columns]
 *
 * Without --format, the format follows --out (`.ndjson`/`.jsonl` → ndjson, else csv); without
 * --gzip, a name ending in `.gz` is gzipped. Prints the rows and bytes written to stderr. A wrong
 * command line exits 64, as every command of the project does.
 */

const USAGE =
  'usage: npm run generate -- --rows N --format csv|ndjson [--gzip] --out FILE [--seed S] [--period YYYY-MM] [--invalid-share X] [--extra-columns]';

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got ${value}`);
  return n;
}

async function main(): Promise<undefined> {
  const { values } = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    options: {
      rows: { type: 'string' },
      format: { type: 'string' },
      gzip: { type: 'boolean' },
      out: { type: 'string' },
      seed: { type: 'string' },
      period: { type: 'string' },
      'invalid-share': { type: 'string' },
      'extra-columns': { type: 'boolean' },
    },
  });
  const out = values.out ?? '';
  if (out === '') throw new UsageError('--out is required');
  const rows = number(values.rows, 'rows');
  if (rows === undefined) throw new UsageError('--rows is required');
  const bare = out.toLowerCase().replace(/\.gz$/, '');
  const format = values.format ?? (bare.endsWith('.ndjson') || bare.endsWith('.jsonl') ? 'ndjson' : 'csv');
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError(`--format must be csv or ndjson, got ${format}`);
  const gzip = values.gzip ?? out.toLowerCase().endsWith('.gz');

  const result = await writeBatchFile(out, {
    rows,
    format,
    gzip,
    seed: number(values.seed, 'seed'),
    period: values.period,
    invalidShare: number(values['invalid-share'], 'invalid-share'),
    extraColumns: values['extra-columns'] ?? false,
  });
  process.stderr.write(`${out}: ${plural(result.rows, 'row')}, ${plural(result.bytes, 'byte')}${gzip ? ' (gzip)' : ''}\n`);
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await runCommand(USAGE, main);
