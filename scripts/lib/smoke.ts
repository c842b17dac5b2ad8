import { createHash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { type CloudFormationClient, DescribeStacksCommand, type DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { type CloudWatchClient, DescribeAlarmsCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { hubStackPrefix, INBOUND_PREFIX, outputKey } from '../../infra/naming';
import { longPollRequestTimeoutMs } from '../../shared/adapters/aws-clients';
import { RECIPIENTS, type Recipient } from '../../shared/domain/recipients';
import { QUEUES, type QueueSpec } from '../../shared/topology';
import { generateBatch } from './batch-generator';

/**
 * The sandbox's smoke test (`npm run smoke -- --stage sandbox`), in steps that each take their
 * clients: the hub does not know who calls it, and the steps do not know whether they reach AWS
 * or the local stand-in (only the endpoints differ).
 */

/** A party of the sandbox, played by a role of the hub's account (infra/sandbox-parties.ts). */
export type SmokeParty = Recipient | 'PPS';
export const SMOKE_PARTIES: readonly SmokeParty[] = [...RECIPIENTS, 'PPS'];

/** Temporary credentials of an assumed role. */
export interface PartyCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** The clients of the smoke run: the operator's own, and a party's S3 and SQS clients from its credentials. */
export interface SmokeClients {
  readonly cloudFormation: CloudFormationClient;
  readonly sts: STSClient;
  readonly cloudWatch: CloudWatchClient;
  asParty(credentials: PartyCredentials): { readonly s3: S3Client; readonly sqs: SQSClient };
}

export interface SmokeOptions {
  readonly stage: string;
  /** Rows of the generated file (enough that each recipient gets some). */
  readonly rows: number;
  /** How long each wait may take, in seconds, before the step fails. */
  readonly timeoutSeconds: number;
  /** Long-polling wait of each receive (20 in AWS; shorter against the stand-in's tests). */
  readonly receiveWaitSeconds?: number;
  /** Run id, in the file's name and references, the decision's ids and the role sessions' names. */
  readonly runId?: string;
}

/** A failed step: what was being done and why it failed, printed without a stack trace. */
export class SmokeFailure extends Error {}

export const SMOKE_USAGE =
  'usage: npm run smoke -- --stage <name> [--rows N] [--timeout SECONDS]\n' +
  '  Runs against a deployed stage whose parties are played by roles of its own account (the sandbox):\n' +
  '  puts a generated file as the PPS, reads each recipient queue until batch.completed is complete,\n' +
  "  sends a validation decision as VDAB, reads it on the PPS's queue, and sets an alarm to ALARM.";

/** Parsed command line; `usage` when the arguments are wrong (printed instead of a stack trace). */
export type SmokeArguments =
  | { readonly kind: 'run'; readonly options: SmokeOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage'; readonly problem: string };

/** Reads `--stage <name> [--rows N] [--timeout S] [--help]`. */
export function parseSmokeArguments(argv: readonly string[]): SmokeArguments {
  let values: { stage?: string; rows?: string; timeout?: string; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: { stage: { type: 'string' }, rows: { type: 'string' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return { kind: 'usage', problem: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  if (values.stage === undefined || !/^[a-z][a-z0-9-]{0,15}$/.test(values.stage))
    return { kind: 'usage', problem: values.stage === undefined ? '--stage is required' : `--stage "${values.stage}" is not a stage name` };
  const whole = (text: string | undefined, name: string, fallback: number, min: number): number | string => {
    if (text === undefined) return fallback;
    const n = Number(text);
    return Number.isInteger(n) && n >= min ? n : `--${name} must be a whole number, at least ${min}, got ${text}`;
  };
  const rows = whole(values.rows, 'rows', 100, 1);
  if (typeof rows === 'string') return { kind: 'usage', problem: rows };
  const timeoutSeconds = whole(values.timeout, 'timeout', 600, 1);
  if (typeof timeoutSeconds === 'string') return { kind: 'usage', problem: timeoutSeconds };
  return { kind: 'run', options: { stage: values.stage, rows, timeoutSeconds } };
}

/** The outputs of a stack, by key; a missing stack is a failure that names it. */
export async function readStackOutputs(cloudFormation: CloudFormationClient, stackName: string): Promise<Record<string, string>> {
  let stacks: DescribeStacksCommandOutput;
  try {
    stacks = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    throw new SmokeFailure(`cannot read the stack ${stackName}: ${(error as Error).message}`);
  }
  const outputs: Record<string, string> = {};
  for (const o of stacks.Stacks?.[0]?.Outputs ?? []) if (o.OutputKey && o.OutputValue !== undefined) outputs[o.OutputKey] = o.OutputValue;
  return outputs;
}

/** One output, or a failure naming the stack and the output. */
export function output(outputs: Readonly<Record<string, string>>, stackName: string, constructId: string): string {
  const key = outputKey(constructId);
  const value = outputs[key];
  if (value === undefined) throw new SmokeFailure(`the stack ${stackName} has no output ${key}`);
  return value;
}

/** Assumes a party's role for the run. */
export async function assumePartyRole(sts: STSClient, roleArn: string, sessionName: string): Promise<PartyCredentials> {
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }),
  );
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new SmokeFailure(`no credentials for ${roleArn}`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** A generated monthly file, its references unique to the run, and its batch id (the SHA-256 of its bytes). */
export async function smokeFile(rows: number, runId: string): Promise<{ body: Buffer; batchId: string }> {
  let text = '';
  for await (const chunk of generateBatch({ rows, format: 'csv', seed: 607, invalidShare: 0, referencePrefix: `SMOKE-${runId}` }))
    text += chunk;
  const body = Buffer.from(text, 'utf8');
  return { body, batchId: createHash('sha256').update(body).digest('hex') };
}

/**
 * Puts a monthly file as the PPS does: SSE-KMS with the hub's inbound key, and `If-None-Match: *`,
 * so that it never replaces a file already there.
 */
export async function putMonthlyFile(
  s3: S3Client,
  file: { bucket: string; key: string; body: Buffer; inboundKeyArn: string },
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: file.bucket,
      Key: file.key,
      Body: file.body,
      ContentType: 'text/csv',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: file.inboundKeyArn,
      IfNoneMatch: '*',
    }),
  );
}

type Json = Record<string, unknown>;

/** What a recipient received of one batch. */
export interface ReceivedBatch {
  readonly recipient: Recipient;
  /** The `batch.completed` message. */
  readonly completed: Json;
  /** The records of its `batch.records` messages, in `seq` order. */
  readonly records: readonly Json[];
}

/**
 * Receives from a queue until `accept` says it has what it waits for, deleting every message it
 * accepts and leaving the others alone (they are someone else's, or an earlier run's). Fails after
 * `timeoutSeconds`.
 */
async function receiveUntil(
  sqs: SQSClient,
  queueUrl: string,
  waitSeconds: number,
  timeoutSeconds: number,
  take: (body: Json) => boolean,
  done: () => boolean,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (!done()) {
    if (Date.now() > deadline) throw new SmokeFailure(`${what}: nothing after ${timeoutSeconds} s`);
    const { Messages: messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ['All'],
      }),
      { requestTimeout: longPollRequestTimeoutMs(waitSeconds) },
    );
    for (const m of messages) {
      if (take(bodyOf(m))) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}

function bodyOf(m: Message): Json {
  try {
    const body = JSON.parse(m.Body ?? '') as unknown;
    return typeof body === 'object' && body !== null ? (body as Json) : {};
  } catch {
    return {};
  }
}

/**
 * Reads a recipient's outbound queue until it holds the batch's `batch.completed` and as many
 * distinct `seq` of `batch.records` as it counts (messages.md: the completion may come first).
 */
export async function receiveBatch(
  sqs: SQSClient,
  queueUrl: string,
  recipient: Recipient,
  batchId: string,
  waitSeconds: number,
  timeoutSeconds: number,
): Promise<ReceivedBatch> {
  const bySeq = new Map<number, Json[]>();
  let completed: Json | undefined;
  const done = () => completed !== undefined && bySeq.size === Number(completed.messages);
  await receiveUntil(
    sqs,
    queueUrl,
    waitSeconds,
    timeoutSeconds,
    (body) => {
      if (body.batchId !== batchId) return false;
      if (body.type === 'batch.completed') completed = body;
      else if (body.type === 'batch.records') bySeq.set(Number(body.seq), (body.records as Json[] | undefined) ?? []);
      else return false;
      return true;
    },
    done,
    `${recipient}: batch ${batchId.slice(0, 12)}… not complete (${bySeq.size} records messages${completed ? ` of ${String(completed.messages)}` : ', no batch.completed'})`,
  );
  const records = [...bySeq.entries()].sort(([a], [b]) => a - b).flatMap(([, r]) => r);
  return { recipient, completed: completed as Json, records };
}

/** Sends a `validation.decision` as VDAB or Actiris would, on its inbound queue; returns its ids. */
export async function sendValidation(
  sqs: SQSClient,
  queueUrl: string,
  line: { readonly reference: string; readonly fileNumber: string },
  runId: string,
): Promise<{ messageId: string; decisionId: string }> {
  const now = new Date().toISOString();
  const ids = { messageId: `smoke-msg-${runId}`, decisionId: `smoke-val-${runId}` };
  const message = {
    type: 'validation.decision',
    schemaVersion: 1,
    sentAt: now,
    ...ids,
    reference: line.reference,
    fileNumber: line.fileNumber,
    decision: 'VALIDATED',
    decidedAt: now,
  };
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(message),
      MessageAttributes: { type: { DataType: 'String', StringValue: message.type } },
    }),
  );
  return ids;
}

/** Reads the PPS's outbound queue until the hub forwards the decision `decisionId`. */
export async function receiveForwardedDecision(
  sqs: SQSClient,
  queueUrl: string,
  decisionId: string,
  waitSeconds: number,
  timeoutSeconds: number,
): Promise<Json> {
  let forwarded: Json | undefined;
  await receiveUntil(
    sqs,
    queueUrl,
    waitSeconds,
    timeoutSeconds,
    (body) => {
      if (body.type !== 'validation.decision' || body.decisionId !== decisionId) return false;
      forwarded = body;
      return true;
    },
    () => forwarded !== undefined,
    `PPS: the validation ${decisionId} was not forwarded`,
  );
  return forwarded as Json;
}

/**
 * Sets one of the stage's alarms to ALARM, so that its e-mail is sent; the alarm goes back to its
 * real state at its next evaluation (and sends OK). Returns the alarm's name.
 */
export async function raiseAlarm(cloudWatch: CloudWatchClient, stage: string, runId: string): Promise<string> {
  const prefix = `${hubStackPrefix(stage)}-Stateless-`;
  const { MetricAlarms: alarms = [] } = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: prefix, MaxRecords: 100 }));
  const names = alarms.map((a) => a.AlarmName).filter((n): n is string => n !== undefined);
  const name = names.find((n) => n.endsWith('-RefusedFile')) ?? names[0];
  if (name === undefined) throw new SmokeFailure(`no alarm named ${prefix}*: is the stateless stack deployed?`);
  await cloudWatch.send(
    new SetAlarmStateCommand({
      AlarmName: name,
      StateValue: 'ALARM',
      StateReason: `npm run smoke ${runId}: checking that the alarm e-mail arrives`,
    }),
  );
  return name;
}

