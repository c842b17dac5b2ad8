/**
 * One measurement of `npm run bench` (scripts/bench.ts), run in a fresh process so that its peak
 * RSS is its own:
 *
 *     node --import tsx scripts/bench-child.ts baseline|pipeline|end-to-end|handler <file> [<period>]
 *     node --import tsx scripts/bench-child.ts batch-write <calls>
 *
 * - `baseline`: read, decompress and parse only (`readRows`), counting rows;
 * - `pipeline`: the whole domain pipeline (`readRows` → `splitRows`) into a sink that counts and discards;
 * - `end-to-end`: the file through the local stand-in and the unchanged split-batch handler
 *   (`runFileLocally`), counting every SendMessageBatch attempt of the handler's SQS client.
 * - `handler`: run (d), below.
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

export type BenchMode = 'baseline' | 'pipeline' | 'end-to-end' | 'handler' | 'batch-write';

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
  const { tally, refused } = await splitRows(
    readRows(createReadStream(path), kind),
    { filePeriod: period, now: new Date(), maxRejectedShare: DEFAULT_MAX_REJECTED_SHARE },
    sink,
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = cpuMsSince(cpu);
  if (sink.records !== tally.delivered) throw new Error(`sink saw ${sink.records} records, tally says ${tally.delivered}`);
  return {
    mode: 'pipeline',
    rows: tally.rows,
    seconds,
    rowsPerSecond: tally.rows / seconds,
    peakRssMb: peakRssMb(),
    delivered: tally.delivered,
    refused,
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
      cpuMs: cpuMsSince(cpu),
    };
  } finally {
    await standIn.stop();
    await rm(outDir, { recursive: true, force: true });
  }
}

/**
 * split-batch's record handler, built as its cold start builds it, over in-memory stand-ins of S3,
 * SQS and DynamoDB (scripts/bench-aws.ts) in place of the SDK clients' HTTP handler: the SDK's
 * work counts, the network does not. CPU is measured for reading (both reads of the file, up to
 * the manifest's claim) and for delivering (from the claim to the end), without the stand-ins' own.
 */
async function handler(path: string, period: string): Promise<ChildResult> {
  const { BUCKETS, QUEUES, TABLES } = await import('../shared/topology');
  const { RECIPIENTS } = await import('../shared/domain/recipients');
  const env: Record<string, string> = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    [BUCKETS.inbound.env]: 'bench-inbound',
    [BUCKETS.staging.env]: 'bench-staging',
    [BUCKETS.archive.env]: 'bench-archive',
    [BUCKETS.reports.env]: 'bench-reports',
    DISCLOSURE_KEY_LOCAL: 'be'.repeat(32),
  };
  // Every table, named `bench-<table>`: those split-batch writes are counted by name.
  for (const table of Object.values(TABLES)) env[table.env] = `bench-${table.name}`;
  for (const recipient of RECIPIENTS) {
    env[QUEUES.recipientOutbound[recipient].urlEnv] = `https://sqs.eu-west-1.amazonaws.com/111111111111/bench-outbound-${recipient}`;
  }
  Object.assign(process.env, env);
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_ENDPOINT_URL')) delete process.env[name];

  const key = `monthly/${period}/${basename(path)}`;
  const { countedIndexes, inMemoryAws } = await import('./bench-aws');
  // What each global index of a table written by the handler keeps of its items (their bytes count too).
  const aws = inMemoryAws(
    new Map([[key, path]]),
    countedIndexes(Object.values(TABLES), (table) => env[table.env] ?? table.name),
  );
  const clients = await import('../shared/adapters/aws-clients');
  clients.resetAwsClients();
  // The process's clients, as the handler's adapters use them, answering in memory.
  clients.s3Client().config.requestHandler = aws.s3;
  clients.sqsClient().config.requestHandler = aws.sqs;
  clients.dynamoDocumentClient().config.requestHandler = aws.dynamo;

  const { objectCreatedEvent } = await import('../local/s3-notification');
  const { sqsRecordOf } = await import('../local/event-source');
  const { stat } = await import('node:fs/promises');
  const body = objectCreatedEvent({
    region: 'eu-west-1',
    bucket: env[BUCKETS.inbound.env] as string,
    key,
    size: (await stat(path)).size,
    eTag: '"bench"',
    eventTime: new Date(),
  });
  const record = sqsRecordOf(
    {
      MessageId: 'bench-1',
      ReceiptHandle: 'bench-1',
      Body: JSON.stringify(body),
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
    },
    'arn:aws:sqs:eu-west-1:111111111111:batch-notifications',
    'eu-west-1',
  );
  const { splitBatchRecordHandler, splitBatchDependencies } = await import('../functions/split-batch');
  const { readFunctionConfig } = await import('../shared/configuration/function-config');
  const { FUNCTIONS } = await import('../shared/topology');
  const recordHandler = splitBatchRecordHandler(splitBatchDependencies(readFunctionConfig(FUNCTIONS.splitBatch)));

  let claimedAt: { cpu: NodeJS.CpuUsage; standIn: number } | undefined;
  aws.onClaim(() => {
    claimedAt = { cpu: process.cpuUsage(), standIn: aws.standInCpuMicros() };
  });
  const cpu = process.cpuUsage();
  const standInBefore = aws.standInCpuMicros();
  const started = performance.now();
  const outcomes = await recordHandler(record);
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
    throw new Error('usage: bench-child.ts baseline|pipeline|end-to-end|handler <file> [<period>] | batch-write <calls>');
  let result: ChildResult;
  if (mode === 'baseline') result = await baseline(path);
  else if (mode === 'pipeline') result = await pipeline(path, period);
  else if (mode === 'end-to-end') result = await endToEnd(path);
  else if (mode === 'handler') result = await handler(path, period);
  else if (mode === 'batch-write') result = await batchWrite(Number(path));
  else throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

await main();
