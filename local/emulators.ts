import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildApp } from 'fauxqs';

/**
 * The two in-process emulators behind the local stand-in: fauxqs (S3 and SQS on one port) and
 * dynalite (DynamoDB, in memory). Nothing here knows the hub's topology; `stand-in.ts` does.
 *
 * Every endpoint and queue URL is on 127.0.0.1, which resolves in every process on every system:
 * no `*.localhost` name, no DNS patch, no `/etc/hosts` line. On an IP address endpoint the AWS
 * SDKs and CLIs address S3 buckets path style by themselves (their endpoint rules never put a
 * bucket name in front of an IP), so no client needs an addressing-style setting either.
 */

/** The address every emulator listens on and every URL names: loopback only. */
export const LOOPBACK = '127.0.0.1';

/** The account id fauxqs uses in every ARN and queue URL. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface EmulatorEndpoints {
  /** S3 endpoint, `http://127.0.0.1:<port>`; clients address buckets path style on it. */
  readonly s3: string;
  /** SQS endpoint, the same host and port as every queue URL (`http://127.0.0.1:<port>/000000000000/<name>`). */
  readonly sqs: string;
  readonly dynamodb: string;
}

/** The ports a client reaches the emulators on: their own, or those of something in between (a test's proxy). */
export interface EmulatorPorts {
  readonly fauxqs: number;
  readonly dynalite: number;
}

/** The endpoints of the SDK's standard variables for emulators reached on these ports, all on {@link LOOPBACK}. */
export function endpointsFor(ports: EmulatorPorts): EmulatorEndpoints {
  const fauxqs = `http://${LOOPBACK}:${ports.fauxqs}`;
  return { s3: fauxqs, sqs: fauxqs, dynamodb: `http://${LOOPBACK}:${ports.dynalite}` };
}

export interface RunningEmulators {
  readonly region: string;
  readonly fauxqsPort: number;
  readonly dynalitePort: number;
  readonly endpoints: EmulatorEndpoints;
  /** Stops both servers. Safe to call twice. */
  stop(): Promise<void>;
}

/** fauxqs's three stores, as `buildApp` takes them (its types name the classes it does not export). */
type FauxqsStores = NonNullable<NonNullable<Parameters<typeof buildApp>[0]>['stores']>;

/**
 * fauxqs's stores, built here rather than inside `startFauxqs` so that the SQS store's URL host can
 * be emptied: fauxqs then builds each queue URL from the `Host` its CreateQueue request came to
 * (`127.0.0.1:<port>`), where its only option (`host`) always gives `sqs.<region>.<host>`, a
 * name only systemd-resolved answers. fauxqs exports `buildApp` with a `stores` option but not the
 * store classes, so they are imported from its files (fauxqs is pinned to an exact version).
 */
async function fauxqsStores(region: string): Promise<FauxqsStores> {
  const module = (path: string) => import(new URL(path, import.meta.resolve('fauxqs')).href);
  const [{ SqsStore }, { SnsStore }, { S3Store }] = await Promise.all([
    module('./sqs/sqsStore.js'),
    module('./sns/snsStore.js'),
    module('./s3/s3Store.js'),
  ]);
  const stores: FauxqsStores = { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store: new S3Store() };
  stores.sqsStore.host = '';
  stores.sqsStore.region = region;
  stores.snsStore.region = region;
  return stores;
}

/**
 * Told of each SQS request fauxqs carried out (answered 200), with its operation (`ChangeMessageVisibility`, …)
 * and its parsed JSON body: how the stand-in learns of a visibility a function set.
 */
export type SqsRequestObserver = (operation: string, body: Readonly<Record<string, unknown>>) => void;

async function startFauxqsOnLoopback(
  port: number,
  region: string,
  onSqsRequest: SqsRequestObserver | undefined,
): Promise<{ port: number; stop(): Promise<void> }> {
  const app = buildApp({ logger: false, defaultRegion: region, stores: await fauxqsStores(region) });
  if (onSqsRequest !== undefined) {
    // Before the answer leaves: whoever awaits the request hears of it only after the observer did.
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const target = request.headers['x-amz-target'];
      if (reply.statusCode === 200 && typeof target === 'string' && target.startsWith('AmazonSQS.')) {
        const body = request.body;
        if (typeof body === 'object' && body !== null) onSqsRequest(target.slice('AmazonSQS.'.length), body as Record<string, unknown>);
      }
      return payload;
    });
  }
  await app.listen({ port, host: LOOPBACK });
  const address = app.server.address() as AddressInfo;
  return { port: address.port, stop: () => app.close() };
}

type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }) => Server;

// dynalite is CommonJS without type declarations; this is the one call we make into it.
const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;

async function startDynalite(port: number): Promise<Server> {
  // In memory (no `path`), and tables ACTIVE at once so that setup needs no polling.
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: an unauthenticated database has no business on the network.
    server.listen(port, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

async function stopServer(server: Server): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // The SDK keeps connections alive; do not wait for them to time out.
    server.closeAllConnections();
  });
}

/** Starts fauxqs and dynalite on the given ports (0: any free port), both on 127.0.0.1 only. */
export async function startEmulators(options: {
  fauxqsPort: number;
  dynalitePort: number;
  region: string;
  onSqsRequest?: SqsRequestObserver;
}): Promise<RunningEmulators> {
  const { region } = options;
  const fauxqs = await startFauxqsOnLoopback(options.fauxqsPort, region, options.onSqsRequest);
  let dynamo: Server;
  try {
    dynamo = await startDynalite(options.dynalitePort);
  } catch (error) {
    await fauxqs.stop();
    throw error;
  }
  const dynalitePort = (dynamo.address() as AddressInfo).port;
  let stopped = false;
  return {
    region,
    fauxqsPort: fauxqs.port,
    dynalitePort,
    endpoints: endpointsFor({ fauxqs: fauxqs.port, dynalite: dynalitePort }),
    async stop() {
      if (stopped) return;
      stopped = true;
      const results = await Promise.allSettled([fauxqs.stop(), stopServer(dynamo)]);
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}
