import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDemoReturnFlows } from '../../local/demo';
import { lambdaContextFor } from '../../local/event-source';
import { loadFunctionHandler } from '../../local/event-source-mapping';
import { runFileLocally } from '../../local/run-file';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { writeBatchFile } from '../../scripts/lib/batch-generator';
import { sqsClient } from '../../shared/adapters/aws-clients';
import { FUNCTIONS, QUEUES, type QueueSpec } from '../../shared/topology';
import { tempDir, writeBatch } from '../support/batch-files';
import { captureOutput, parsedLines } from '../support/capture-output';
import { alarmReads, dashboardReads, emittedMetrics, type MetricRead, metricKey } from '../support/metric-reads';
import { removeOutdir, type Synthesized, synthesizeHub } from '../unit/infra/helpers';

/**
 * Every alarm and every dashboard widget reads a metric the functions emit: the unchanged handlers
 * run on the local stand-in with embedded metrics ON (test/setup.ts turns them off for every other
 * test), every EMF line they write is captured, and each metric of the hub's namespace that the
 * synthesized template reads (name and exact dimension keys, SEARCH expressions included) must be
 * among them. A dimension key too many or too few, and the panel or the alarm never sees data.
 */

// Embedded metrics on, in this file only, before anything is imported: the shared Metrics instance
// reads POWERTOOLS_METRICS_DISABLED once, when shared/observability.ts is first imported (some
// imports below do), and test/setup.ts has set it to true. The stand-in's `metrics: 'emf'` keeps it
// off for as long as it runs.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const NAMESPACE = 'Art60Hub';
let standIn: LocalStandIn;
let synthesized: Synthesized;
let emitted: Set<string>;
let emfLines: Array<Record<string, unknown>>;
let reads: MetricRead[];

/** A message of `type` on a channel that may not send it: the hub refuses it WRONG_CHANNEL. */
async function sendOnWrongChannel(queue: QueueSpec, type: string, messageId: string): Promise<void> {
  await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: standIn.queueUrl(queue),
      MessageBody: JSON.stringify({ schemaVersion: 1, messageId, sentAt: new Date().toISOString(), type }),
      MessageAttributes: { type: { DataType: 'String', StringValue: type } },
    }),
  );
}

beforeAll(async () => {
  synthesized = synthesizeHub();
  reads = [...alarmReads(synthesized.stateless), ...dashboardReads(synthesized.stateless)].filter((r) => r.namespace === NAMESPACE);

  standIn = await startLocalStandIn({ metrics: 'emf' });
  const dir = await tempDir('emitted-metrics');
  const accepted = join(dir, 'metrics-2025-03.csv');
  await writeBatchFile(accepted, { rows: 300, format: 'csv', seed: 60, period: '2025-03', invalidShare: 0.02 });
  const refused = await writeBatch(dir, 'metrics-refused.csv', 'not;a;batch\n1;2;3\n');
  // The same bytes under another name: a duplicate.
  const again = join(dir, 'metrics-again-2025-03.csv');
  await copyFile(accepted, again);

  const { lines } = await captureOutput(async () => {
    // Every outcome of a monthly file: accepted, refused, the same bytes again, a notification that fails.
    const delivered = await runFileLocally(standIn, accepted, join(dir, 'accepted'));
    expect(delivered.report.refused).toBeNull();
    expect((await runFileLocally(standIn, refused, join(dir, 'refused'))).report.refused).not.toBeNull();
    await expect(runFileLocally(standIn, again, join(dir, 'again'))).rejects.toThrow(/delivered before/);
    await sqsClient().send(new SendMessageCommand({ QueueUrl: standIn.queueUrl(QUEUES.batchNotifications), MessageBody: '{"hello":1}' }));
    await standIn.drain();
    // Every outcome of a return message, on both functions: accepted, refused, refused WRONG_CHANNEL.
    await runDemoReturnFlows(standIn, join(dir, 'accepted'));
    await sendOnWrongChannel(QUEUES.recipientInbound.VDAB, 'correction.decision', 'metrics-wrong-vdab');
    await sendOnWrongChannel(QUEUES.ppsInbound, 'validation.decision', 'metrics-wrong-pps');
    await standIn.drain();
    // The scheduled check, as EventBridge Scheduler invokes it.
    const watch = (await loadFunctionHandler(FUNCTIONS.batchWatch)) as unknown as (event: unknown, context: unknown) => Promise<unknown>;
    await watch({}, lambdaContextFor(FUNCTIONS.batchWatch, standIn.region));
  });
  emfLines = parsedLines(lines).filter((line) => line._aws !== undefined);
  emitted = emittedMetrics(emfLines);
}, 120_000);

afterAll(async () => {
  await standIn?.stop();
  removeOutdir(synthesized);
});

describe('what the operators read is what the functions emit', () => {
  it('captures the EMF lines of all four functions that publish metrics', () => {
    expect(emitted.size).toBeGreaterThan(10);
    for (const name of ['BatchesAccepted', 'BatchesFailed', 'ReturnMessagesAccepted', 'ReturnMessagesRefused', 'MonthlyFileMissing'])
      expect(
        [...emitted].some((key) => key.startsWith(`${NAMESPACE}|${name}|`)),
        name,
      ).toBe(true);
  });

  it('counts the WRONG_CHANNEL refusals of both return-flow functions under the code the alarms read', () => {
    const wrongChannel = emfLines.filter((line) => line.ReturnMessagesRefused !== undefined && line.code === 'WRONG_CHANNEL');
    // One line per channel and code (the dashboard's breakdown), one per code alone (the alarm's).
    expect(wrongChannel.map((line) => line.channel ?? '(code alone)').sort()).toEqual(['(code alone)', '(code alone)', 'PPS', 'VDAB']);
  });

  it('finds every metric of the namespace that an alarm or a widget reads, with exactly its dimension keys', () => {
    // Not vacuous: the business alarms and panels are all among the reads, the scheduled check's too.
    expect(reads.filter((r) => r.where.startsWith('alarm')).length).toBeGreaterThanOrEqual(2);
    for (const name of ['MonthlyFileMissing', 'BatchesStuckPublishing']) expect(reads.map((r) => r.metricName)).toContain(name);
    expect(reads.filter((r) => r.where.startsWith('widget')).length).toBeGreaterThanOrEqual(10);
    const missing = reads.filter((r) => !emitted.has(metricKey(r))).map((r) => `${r.where}: ${metricKey(r)}`);
    expect(missing, `emitted:\n${[...emitted].sort().join('\n')}`).toEqual([]);
  });
});
