import { execFile, spawn } from 'node:child_process';
import { access, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeBatchFile } from '../../scripts/lib/batch-generator';

/** `npm start -- --file`, as a newcomer reads it: progress on stderr from the start, and a summary that says exactly what happened. */

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const run = promisify(execFile);

async function start(file: string, out: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [TSX, join(ROOT, 'scripts', 'start.ts'), '--file', file, '--out', out], {
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm start -- --file <path> --out <dir>', () => {
  it('shows its progress on stderr as plain lines from the start, and counts in the singular when there is one', async () => {
    const work = await mkdtemp(join(tmpdir(), 'art60-start-one-'));
    const file = join(work, 'ocmw-activations-2025-11.csv');
    await writeBatchFile(file, { rows: 1, format: 'csv', seed: 4, period: '2025-11', invalidShare: 0 });

    const result = await start(file, join(work, 'out'));

    expect(result.code).toBe(0);
    const progress = result.stderr.split('\n');
    expect(progress[0]).toMatch(/^uploading \[#{24}\] 100% of 0\.0 MB$/);
    expect(progress[1]).toBe('processing: 0 s, 0 messages delivered to the recipients so far');
    expect(result.stdout).toMatch(/^ {2}(VDAB|ACTIRIS|FOREM) +1 record in 1 message, /m);
    expect(result.stdout).toMatch(/ 0 records in 0 messages, /);
    expect(result.stdout).not.toMatch(/\b1 (messages|records)\b/);
    expect(result.stdout).toMatch(/e\.g\. \d+ fields, insz \*{6}\d{3}\*{2}, \w+, (OCMW|CPAS)/);
    expect(result.stdout).not.toMatch(/OCMW OCMW|OCMW CPAS/);
  });

  it('says a refused file wrote report.json only, and writes nothing else', async () => {
    const work = await mkdtemp(join(tmpdir(), 'art60-start-refused-'));
    const file = join(work, 'ocmw-activations-2025-11.csv');
    await writeBatchFile(file, { rows: 40, format: 'csv', seed: 5, period: '2025-11', invalidShare: 0.5 });
    const out = join(work, 'out');

    const result = await start(file, out);

    expect(result.code).toBe(2);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(/^REFUSED: TOO_MANY_REJECTED_ROWS \(40 rows read, \d+ rejected\)\. Nothing was delivered\.$/);
    // Why, in one sentence (monthly-batch §8): the share rejected and the limit.
    expect(lines[2]).toMatch(/^ {2}why: \d+ of 40 rows \([\d.]+ %\) are rejected, more than the limit of 5 %\.$/);
    expect(lines.at(-1)).toBe(`written: ${out}/report.json only (a refused file delivers nothing, so there is no recipient file)`);
    expect(result.stdout).not.toContain('.ndjson');
    expect(await readdir(out)).toEqual(['report.json']);
  });

  it('says what state Ctrl-C leaves the run in, and exits 130', async () => {
    const work = await mkdtemp(join(tmpdir(), 'art60-start-interrupted-'));
    const file = join(work, 'ocmw-activations-2025-11.csv');
    await writeBatchFile(file, { rows: 20_000, format: 'csv', seed: 6, period: '2025-11', invalidShare: 0 });
    // As `npm start` runs it (package.json): node with tsx's loader, so that the signal reaches the command itself.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts', 'start.ts'), '--file', file, '--out', join(work, 'out')],
      {
        cwd: ROOT,
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Interrupted once the hub is at work (its processing stage).
      if (stderr.includes('processing') && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: the run stopped before it ended; .* no report\.json/);
  });
});

describe('npm start (the demonstration)', () => {
  it('leaves no generated batch (synthetic national numbers) in the temporary folder', async () => {
    const before = new Set((await readdir(tmpdir())).filter((name) => name.startsWith('art60-demo-')));
    const { stdout } = await run(process.execPath, [TSX, join(ROOT, 'scripts', 'start.ts'), '--rows', '30'], { cwd: ROOT });
    expect(stdout).toContain('Demonstration: a generated batch of 30 payment lines (deleted at the end');
    expect(stdout).toMatch(/^written: .*\(deleted when the demonstration ends; --out <dir> keeps them\)$/m);
    const after = (await readdir(tmpdir())).filter((name) => name.startsWith('art60-demo-') && !before.has(name));
    expect(after).toEqual([]);
    await expect(access(join(tmpdir(), 'art60-demo-'))).rejects.toThrow();
  });
});
