import { createDynamoDbClient, createS3Client, createSqsClient, resetAwsClients } from '../shared/adapters/aws-clients';
import { setFunctionClock } from '../shared/ports';
import { BUCKETS, type BucketSpec, QUEUES, type QueueSpec, SETTINGS_ENV, TABLES, type TableSpec } from '../shared/topology';
import { type CreatedQueue, createTopology } from './emulated-topology';
import { type EmulatorEndpoints, type EmulatorPorts, endpointsFor, type RunningEmulators, startEmulators } from './emulators';
import { EnvironmentChanges } from './environment-changes';
import { type DrainOptions, EventSourceMappings, type LocalFunction, wireFunctions } from './event-source-mapping';
import { type ReceivedMessage, receiveAll } from './receive-all';
import { NewObjectNotifier } from './s3-notification';
import { offsetClock, type StandInClock } from './stand-in-clock';
import { clientEnvironment, DEFAULT_REGION, functionEnvironment, LOCAL_CREDENTIALS } from './stand-in-environment';

/**
 * The local stand-in of the hub's AWS account: the topology of shared/topology.ts created in
 * fauxqs (S3, SQS) and dynalite (DynamoDB), the functions' environment set in `process.env`, and
 * the two things AWS does that the emulators do not: S3 event notifications to SQS
 * (`notifyNewObjects`) and Lambda's SQS event source mappings (`drain`). The functions run
 * unchanged: they reach the emulators through the standard `AWS_ENDPOINT_URL_*` variables.
 */

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
  /**
   * The clock on which the event source mappings play visibility timeouts, and which the functions
   * read (their clock, shared/ports.ts): by default the process's clock plus what `advance()` added.
   */
  readonly clock?: StandInClock;
  /**
   * Puts something between the functions and the emulators (a test's fault-injecting proxy):
   * called once the emulators run, with their ports, it answers the ports the functions reach
   * them on. The functions' endpoint variables and queue URLs name those ports; the stand-in's
   * own clients (S3 notifications, event source mappings, `receiveAll`) keep the emulators' own.
   * By default the functions reach the emulators directly.
   */
  readonly routeFunctions?: (emulators: EmulatorPorts) => Promise<EmulatorPorts>;
}

export interface LocalStandIn {
  readonly region: string;
  /** The emulators' own endpoints. */
  readonly endpoints: EmulatorEndpoints;
  /** The endpoints the functions reach the emulators on (in `process.env`): `endpoints` unless `routeFunctions` moved them. */
  readonly functionEndpoints: EmulatorEndpoints;
  queueUrl(spec: QueueSpec): string;
  queueArn(spec: QueueSpec): string;
  tableName(spec: TableSpec): string;
  bucketName(spec: BucketSpec): string;
  /** Every variable the functions read: queue URLs and ARNs (DLQs too), buckets, tables, settings. */
  readonly functionEnv: Record<string, string>;
  /**
   * Everything a client in another process needs, as environment variables: region (both names),
   * credentials, the three endpoints, the laptop's disclosure key, the recipients' KBOs, and every
   * queue URL (DLQs too), bucket and table under the names the operator scripts read. What
   * `npm run local` prints as lines to paste.
   */
  readonly clientEnv: Record<string, string>;
  /** Plays S3's ObjectCreated:Put notification for each object of the inbound bucket not yet notified. */
  notifyNewObjects(): Promise<number>;
  /**
   * Plays the event source mappings until a whole round receives nothing from any trigger queue.
   * A failed message stays invisible for its queue's visibility timeout on the stand-in's clock
   * (`advance()` it, or `waitForRetries`); after `maxReceiveCount` receives it is dead-lettered.
   */
  drain(options?: DrainOptions): Promise<void>;
  /** The stand-in's clock, in milliseconds since the epoch. */
  now(): number;
  /** Moves the stand-in's clock forward: failed messages whose visibility timeout has passed are received again. */
  advance(ms: number): void;
  /** Receives and deletes every message of a queue, as the party that polls it would. */
  receiveAll(spec: QueueSpec): Promise<ReceivedMessage[]>;
  /** Stops both emulators, restores the environment as it was. */
  stop(): Promise<void>;
}

let running = false;

