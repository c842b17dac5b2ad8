import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { runFileLocally } from '../../../local/run-file';
import { IncompleteDeliveryError, LOCAL_RUN_EXIT_CODES, localRunExitCode } from '../../../local/run-outcome';
import { s3Client, sqsClient } from '../../../shared/adapters/aws-clients';
import { DynamoManifestStore } from '../../../shared/adapters/dynamo-manifest-store';
import { BUCKETS, deadLetterQueueOf, QUEUES, TABLES } from '../../../shared/topology';
import { COLUMNS, csvText, filesIn, fillerRows, sha256Hex, utf8, validRow, writeBatch } from '../../support/batch-files';
import { RECIPIENT_NAMES, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * The local command (monthly-batch §7, §9): a local file's period is its first well-formed row
 * period, and null when no row has one; a run exits non-zero for a refused file and for an accepted
 * file whose delivery did not complete, naming the incomplete recipient.
 */

const hub = useMonthlyBatchHub('monthly-batch-local-run');

describe('a local file without a period (monthly-batch §7)', () => {
  it('accepts a file with no rows with period null: nothing delivered, nothing sent, three empty recipient files, exit 0', async () => {
    const text = `${COLUMNS.join(';')}\n`;
    const path = await writeBatch(hub.workDir, 'no-rows.csv', text);
    const outDir = join(hub.workDir, 'out-no-rows');

    const result = await runFileLocally(hub.standIn, path, outDir);

    const batchId = sha256Hex(utf8(text));
    expect(result.report).toMatchObject({ batchId, period: null, refused: null, rows: 0, delivered: 0, rejected: 0, issues: [] });
    expect(result.deliveries).toEqual({
      VDAB: { records: 0, messages: 0, complete: true },
      ACTIRIS: { records: 0, messages: 0, complete: true },
      FOREM: { records: 0, messages: 0, complete: true },
    });
    expect(localRunExitCode({ result })).toBe(0);
    expect(await filesIn(outDir)).toEqual(['ACTIRIS.ndjson', 'FOREM.ndjson', 'VDAB.ndjson', 'report.json']);
    for (const recipient of RECIPIENT_NAMES) expect(await readFile(join(outDir, `${recipient}.ndjson`), 'utf8')).toBe('');
    expect(JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'))).toEqual(result.report);
    // No month to name: no batch.completed, no archive; the report is kept under unknown-period/.
    expect(await hub.listKeys(hub.standIn.bucketName(BUCKETS.archive))).toEqual([]);
    expect(await hub.listKeys(hub.standIn.bucketName(BUCKETS.reports))).toContain(`unknown-period/${batchId}.json`);
  });

  it('refuses rows without a well-formed period, checking their municipalities against any month of the table, and reports period null', async () => {
    const rows = [
      // 12030 Puurs was a municipality until 2018: known when the file has no period (§5).
      validRow('2018-11', 'NP-1', { period: undefined, ocmwNis: '12030', ocmwName: 'OCMW Puurs' }),
      // 21020 was never a municipality: unknown in every month.
      validRow('2025-11', 'NP-2', { period: '2025-13', ocmwNis: '21020' }),
      // A period of white space only is absent.
      validRow('2025-11', 'NP-3', { period: '  ', ocmwNis: '23106', ocmwName: 'OCMW Pajottegem' }),
    ];
    const path = await writeBatch(hub.workDir, 'no-period.csv', csvText(COLUMNS, rows));
    const outDir = join(hub.workDir, 'out-no-period');

    const result = await runFileLocally(hub.standIn, path, outDir);

    expect(result.key).toBe('local/no-period/no-period.csv');
    expect(result.report).toMatchObject({ period: null, refused: 'TOO_MANY_REJECTED_ROWS', rows: 3, rejected: 3, delivered: 0 });
    expect(result.report.issues.map((issue) => [issue.line, issue.reference, issue.codes])).toEqual([
      [2, 'NP-1', ['MISSING_FIELD']],
      [3, 'NP-2', ['INVALID_DATE', 'UNKNOWN_MUNICIPALITY']],
      [4, 'NP-3', ['MISSING_FIELD']],
    ]);
    expect(localRunExitCode({ result })).toBe(LOCAL_RUN_EXIT_CODES.refused);
    expect(await filesIn(outDir)).toEqual(['report.json']);
  });
});

describe('a delivery that does not complete (monthly-batch §9)', () => {
  it('exits non-zero and names the recipient whose queue kept refusing, leaving no report; a complete run exits 0', async () => {
    // FOREM's queue refuses any message over 1 KiB: its batch.records, whatever the retries.
    const forem = hub.standIn.queueUrl(QUEUES.recipientOutbound.FOREM);
    const { Attributes: before } = await sqsClient().send(
      new GetQueueAttributesCommand({ QueueUrl: forem, AttributeNames: ['MaximumMessageSize'] }),
    );
    await sqsClient().send(new SetQueueAttributesCommand({ QueueUrl: forem, Attributes: { MaximumMessageSize: '1024' } }));
    const outDir = join(hub.workDir, 'out-refusing-queue');
    let failure: unknown;
    try {
      const path = await writeBatch(
        hub.workDir,
        'refusing-queue.csv',
        csvText(
          COLUMNS,
          fillerRows('2025-09', 'RQ', 30).map((f) => f.row),
        ),
      );
      await runFileLocally(hub.standIn, path, outDir).catch((error: unknown) => {
        failure = error;
      });
    } finally {
      await sqsClient().send(
        new SetQueueAttributesCommand({ QueueUrl: forem, Attributes: { MaximumMessageSize: before?.MaximumMessageSize ?? '262144' } }),
      );
    }

    expect(failure).toBeInstanceOf(IncompleteDeliveryError);
    const incomplete = failure as IncompleteDeliveryError;
    expect(incomplete.incomplete).toEqual(['FOREM']);
    expect(incomplete.message).toContain('FOREM');
    expect(incomplete.deliveries).toEqual({
      VDAB: { records: 10, messages: 1, complete: true },
      ACTIRIS: { records: 10, messages: 1, complete: true },
      FOREM: { records: 0, messages: 0, complete: false },
    });
    expect(localRunExitCode({ error: failure })).toBe(LOCAL_RUN_EXIT_CODES.incomplete);
    expect(LOCAL_RUN_EXIT_CODES.incomplete).not.toBe(0);
    expect(await filesIn(outDir)).toEqual(['ACTIRIS.ndjson', 'FOREM.ndjson', 'VDAB.ndjson']);
    // The notification failed until it reached its dead-letter queue.
    expect(await hub.standIn.receiveAll(deadLetterQueueOf(QUEUES.batchNotifications))).toHaveLength(1);

    // With the queue accepting again, another file is delivered whole and the run exits 0.
    const path = await writeBatch(
      hub.workDir,
      'accepted-queue.csv',
      csvText(
        COLUMNS,
        fillerRows('2025-09', 'AQ', 30).map((f) => f.row),
      ),
    );
    const result = await runFileLocally(hub.standIn, path, join(hub.workDir, 'out-accepted-queue'));
    expect(result.deliveries).toEqual({
      VDAB: { records: 10, messages: 1, complete: true },
      ACTIRIS: { records: 10, messages: 1, complete: true },
      FOREM: { records: 10, messages: 1, complete: true },
    });
    expect(localRunExitCode({ result })).toBe(0);
  });
});

describe('the retention clock of a file received locally (return-flows §5)', () => {
  it('starts when the stand-in’s S3 received the file (its notification’s eventTime), not when the handler claimed it', async () => {
    const bytes = utf8(
      csvText(
        COLUMNS,
        fillerRows('2025-11', 'CLOCK', 3).map((f) => f.row),
      ),
    );
    const key = 'monthly/2025-11/clock.csv';
    await hub.putInbound(key, bytes);
    const inbound = hub.standIn.bucketName(BUCKETS.inbound);
    // As a listing gives it (to the millisecond; HeadObject's header has whole seconds).
    const listed = await s3Client().send(new ListObjectsV2Command({ Bucket: inbound, Prefix: key }));
    const receivedAt = listed.Contents?.[0]?.LastModified?.toISOString();
    expect(receivedAt).toBeDefined();
    await sleep(1_100); // the handler runs later than S3 received the object
    expect(await hub.standIn.notifyNewObjects()).toBe(1);
    await hub.standIn.drain();

    const manifest = await new DynamoManifestStore(hub.standIn.tableName(TABLES.batches)).get(sha256Hex(bytes));
    expect(manifest).toMatchObject({ status: 'DELIVERED', receivedAt });
  });
});

describe('npm start -- --file <path> --out <dir>, the command', () => {
  const start = fileURLToPath(new URL('../../../scripts/start.ts', import.meta.url));
  const root = fileURLToPath(new URL('../../../', import.meta.url));

  function run(...args: string[]): Promise<{ code: number | null; stdout: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', start, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout }));
    });
  }

  it('exits 0 for an empty file and reports period null', async () => {
    const path = await writeBatch(hub.workDir, 'cli-empty.ndjson', '');
    const outDir = join(hub.workDir, 'out-cli-empty');
    const { code, stdout } = await run('--file', path, '--out', outDir);
    expect(code).toBe(0);
    expect(stdout).toContain('period -');
    expect(JSON.parse(await readFile(join(outDir, 'report.json'), 'utf8'))).toMatchObject({ period: null, refused: null, rows: 0 });
    expect(await filesIn(outDir)).toEqual(['ACTIRIS.ndjson', 'FOREM.ndjson', 'VDAB.ndjson', 'report.json']);
  });
});
