import { type AttributeDefinition, CreateTableCommand, DynamoDBClient, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { type _Object, CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { resetAwsClients } from '../shared/adapters/aws-clients';
import {
  allQueues,
  BUCKETS,
  type BucketSpec,
  deadLetterQueueOf,
  FUNCTIONS,
  type FunctionSpec,
  QUEUES,
  type QueueSpec,
  SETTINGS_ENV,
  TABLES,
  type TableSpec,
} from '../shared/topology';
import { type RunningEmulators, startEmulators } from './emulators';
import { type InvocationOutcome, lambdaContextFor, outcomeOf, sqsEventOf } from './event-source';
import { objectCreatedEvent } from './s3-notification';

/**
 * The local stand-in of the hub's AWS account: the topology of shared/topology.ts created in
 * fauxqs (S3, SQS) and dynalite (DynamoDB), the functions' environment set in `process.env`, and
 * the two things AWS does that the emulators do not: S3 event notifications to SQS
 * (`notifyNewObjects`) and Lambda's SQS event source mappings (`drain`). The functions run
 * unchanged: they reach the emulators through the standard `AWS_ENDPOINT_URL_*` variables.
 */

export const DEFAULT_REGION = 'eu-west-1';

/** The ports `npm run local` uses unless LOCAL_FAUXQS_PORT / LOCAL_DYNALITE_PORT say otherwise. */
export const FIXED_PORTS = { fauxqs: 4566, dynalite: 4567 } as const;

/**
 * Enterprise numbers (KBO/BCE) of the returning recipients on the laptop. Valid by the
 * §4 checksum; the stand-in's test proves it. Configuration of the AWS stages is the CDK app's.
 */
export const LOCAL_RECIPIENT_KBOS = { VDAB: '0887010362', ACTIRIS: '0242220579' } as const;

/**
 * The disclosure HMAC key on the laptop (64 hex characters = 32 bytes). It is not a secret: it is
 * published in the repository, protects synthetic data only and is never set in AWS, where the key
 * comes from SSM (DISCLOSURE_KEY_PARAMETER).
 */
export const LOCAL_DISCLOSURE_KEY = 'be822d7fb77fdcb7216a3ef7a0afa85169dbbbdd3eea4ed27252096566b08ea6';

/** Dummy credentials: the emulators accept any and check none. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** SQS allows at most 10 messages per ReceiveMessage, DeleteMessageBatch and ChangeMessageVisibilityBatch. */
const SQS_BATCH_MAX = 10;

export type LocalHandler = (event: SQSEvent, context: Context) => Promise<unknown>;

/** A function wired to its triggers with a handler given in code (tests), not loaded from its entry. */
export interface LocalFunction {
  readonly spec: FunctionSpec;
  readonly handler: LocalHandler;
}

export interface LocalStandInOptions {
  /** Ports of fauxqs and dynalite; by default any free ports. */
  readonly ports?: { readonly fauxqs: number; readonly dynalite: number };
  /** Default `eu-west-1`. */
  readonly region?: string;
  /**
   * Which functions `drain()` invokes: `'all'` (default) the topology's FUNCTIONS, each loaded
   * from its entry module on first use; `'none'`; or the given functions and handlers instead.
   */
  readonly functions?: 'all' | 'none' | readonly LocalFunction[];
  /**
   * Powertools metrics: `'disabled'` (default; POWERTOOLS_METRICS_DISABLED=true, nothing written)
   * or `'emf'`, the CloudWatch embedded-metric-format lines that Lambda would ship, on stdout.
   */
  readonly metrics?: 'disabled' | 'emf';
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly body: string;
  /** Message attributes (e.g. `type`), as strings; binary ones base64. */
  readonly attributes: Record<string, string>;
}

export interface LocalStandIn {
  readonly region: string;
  readonly endpoints: { readonly s3: string; readonly sqs: string; readonly dynamodb: string };
  queueUrl(spec: QueueSpec): string;
  queueArn(spec: QueueSpec): string;
  tableName(spec: TableSpec): string;
  bucketName(spec: BucketSpec): string;
  /** Every variable the functions read: queue URLs and ARNs (DLQs too), buckets, tables, settings. */
  readonly functionEnv: Record<string, string>;
  /** Plays S3's ObjectCreated:Put notification for each object of the inbound bucket not yet notified. */
  notifyNewObjects(): Promise<number>;
  /** Plays the event source mappings until a whole round receives nothing from any trigger queue. */
  drain(options?: { maxRounds?: number }): Promise<void>;
  /** Receives and deletes every message of a queue, as the party that polls it would. */
  receiveAll(spec: QueueSpec): Promise<ReceivedMessage[]>;
  /** Stops both emulators, restores DNS and the environment as they were. */
  stop(): Promise<void>;
}

interface WiredFunction {
  readonly spec: FunctionSpec;
  load(): Promise<LocalHandler>;
}

/** Every queue the stand-in creates: each topology queue and its dead-letter queue. */
export function localQueues(): QueueSpec[] {
  return allQueues().flatMap((spec) => [spec, deadLetterQueueOf(spec)]);
}

/**
 * Imports a function's entry module (path relative to the project root) and returns its
 * `handler`. Only `handler` is used: the stand-in knows nothing else of a function.
 */
export async function loadFunctionHandler(spec: FunctionSpec): Promise<LocalHandler> {
  const url = new URL(`../${spec.entry}`, import.meta.url).href;
  const module = (await import(url)) as { handler?: unknown };
  if (typeof module.handler !== 'function') throw new Error(`${spec.entry} exports no handler function`);
  return module.handler as LocalHandler;
}

function wire(functions: LocalStandInOptions['functions']): WiredFunction[] {
  if (functions === 'none') return [];
  if (functions === undefined || functions === 'all') {
    return Object.values(FUNCTIONS).map((spec): WiredFunction => {
      let loaded: Promise<LocalHandler> | undefined;
      return {
        spec,
        load: () => {
          // Imported on first message, after the environment is set: modules read it on import.
          loaded ??= loadFunctionHandler(spec).catch((error: unknown) => {
            loaded = undefined; // a failed import is tried again on the next message
            throw error;
          });
          return loaded;
        },
      };
    });
  }
  return functions.map(({ spec, handler }) => ({ spec, load: async () => handler }));
}

function tableDefinition(spec: TableSpec): CreateTableCommand {
  const keys = (partitionKey: string, sortKey?: string): KeySchemaElement[] => [
    { AttributeName: partitionKey, KeyType: 'HASH' },
    ...(sortKey === undefined ? [] : [{ AttributeName: sortKey, KeyType: 'RANGE' as const }]),
  ];
  const indexes = spec.globalIndexes ?? [];
  const attributeNames = new Set<string>();
  for (const key of [spec.partitionKey, spec.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    if (key !== undefined) attributeNames.add(key);
  }
  const attributeDefinitions: AttributeDefinition[] = [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
  return new CreateTableCommand({
    TableName: spec.name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions,
    KeySchema: keys(spec.partitionKey, spec.sortKey),
    ...(indexes.length === 0
      ? {}
      : {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keys(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
  });
}

function queueAttributes(spec: QueueSpec, deadLetterArn: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {
    MessageRetentionPeriod: String(spec.retentionSeconds),
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    // Short polling: the stand-in and tests must never wait on an empty queue.
    ReceiveMessageWaitTimeSeconds: '0',
  };
  if (deadLetterArn !== undefined) {
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: spec.maxReceiveCount });
  }
  return attributes;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function messageAttributesAsStrings(message: Message): Record<string, string> {
  return Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
      name,
      value.StringValue ?? (value.BinaryValue === undefined ? '' : Buffer.from(value.BinaryValue).toString('base64')),
    ]),
  );
}

/** Sets and restores process environment variables, remembering each one's value before the first change. */
class EnvironmentChanges {
  readonly #previous = new Map<string, string | undefined>();

  set(name: string, value: string): void {
    if (!this.#previous.has(name)) this.#previous.set(name, process.env[name]);
    process.env[name] = value;
  }

  unset(name: string): void {
    if (!this.#previous.has(name)) this.#previous.set(name, process.env[name]);
    delete process.env[name];
  }

  restore(): void {
    for (const [name, value] of this.#previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.#previous.clear();
  }
}

let running = false;

/**
 * Starts the local stand-in: both emulators, every bucket, queue (with its dead-letter queue and
 * redrive policy) and table of the topology, and the environment for the unchanged SDK clients
 * and functions. One per process, since it owns `process.env` and DNS; `stop()` it before starting
 * another.
 */
export async function startLocalStandIn(options: LocalStandInOptions = {}): Promise<LocalStandIn> {
  if (running) throw new Error('A local stand-in is already running in this process; stop() it first');
  running = true;
  const region = options.region ?? DEFAULT_REGION;
  const env = new EnvironmentChanges();
  let emulators: RunningEmulators | undefined;
  const clients: Array<{ destroy(): void }> = [];
  const release = async (): Promise<void> => {
    for (const client of clients) client.destroy();
    try {
      await emulators?.stop();
    } finally {
      env.restore();
      resetAwsClients();
      running = false;
    }
  };

  try {
    emulators = await startEmulators({
      fauxqsPort: options.ports?.fauxqs ?? 0,
      dynalitePort: options.ports?.dynalite ?? 0,
      region,
    });
    const { endpoints } = emulators;

    // What the unchanged clients of shared/adapters/aws-clients.ts read: region, credentials and
    // the standard per-service endpoint variables (no client options anywhere).
    env.set('AWS_REGION', region);
    env.set('AWS_DEFAULT_REGION', region);
    env.set('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    env.set('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    env.unset('AWS_SESSION_TOKEN');
    env.unset('AWS_PROFILE');
    env.unset('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS');
    env.set('AWS_ENDPOINT_URL_S3', endpoints.s3);
    env.set('AWS_ENDPOINT_URL_SQS', endpoints.sqs);
    env.set('AWS_ENDPOINT_URL_DYNAMODB', endpoints.dynamodb);
    env.set('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
    resetAwsClients();

    // The stand-in's own clients, configured explicitly so they never depend on the environment.
    const common = { region, credentials: LOCAL_CREDENTIALS };
    const s3 = new S3Client({ ...common, endpoint: endpoints.s3 });
    const sqs = new SQSClient({ ...common, endpoint: endpoints.sqs });
    const dynamo = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
    clients.push(s3, sqs, dynamo);

    for (const bucket of Object.values(BUCKETS)) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket.name }));
    }

    const queues = new Map<string, { url: string; arn: string }>();
    const createQueue = async (spec: QueueSpec, deadLetter: QueueSpec | undefined): Promise<void> => {
      const deadLetterArn = deadLetter === undefined ? undefined : queues.get(deadLetter.name)?.arn;
      const created = await sqs.send(new CreateQueueCommand({ QueueName: spec.name, Attributes: queueAttributes(spec, deadLetterArn) }));
      const url = created.QueueUrl;
      if (url === undefined) throw new Error(`CreateQueue ${spec.name} returned no URL`);
      const { Attributes: attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      const arn = attributes?.QueueArn;
      if (arn === undefined) throw new Error(`Queue ${spec.name} has no ARN`);
      queues.set(spec.name, { url, arn });
    };
    for (const spec of allQueues()) {
      const deadLetter = deadLetterQueueOf(spec);
      await createQueue(deadLetter, undefined);
      await createQueue(spec, deadLetter);
    }

    for (const table of Object.values(TABLES)) {
      await dynamo.send(tableDefinition(table));
    }

    const lookupQueue = (spec: QueueSpec): { url: string; arn: string } => {
      const found = queues.get(spec.name);
      if (found === undefined) throw new Error(`Queue ${spec.name} is not part of the topology`);
      return found;
    };

    const functionEnv: Record<string, string> = {};
    for (const spec of localQueues()) {
      const { url, arn } = lookupQueue(spec);
      functionEnv[spec.urlEnv] = url;
      functionEnv[spec.arnEnv] = arn;
    }
    for (const bucket of Object.values(BUCKETS)) functionEnv[bucket.env] = bucket.name;
    for (const table of Object.values(TABLES)) functionEnv[table.env] = table.name;
    functionEnv[SETTINGS_ENV.maxRejectedShare] = '0.05';
    functionEnv[SETTINGS_ENV.recipientKbos] = JSON.stringify(LOCAL_RECIPIENT_KBOS);
    functionEnv[SETTINGS_ENV.disclosureKeyLocal] = LOCAL_DISCLOSURE_KEY;
    functionEnv[SETTINGS_ENV.refusedMessageRetentionDays] = '30';
    functionEnv.POWERTOOLS_SERVICE_NAME = 'art60-hub';
    functionEnv.POWERTOOLS_METRICS_NAMESPACE = 'Art60Hub';
    functionEnv.POWERTOOLS_METRICS_DISABLED = options.metrics === 'emf' ? 'false' : 'true';
    Object.freeze(functionEnv);
    // On the laptop the key is in DISCLOSURE_KEY_LOCAL; a parameter name left over from elsewhere
    // would send a function to SSM, which has no local emulator.
    env.unset(SETTINGS_ENV.disclosureKeyParameter);
    for (const [name, value] of Object.entries(functionEnv)) env.set(name, value);

    // Imported only now: the logger and metrics read their settings from the environment on import.
    const { logger } = await import('../shared/observability');

    const notified = new Set<string>();
    const notifyNewObjects = async (): Promise<number> => {
      const objects: _Object[] = [];
      let continuationToken: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKETS.inbound.name, ContinuationToken: continuationToken }));
        objects.push(...(page.Contents ?? []));
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken !== undefined);
      // Oldest first, as S3 would have sent them. An object is identified by key, ETag and time:
      // a put of the same bytes under the same key again is a new event in S3 too.
      objects.sort((a, b) => (a.LastModified?.getTime() ?? 0) - (b.LastModified?.getTime() ?? 0));
      let sent = 0;
      for (const object of objects) {
        if (object.Key === undefined || object.ETag === undefined) continue;
        const identity = JSON.stringify([object.Key, object.ETag, object.LastModified?.toISOString() ?? null]);
        if (notified.has(identity)) continue;
        const event = objectCreatedEvent({
          region,
          bucket: BUCKETS.inbound.name,
          key: object.Key,
          size: object.Size ?? 0,
          eTag: object.ETag,
          eventTime: object.LastModified ?? new Date(),
        });
        await sqs.send(
          new SendMessageCommand({ QueueUrl: lookupQueue(QUEUES.batchNotifications).url, MessageBody: JSON.stringify(event) }),
        );
        notified.add(identity);
        sent += 1;
      }
      return sent;
    };

    const settle = async (queue: QueueSpec, messages: readonly Message[], outcome: InvocationOutcome): Promise<void> => {
      const { url } = lookupQueue(queue);
      const failed = new Set(outcome.kind === 'failed' ? messages.map((m) => m.MessageId) : outcome.failed);
      const done = messages.filter((m) => !failed.has(m.MessageId));
      const retry = messages.filter((m) => failed.has(m.MessageId));
      for (const batch of chunks(done, SQS_BATCH_MAX)) {
        const result = await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        if ((result.Failed ?? []).length > 0)
          logger.warn('Local event source: delete failed', { queue: queue.name, failed: result.Failed });
      }
      // Lambda leaves a failed record invisible for the queue's visibility timeout; locally it is
      // made visible at once so the next round retries it, and the redrive policy still counts
      // every receive towards the dead-letter queue.
      for (const batch of chunks(retry, SQS_BATCH_MAX)) {
        await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: url,
            Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 })),
          }),
        );
      }
    };

    const invoke = async (fn: WiredFunction, queue: QueueSpec, messages: readonly Message[]): Promise<void> => {
      const event = sqsEventOf(messages, lookupQueue(queue).arn, region);
      const context = lambdaContextFor(fn.spec, region);
      let outcome: InvocationOutcome;
      try {
        const handler = await fn.load();
        outcome = outcomeOf(await handler(event, context), event);
        if (outcome.kind === 'failed') {
          logger.error('Local event source: unusable batch response, whole batch fails', {
            function: fn.spec.name,
            queue: queue.name,
            reason: outcome.reason,
          });
        }
      } catch (error) {
        // Lambda logs the error and retries the whole batch; so does the stand-in.
        outcome = { kind: 'failed', reason: 'handler threw' };
        logger.error('Local event source: invocation failed, whole batch fails', { function: fn.spec.name, queue: queue.name, error });
      }
      await settle(queue, messages, outcome);
    };

    const wired = wire(options.functions);
    const drain = async (drainOptions: { maxRounds?: number } = {}): Promise<void> => {
      const maxRounds = drainOptions.maxRounds ?? 1000;
      for (let round = 0; round < maxRounds; round += 1) {
        let received = 0;
        for (const fn of wired) {
          for (const queue of fn.spec.triggers) {
            const { Messages: messages = [] } = await sqs.send(
              new ReceiveMessageCommand({
                QueueUrl: lookupQueue(queue).url,
                MaxNumberOfMessages: Math.min(fn.spec.batchSize, SQS_BATCH_MAX),
                MessageAttributeNames: ['All'],
                MessageSystemAttributeNames: ['All'],
                WaitTimeSeconds: 0,
              }),
            );
            if (messages.length === 0) continue;
            received += messages.length;
            await invoke(fn, queue, messages);
          }
        }
        if (received === 0) return;
      }
      throw new Error(`drain(): trigger queues still had messages after ${maxRounds} rounds`);
    };

    const receiveAll = async (spec: QueueSpec): Promise<ReceivedMessage[]> => {
      const { url } = lookupQueue(spec);
      const received: ReceivedMessage[] = [];
      for (;;) {
        const { Messages: messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: SQS_BATCH_MAX,
            MessageAttributeNames: ['All'],
            WaitTimeSeconds: 0,
          }),
        );
        if (messages.length === 0) return received;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        for (const m of messages) {
          received.push({ messageId: m.MessageId ?? '', body: m.Body ?? '', attributes: messageAttributesAsStrings(m) });
        }
      }
    };

    let stopped = false;
    return {
      region,
      endpoints,
      functionEnv,
      queueUrl: (spec) => lookupQueue(spec).url,
      queueArn: (spec) => lookupQueue(spec).arn,
      tableName: (spec) => {
        if (!Object.values(TABLES).some((t) => t.name === spec.name)) throw new Error(`Table ${spec.name} is not part of the topology`);
        return spec.name;
      },
      bucketName: (spec) => {
        if (!Object.values(BUCKETS).some((b) => b.name === spec.name)) throw new Error(`Bucket ${spec.name} is not part of the topology`);
        return spec.name;
      },
      notifyNewObjects,
      drain,
      receiveAll,
      async stop() {
        if (stopped) return;
        stopped = true;
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}
