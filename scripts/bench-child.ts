/**
 * One measurement of `npm run bench` (scripts/bench.ts), run in a fresh process so that its peak
 * RSS is its own:
 *
 *     node --import tsx scripts/bench-child.ts baseline|pipeline|end-to-end|handler|refusal <file> [<period>]
 *     node --import tsx scripts/bench-child.ts batch-write <calls>
 *
 * - `baseline`: read, decompress and parse only (`readRows`), counting rows;
 * - `pipeline`: the whole domain pipeline (`readRows` → `splitRows`) into a sink that counts and discards;
 * - `end-to-end`: the file through the local stand-in and the unchanged split-batch handler
 *   (`runFileLocally`), counting every SendMessageBatch attempt of the handler's SQS client.
 * - `handler`: run (d), below.
 * - `refusal`: a file through split-batch's handler as in (d), that the hub refuses (or an empty
 *   one, to compare with): its time, peak RSS, and that nothing was sent and nothing left staged.
 * - `batch-write`: not a run of the bench, the fixed cost of one BatchWriteItem call in the SDK, the
 *   floor under the delivery ledger: `<calls>` calls of 25 items of one attribute through the
 *   process's DynamoDB client over the in-memory stand-in; `cpuMs` is per call.
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

export type BenchMode = 'baseline' | 'pipeline' | 'end-to-end' | 'handler' | 'refusal' | 'batch-write';

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
  /** refusal: the report's `refusedDetail`. */
  readonly refusedDetail?: string | null;
  /** refusal: objects put to S3 (the staged parts, the report). */
  readonly stagedPuts?: number;
  /** refusal: objects left in the staging bucket at the end. */
  readonly stagingLeft?: number;
  /** end-to-end: records the recipients' queues received. */
  readonly receivedRecords?: number;
  /** end-to-end: records the report counts as sent (`perRecipient.*.records`). */
  readonly reportedRecords?: number;
  /** end-to-end: every recipient got its `batch.completed` and all the report's delivered records. */
  readonly complete?: boolean;
  /** end-to-end: SendMessageBatch attempts, SDK and publisher retries included; refusal: those to the recipients' queues. */
  readonly sendCalls?: number;
  /** refusal: SendMessageBatch calls to the PPS's queue (its `batch.outcome`). */
  readonly outcomeCalls?: number;
  /** CPU (user + system) of the measured part, milliseconds; for `handler`, without the stand-ins' own. */
  readonly cpuMs: number;
  /** handler: CPU while the file is read and staged (both reads, up to the manifest's claim), ms. */
  readonly readingCpuMs?: number;
  /** handler: CPU from the claim to the end (archive, ledger, publish, report, manifest, sweep), ms. */
  readonly deliveringCpuMs?: number;
  /** handler: the stand-ins' own CPU, left out, ms. */
  readonly standInCpuMs?: number;
  /** handler: calls per operation, and items written to each table. */
  readonly calls?: Record<string, number>;
  readonly itemsWritten?: Record<string, number>;
  /** handler: the size of the items written to each table, as DynamoDB counts it. */
  readonly itemBytes?: Record<string, number>;
  /** handler: the size of what each global index keeps of them, per `<table>/<index>`. */
  readonly indexBytes?: Record<string, number>;
}

/** Counts what it is given and keeps nothing. */
class CountingSink implements RecordSink {
  records = 0;
  accept(): void {
    this.records += 1;
  }
}

const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / 1000;
};

const peakRssMb = (): number => Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;

async function baseline(path: string): Promise<ChildResult> {
  const kind = fileKindOf(basename(path));
  const cpu = process.cpuUsage();
  const started = performance.now();
  let rows = 0;
  for await (const batch of readRows(createReadStream(path), kind)) rows += batch.length;
  const seconds = (performance.now() - started) / 1000;
  return { mode: 'baseline', rows, seconds, rowsPerSecond: rows / seconds, peakRssMb: peakRssMb(), cpuMs: cpuMsSince(cpu) };
}

async function pipeline(path: string, period: string): Promise<ChildResult> {
  const kind = fileKindOf(basename(path));
  const sink = new CountingSink();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { tally, refusal } = await splitRows(
    readRows(createReadStream(path), kind),
    { filePeriod: period, now: new Date(), maxRejectedShare: DEFAULT_MAX_REJECTED_SHARE },
    sink,
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = cpuMsSince(cpu);
  // FOREM's equal records are merged (monthly-batch §6): the sink sees the records, the tally counts rows too.
  const records = tally.records.VDAB + tally.records.ACTIRIS + tally.records.FOREM;
  if (sink.records !== records) throw new Error(`sink saw ${sink.records} records, tally says ${records}`);
  return {
    mode: 'pipeline',
    rows: tally.rows,
    seconds,
    rowsPerSecond: tally.rows / seconds,
    peakRssMb: peakRssMb(),
    delivered: tally.delivered,
    refused: refusal?.code ?? null,
    cpuMs,
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
    const cpu = process.cpuUsage();
    const started = performance.now();
    const { report, deliveries } = await runFileLocally(standIn, path, outDir);
    const seconds = (performance.now() - started) / 1000;
    const receivedRecords = Object.values(deliveries).reduce((sum, d) => sum + d.records, 0);
    // The records the report says were sent (FOREM's equal records merged, monthly-batch §6), not its rows.
    const reportedRecords = Object.values(report.perRecipient).reduce((sum, totals) => sum + totals.records, 0);
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
      reportedRecords,
      complete: Object.values(deliveries).every((d) => d.complete) && receivedRecords === reportedRecords,
      sendCalls,
      cpuMs: cpuMsSince(cpu),
    };
  } finally {
    await standIn.stop();
    await rm(outDir, { recursive: true, force: true });
  }
}