/**
 * Starts the local stand-in: both emulators, every bucket, queue (with its dead-letter queue and
 * redrive policy) and table of the topology, and the environment for the unchanged SDK clients
 * and functions. One per process, since it owns `process.env`; `stop()` it before starting
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
      setFunctionClock(undefined);
      env.restore();
      resetAwsClients();
      running = false;
    }
  };

  // One clock for SQS's visibility timeouts and for the functions: a retry delivered a visibility
  // timeout later finds the lease of the attempt before it run out, as it does in AWS.
  const clock = options.clock ?? offsetClock();
  setFunctionClock(() => new Date(clock.now()));
  let mappings: EventSourceMappings | undefined;
  try {
    emulators = await startEmulators({
      fauxqsPort: options.ports?.fauxqs ?? 0,
      dynalitePort: options.ports?.dynalite ?? 0,
      region,
      onSqsRequest: (operation, body) => mappings?.observeSqsRequest(operation, body),
    });
    const { endpoints } = emulators;
    const functionPorts = await options.routeFunctions?.({ fauxqs: emulators.fauxqsPort, dynalite: emulators.dynalitePort });
    const functionEndpoints = functionPorts === undefined ? endpoints : endpointsFor(functionPorts);

    // What the unchanged clients of shared/adapters/aws-clients.ts read: region, credentials and
    // the standard per-service endpoint variables (no client options anywhere).
    env.set('AWS_REGION', region);
    env.set('AWS_DEFAULT_REGION', region);
    env.set('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    env.set('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    env.unset('AWS_SESSION_TOKEN');
    env.unset('AWS_PROFILE');
    env.unset('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS');
    env.set('AWS_ENDPOINT_URL_S3', functionEndpoints.s3);
    env.set('AWS_ENDPOINT_URL_SQS', functionEndpoints.sqs);
    env.set('AWS_ENDPOINT_URL_DYNAMODB', functionEndpoints.dynamodb);
    env.set('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
    resetAwsClients();

    // The stand-in's own clients name the emulators explicitly, so they never depend on the
    // environment; they retry as every client of the hub does (aws-clients.ts).
    const common = { region, credentials: LOCAL_CREDENTIALS };
    const s3 = createS3Client({ ...common, endpoint: endpoints.s3 });
    const sqs = createSqsClient({ ...common, endpoint: endpoints.sqs });
    const dynamo = createDynamoDbClient({ ...common, endpoint: endpoints.dynamodb });
    clients.push(s3, sqs, dynamo);

    const queues = await createTopology({ s3, sqs, dynamo });
    const lookupQueue = (spec: QueueSpec): CreatedQueue => {
      const found = queues.get(spec.name);
      if (found === undefined) throw new Error(`Queue ${spec.name} is not part of the topology`);
      return found;
    };

    // The SDK sends an SQS request to the host of its queue URL: the functions' URLs name their port.
    const functionQueue = (spec: QueueSpec): CreatedQueue => {
      const queue = lookupQueue(spec);
      if (functionPorts === undefined) return queue;
      const url = new URL(queue.url);
      url.port = String(functionPorts.fauxqs);
      return { ...queue, url: url.href };
    };
    const functionEnv = functionEnvironment(functionQueue, options.metrics ?? 'disabled');
    // On the laptop the key is in DISCLOSURE_KEY_LOCAL; a parameter name left over from elsewhere
    // would send a function to SSM, which has no local emulator.
    env.unset(SETTINGS_ENV.disclosureKeyParameter);
    for (const [name, value] of Object.entries(functionEnv)) env.set(name, value);

    // Imported only now: the logger and metrics read their settings from the environment on import.
    const { logger } = await import('../shared/observability');

    const notifier = new NewObjectNotifier({
      s3,
      sqs,
      region,
      bucket: BUCKETS.inbound.name,
      queueUrl: lookupQueue(QUEUES.batchNotifications).url,
    });
    mappings = new EventSourceMappings({
      sqs,
      region,
      queue: lookupQueue,
      functions: wireFunctions(options.functions ?? 'all'),
      logger,
      clock,
    });

    const eventSources = mappings;
    let stopped = false;
    return {
      region,
      endpoints,
      functionEndpoints,
      functionEnv,
      clientEnv: clientEnvironment(region, endpoints, functionEnv),
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
      notifyNewObjects: () => notifier.notifyNewObjects(),
      drain: (drainOptions) => eventSources.drain(drainOptions),
      now: () => clock.now(),
      advance: (ms) => clock.advance(ms),
      receiveAll: (spec) => receiveAll(sqs, lookupQueue(spec).url),
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
