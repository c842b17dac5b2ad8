/**
 * The project's main command (spec monthly-batch §9), on a laptop with no AWS account:
 *
 *   npm start -- --file <path> --out <dir>   process one file as the deployed system would
 *   npm start                                 a demonstration on a generated sample batch
 *
 * Both run the unchanged Lambda handlers against real AWS APIs served in process (the local
 * stand-in). Handler logs go to stderr (with --verbose) so that stdout holds only the summary;
 * progress of long files is shown on stderr.
 */

import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { grouped, parseCommandLine, runCommand, UsageError, wholeNumberFlag } from './lib/cli';
import { ProgressDisplay } from './lib/cli-progress';

const USAGE = [
  'usage: npm start -- --file <path> --out <dir> [--verbose]   process one file as the deployed system would',
  '       npm start [-- --out <dir>] [--rows N]                a demonstration on a generated batch',
].join('\n');

function readCommandLine() {
  const { values } = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    options: { file: { type: 'string' }, out: { type: 'string' }, rows: { type: 'string' }, verbose: { type: 'boolean', default: false } },
  });
  if (values.file !== undefined && values.out === undefined) throw new UsageError('--out <dir> is required with --file');
  if (values.file !== undefined && values.rows !== undefined) throw new UsageError('--rows is for the demonstration, not with --file');
  if (values.file !== undefined) checkIsFile(values.file);
  return { ...values, rows: wholeNumberFlag('rows', values.rows, 2_000) };
}

/** A --file that is no file (a folder, a missing path) is a wrong command line, said in one line. */
function checkIsFile(path: string): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--file ${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'unknown error'})`}`);
  }
  if (stats.isDirectory())
    throw new UsageError(`--file ${path} is a folder; give one batch file (.csv, .ndjson or .jsonl, optionally .gz)`);
  if (!stats.isFile()) throw new UsageError(`--file ${path} is not a regular file`);
}

// A bad command line prints the usage (and --help the usage alone) before anything starts.
let values: ReturnType<typeof readCommandLine> | undefined;
const usageCode = await runCommand(USAGE, async () => {
  values = readCommandLine();
  return undefined;
});
if (values === undefined) process.exit(usageCode);
const args = values;

// The handlers' structured logs are for CloudWatch; here they go to stderr, and only progress
// lines unless --verbose, so that stdout holds the summary alone.
const stdoutWrite = process.stdout.write.bind(process.stdout);
const stderrWrite = process.stderr.write.bind(process.stderr);
const say = (text: string): void => void stdoutWrite(`${text}\n`);
const display = new ProgressDisplay({ isTTY: process.stderr.isTTY, columns: process.stderr.columns, write: (text) => stderrWrite(text) });
function divertLogLines(original: (...args: unknown[]) => boolean): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"level"')) {
      try {
        const line = JSON.parse(text) as { rowsRead?: number };
        if (line.rowsRead !== undefined) display.noteRowsRead(line.rowsRead);
        else if (args.verbose) stderrWrite(text);
        return true;
      } catch {
        // not a log line after all
      }
    }
    return original(chunk, ...rest);
  }) as typeof process.stdout.write;
}
process.stdout.write = divertLogLines(stdoutWrite as (...args: unknown[]) => boolean);
process.stderr.write = divertLogLines(stderrWrite as (...args: unknown[]) => boolean);

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { startLocalStandIn } = await import('../local/stand-in');
const { runFileLocally } = await import('../local/run-file');
const { IncompleteDeliveryError, localRunExitCode } = await import('../local/run-outcome');
const { incompleteSummary, runSummary } = await import('./lib/cli-summary');

// The demonstration's generated batch holds (synthetic) national numbers: its folder goes at the end.
let demoFolder: string | undefined;
// Ctrl-C: say what state the run is left in, then exit 130 as a shell expects (128 + SIGINT). A
// second Ctrl-C while the first is handled changes nothing.
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) return;
  interrupted = true;
  display.finish();
  stderrWrite(
    args.file
      ? `interrupted: the run stopped before it ended; ${resolve(args.out ?? '')} may hold part of what the recipients received, and no report.json. Run the command again to process the file from the start.\n`
      : 'interrupted: the demonstration stopped before it ended; its generated files are deleted.\n',
  );
  const removing = demoFolder === undefined ? Promise.resolve() : rm(demoFolder, { recursive: true, force: true });
  void removing.finally(() => process.exit(130));
});

const standIn = await startLocalStandIn();
let exitCode = 0;
const progress = (p: Parameters<typeof display.update>[0]) => display.update(p);
try {
  if (args.file) {
    const outDir = resolve(args.out ?? '');
    try {
      const result = await runFileLocally(standIn, resolve(args.file), outDir, progress);
      display.finish();
      for (const line of await runSummary(outDir, result)) say(line);
      exitCode = localRunExitCode({ result });
    } catch (error) {
      display.finish();
      if (!(error instanceof IncompleteDeliveryError)) throw error;
      for (const line of incompleteSummary(error, outDir)) say(line);
      exitCode = localRunExitCode({ error });
    }
  } else {
    const { writeBatchFile } = await import('./lib/batch-generator');
    const { runDemoReturnFlows } = await import('../local/demo');
    const work = await mkdtemp(join(tmpdir(), 'art60-demo-'));
    demoFolder = work;
    const file = join(work, 'ocmw-activations-2025-11.csv');
    await writeBatchFile(file, { rows: args.rows, format: 'csv', seed: 20251, period: '2025-11', invalidShare: 0.01, extraColumns: true });
    say(
      `Demonstration: a generated batch of ${grouped(args.rows)} payment lines (deleted at the end; --out <dir> keeps what the recipients received)`,
    );
    const outDir = resolve(args.out ?? join(work, 'out'));
    const result = await runFileLocally(standIn, file, outDir, progress);
    display.finish();
    for (const line of await runSummary(outDir, result)) {
      // Without --out the demonstration's files go with its folder at the end: say so where it says where they are.
      say(
        args.out === undefined && line.startsWith('written: ')
          ? `${line} (deleted when the demonstration ends; --out <dir> keeps them)`
          : line,
      );
    }
    say('');
    say(await runDemoReturnFlows(standIn, outDir));
  }
} catch (error) {
  display.finish();
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = localRunExitCode({ error });
} finally {
  await standIn.stop();
  if (demoFolder !== undefined) await rm(demoFolder, { recursive: true, force: true });
}
process.exit(exitCode);
