import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatchFile } from '../../scripts/lib/batch-generator';

/**
 * `npm run local` as a newcomer meets it: started as its own process, it prints a banner; the
 * banner's `export` lines alone (no other variable, an empty HOME, so no ~/.aws) are enough for
 * clients in other processes — the AWS SDK here, and the operator scripts `disclosures`,
 * `refused` and `redeliver` as child processes — to reach every queue URL and endpoint it names.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const run = promisify(execFile);

let local: ChildProcess;
let banner = '';
/** The environment the banner's lines give, and nothing else. */
let clientEnv: Record<string, string> = {};

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** `export NAME=value` lines, with the shell's single quotes undone. */
function exportsOf(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^export (\w+)=(.*)$/gm)) {
    const raw = match[2] ?? '';
    env[match[1] ?? ''] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw;
  }
  return env;
}

/** Runs a script as a new process with only the banner's environment (and PATH, and an empty HOME). */
async function script(name: string, args: readonly string[], stdin = ''): Promise<{ stdout: string; stderr: string; code: number }> {
  const home = await mkdtemp(join(tmpdir(), 'art60-home-'));
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, ...clientEnv };
  try {
    const child = run(process.execPath, [TSX, join(ROOT, 'scripts', name), ...args], { env, cwd: ROOT });
    child.child.stdin?.end(stdin);
    const { stdout, stderr } = await child;
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

/** Polls until `check` answers a value: the local loop plays notifications and triggers every second. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(500);
  }
  throw new Error('the local loop did not get there');
}

beforeAll(async () => {
  const env = { ...process.env, LOCAL_FAUXQS_PORT: String(await freePort()), LOCAL_DYNALITE_PORT: String(await freePort()) };
  local = spawn(process.execPath, [TSX, join(ROOT, 'scripts', 'local.ts')], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  local.stdout?.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    local.stdout?.on('data', (chunk: string) => {
      banner += chunk;
      if (banner.includes('Ctrl-C stops')) resolve();
    });
    local.once('exit', (code) => reject(new Error(`npm run local exited ${code} before its banner`)));
  });
  clientEnv = exportsOf(banner);
}, 120_000);

afterAll(async () => {
  if (local.exitCode === null) {
    local.kill('SIGINT');
    await once(local, 'exit');
  }
});

describe('the stand-in, from any client', () => {
  it('prints every line a client needs, none of them a *.localhost name or a change to the AWS configuration', () => {
    expect(Object.keys(clientEnv)).toEqual(
      expect.arrayContaining([
        'AWS_REGION',
        'AWS_DEFAULT_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'AWS_ENDPOINT_URL_S3',
        'AWS_ENDPOINT_URL_SQS',
        'AWS_ENDPOINT_URL_DYNAMODB',
        'DISCLOSURE_KEY_LOCAL',
        'RECIPIENT_KBOS',
        'QUEUE_URL_OUTBOUND_VDAB',
        'QUEUE_URL_OUTBOUND_VDAB_DLQ',
        'QUEUE_URL_INBOUND_PPS',
        'BUCKET_ARCHIVE',
        'TABLE_DISCLOSURES',
        'REPLAY_WINDOW_DAYS',
      ]),
    );
    expect(clientEnv.AWS_DEFAULT_REGION).toBe('eu-west-1');
    expect(JSON.parse(clientEnv.RECIPIENT_KBOS ?? '')).toEqual({ VDAB: '0887010362', ACTIRIS: '0242220579' });
    for (const [name, value] of Object.entries(clientEnv)) {
      if (name.startsWith('QUEUE_URL_') || name.startsWith('AWS_ENDPOINT_URL_'))
        expect(value).toMatch(/^http:\/\/127\.0\.0\.1:\d+(\/000000000000\/[a-z-]+)?$/);
    }
    expect(banner).not.toMatch(/\.localhost|aws configure/);
    // Every sqs command it shows works with the AWS CLI v1 too, which ignores AWS_ENDPOINT_URL_SQS.
    const sqsCommands = banner.split('\n').filter((line) => line.trim().startsWith('aws sqs '));
    expect(sqsCommands.length).toBeGreaterThan(0);
    for (const line of sqsCommands) expect(line).toContain('--endpoint-url "$AWS_ENDPOINT_URL_SQS"');
    expect(banner).not.toContain('no --endpoint-url needed');
  });

  it('serves a file dropped by one process to the operator scripts run in others, with the banner lines alone', async () => {
    const connection = { region: clientEnv.AWS_REGION ?? '', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const s3 = new S3Client({ ...connection, endpoint: clientEnv.AWS_ENDPOINT_URL_S3 ?? '' });
    const sqs = new SQSClient({ ...connection, endpoint: clientEnv.AWS_ENDPOINT_URL_SQS ?? '' });
    const work = await mkdtemp(join(tmpdir(), 'art60-clients-'));
    const file = join(work, 'ocmw-activations-2025-11.csv');
    await writeBatchFile(file, { rows: 200, format: 'csv', seed: 3, period: '2025-11', invalidShare: 0 });
    const vdabRow = (await readFile(file, 'utf8')).split('\n').find((line) => line.includes(';11002;'));
    const [, , , , regulation, , insz = ''] = vdabRow?.split(';') ?? [];
    expect(insz).toMatch(/^\d{11}$/);

    await s3.send(
      new PutObjectCommand({
        Bucket: clientEnv.BUCKET_INBOUND,
        Key: 'monthly/2025-11/ocmw-activations-2025-11.csv',
        Body: await readFile(file),
      }),
    );
    const first = await eventually(async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: clientEnv.QUEUE_URL_OUTBOUND_VDAB, MaxNumberOfMessages: 1 }),
      );
      return Messages?.[0];
    });
    const batchId = (JSON.parse(first.Body ?? '{}') as { batchId: string }).batchId;
    await sqs.send(new SendMessageCommand({ QueueUrl: clientEnv.QUEUE_URL_INBOUND_VDAB, MessageBody: 'not json' }));

    // The INSZ on standard input, as an operator pipes it: never on the command line.
    const disclosures = await script('disclosures.ts', [], `${insz}\n`);
    expect(disclosures.stderr).toBe('');
    expect(disclosures.stdout).toMatch(new RegExp(`^VDAB +BATCH +\\S+ +2025-11 +${batchId} +${regulation} `, 'm'));

    const refused = await eventually(async () => {
      const result = await script('refused-messages.ts', ['--channel', 'VDAB']);
      return result.stdout.includes('MALFORMED_MESSAGE') ? result : undefined;
    });
    expect(refused.stdout.split('\n')[0]).toBe('Refused return messages: 1');

    const redelivered = await script('redeliver.ts', ['--batch', batchId, '--recipient', 'VDAB']);
    expect(redelivered.stderr).toBe('');
    expect(redelivered.stdout).toMatch(/^VDAB: \d+ messages? sent again\n$/);

    // A batch received longer ago than the replay window (400 days on the laptop): the script says
    // so, and sends nothing.
    const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient({ ...connection, endpoint: clientEnv.AWS_ENDPOINT_URL_DYNAMODB ?? '' }));
    const oldBatch = 'e'.repeat(64);
    const farFuture = Math.floor(Date.now() / 1000) + 86_400 * 365;
    await dynamo.send(
      new PutCommand({
        TableName: clientEnv.TABLE_BATCHES,
        Item: {
          pk: oldBatch,
          sha256: oldBatch,
          batchId: oldBatch,
          status: 'DELIVERED',
          period: '2024-10',
          receivedAt: '2024-11-04T09:00:00.000Z',
          expiresAt: farFuture,
        },
      }),
    );
    const late = await script('redeliver.ts', ['--batch', oldBatch, '--recipient', 'VDAB']);
    expect(late).toEqual({
      stdout: '',
      stderr: `error: the replay window of 400 days has passed for batch ${oldBatch} (received 2024-11-04T09:00:00.000Z, window ended 2025-12-09T09:00:00.000Z): its archive is destroyed, nothing can be delivered again\n`,
      code: 1,
    });
    dynamo.destroy();
    s3.destroy();
    sqs.destroy();
  });
});
