/**
 * One measurement of `npm run bench` (scripts/bench.ts), run in a fresh process so that its peak
 * RSS is its own:
 *
 *     node --import tsx scripts/bench-child.ts baseline|pipeline|end-to-end <file> [<period>]
 *
 * - `baseline`: read, decompress and parse only (`readRows`), counting rows;
 * - `pipeline`: the whole domain pipeline (`readRows` → `splitRows`) into a sink that counts and discards;
 * - `end-to-end`: the file through the local stand-in and the unchanged split-batch handler
 *   (`runFileLocally`), counting every SendMessageBatch attempt of the handler's SQS client.
 *
 * Prints one JSON line starting with `{"mode"` as its last line on stdout.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileKindOf } from '../shared/domain/batch/file-name';
import { readRows } from '../shared/domain/batch/reader';
import { DEFAULT_MAX_REJECTED_SHARE, type RecordSink, splitRows } from '../shared/domain/batch/split';

export type BenchMode = 'baseline' | 'pipeline' | 'end-to-end';

/** What a child reports to the parent. */
export interface ChildResult {
  readonly mode: BenchMode;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /** Peak resident set size of this process, from `process.resourceUsage().maxRSS` (KiB). */
  readonly peakRssMb: number;
  readonly delivered?: number;
  readonly refused?: string | null;
  /** end-to-end: records the recipients' queues received. */
  readonly receivedRecords?: number;
  /** end-to-end: every recipient got its `batch.completed` and all the report's delivered records. */
  readonly complete?: boolean;
  /** end-to-end: SendMessageBatch attempts, SDK and publisher retries included. */
  readonly sendCalls?: number;
}

/** Counts what it is given and keeps nothing. */
class CountingSink implements RecordSink {
  records = 0;
  accept(): void {
    this.records += 1;
  }
}

const peakRssMb = (): number => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

async function baseline(path: string): Promise<ChildResult> {
  const kind = fileKindOf(basename(path));
  const started = performance.now();
  let rows = 0;
  for await (const batch of readRows(createReadStream(path), kind)) rows += batch.length;
  const seconds = (performance.now() - started) / 1000;
  return { mode: 'baseline', rows, seconds, rowsPerSecond: rows / seconds, peakRssMb: peakRssMb() };
}

async function pipeline(path: string, period: string): Promise<ChildResult> {
  const kind = fileKindOf(basename(path));
  const sink = new CountingSink();
  const started = performance.now();
  const { tally, refused } = await splitRows(
    readRows(createReadStream(path), kind),
    { filePeriod: period, now: new Date(), maxRejectedShare: DEFAULT_MAX_REJECTED_SHARE },
    sink,
  );
  const seconds = (performance.now() - started) / 1000;
  if (sink.records !== tally.delivered) throw new Error(`sink saw ${sink.records} records, tally says ${tally.delivered}`);
  return {
    mode: 'pipeline',
    rows: tally.rows,
    seconds,
    rowsPerSecond: tally.rows / seconds,
    peakRssMb: peakRssMb(),
    delivered: tally.delivered,
    refused,
  };
}

async function endToEnd(path: string): Promise<ChildResult> {
  // Imported here: these modules read the environment (log level, endpoints) when first loaded.
  const { startLocalStandIn } = await import('../local/stand-in');
  const { runFileLocally } = await import('../local/run-file');
  const { sqsClient } = await import('../shared/adapters/aws-clients');
  const standIn = await startLocalStandIn();
  const outDir = await mkdtemp(join(tmpdir(), 'bench-e2e-'));
  try {
    // The stand-in has just reset the shared clients: this is the SQSClient the handler's
    // SqsPublisher will use. The deserialize step runs once per attempt, inside the SDK's retry
    // middleware (finalizeRequest), so every retried call is counted too.
    let sendCalls = 0;
    sqsClient().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageBatchCommand') sendCalls += 1;
        return next(args);
      },
      { step: 'deserialize', name: 'benchCountSendMessageBatch' },
    );
    const started = performance.now();
    const { report, deliveries } = await runFileLocally(standIn, path, outDir);
    const seconds = (performance.now() - started) / 1000;
    const receivedRecords = Object.values(deliveries).reduce((sum, d) => sum + d.records, 0);
    if (sendCalls === 0 && receivedRecords > 0)
      throw new Error('no SendMessageBatch call was counted: the counter is not on the handler client');
    return {
      mode: 'end-to-end',
      rows: report.rows,
      seconds,
      rowsPerSecond: report.rows / seconds,
      peakRssMb: peakRssMb(),
      delivered: report.delivered,
      refused: report.refused,
      receivedRecords,
      complete: Object.values(deliveries).every((d) => d.complete) && receivedRecords === report.delivered,
      sendCalls,
    };
  } finally {
    await standIn.stop();
    await rm(outDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [mode, path, period = '2025-11'] = process.argv.slice(2);
  if (path === undefined) throw new Error('usage: bench-child.ts baseline|pipeline|end-to-end <file> [<period>]');
  let result: ChildResult;
  if (mode === 'baseline') result = await baseline(path);
  else if (mode === 'pipeline') result = await pipeline(path, period);
  else if (mode === 'end-to-end') result = await endToEnd(path);
  else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

await main();
