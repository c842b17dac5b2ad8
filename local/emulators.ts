import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type FauxqsServer, interceptLocalhostDns, startFauxqs } from 'fauxqs';

/**
 * The two in-process emulators behind the local stand-in: fauxqs (S3 and SQS on one port) and
 * dynalite (DynamoDB, in memory). Nothing here knows the hub's topology; `stand-in.ts` does.
 */

/** Host in every fauxqs queue URL (`http://sqs.<region>.localhost:<port>/…`), fixed so URLs do not depend on who asked. */
export const FAUXQS_HOST = 'localhost';

/** The account id fauxqs uses in every ARN and queue URL. */
export const LOCAL_ACCOUNT_ID = '000000000000';

export interface EmulatorEndpoints {
  /** S3 endpoint; the SDK addresses buckets virtual-host style (`<bucket>.s3.localhost`). */
  readonly s3: string;
  /** SQS endpoint, on the same host as the queue URLs so the SDK sees no mismatch. */
  readonly sqs: string;
  readonly dynamodb: string;
}

/** The ports a client reaches the emulators on: their own, or those of something in between (a test's proxy). */
export interface EmulatorPorts {
  readonly fauxqs: number;
  readonly dynalite: number;
}

/** The endpoints of the SDK's standard variables for emulators reached on these ports. */
export function endpointsFor(region: string, ports: EmulatorPorts): EmulatorEndpoints {
  return {
    s3: `http://s3.${FAUXQS_HOST}:${ports.fauxqs}`,
    sqs: `http://sqs.${region}.${FAUXQS_HOST}:${ports.fauxqs}`,
    dynamodb: `http://localhost:${ports.dynalite}`,
  };
}

export interface RunningEmulators {
  readonly region: string;
  readonly fauxqsPort: number;
  readonly dynalitePort: number;
  readonly endpoints: EmulatorEndpoints;
  /** Stops both servers and gives DNS back its own `dns.lookup`. Safe to call twice. */
  stop(): Promise<void>;
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
    server.listen(port, '127.0.0.1', () => {
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

/**
 * Starts fauxqs and dynalite on the given ports (0: any free port) and makes `*.localhost`
 * resolve to 127.0.0.1 in this process, so that virtual-host style S3 (`inbound.s3.localhost`)
 * and `sqs.<region>.localhost` queue URLs reach fauxqs without client options.
 */
export async function startEmulators(options: { fauxqsPort: number; dynalitePort: number; region: string }): Promise<RunningEmulators> {
  const { region } = options;
  const fauxqs: FauxqsServer = await startFauxqs({
    port: options.fauxqsPort,
    host: FAUXQS_HOST,
    defaultRegion: region,
    logger: false,
  });
  let dynamo: Server;
  try {
    dynamo = await startDynalite(options.dynalitePort);
  } catch (error) {
    await fauxqs.stop();
    throw error;
  }
  const restoreDns = interceptLocalhostDns(FAUXQS_HOST);
  const dynalitePort = (dynamo.address() as AddressInfo).port;
  let stopped = false;
  return {
    region,
    fauxqsPort: fauxqs.port,
    dynalitePort,
    endpoints: endpointsFor(region, { fauxqs: fauxqs.port, dynalite: dynalitePort }),
    async stop() {
      if (stopped) return;
      stopped = true;
      restoreDns();
      const results = await Promise.allSettled([fauxqs.stop(), stopServer(dynamo)]);
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
  };
}
