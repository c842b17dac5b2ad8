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

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    out: { type: 'string' },
    rows: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: false,
});

if (values.help) {
  process.stdout.write(
    'usage: npm start -- --file <path> --out <dir> [--verbose]\n       npm start [-- --out <dir>] [--rows N]   (demonstration on a generated batch)\n',
  );
  process.exit(0);
}

// The handlers' structured logs are for CloudWatch; here they go to stderr, and only progress
// lines unless --verbose, so that stdout holds the summary alone.
const stdoutWrite = process.stdout.write.bind(process.stdout);
const stderrWrite = process.stderr.write.bind(process.stderr);
const say = (text: string): void => void stdoutWrite(`${text}\n`);
function divertLogLines(original: (...args: unknown[]) => boolean): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"level"')) {
      try {
        const line = JSON.parse(text) as { rowsRead?: number };
        if (line.rowsRead !== undefined) stderrWrite(`… ${line.rowsRead.toLocaleString('en')} rows read\n`);
        else if (values.verbose) stderrWrite(text);
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
const { IncompleteDeliveryError, localRunExitCode, runFileLocally } = await import('../local/run-file');
const { RECIPIENTS } = await import('../shared/domain/recipients');
const { formatCents } = await import('../shared/domain/money');
const { maskInsz } = await import('../shared/domain/return-flows/disclosures');

async function summarise(outDir: string, result: Awaited<ReturnType<typeof runFileLocally>>): Promise<void> {
  const { report } = result;
  say(`batch ${report.batchId.slice(0, 16)}…  period ${report.period ?? '-'}  source ${report.source}`);
  if (report.refused !== null) {
    say(`REFUSED: ${report.refused} (${report.rows} rows read, ${report.rejected} rejected). Nothing was delivered.`);
  } else {
    say(
      `rows ${report.rows} = delivered ${report.delivered} + withheld ${report.withheld} + unroutable ${report.unroutable} + rejected ${report.rejected}`,
    );
  }
  for (const recipient of RECIPIENTS) {
    const totals = report.perRecipient[recipient];
    const delivery = result.deliveries[recipient];
    const amount = totals.amountCents !== undefined ? `, € ${formatCents(BigInt(totals.amountCents))}` : ', no amounts';
    say(
      `  ${recipient.padEnd(8)} ${String(totals.records).padStart(8)} records in ${delivery.messages} messages${amount}, ${totals.withheld} withheld${
        report.refused === null ? (delivery.complete ? ', complete' : ', INCOMPLETE') : ''
      }`,
    );
    if (report.refused === null && delivery.records > 0) {
      const first = (await readFile(join(outDir, `${recipient}.ndjson`), 'utf8')).split('\n', 1)[0] ?? '{}';
      const record = JSON.parse(first) as Record<string, string>;
      say(
        `           e.g. ${Object.keys(record).length} fields, insz ${maskInsz(record.insz ?? '')}, ${record.regulation}, OCMW ${record.ocmwName} (${record.ocmwNis})`,
      );
    }
  }
  const codes = new Map<string, number>();
  for (const issue of report.issues) for (const code of issue.codes) codes.set(code, (codes.get(code) ?? 0) + 1);
  if (codes.size > 0) say(`  issues: ${[...codes].map(([code, n]) => `${code} ×${n}`).join(', ')}`);
  say(`written: ${outDir}/{VDAB,ACTIRIS,FOREM}.ndjson and report.json`);
}

/** Says which recipients did not receive the whole batch: a run never ends green with half a file delivered (§9). */
function summariseIncomplete(error: InstanceType<typeof IncompleteDeliveryError>, outDir: string): void {
  say(`source ${error.key}`);
  for (const recipient of RECIPIENTS) {
    const delivery = error.deliveries[recipient];
    say(
      `  ${recipient.padEnd(8)} ${String(delivery.records).padStart(8)} records in ${delivery.messages} messages received, ${delivery.complete ? 'complete' : 'INCOMPLETE'}`,
    );
  }
  say(`INCOMPLETE: the delivery did not complete for ${error.incomplete.join(', ')} (see --verbose for why).`);
  say(`written: ${outDir}/{VDAB,ACTIRIS,FOREM}.ndjson (what each queue received); no report.json`);
}

const standIn = await startLocalStandIn();
let exitCode = 0;
try {
  if (values.file) {
    if (!values.out) throw new Error('--out <dir> is required with --file');
    const outDir = resolve(values.out);
    try {
      const result = await runFileLocally(standIn, resolve(values.file), outDir);
      await summarise(outDir, result);
      exitCode = localRunExitCode({ result });
    } catch (error) {
      if (!(error instanceof IncompleteDeliveryError)) throw error;
      summariseIncomplete(error, outDir);
      exitCode = localRunExitCode({ error });
    }
  } else {
    const { writeBatchFile } = await import('./lib/batch-generator');
    const { runDemoReturnFlows } = await import('../local/demo');
    const rows = Number(values.rows ?? 2_000);
    const work = await mkdtemp(join(tmpdir(), 'art60-demo-'));
    const file = join(work, 'ocmw-activations-2025-11.csv');
    await writeBatchFile(file, { rows, format: 'csv', seed: 20251, period: '2025-11', invalidShare: 0.01, extraColumns: true });
    say(`Demonstration: a generated batch of ${rows} payment lines (${file})`);
    const outDir = resolve(values.out ?? join(work, 'out'));
    const result = await runFileLocally(standIn, file, outDir);
    await summarise(outDir, result);
    say('');
    say(await runDemoReturnFlows(standIn, outDir));
  }
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = localRunExitCode({ error });
} finally {
  await standIn.stop();
}
process.exit(exitCode);
