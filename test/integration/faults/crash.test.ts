import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStandIn, startLocalStandIn } from '../../../local/stand-in';
import { LOCAL_RECIPIENT_KBOS } from '../../../local/stand-in-environment';
import { writeBatchFile } from '../../../scripts/lib/batch-generator';
import { BUCKETS, FUNCTIONS } from '../../../shared/topology';
import { tempDir } from '../../support/batch-files';
import { FaultProxy, type HoldPoint, type ProxiedCall } from '../../support/fault-proxy';
import { HandlerProcess, LOWER_PRIORITY } from '../../support/handler-process';
import {
  type DirectClients,
  directClients,
  expectCompletedMatchesRecords,
  PartyInboxes,
  playReturnFlowScript,
  type StoreState,
  storeState,
} from '../../support/hub-state';

/**
 * `kill -9` of a function's process half-way (issue 9): each function runs in a process of its own
 * (test/support/handler-process.ts), the stand-in's services in this one, and the test kills the
 * process at a point of the batch that the proxy between them finds by holding a request: the
 * request is held before it reaches the service, or after the service processed it (its answer
 * never comes), and the process is killed then. SQS receives the notification again after its
 * visibility timeout, played on the stand-in's clock; the retry runs in a fresh process whose
 * `Date` is as far ahead (so the lease of the killed attempt has run out, as it would in AWS).
 * Every run must end as the run without a kill did: the same messages for each party once
 * duplicates are dropped by `messageId`, `batch.completed` agreeing with them, the same report,
 * archive and tables apart from timestamps, nothing left in staging or in a dead-letter queue.
 */

const ROWS = 500;
const PERIOD = '2025-09';

type FunctionKey = 'splitBatch' | 'regionInbound' | 'ppsInbound';

interface CrashPoint {
  readonly name: string;
  /** The function whose process is killed. */
  readonly fn: FunctionKey;
  readonly matches: (call: ProxiedCall) => boolean;
  readonly at: HoldPoint;
}

const is =
  (operation: string, resource: string, n?: number) =>
  (call: ProxiedCall): boolean =>
    call.operation === operation && call.resource === resource && (n === undefined || call.n === n);

/** Points of split-batch's attempt, in the order it reaches them (monthly-batch §8). */
const BATCH_POINTS: readonly CrashPoint[] = [
  // The first PutObject calls of an attempt are its staging's (n counts one operation's calls).
  {
    name: 'mid-staging (the second recipient’s part not yet staged)',
    fn: 'splitBatch',
    matches: is('PutObject', 'staging', 2),
    at: 'before',
  },
  {
    name: 'right after the claim (the manifest written, its answer lost)',
    fn: 'splitBatch',
    matches: is('PutItem', 'batches'),
    at: 'after',
  },
  { name: 'after the first archive write', fn: 'splitBatch', matches: is('PutObject', 'archive'), at: 'after' },
  {
    name: 'mid-ledger (the third BatchWriteItem applied)',
    fn: 'splitBatch',
    matches: (c) => c.operation === 'BatchWriteItem' && c.n === 3,
    at: 'after',
  },
  {
    name: 'mid-publish (the second SendMessageBatch sent, its answer lost)',
    fn: 'splitBatch',
    matches: (c) => c.operation === 'SendMessageBatch' && c.n === 2,
    at: 'after',
  },
  {
    name: 'before the first batch.completed',
    fn: 'splitBatch',
    matches: (c) => c.operation === 'SendMessageBatch' && c.body.includes('batch.completed'),
    at: 'before',
  },
  {
    name: 'after the report, before the PPS is sent its batch.outcome',
    fn: 'splitBatch',
    matches: (c) => c.operation === 'SendMessageBatch' && c.body.includes('batch.outcome'),
    at: 'before',
  },
  {
    name: 'the batch.outcome sent, its answer lost',
    fn: 'splitBatch',
    matches: (c) => c.operation === 'SendMessageBatch' && c.body.includes('batch.outcome'),
    at: 'after',
  },
  { name: 'before markDelivered (the report written, the PPS told)', fn: 'splitBatch', matches: is('UpdateItem', 'batches'), at: 'before' },
  { name: 'after markDelivered, before the staging is swept', fn: 'splitBatch', matches: is('UpdateItem', 'batches'), at: 'after' },
];

/** Points of the return flows: a decision stored but not forwarded to the PPS; a PPS decision stored but not told. */
const RETURN_FLOW_POINTS: readonly CrashPoint[] = [
  {
    name: 'region-inbound before its first send to the PPS',
    fn: 'regionInbound',
    matches: (c) => is('SendMessageBatch', 'outbound-pps')(c) && !c.body.includes('batch.outcome'),
    at: 'before',
  },
  {
    name: 'pps-inbound after its first send to a requester',
    fn: 'ppsInbound',
    matches: (c) => c.operation === 'SendMessageBatch' && c.body.includes('correction.outcome'),
    at: 'after',
  },
];

let fileBytes: Buffer;
/** One proxy on the same ports for every run: a warm process keeps the endpoints it read. */
let proxy: FaultProxy;
let standIn: LocalStandIn | undefined;
const processes: Partial<Record<FunctionKey, HandlerProcess>> = {};

function processOf(key: FunctionKey): HandlerProcess {
  const spec = FUNCTIONS[key];
  processes[key] ??= new HandlerProcess(spec, 'eu-west-1', () => (standIn === undefined ? 0 : standIn.now() - Date.now()));
  return processes[key];
}

interface RunOutcome {
  readonly afterBatch: { readonly inboxes: PartyInboxes; readonly state: StoreState };
  readonly afterReturnFlows?: { readonly inboxes: PartyInboxes; readonly state: StoreState };
  /** The calls the processes were killed at. */
  readonly killedAt: ProxiedCall[];
}

