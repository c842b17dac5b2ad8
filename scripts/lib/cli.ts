import { type ParseArgsConfig, parseArgs } from 'node:util';
import { formatCents } from '../../shared/domain/money';
import { InvalidRequestError } from '../../shared/domain/operations/operator-tool';

/**
 * The one way the project's commands read their command line: node:util `parseArgs`, strict, with
 * `--help`/`-h` added to every command. Whatever is wrong with a command line (an unknown flag, a
 * missing value, a value out of its set) ends as a {@link UsageError}, which {@link runCommand}
 * prints as the problem and the command's usage, never as a stack trace.
 */

/** sysexits.h EX_USAGE: the command line was wrong. Distinct from every command's own exit codes. */
export const USAGE_EXIT_CODE = 64;

/** The command line was wrong; its message says how, in one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--help` was asked for: print the usage on stdout and succeed. */
class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** A command: its usage text (printed on a bad command line and on `--help`) and its flags. */
export interface CommandSpec<O extends Options> {
  /** The usage, e.g. `usage: npm run refused -- [--channel VDAB|ACTIRIS|PPS] [--body] [--json]`, one or more lines. */
  readonly usage: string;
  readonly options: O;
  readonly allowPositionals?: boolean;
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * Reads a command line against the command's flags.
 * @throws UsageError on an unknown flag, a flag without its value, a value where none is taken, or a stray positional.
 */
export function parseCommandLine<O extends Options>(argv: readonly string[], spec: CommandSpec<O>) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: O & typeof HELP; strict: true; allowPositionals: boolean }>>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...spec.options, ...HELP },
      strict: true,
      allowPositionals: spec.allowPositionals ?? false,
    });
  } catch (error) {
    // parseArgs's messages name the flag and what is wrong with it (ERR_PARSE_ARGS_*).
    throw new UsageError(firstLine(error));
  }
  if ((parsed.values as { help?: boolean }).help === true) throw new HelpRequested(spec.usage);
  return { values: parsed.values, positionals: parsed.positionals };
}

/** A value that must be one of a set, or absent. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got ${value}`);
  return value as T;
}

/** A flag that must be given. */
export function required(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

/** A whole number of at least `min`, or `fallback` when absent. */
export function wholeNumberFlag(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${flag} must be a whole number of at least ${min}, got ${value}`);
  return n;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n', 1)[0] ?? '';
}

/** Where a command writes; tests pass their own. */
export interface CommandOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_OUTPUT: CommandOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/**
 * Runs a command's body and turns how it ended into an exit code and at most a few lines: `--help`
 * prints the usage (0); a {@link UsageError} prints the problem and the usage ({@link USAGE_EXIT_CODE});
 * any other error prints `error: <message>` (1), never a stack trace. The body's own number, if
 * it returns one, is the exit code otherwise.
 */
export async function runCommand(
  usage: string,
  body: () => Promise<number | undefined>,
  output: CommandOutput = PROCESS_OUTPUT,
): Promise<number> {
  try {
    return (await body()) ?? 0;
  } catch (error) {
    if (error instanceof HelpRequested) {
      output.stdout(`${usage}\n`);
      return 0;
    }
    if (error instanceof UsageError) {
      output.stderr(`${error.message}\n${usage}\n`);
      return USAGE_EXIT_CODE;
    }
    output.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * Runs a check of the shared operator tools (shared/domain/operations) on command-line values: the
 * request they refuse is a wrong command line here, printed with the usage.
 */
export function checkedAsUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InvalidRequestError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The one way the commands write a number for a person: digits grouped by thousands with commas
 * (`86,305`), whatever the machine's locale.
 */
export function grouped(count: number): string {
  return count.toLocaleString('en');
}

/** "1 message", "2 messages": a count with its noun, singular for one. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${grouped(count)} ${count === 1 ? singular : pluralForm}`;
}

/** An amount in cents as a person reads it: `€ 147,184,872.81`, `€ -12.00`; exact, never a float. */
export function euros(cents: string | bigint): string {
  const [whole = '', decimals = ''] = formatCents(BigInt(cents)).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign === '' ? whole : whole.slice(1);
  return `€ ${sign}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${decimals}`;
}