/** Runs the whole smoke test, printing each step; throws a {@link SmokeFailure} at the first that fails. */
export async function runSmoke(clients: SmokeClients, options: SmokeOptions, print: (line: string) => void): Promise<void> {
  const runId = options.runId ?? `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomUUID().slice(0, 6)}`;
  const wait = options.receiveWaitSeconds ?? 20;
  const step = async <T>(what: string, run: () => Promise<T>, done: (value: T) => string): Promise<T> => {
    print(`→ ${what}`);
    try {
      const value = await run();
      print(`  ✓ ${done(value)}`);
      return value;
    } catch (error) {
      if (error instanceof SmokeFailure) throw new SmokeFailure(`${what}: ${error.message}`);
      const e = error as Error & { name?: string };
      throw new SmokeFailure(`${what}: ${e.name ?? 'Error'}: ${e.message}`);
    }
  };

  const prefix = hubStackPrefix(options.stage);
  const statefulName = `${prefix}-Stateful`;
  const partiesName = `${prefix}-Parties`;
  const { stateful, parties } = await step(
    `read the outputs of ${statefulName} and ${partiesName}`,
    async () => ({
      stateful: await readStackOutputs(clients.cloudFormation, statefulName),
      parties: await readStackOutputs(clients.cloudFormation, partiesName),
    }),
    (o) => `${Object.keys(o.stateful).length} + ${Object.keys(o.parties).length} outputs`,
  );
  const queueUrl = (spec: QueueSpec) => output(stateful, statefulName, `QueueUrl-${spec.name}`);

  const as = await step(
    'assume the roles that play the parties',
    async () => {
      const entries = await Promise.all(
        SMOKE_PARTIES.map(async (p) => {
          const roleArn = output(parties, partiesName, `RoleArn-${p}`);
          return [
            p,
            clients.asParty(await assumePartyRole(clients.sts, roleArn, `art60-smoke-${p.toLowerCase()}-${runId}`.slice(0, 64))),
          ] as const;
        }),
      );
      return Object.fromEntries(entries) as Record<SmokeParty, ReturnType<SmokeClients['asParty']>>;
    },
    (roles) => Object.keys(roles).join(', '),
  );

  const file = await smokeFile(options.rows, runId);
  const key = `${INBOUND_PREFIX}2025-11/smoke-${runId}.csv`;
  await step(
    `PPS puts ${key} (${options.rows} rows, SSE-KMS with the inbound key, If-None-Match: *)`,
    () =>
      putMonthlyFile(as.PPS.s3, {
        bucket: output(stateful, statefulName, 'BucketName-inbound'),
        key,
        body: file.body,
        inboundKeyArn: output(stateful, statefulName, 'InboundKeyArn'),
      }),
    () => `batch ${file.batchId}`,
  );

  const received: Partial<Record<Recipient, ReceivedBatch>> = {};
  for (const r of RECIPIENTS) {
    received[r] = await step(
      `${r} reads its queue until batch.completed is complete`,
      () => receiveBatch(as[r].sqs, queueUrl(QUEUES.recipientOutbound[r]), r, file.batchId, wait, options.timeoutSeconds),
      (b) =>
        `${String(b.completed.messages)} batch.records messages, ${b.records.length} records (batch.completed says ${String(b.completed.records)})`,
    );
  }

  const line = received.VDAB?.records[0];
  if (line === undefined) throw new SmokeFailure(`VDAB received no line to validate; run again with more --rows`);
  const ids = await step(
    'VDAB sends a validation decision on its inbound queue',
    () =>
      sendValidation(
        as.VDAB.sqs,
        queueUrl(QUEUES.recipientInbound.VDAB),
        { reference: String(line.reference), fileNumber: String(line.fileNumber) },
        runId,
      ),
    (sent) => `decision ${sent.decisionId}`,
  );
  await step(
    'PPS reads the decision on its outbound queue',
    () => receiveForwardedDecision(as.PPS.sqs, queueUrl(QUEUES.ppsOutbound), ids.decisionId, wait, options.timeoutSeconds),
    (d) => `validation.decision ${String(d.decisionId)} from ${String(d.recipient)}: ${String(d.decision)}`,
  );

  await step(
    'set an alarm to ALARM (SetAlarmState), so that its e-mail is sent',
    () => raiseAlarm(clients.cloudWatch, options.stage, runId),
    (name) => `${name}: look for its ALARM e-mail now, and OK at its next evaluation (within minutes)`,
  );
}