/**
 * Kills the function's process at each point reached (each point once); then lets SQS's
 * redelivery retry in a fresh process. Points are armed together and met in order.
 */
async function run(points: readonly CrashPoint[], withReturnFlows: boolean): Promise<RunOutcome> {
  standIn = await startLocalStandIn({
    functions: (['splitBatch', 'regionInbound', 'ppsInbound'] as const).map((key) => ({
      spec: FUNCTIONS[key],
      handler: (event, context) => processOf(key).handler(event, context),
    })),
    routeFunctions: async (upstream) => {
      proxy.restart({ seed: 0, rate: 0, upstream });
      return proxy.ports;
    },
  });
  const running = standIn;
  const clients: DirectClients = directClients(running);
  const killedAt: ProxiedCall[] = [];
  for (const point of points) {
    void proxy.hold(point.matches, point.at).then((call) => {
      killedAt.push(call);
      processOf(point.fn).kill();
    });
  }
  const settle = async (): Promise<void> => {
    await running.drain();
    // What was held is gone with its process; the retry, a visibility timeout later, finds it.
    await running.drain({ waitForRetries: true });
  };
  try {
    await clients.s3.send(new PutObjectCommand({ Bucket: BUCKETS.inbound.name, Key: `monthly/${PERIOD}/crash.csv`, Body: fileBytes }));
    expect(await running.notifyNewObjects()).toBe(1);
    await settle();
    const inboxes = new PartyInboxes();
    await inboxes.collect(running);
    const afterBatch = { inboxes, state: await storeState(running, clients) };
    if (!withReturnFlows) return { afterBatch, killedAt };
    const flows = new PartyInboxes();
    for (const [queue, messages] of inboxes.byQueue) flows.byQueue.set(queue, new Map(messages));
    await playReturnFlowScript(running, clients, flows, LOCAL_RECIPIENT_KBOS, settle);
    return { afterBatch, afterReturnFlows: { inboxes: flows, state: await storeState(running, clients) }, killedAt };
  } finally {
    proxy.releaseHolds();
    clients.destroy();
    await running.stop();
    standIn = undefined;
  }
}

function expectSameEnd(
  outcome: { readonly inboxes: PartyInboxes; readonly state: StoreState },
  reference: { readonly inboxes: PartyInboxes; readonly state: StoreState },
): void {
  expect(outcome.inboxes.disagreeing).toEqual([]);
  expect(outcome.inboxes.comparable()).toEqual(reference.inboxes.comparable());
  expectCompletedMatchesRecords(outcome.inboxes);
  expect(outcome.state.reports).toEqual(reference.state.reports);
  expect(outcome.state.archive).toEqual(reference.state.archive);
  expect(outcome.state.tables).toEqual(reference.state.tables);
  expect(outcome.state.staging).toEqual([]);
  expect(outcome.state.leftOnQueues).toEqual({});
}

let reference: RunOutcome;

beforeAll(async () => {
  // With its processes, the heaviest file of the suite: it yields the CPU to the others, whose tests have timeouts.
  setPriority(LOWER_PRIORITY);
  const dir = await tempDir('crash');
  const path = join(dir, 'crash.csv');
  await writeBatchFile(path, { rows: ROWS, format: 'csv', seed: 8_2025, period: PERIOD });
  fileBytes = await readFile(path);
  proxy = await FaultProxy.start({ seed: 0, rate: 0, upstream: { fauxqs: 1, dynalite: 1 } });
  reference = await run([], true);
}, 240_000);

afterAll(async () => {
  for (const child of Object.values(processes)) child.stop();
  await standIn?.stop();
  await proxy?.stop();
});

describe('split-batch killed (kill -9) at a point of the batch, then retried in a fresh process', () => {
  it('the run without a kill, the reference, delivers and leaves nothing behind', () => {
    expect(reference.killedAt).toEqual([]);
    expectCompletedMatchesRecords(reference.afterBatch.inboxes);
    expect(Object.keys(reference.afterBatch.state.reports)).toHaveLength(1);
    expect(reference.afterBatch.state.staging).toEqual([]);
    expect(reference.afterBatch.state.leftOnQueues).toEqual({});
  });

  it.each(BATCH_POINTS.map((point) => ({ ...point, label: point.name })))(
    '$label: the retry ends as the run without a kill',
    async (point) => {
      const killed = processOf('splitBatch').killed;
      const outcome = await run([point], false);
      expect(outcome.killedAt.map((c) => c.operation)).toHaveLength(1);
      expect(processOf('splitBatch').killed).toBe(killed + 1);
      expectSameEnd(outcome.afterBatch, reference.afterBatch);
    },
    120_000,
  );
});

describe('the return-flow functions killed (kill -9) half-way, then retried in a fresh process', () => {
  it('every party and table ends as in the run without a kill', async () => {
    const before = { region: processOf('regionInbound').killed, pps: processOf('ppsInbound').killed };
    const outcome = await run(RETURN_FLOW_POINTS, true);
    expect(outcome.killedAt.map((c) => c.operation)).toEqual(['SendMessageBatch', 'SendMessageBatch']);
    expect(processOf('regionInbound').killed).toBe(before.region + 1);
    expect(processOf('ppsInbound').killed).toBe(before.pps + 1);
    if (outcome.afterReturnFlows === undefined || reference.afterReturnFlows === undefined) throw new Error('no return flows played');
    expectSameEnd(outcome.afterReturnFlows, reference.afterReturnFlows);
  }, 180_000);
});
