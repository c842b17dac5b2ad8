import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { runFileLocally } from '../../../local/run-file';
import { objectCreatedEvent } from '../../../local/s3-notification';
import { sqsClient } from '../../../shared/adapters/aws-clients';
import { BUCKETS, QUEUES } from '../../../shared/topology';
import { COLUMNS, csvText, fillerRows, sha256Hex, utf8, writeBatch } from '../../support/batch-files';
import { bodies, RECIPIENT_NAMES, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * The monthly batch end to end (spec monthly-batch.md, messages.md): files go through the local
 * stand-in (fauxqs, dynalite) and the unchanged split-batch handler, and the tests read what each
 * recipient's queue received and the report.
 */

const hub = useMonthlyBatchHub('monthly-batch-same-bytes-once');

describe('the same bytes are delivered once (monthly-batch §8)', () => {
  const period = '2025-08';

  it('delivers nothing again, and writes no second report, for the same bytes under another key', async () => {
    const rows = fillerRows(period, 'T3-DUP', 6).map((f) => f.row);
    const bytes = utf8(csvText(COLUMNS, rows));
    const path = await writeBatch(hub.workDir, 't3-first.csv', bytes);
    const first = await runFileLocally(hub.standIn, path, join(hub.workDir, 'out-t3'));
    expect(first.report.refused).toBeNull();
    expect(first.report.delivered).toBe(6);
    expect(first.deliveries.VDAB).toEqual({ records: 2, messages: 1, complete: true });

    await hub.putInbound(`monthly/${period}/other-name.csv`, bytes);
    expect(await hub.standIn.notifyNewObjects()).toBe(1);
    await hub.standIn.drain();

    expect(await hub.receiveEveryQueue()).toEqual({ VDAB: [], ACTIRIS: [], FOREM: [] });
    const reports = await hub.allReports();
    expect(reports.filter((r) => r.source === `monthly/${period}/other-name.csv`)).toEqual([]);
    expect(reports.filter((r) => r.sha256 === sha256Hex(bytes)).map((r) => r.source)).toEqual([`monthly/${period}/t3-first.csv`]);
    expect(await hub.listKeys(hub.standIn.bucketName(BUCKETS.staging))).toEqual([]);
  });

  it('delivers once when the same S3 notification arrives twice (at-least-once SQS)', async () => {
    const rows = fillerRows(period, 'T3-TWICE', 3).map((f) => f.row);
    const bytes = utf8(csvText(COLUMNS, rows));
    const key = `monthly/${period}/t3-twice.csv`;
    const eTag = await hub.putInbound(key, bytes);
    const event = objectCreatedEvent({
      region: hub.standIn.region,
      bucket: hub.standIn.bucketName(BUCKETS.inbound),
      key,
      size: bytes.length,
      eTag: eTag ?? '"etag"',
      eventTime: new Date(),
    });
    const body = JSON.stringify(event);
    for (let i = 0; i < 2; i += 1) {
      await sqsClient().send(new SendMessageCommand({ QueueUrl: hub.standIn.queueUrl(QUEUES.batchNotifications), MessageBody: body }));
    }
    await hub.standIn.drain();

    const received = await hub.receiveEveryQueue();
    for (const recipient of RECIPIENT_NAMES) {
      const messages = bodies(received[recipient]);
      expect(messages.map((m) => m.type).sort()).toEqual(['batch.completed', 'batch.records']);
      const records = messages.find((m) => m.type === 'batch.records')?.records as unknown[];
      expect(records).toHaveLength(1);
      expect(messages.find((m) => m.type === 'batch.completed')).toMatchObject({ batchId: sha256Hex(bytes), messages: 1, records: 1 });
    }
    expect((await hub.allReports()).filter((r) => r.sha256 === sha256Hex(bytes))).toHaveLength(1);

    // And S3's own notification of the same object, a third time: still nothing new.
    expect(await hub.standIn.notifyNewObjects()).toBe(1);
    await hub.standIn.drain();
    expect(await hub.receiveEveryQueue()).toEqual({ VDAB: [], ACTIRIS: [], FOREM: [] });
  });
});
