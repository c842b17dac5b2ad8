import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/hub';
import { runSmoke } from '../../../scripts/lib/smoke';
import { parseSmokeArguments, SMOKE_USAGE } from '../../../scripts/lib/smoke/command-line';
import { SmokeFailure } from '../../../scripts/lib/smoke/definitions';
import { raiseAlarm, readStackOutputs } from '../../../scripts/lib/smoke/operator-steps';
import { putMonthlyFile, receiveBatch, smokeFile } from '../../../scripts/lib/smoke/party-steps';

const REGION = { region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const mocks: Array<{ restore(): void }> = [];
afterEach(() => {
  for (const m of mocks.splice(0)) m.restore();
});
function mock<T extends Parameters<typeof mockClient>[0]>(client: T) {
  const m = mockClient(client);
  mocks.push(m);
  return m;
}

describe('the smoke command line', () => {
  it('reads --stage, --rows and --timeout, with defaults', () => {
    expect(parseSmokeArguments(['--stage', 'sandbox'])).toEqual({
      kind: 'run',
      options: { stage: 'sandbox', rows: 100, timeoutSeconds: 600 },
    });
    expect(parseSmokeArguments(['--stage', 'sandbox', '--rows', '20', '--timeout', '90'])).toEqual({
      kind: 'run',
      options: { stage: 'sandbox', rows: 20, timeoutSeconds: 90 },
    });
    expect(parseSmokeArguments(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [[], '--stage is required'],
    [['--stage'], "Option '--stage <value>' argument missing"],
    [['--stage', 'Sandbox!'], '--stage "Sandbox!" is not a stage name'],
    [['--stage', 'sandbox', '--rows', '0'], '--rows must be a whole number, at least 1, got 0'],
    [['--stage', 'sandbox', '--timeout', 'soon'], '--timeout must be a whole number, at least 1, got soon'],
    [['--stage', 'sandbox', '--bogus'], "Unknown option '--bogus'"],
    [['sandbox'], "Unexpected argument 'sandbox'"],
  ])('refuses %j: %s', (argv, problem) => {
    const parsed = parseSmokeArguments(argv);
    expect(parsed.kind).toBe('usage');
    expect((parsed as { problem: string }).problem).toContain(problem);
  });

  it('prints the usage, not a stack trace, and exits 2 on a bad flag', () => {
    const run = spawnSync(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['scripts/smoke.ts', '--stage', 'sandbox', '--rows', 'many'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`--rows must be a whole number, at least 1, got many\n${SMOKE_USAGE}\n`);
    expect(run.stdout).toBe('');
  });
});

describe('the smoke steps', () => {
  it('names the stack it cannot read, and the output a stack lacks', async () => {
    const cloudFormation = mock(CloudFormationClient);
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id Art60Hub-sandbox-Parties does not exist'), { name: 'ValidationError' }));
    await expect(readStackOutputs(new CloudFormationClient(REGION), 'Art60Hub-sandbox-Parties')).rejects.toThrow(
      new SmokeFailure('cannot read the stack Art60Hub-sandbox-Parties: Stack with id Art60Hub-sandbox-Parties does not exist'),
    );
  });

  it('stops at the first step that fails and says which, without going on', async () => {
    const cloudFormation = mock(CloudFormationClient);
    cloudFormation
      .on(DescribeStacksCommand)
      .resolves({ Stacks: [{ StackName: 'x', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: [] }] });
    const sts = mock(STSClient);
    const lines: string[] = [];
    const run = runSmoke(
      {
        cloudFormation: new CloudFormationClient(REGION),
        sts: new STSClient(REGION),
        cloudWatch: new CloudWatchClient(REGION),
        asParty: () => ({ s3: new S3Client(REGION), sqs: new SQSClient(REGION) }),
      },
      { stage: 'sandbox', rows: 5, timeoutSeconds: 1 },
      (l) => lines.push(l),
    );
    await expect(run).rejects.toThrow(
      new SmokeFailure('assume the roles that play the parties: the stack Art60Hub-sandbox-Parties has no output RoleArnVDAB'),
    );
    expect(lines).toEqual([
      '→ read the outputs of Art60Hub-sandbox-Stateful and Art60Hub-sandbox-Parties',
      '  ✓ 0 + 0 outputs',
      '→ assume the roles that play the parties',
    ]);
    expect(sts.calls()).toHaveLength(0);
  });

  it("puts the PPS's file SSE-KMS with the inbound key and If-None-Match: *, so that it never replaces one", async () => {
    const s3 = mock(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const file = await smokeFile(10, 'run-1');
    await putMonthlyFile(new S3Client(REGION), {
      bucket: 'art60-sandbox-inbound-1-eu-west-1',
      key: 'monthly/2025-11/smoke-run-1.csv',
      body: file.body,
      inboundKeyArn: 'arn:aws:kms:eu-west-1:1:key/k',
    });
    const input = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect({ ...input, Body: undefined }).toEqual({
      Bucket: 'art60-sandbox-inbound-1-eu-west-1',
      Key: 'monthly/2025-11/smoke-run-1.csv',
      Body: undefined,
      ContentType: 'text/csv',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:eu-west-1:1:key/k',
      IfNoneMatch: '*',
    });
  });

  it("makes each run's file its own: references carry the run id, and the batch id is the file's SHA-256", async () => {
    const a = await smokeFile(3, 'run-a');
    const b = await smokeFile(3, 'run-b');
    expect(a.batchId).not.toBe(b.batchId);
    expect(a.batchId).toMatch(/^[0-9a-f]{64}$/);
    expect(a.body.toString('utf8')).toContain(';SMOKE-run-a-000000001;');
    expect(b.body.toString('utf8')).not.toContain('SMOKE-run-a');
  });

  it("reads a recipient's queue until it holds every seq batch.completed counts, deleting only this batch's messages", async () => {
    const sqs = mock(SQSClient);
    const message = (id: string, body: object) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: JSON.stringify(body) });
    const batch = { batchId: 'b1', period: '2025-11', recipient: 'VDAB' };
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        // The completion may come first (messages.md); another batch's message is left alone.
        Messages: [
          message('1', { type: 'batch.completed', ...batch, messages: 2, records: 3 }),
          message('2', { type: 'batch.records', batchId: 'other', seq: 1, records: [{}] }),
        ],
      })
      .resolvesOnce({ Messages: [message('3', { type: 'batch.records', ...batch, seq: 2, records: [{ reference: 'r3' }] })] })
      .resolvesOnce({ Messages: [] })
      .resolvesOnce({
        Messages: [message('4', { type: 'batch.records', ...batch, seq: 1, records: [{ reference: 'r1' }, { reference: 'r2' }] })],
      })
      .resolves({ Messages: [message('5', { type: 'batch.records', ...batch, seq: 3, records: [] })] });
    sqs.on(DeleteMessageCommand).resolves({});
    const received = await receiveBatch(new SQSClient(REGION), 'https://sqs/outbound-vdab', 'VDAB', 'b1', 0, 30);
    expect(received.records).toEqual([{ reference: 'r1' }, { reference: 'r2' }, { reference: 'r3' }]);
    expect(received.completed).toMatchObject({ type: 'batch.completed', messages: 2 });
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(4);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['rh-1', 'rh-3', 'rh-4']);
  });

  it('fails a wait that gets nothing before its timeout, saying what it lacked', async () => {
    const sqs = mock(SQSClient);
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    await expect(receiveBatch(new SQSClient(REGION), 'https://sqs/outbound-forem', 'FOREM', 'abcdef0123456789', 0, 0)).rejects.toThrow(
      /^FOREM: batch abcdef012345… not complete \(0 records messages, no batch.completed\): nothing after 0 s$/,
    );
  });

  it("raises the stage's RefusedFile alarm, and fails when the stage has no alarm", async () => {
    const cloudWatch = mock(CloudWatchClient);
    cloudWatch
      .on(DescribeAlarmsCommand, { AlarmNamePrefix: 'Art60Hub-sandbox-Stateless-' })
      .resolves({
        MetricAlarms: [
          { AlarmName: 'Art60Hub-sandbox-Stateless-Errors-split-batch' },
          { AlarmName: 'Art60Hub-sandbox-Stateless-RefusedFile' },
        ],
      })
      .on(DescribeAlarmsCommand, { AlarmNamePrefix: 'Art60Hub-other-Stateless-' })
      .resolves({ MetricAlarms: [] })
      .on(SetAlarmStateCommand)
      .resolves({});
    expect(await raiseAlarm(new CloudWatchClient(REGION), 'sandbox', 'run-1')).toBe('Art60Hub-sandbox-Stateless-RefusedFile');
    expect(cloudWatch.commandCalls(SetAlarmStateCommand)[0]!.args[0].input).toEqual({
      AlarmName: 'Art60Hub-sandbox-Stateless-RefusedFile',
      StateValue: 'ALARM',
      StateReason: 'npm run smoke run-1: checking that the alarm e-mail arrives',
    });
    await expect(raiseAlarm(new CloudWatchClient(REGION), 'other', 'run-1')).rejects.toThrow(
      'no alarm named Art60Hub-other-Stateless-*: is the stateless stack deployed?',
    );
  });
});
