import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  euros,
  grouped,
  oneOf,
  parseCommandLine,
  plural,
  runCommand,
  USAGE_EXIT_CODE,
  UsageError,
  wholeNumberFlag,
} from '../../../scripts/lib/cli';

const USAGE = 'usage: npm run thing -- --name <n> [--loud]';
const spec = { usage: USAGE, options: { name: { type: 'string' }, loud: { type: 'boolean' } } } as const;

async function outcome(body: () => Promise<number | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(USAGE, body, { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('the command-line helper', () => {
  it('reads the flags it knows', () => {
    expect(parseCommandLine(['--name', 'x', '--loud'], spec).values).toMatchObject({ name: 'x', loud: true });
  });

  it.each([
    [['--nmae', 'x'], "Unknown option '--nmae'"],
    [['--name'], "Option '--name <value>' argument missing"],
    [['stray'], "Unexpected argument 'stray'"],
  ])('turns %j into the problem and the usage, exit 64, no stack trace', async (argv, problem) => {
    const result = await outcome(async () => {
      parseCommandLine(argv, spec);
      return 0;
    });
    expect(result).toEqual({ code: USAGE_EXIT_CODE, stdout: '', stderr: expect.stringContaining(`${USAGE}\n`) });
    expect(result.stderr.split('\n')[0]).toContain(problem);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the usage on stdout for --help and -h, and succeeds', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await outcome(async () => {
        parseCommandLine([flag], spec);
        return 3;
      });
      expect(result).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
    }
  });

  it("prints any other failure as one error line, exit 1, and passes the body's own exit code through", async () => {
    expect(await outcome(() => Promise.reject(new Error('the table is gone')))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: the table is gone\n',
    });
    expect((await outcome(async () => 3)).code).toBe(3);
  });

  it('checks sets and whole numbers as usage errors', () => {
    expect(() => oneOf('recipient', 'NOPE', ['VDAB', 'FOREM'])).toThrow(new UsageError('--recipient must be one of VDAB, FOREM, got NOPE'));
    expect(oneOf('recipient', undefined, ['VDAB'])).toBeUndefined();
    expect(wholeNumberFlag('rows', undefined, 7)).toBe(7);
    for (const bad of ['', 'x', '1.5', '0', '-2']) expect(() => wholeNumberFlag('rows', bad, 7)).toThrow(UsageError);
  });

  it('says "1 message" and "n messages" for every other n', () => {
    expect(plural(1, 'message')).toBe('1 message');
    expect(plural(1, 'batch', 'batches')).toBe('1 batch');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }).filter((n) => n !== 1),
        (n) => plural(n, 'message') === `${n.toLocaleString('en')} messages`,
      ),
    );
  });
});

describe('numbers as the commands print them', () => {
  it('groups digits by thousands, whatever the locale', () => {
    expect(grouped(200_000)).toBe('200,000');
    expect(plural(86_305, 'record')).toBe('86,305 records');
    expect(plural(1, 'row')).toBe('1 row');
  });

  it('writes euros exactly from cents, grouped, with two decimals and a sign', () => {
    expect(euros('14718487281')).toBe('€ 147,184,872.81');
    expect(euros('-1200')).toBe('€ -12.00');
    expect(euros(5n)).toBe('€ 0.05');
    expect(euros('-99999999999999999999')).toBe('€ -999,999,999,999,999,999.99');
  });
});
