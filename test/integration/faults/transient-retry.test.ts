import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFileLocally } from '../../../local/run-file';
import { type LocalStandIn, startLocalStandIn } from '../../../local/stand-in';
import { writeBatchFile } from '../../../scripts/lib/batch-generator';
import { DynamoManifestStore } from '../../../shared/adapters/dynamo-manifest-store';
import { RECIPIENTS } from '../../../shared/domain/recipients';
import { allQueues, deadLetterQueueOf, TABLES } from '../../../shared/topology';
import { tempDir } from '../../support/batch-files';
import { FaultProxy } from '../../support/fault-proxy';

/**
 * `npm start -- --file` recovers from a transient fault as the deployed system does: a fault while
 * the batch is half delivered (Actiris's queue refuses every send for a minute) fails the attempt
 * after the first recipient got its messages; SQS delivers the notification again after its
 * visibility timeout, played on the stand-in's clock, which the functions read too, so that the
 * retry finds the lease of the failed attempt run out, takes the batch over and finishes it. Before
 * the functions read that clock, the retry met the lease (they read the machine's clock, a few
 * seconds later), failed four times with BatchInProgressError, and the notification dead-lettered
 * with the batch half delivered and no report.
 */

const FAULT_MS = 60_000;
let standIn: LocalStandIn;
let proxy: FaultProxy;
let dir: string;
let path: string;

beforeAll(async () => {
  proxy = await FaultProxy.start({ seed: 0, rate: 0, upstream: { fauxqs: 1, dynalite: 1 } });
  standIn = await startLocalStandIn({
    routeFunctions: async (upstream) => {
      proxy.restart({ seed: 0, rate: 0, upstream });
      return proxy.ports;
    },
  });
  dir = await tempDir('transient-retry');
  path = join(dir, 'transient-2025-10.csv');
  await writeBatchFile(path, { rows: 400, format: 'csv', seed: 17_8, period: '2025-10' });
}, 60_000);

afterAll(async () => {
  await standIn?.stop();
  await proxy?.stop();
});

describe('a transient fault mid-delivery, retried after the visibility timeout on the stand-in’s clock', () => {
  it('delivers the whole batch once to each recipient, writes the report, marks the manifest DELIVERED and dead-letters nothing', async () => {
    const started = standIn.now();
    const fault = proxy.outage(
      (call) => standIn.now() < started + FAULT_MS && call.operation === 'SendMessageBatch' && call.resource === 'outbound-actiris',
      'server-error',
    );

    const result = await runFileLocally(standIn, path, join(dir, 'out'));

    // The fault hit Actiris's sends, and the retry came a lease later (the function's timeout, 900 s) or more.
    expect(fault.hits).toBeGreaterThan(0);
    expect(standIn.now() - started).toBeGreaterThanOrEqual(900_000);
    expect(result.report.refused).toBeNull();
    for (const recipient of RECIPIENTS) {
      expect(result.deliveries[recipient], recipient).toMatchObject({
        complete: true,
        records: result.report.perRecipient[recipient].records,
      });
      expect(result.deliveries[recipient].records, recipient).toBeGreaterThan(0);
    }
    const written = JSON.parse(await readFile(join(dir, 'out', 'report.json'), 'utf8')) as { batchId: string };
    expect(written.batchId).toBe(result.report.batchId);
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    expect((await new DynamoManifestStore(standIn.tableName(TABLES.batches)).get(sha256))?.status).toBe('DELIVERED');
    for (const queue of allQueues()) expect(await standIn.receiveAll(deadLetterQueueOf(queue)), queue.name).toEqual([]);
  }, 120_000);
});
