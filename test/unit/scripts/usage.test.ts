import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { USAGE_EXIT_CODE } from '../../../scripts/lib/cli';

/** Every command, run as a newcomer runs it with a flag it does not know: the usage, never a stack trace. */

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const run = promisify(execFile);

async function command(script: string, args: readonly string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const child = run(process.execPath, [TSX, join(ROOT, 'scripts', script), ...args], { cwd: ROOT });
    child.child.stdin?.end(stdin);
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('a bad or unknown flag', () => {
  it.each([
    ['start.ts', 'usage: npm start -- --file <path> --out <dir>'],
    ['local.ts', 'usage: npm run local'],
    ['consume.ts', 'usage: npm run consume -- --recipient VDAB|ACTIRIS|FOREM|PPS --out <dir>'],
    ['disclosures.ts', 'usage: npm run disclosures [-- --recipient VDAB|ACTIRIS|FOREM|PPS|OCMW] [--json]'],
    ['refused-messages.ts', 'usage: npm run refused -- [--channel VDAB|ACTIRIS|PPS] [--body] [--json]'],
    ['redeliver.ts', 'usage: npm run redeliver -- --batch <batchId> [--recipient VDAB|ACTIRIS|FOREM]'],
    ['proof.ts', 'usage: npm run proof -- (--file <message body> | --stdin | --message-id <id> --sha256 <hex>) [--json]'],
    ['generate.ts', 'usage: npm run generate -- --rows N --format csv|ndjson'],
  ])('%s prints what is wrong and its usage, and exits 64', async (script, usage) => {
    const result = await command(script, ['--bogus']);
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(`Unknown option '--bogus'\n${usage}`)).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('npm start with --file but no --out names what is missing', async () => {
    const result = await command('start.ts', ['--file', 'x.csv']);
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr.split('\n')[0]).toBe('--out <dir> is required with --file');
  });

  it('npm start with a folder or a missing path as --file says so in one line, before anything starts', async () => {
    const folder = await command('start.ts', ['--file', 'docs', '--out', 'out-never-written']);
    expect(folder.code).toBe(USAGE_EXIT_CODE);
    expect(folder.stderr.split('\n')[0]).toBe('--file docs is a folder; give one batch file (.csv, .ndjson or .jsonl, optionally .gz)');
    expect(folder.stderr).not.toMatch(/EISDIR|\n\s+at /);
    const missing = await command('start.ts', ['--file', 'no-such.csv', '--out', 'out-never-written']);
    expect(missing.code).toBe(USAGE_EXIT_CODE);
    expect(missing.stderr.split('\n')[0]).toBe('--file no-such.csv: no such file');
  });

  it('disclosures reads the INSZ from standard input, and names a wrong one masked, with the usage', async () => {
    const result = await command('disclosures.ts', [], '85073003329\n');
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr.split('\n')[0]).toBe('not a valid INSZ/NISS (check digits): ******033**');
    expect(result.stderr).not.toContain('85073003329');
  });

  it('disclosures refuses an INSZ on the command line without repeating it', async () => {
    const result = await command('disclosures.ts', ['--insz', '85073003328']);
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr.split('\n')[0]).toMatch(/^--insz is not taken: a national number never goes on a command line/);
    expect(result.stderr).not.toContain('85073003328');
    expect(result.stderr).not.toContain('033');
  });

  it('disclosures with nothing on standard input says so', async () => {
    const result = await command('disclosures.ts', [], '');
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr.split('\n')[0]).toBe('no INSZ was given on standard input');
  });
});
