import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStandIn } from '../../../local/stand-in';
import { writeBatchFile } from '../../../scripts/lib/batch-generator';
import { tempDir } from '../../support/batch-files';
import { FaultProxy, type ProxiedCall } from '../../support/fault-proxy';
import { type FaultRun, type Receive, runBatchAndReturnFlows } from '../../support/fault-runs';
import { LOWER_PRIORITY } from '../../support/handler-process';
import { expectCompletedMatchesRecords } from '../../support/hub-state';

/**
 * An hour of outage without a redrive: every call of the functions to a dependency fails (a 500)
 * for one hour of the stand-in's clock, the clock on which SQS plays its visibility timeouts and
 * which the functions read, from the moment the batch file arrives (the batch path) or the
 * return messages are sent (the return path). The functions' failed messages come back later each
 * time (their backoff), so that every run ends as the run without an outage did: every party holds
 * exactly its messages once duplicates are dropped by `messageId`, the reports, archive and tables
 * are the same apart from timestamps, and nothing is left in a dead-letter queue.
 */

const HOUR_MS = 3_600_000;
const ROWS = 600;
const PERIOD = '2025-11';

const SQS_SENDS = new Set(['SendMessage', 'SendMessageBatch']);
const DYNAMODB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const isSqsSend = (call: ProxiedCall) => call.service === 'sqs' && SQS_SENDS.has(call.operation);
const isDynamoDbWrite = (call: ProxiedCall) => call.service === 'dynamodb' && DYNAMODB_WRITES.has(call.operation);

let fileBytes: Buffer;
let proxy: FaultProxy;

/** The outage of one run: from when it starts, an hour on the stand-in's clock, every matching call fails. */
class HourOutage {
  from: number | undefined;
  #outage: { readonly hits: number } | undefined;
  constructor(readonly matches: (call: ProxiedCall) => boolean) {}
  start(proxy: FaultProxy, standIn: LocalStandIn): void {
    const from = standIn.now();
    this.from = from;
    this.#outage = proxy.outage((call) => standIn.now() < from + HOUR_MS && this.matches(call), 'server-error');
  }
  /** The calls it failed. */
  get hits(): number {
    return this.#outage?.hits ?? 0;
  }
}

function run(outage: HourOutage | undefined, path: 'batch' | 'return'): Promise<FaultRun> {
  const start = (p: FaultProxy, s: LocalStandIn) => outage?.start(p, s);
  return runBatchAndReturnFlows({
    proxy,
    seed: 0,
    rate: 0,
    fileBytes,
    key: `monthly/${PERIOD}/outage.csv`,
    ...(path === 'batch' ? { arrange: start } : { beforeReturnFlows: start }),
  });
}

/** The figures of a run: receives, failed receives, the waits between receives and the simulated time. */
function figures(outcome: FaultRun, outage: HourOutage) {
  const byMessage = new Map<string, Receive[]>();
  for (const r of outcome.receives) byMessage.set(r.sqsMessageId, [...(byMessage.get(r.sqsMessageId) ?? []), r]);
  const retried = [...byMessage.values()].filter((rs) => rs.length > 1);
  const waits = retried.map((rs) => rs.slice(1).map((r, i) => Math.round((r.at - (rs[i]?.at ?? 0)) / 1000)));
  const from = outage.from ?? outcome.startedAt;
  return {
    messages: byMessage.size,
    receives: outcome.receives.length,
    failedReceives: outcome.receives.filter((r) => r.failed).length,
    mostReceives: Math.max(...[...byMessage.values()].map((rs) => rs.length)),
    waitsSeconds: [...new Set(waits.map((w) => JSON.stringify(w)))].map((w) => JSON.parse(w) as number[]),
    lastFailureMinutes: Math.round((Math.max(from, ...outcome.receives.filter((r) => r.failed).map((r) => r.at)) - from) / 60_000),
    recoveredMinutes: Math.round((Math.max(...retried.map((rs) => rs.at(-1)?.at ?? from)) - from) / 60_000),
    simulatedMinutes: Math.round((outcome.endedAt - outcome.startedAt) / 60_000),
    outageHits: outage.hits,
  };
}

let reference: FaultRun;

beforeAll(async () => {
  setPriority(LOWER_PRIORITY);
  const dir = await tempDir('outage');
  const path = join(dir, 'outage.csv');
  await writeBatchFile(path, { rows: ROWS, format: 'csv', seed: 11_2025, period: PERIOD });
  fileBytes = await readFile(path);
  proxy = await FaultProxy.start({ seed: 0, rate: 0, upstream: { fauxqs: 1, dynalite: 1 } });
  reference = await run(undefined, 'batch');
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
});

describe.each([
  { label: 'the batch path, SQS sends', path: 'batch' as const, matches: isSqsSend },
  { label: 'the batch path, DynamoDB writes', path: 'batch' as const, matches: isDynamoDbWrite },
  { label: 'the return path, SQS sends', path: 'return' as const, matches: isSqsSend },
  { label: 'the return path, DynamoDB writes', path: 'return' as const, matches: isDynamoDbWrite },
])('an hour-long outage of $label', ({ label, path, matches }) => {
  const outage = new HourOutage(matches);
  let outcome: FaultRun;
  beforeAll(async () => {
    outcome = await run(outage, path);
    console.info(`outage of ${label}: ${JSON.stringify(figures(outcome, outage))}`);
  }, 300_000);

  it('failed the functions’ calls for an hour, and their messages were received again later each time', () => {
    const f = figures(outcome, outage);
    expect(f.outageHits).toBeGreaterThan(0);
    expect(f.failedReceives).toBeGreaterThan(0);
    // Still failing well into the hour (the receive before last), and done once it was over.
    expect(f.lastFailureMinutes).toBeGreaterThanOrEqual(30);
    expect(f.lastFailureMinutes).toBeLessThan(60);
    expect(f.recoveredMinutes).toBeGreaterThanOrEqual(60);
    for (const waits of f.waitsSeconds) for (let i = 1; i < waits.length; i += 1) expect(waits[i]).toBeGreaterThan(waits[i - 1] ?? 0);
  });

  it('left nothing in a dead-letter queue, and nothing on the notification queue', () => {
    expect(outcome.state.leftOnQueues).toEqual({});
    expect(outcome.state.staging).toEqual([]);
  });

  it('lost nothing and doubled nothing: every party holds what it holds without the outage', () => {
    expect(outcome.inboxes.disagreeing).toEqual([]);
    expect(outcome.inboxes.comparable()).toEqual(reference.inboxes.comparable());
    expectCompletedMatchesRecords(outcome.inboxes);
  });

  it('the reports, the archive and every table are those of the run without the outage, apart from timestamps', () => {
    expect(outcome.state.reports).toEqual(reference.state.reports);
    expect(outcome.state.archive).toEqual(reference.state.archive);
    expect(outcome.state.tables).toEqual(reference.state.tables);
  });
});