/**
 * Run (d): split-batch's record handler over in-memory stand-ins of S3, SQS and DynamoDB: the SDK's
 * work counts, the network does not. CPU is measured for reading (both reads of the file, up to
 * the manifest's claim) and for delivering (from the claim to the end), without the stand-ins' own.
 */
async function handler(path: string, period: string): Promise<ChildResult> {
  const { splitBatchOverInMemoryAws } = await import('./bench-split-batch');
  const { aws, run } = await splitBatchOverInMemoryAws(path, period);
  let claimedAt: { cpu: NodeJS.CpuUsage; standIn: number } | undefined;
  aws.onClaim(() => {
    claimedAt = { cpu: process.cpuUsage(), standIn: aws.standInCpuMicros() };
  });
  const cpu = process.cpuUsage();
  const standInBefore = aws.standInCpuMicros();
  const started = performance.now();
  const outcomes = await run();
  const seconds = (performance.now() - started) / 1000;
  const totalCpuMs = cpuMsSince(cpu) - (aws.standInCpuMicros() - standInBefore) / 1000;
  const outcome = outcomes[0];
  if (outcome?.kind !== 'delivered') throw new Error(`the bench file was not delivered: ${outcome?.kind}`);
  if (claimedAt === undefined) throw new Error('no claim was seen');
  const readingCpuMs = cpuMsSince(cpu) - cpuMsSince(claimedAt.cpu) - (claimedAt.standIn - standInBefore) / 1000;
  return {
    mode: 'handler',
    rows: outcome.report.rows,
    seconds,
    rowsPerSecond: outcome.report.rows / seconds,
    peakRssMb: peakRssMb(),
    delivered: outcome.report.delivered,
    refused: outcome.report.refused,
    cpuMs: totalCpuMs,
    readingCpuMs,
    deliveringCpuMs: totalCpuMs - readingCpuMs,
    standInCpuMs: (aws.standInCpuMicros() - standInBefore) / 1000,
    calls: aws.counts.calls,
    itemsWritten: aws.counts.itemsWritten,
    itemBytes: aws.counts.itemBytes,
    indexBytes: aws.counts.indexBytes,
  };
}

/**
 * A file the hub refuses (or an empty one, to compare with), through split-batch's record handler
 * over the in-memory stand-ins: its time, peak RSS, what was staged, what is left in staging, and
 * whether anything was sent to a queue.
 */
async function refusal(path: string, period: string): Promise<ChildResult> {
  const { splitBatchOverInMemoryAws } = await import('./bench-split-batch');
  const { PPS_SEND_CALLS } = await import('./bench-aws');
  const { aws, run } = await splitBatchOverInMemoryAws(path, period);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const outcomes = await run();
  const seconds = (performance.now() - started) / 1000;
  const outcome = outcomes[0];
  if (outcome === undefined || outcome.kind === 'duplicate') throw new Error(`the bench file had no report: ${outcome?.kind}`);
  return {
    mode: 'refusal',
    rows: outcome.report.rows,
    seconds,
    rowsPerSecond: outcome.report.rows / seconds,
    peakRssMb: peakRssMb(),
    delivered: outcome.report.delivered,
    refused: outcome.report.refused,
    refusedDetail: outcome.report.refusedDetail,
    stagedPuts: aws.counts.calls['s3:PutObject'] ?? 0,
    stagingLeft: aws.stagedObjects(),
    sendCalls: aws.counts.calls['sqs:SendMessageBatch'] ?? 0,
    outcomeCalls: aws.counts.calls[PPS_SEND_CALLS] ?? 0,
    cpuMs: cpuMsSince(cpu),
  };
}

/** `calls` BatchWriteItem calls of 25 one-attribute items, after as many to warm up; CPU per call, stand-in left out. */
async function batchWrite(calls: number): Promise<ChildResult> {
  Object.assign(process.env, { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' });
  const { inMemoryAws } = await import('./bench-aws');
  const { BatchWriteItemCommand } = await import('@aws-sdk/client-dynamodb');
  const clients = await import('../shared/adapters/aws-clients');
  const aws = inMemoryAws(new Map());
  const client = clients.dynamoClient();
  client.config.requestHandler = aws.dynamo;
  const round = async (from: number): Promise<void> => {
    for (let call = from; call < from + calls; call += 1) {
      const items = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `ITEM#${call}#${i}` } } } }));
      await client.send(new BatchWriteItemCommand({ RequestItems: { bench: items } }));
    }
  };
  await round(0);
  const cpu = process.cpuUsage();
  const standIn = aws.standInCpuMicros();
  const started = performance.now();
  await round(calls);
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = (cpuMsSince(cpu) - (aws.standInCpuMicros() - standIn) / 1000) / calls;
  return { mode: 'batch-write', rows: calls, seconds, rowsPerSecond: calls / seconds, peakRssMb: peakRssMb(), cpuMs };
}

async function main(): Promise<void> {
  const [mode, path, period = '2025-11'] = process.argv.slice(2);
  if (path === undefined)
    throw new Error('usage: bench-child.ts baseline|pipeline|end-to-end|handler|refusal <file> [<period>] | batch-write <calls>');
  let result: ChildResult;
  if (mode === 'baseline') result = await baseline(path);
  else if (mode === 'pipeline') result = await pipeline(path, period);
  else if (mode === 'end-to-end') result = await endToEnd(path);
  else if (mode === 'handler') result = await handler(path, period);
  else if (mode === 'refusal') result = await refusal(path, period);
  else if (mode === 'batch-write') result = await batchWrite(Number(path));
  else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

await main();
