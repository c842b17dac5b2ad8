import { parseArgs } from 'node:util';
import { writeBatchFile } from './lib/batch-generator';

/**
 * Writes a generated monthly batch file (spec monthly-batch §2):
 *
 *     npm run generate -- --rows N --format csv|ndjson [--gzip] --out F [--seed S] [--period YYYY-MM]
 *                         [--invalid-share X] [--extra-columns]
 *
 * Without --format, the format follows --out (`.ndjson`/`.jsonl` → ndjson, else csv); without
 * --gzip, a name ending in `.gz` is gzipped. Prints the rows and bytes written to stderr.
 */

const USAGE =
  'usage: npm run generate -- --rows N --format csv|ndjson [--gzip] --out FILE [--seed S] [--period YYYY-MM] [--invalid-share X] [--extra-columns]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function number(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) fail(`--${name} must be a number, got ${value}`);
  return n;
}

function parseArguments() {
  try {
    return parseArgs({
      options: {
        rows: { type: 'string' },
        format: { type: 'string' },
        gzip: { type: 'boolean' },
        out: { type: 'string' },
        seed: { type: 'string' },
        period: { type: 'string' },
        'invalid-share': { type: 'string' },
        'extra-columns': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    return fail((error as Error).message);
  }
}

async function main(): Promise<void> {
  const values = parseArguments();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const out = values.out ?? fail('--out is required');
  const rows = number(values.rows, 'rows') ?? fail('--rows is required');
  const bare = out.toLowerCase().replace(/\.gz$/, '');
  const format = values.format ?? (bare.endsWith('.ndjson') || bare.endsWith('.jsonl') ? 'ndjson' : 'csv');
  if (format !== 'csv' && format !== 'ndjson') fail(`--format must be csv or ndjson, got ${format}`);
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
  process.stderr.write(`${out}: ${result.rows} rows, ${result.bytes} bytes${gzip ? ' (gzip)' : ''}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
