import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FUNCTION_NODE_OPTIONS } from '../../shared/topology';
import type { BenchMode, ChildResult } from '../bench-child';

/** How `npm run bench` (scripts/bench.ts) runs each measurement and writes its figures. */

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('../bench-child.ts', import.meta.url));
export const BENCH_PERIOD = '2025-11';

/** Runs one measurement in a fresh Node process and returns its result line. */
export function runChild(mode: BenchMode, file: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, file, BENCH_PERIOD], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        // The handler logs JSON on stdout; only errors here. The SDK's Node 20 notice is noise.
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        // The V8 options the functions run with (their young generation's size weighs on peak RSS).
        NODE_OPTIONS: FUNCTION_NODE_OPTIONS,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout
        .split('\n')
        .filter((l) => l.startsWith('{"mode"'))
        .pop();
      if (code !== 0 || line === undefined) {
        reject(new Error(`bench child ${mode} ${file} exited with ${code}:\n${stdout.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line) as ChildResult);
    });
  });
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en');
export const fmtRate = (n: number): string => `${fmtInt(n)} rows/s`;
export const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The ledger's size per 1,000,000 rows of (d): the items split-batch wrote to each table (and what
 * each global index keeps of them), as DynamoDB counts their size, scaled to a million rows.
 */
export function ledgerBytesPerMillionRows(result: ChildResult): { total: number; items: number; byTable: Record<string, number> } {
  const scale = 1_000_000 / result.rows;
  const byTable: Record<string, number> = {};
  for (const [table, bytes] of Object.entries({ ...result.itemBytes, ...result.indexBytes })) byTable[table] = Math.round(bytes * scale);
  const items = Math.round(Object.values(result.itemsWritten ?? {}).reduce((sum, n) => sum + n, 0) * scale);
  return { total: Object.values(byTable).reduce((sum, n) => sum + n, 0), items, byTable };
}

export function formatLedger(ledger: { total: number; items: number; byTable: Record<string, number> }): string {
  const parts = Object.entries(ledger.byTable).map(([table, bytes]) => `${table} ${fmtInt(bytes)}`);
  return `${fmtInt(ledger.total)} bytes in ${fmtInt(ledger.items)} items (${parts.join(', ')})`;
}

export function best(results: readonly ChildResult[]): ChildResult {
  const first = results[0];
  if (first === undefined) throw new Error('no runs');
  return results.reduce((a, b) => (b.rowsPerSecond > a.rowsPerSecond ? b : a), first);
}
