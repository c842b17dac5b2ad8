import { createHash } from 'node:crypto';
import { Agent, createServer, type IncomingHttpHeaders, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { crc32 } from 'node:zlib';
import type { EmulatorPorts } from '../../local/emulators';

/**
 * A seeded fault-injecting HTTP proxy between the unchanged handlers and the local stand-in's
 * services (fauxqs for S3 and SQS, dynalite for DynamoDB), at the HTTP level so that a lost answer
 * is really lost: the service applied the request and the client never heard. Only the endpoint
 * differs for the code under test (`startLocalStandIn({ routeFunctions })`).
 *
 * Each request is faulted or not by the SHA-256 of (seed, service, operation, how many requests of
 * that operation came before): the same seed makes the same decisions for the same sequence of
 * requests of each operation, whatever the order of requests of different operations. A faulted
 * request gets the kinds in turn (per service, from an offset the seed gives), so that every
 * service sees every kind once it sees a few faults. Concurrent requests of one operation (the
 * ledger's BatchWriteItem calls run eight at once) may swap places between runs; everything else
 * of a run is reproducible from its seed.
 */

export type Service = 's3' | 'sqs' | 'dynamodb';

/**
 * - `throttle`: the service's own throttling answer, not forwarded (SQS `ThrottlingException` with
 *   or without the query-compatible `RequestThrottled` code, S3 `SlowDown` 503, DynamoDB
 *   `ProvisionedThroughputExceededException` or `ThrottlingException` 400);
 * - `server-error`: a 500 in the service's format, not forwarded;
 * - `drop-before`: the connection closed before the service saw the request;
 * - `drop-after`: the service processed the request, then the connection closed (the answer lost);
 * - `partial`: `SendMessageBatch` and `BatchWriteItem` only: some entries are not forwarded and the
 *   answer reports them failed (`Failed`, `UnprocessedItems`), as the services do under load.
 */
export type FaultKind = 'throttle' | 'server-error' | 'drop-before' | 'drop-after' | 'partial';
export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'server-error', 'drop-before', 'drop-after', 'partial'];

/** A request as the proxy saw it. */
export interface ProxiedCall {
  readonly service: Service;
  /** The API operation: `SendMessageBatch`, `BatchWriteItem`, `PutObject`, … */
  readonly operation: string;
  /** The bucket, the table or the queue's name the request is about, when it names one. */
  readonly resource: string | undefined;
  /** 1 for the first request of this operation, and so on (retries count). */
  readonly n: number;
  /** The request's body as text. */
  readonly body: string;
}

/** Where a held request stops: before it is forwarded, or once the service answered (the answer kept back). */
export type HoldPoint = 'before' | 'after';

export interface FaultProxyOptions {
  seed: number;
  /** Share of requests faulted, in [0, 1]; 0 forwards everything untouched. */
  readonly rate: number;
  readonly upstream: EmulatorPorts;
}

interface HoldRule {
  readonly matches: (call: ProxiedCall) => boolean;
  readonly at: HoldPoint;
  readonly held: (call: ProxiedCall) => void;
}

const BATCH_OPERATIONS = new Set(['SendMessageBatch', 'BatchWriteItem']);

/** A uniform number in [0, 1) from four bytes of a digest. */
function unit(digest: Buffer, offset: number): number {
  return digest.readUInt32BE(offset) / 2 ** 32;
}

function operationOf(service: Service, req: IncomingMessage, url: URL): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.indexOf('.') + 1);
  // Path style, as the SDK addresses S3 on an IP endpoint: `/<bucket>/<key>`.
  const hasKey = url.pathname.split('/').filter(Boolean).length > 1;
  switch (req.method) {
    case 'GET':
      return hasKey ? 'GetObject' : url.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    case 'PUT':
      return hasKey ? 'PutObject' : 'CreateBucket';
    case 'POST':
      return url.searchParams.has('delete') ? 'DeleteObjects' : `POST ${service}`;
    case 'HEAD':
      return hasKey ? 'HeadObject' : 'HeadBucket';
    case 'DELETE':
      return hasKey ? 'DeleteObject' : 'DeleteBucket';
    default:
      return `${req.method} ${service}`;
  }
}

function resourceOf(service: Service, url: URL, body: string): string | undefined {
  // Path style, as the SDK addresses S3 on an IP endpoint: the bucket is the path's first segment.
  if (service === 's3') return url.pathname.split('/').filter(Boolean)[0];
  try {
    const parsed = JSON.parse(body) as { TableName?: string; QueueUrl?: string; RequestItems?: Record<string, unknown> };
    if (parsed.QueueUrl !== undefined) return parsed.QueueUrl.slice(parsed.QueueUrl.lastIndexOf('/') + 1);
    return parsed.TableName ?? Object.keys(parsed.RequestItems ?? {})[0];
  } catch {
    return undefined;
  }
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The error answer a service gives, in its own wire format. */
function errorAnswer(service: Service, kind: 'throttle' | 'server-error', variant: number): Answer {
  const json = (status: number, type: string, message: string, extra: Record<string, string> = {}): Answer => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', ...extra },
    body: Buffer.from(JSON.stringify({ __type: type, message })),
  });
  if (service === 's3') {
    const [status, code, message] =
      kind === 'throttle'
        ? [503, 'SlowDown', 'Please reduce your request rate.']
        : [500, 'InternalError', 'We encountered an internal error. Please try again.'];
    return {
      status,
      headers: { 'content-type': 'application/xml' },
      body: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULT</RequestId></Error>`,
      ),
    };
  }
  if (service === 'sqs') {
    if (kind === 'server-error')
      return json(500, 'com.amazonaws.sqs#InternalError', 'Internal error', { 'x-amzn-query-error': 'InternalError;Receiver' });
    // SQS's JSON protocol names the throttling ThrottlingException; query-compatible clients read
    // the legacy code RequestThrottled from x-amzn-query-error. Both are throttling to the SDK.
    return variant < 0.5
      ? json(400, 'com.amazonaws.sqs#ThrottlingException', 'Rate exceeded', { 'x-amzn-query-error': 'RequestThrottled;Sender' })
      : json(400, 'com.amazonaws.sqs#ThrottlingException', 'Rate exceeded');
  }
  if (kind === 'server-error') return json(500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error');
  return variant < 0.5
    ? json(
        400,
        'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      )
    : json(400, 'com.amazon.coral.availability#ThrottlingException', 'Rate of requests exceeds the allowed throughput.');
}

/** Which entries of a batch call fail: each with one chance in two, at least one. */
function failingEntries(count: number, digest: Buffer): Set<number> {
  const failing = new Set<number>();
  for (let i = 0; i < count; i += 1) if ((digest[12 + (i % 20)] ?? 0) % 2 === 0) failing.add(i);
  if (failing.size === 0) failing.add((digest[11] ?? 0) % count);
  return failing;
}

/**
 * A partial failure of a batch call: the request without the failing entries, and a rewrite of
 * the service's answer that reports them failed.
 */
function partialFailure(
  operation: string,
  body: string,
  digest: Buffer,
): { forward: string | undefined; rewrite: (answer: string) => string; failed: number } | undefined {
  const parsed = JSON.parse(body) as Record<string, unknown>;
  if (operation === 'SendMessageBatch') {
    const entries = parsed.Entries as Array<{ Id: string }>;
    const failing = failingEntries(entries.length, digest);
    const kept = entries.filter((_, i) => !failing.has(i));
    const failed = entries
      .filter((_, i) => failing.has(i))
      .map((e) => ({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'injected' }));
    return {
      forward: kept.length === 0 ? undefined : JSON.stringify({ ...parsed, Entries: kept }),
      rewrite: (answer) => {
        const out = answer === '' ? {} : (JSON.parse(answer) as { Successful?: unknown[]; Failed?: unknown[] });
        return JSON.stringify({ Successful: out.Successful ?? [], Failed: [...(out.Failed ?? []), ...failed] });
      },
      failed: failed.length,
    };
  }
  if (operation === 'BatchWriteItem') {
    const items = parsed.RequestItems as Record<string, unknown[]>;
    const [table] = Object.keys(items);
    if (table === undefined || Object.keys(items).length !== 1) return undefined;
    const requests = items[table] ?? [];
    const failing = failingEntries(requests.length, digest);
    const kept = requests.filter((_, i) => !failing.has(i));
    const unprocessed = requests.filter((_, i) => failing.has(i));
    return {
      forward: kept.length === 0 ? undefined : JSON.stringify({ ...parsed, RequestItems: { [table]: kept } }),
      rewrite: (answer) => {
        const out = answer === '' ? {} : (JSON.parse(answer) as { UnprocessedItems?: Record<string, unknown[]> });
        const already = out.UnprocessedItems?.[table] ?? [];
        return JSON.stringify({ ...out, UnprocessedItems: { ...out.UnprocessedItems, [table]: [...already, ...unprocessed] } });
      },
      failed: unprocessed.length,
    };
  }
  return undefined;
}

/** Counts of what the proxy did, by fault kind and service. */
export type FaultCounts = Record<FaultKind | 'forwarded', Record<Service, number>>;

function emptyCounts(): FaultCounts {
  const zero = (): Record<Service, number> => ({ s3: 0, sqs: 0, dynamodb: 0 });
  return { throttle: zero(), 'server-error': zero(), 'drop-before': zero(), 'drop-after': zero(), partial: zero(), forwarded: zero() };
}

/** The running proxy: one port in front of fauxqs, one in front of dynalite. */
export class FaultProxy {
  seed: number;
  #rate: number;
  #servers: Server[] = [];
  #ports: EmulatorPorts | undefined;
  #seen = new Map<string, number>();
  #turns = new Map<string, number>();
  #outages: Array<{
    matches: (call: ProxiedCall) => boolean;
    ended: boolean;
    hits: number;
    kind: Exclude<FaultKind, 'partial'>;
    once?: boolean;
  }> = [];
  #holds: HoldRule[] = [];
  #heldSockets = new Set<Socket>();
  #agent = new Agent({ keepAlive: true });
  counts: FaultCounts = emptyCounts();
  /** Every request in the order it arrived (operation and resource only), for a test's diagnosis. */
  log: Array<Omit<ProxiedCall, 'body'> & { fault: FaultKind | undefined }> = [];

  #upstream: EmulatorPorts;

  private constructor(upstream: EmulatorPorts, seed: number, rate: number) {
    this.#upstream = upstream;
    this.seed = seed;
    this.#rate = rate;
  }

  /** Starts the proxy on free ports of 127.0.0.1 in front of the given emulators. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const proxy = new FaultProxy(options.upstream, options.seed, options.rate);
    const fauxqs = await proxy.#listen('fauxqs');
    const dynalite = await proxy.#listen('dynalite');
    proxy.#ports = { fauxqs, dynalite };
    return proxy;
  }

  /** The ports the functions reach the emulators on through the proxy. */
  get ports(): EmulatorPorts {
    if (this.#ports === undefined) throw new Error('the proxy is not started');
    return this.#ports;
  }

  get rate(): number {
    return this.#rate;
  }

  /** Changes the share of requests faulted from now on. */
  set rate(rate: number) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`rate ${rate} is not in [0, 1]`);
    this.#rate = rate;
  }

  /**
   * Starts over in front of other emulators, on the same ports: a function module keeps the
   * clients and queue URLs it built when first imported, so a fresh stand-in behind the same proxy
   * is reached by the same functions. Counters, counts, the log and holds start afresh.
   */
  restart(options: FaultProxyOptions): void {
    this.releaseHolds();
    this.#upstream = options.upstream;
    this.seed = options.seed;
    this.rate = options.rate;
    this.#seen = new Map();
    this.#turns = new Map();
    this.#outages = [];
    this.counts = emptyCounts();
    this.log = [];
    this.#agent.destroy();
    this.#agent = new Agent({ keepAlive: true });
  }

  /** Faults injected so far, all kinds and services together. */
  get injected(): number {
    return FAULT_KINDS.reduce((sum, kind) => sum + Object.values(this.counts[kind]).reduce((a, b) => a + b, 0), 0);
  }

  /**
   * Holds the first request that `matches` from now on, `before` forwarding it or `after` the
   * service answered it, and never answers it: its client waits until its process dies or the
   * proxy stops. Resolves with the call once it is held.
   */
  hold(matches: (call: ProxiedCall) => boolean, at: HoldPoint): Promise<ProxiedCall> {
    return new Promise((resolve) => {
      this.#holds.push({ matches, at, held: resolve });
    });
  }

  /**
   * An outage: every request that `matches` fails with `kind` (a throttle or a 500), whatever the
   * rate, until `end()` is called, so that calls exhaust the SDK's attempts and a Lambda attempt
   * fails.
   */
  outage(matches: (call: ProxiedCall) => boolean, kind: 'throttle' | 'server-error' = 'throttle'): { readonly hits: number; end(): void } {
    const outage = { matches, kind, ended: false, hits: 0 };
    this.#outages.push(outage);
    return {
      get hits() {
        return outage.hits;
      },
      end: () => {
        outage.ended = true;
      },
    };
  }

  /** The next request that `matches` gets `kind`, whatever the rate (a lost answer where a test wants one: `drop-after`). */
  once(matches: (call: ProxiedCall) => boolean, kind: Exclude<FaultKind, 'partial'>): void {
    this.#outages.push({ matches, kind, ended: false, hits: 0, once: true });
  }

  /** Forgets every hold not yet met, and lets go of the held connections (closing them). */
  releaseHolds(): void {
    this.#holds = [];
    for (const socket of this.#heldSockets) socket.destroy();
    this.#heldSockets.clear();
  }

  async stop(): Promise<void> {
    this.releaseHolds();
    await Promise.all(
      this.#servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    this.#agent.destroy();
  }

  async #listen(upstream: keyof EmulatorPorts): Promise<number> {
    const server = createServer((req, res) => {
      this.#handle(upstream, req, res).catch(() => res.socket?.destroy());
    });
    this.#servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async #handle(upstream: keyof EmulatorPorts, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://proxy');
    const target = req.headers['x-amz-target'];
    const service: Service =
      upstream === 'dynalite' ? 'dynamodb' : typeof target === 'string' && target.startsWith('AmazonSQS.') ? 'sqs' : 's3';
    const operation = operationOf(service, req, url);
    const counter = `${service}:${operation}`;
    const n = (this.#seen.get(counter) ?? 0) + 1;
    this.#seen.set(counter, n);
    const body = service === 's3' ? '' : raw.toString('utf8');
    const call: ProxiedCall = { service, operation, resource: resourceOf(service, url, body), n, body };

    const hold = this.#holds.find((rule) => rule.matches(call));
    if (hold !== undefined) {
      // One request per hold, even when others that match come while this one is forwarded.
      this.#holds = this.#holds.filter((rule) => rule !== hold);
      this.#heldSockets.add(req.socket);
      this.log.push({ service, operation, resource: call.resource, n, fault: undefined });
      if (hold.at === 'after') await this.#forward(upstream, req, raw).catch(() => undefined);
      hold.held(call);
      return; // never answered
    }

    const digest = createHash('sha256').update(`${this.seed}:${counter}:${n}`).digest();
    const outage = this.#outages.find((o) => !o.ended && o.matches(call));
    if (outage !== undefined) {
      outage.hits += 1;
      if (outage.once === true) outage.ended = true;
    }
    const fault = outage?.kind ?? (unit(digest, 0) < this.#rate ? this.#nextKind(service, operation) : undefined);
    this.log.push({ service, operation, resource: call.resource, n, fault });
    if (fault === undefined) {
      this.counts.forwarded[service] += 1;
      this.#send(res, await this.#forward(upstream, req, raw));
      return;
    }
    this.counts[fault][service] += 1;
    switch (fault) {
      case 'drop-before':
        req.socket.destroy();
        return;
      case 'drop-after':
        await this.#forward(upstream, req, raw).catch(() => undefined);
        req.socket.destroy();
        return;
      case 'throttle':
      case 'server-error':
        this.#send(res, errorAnswer(service, fault, unit(digest, 8)));
        return;
      case 'partial': {
        const partial = partialFailure(operation, body, digest);
        if (partial === undefined) {
          this.#send(res, await this.#forward(upstream, req, raw));
          return;
        }
        const answer =
          partial.forward === undefined
            ? { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Buffer.from('') }
            : await this.#forward(upstream, req, Buffer.from(partial.forward, 'utf8'));
        if (answer.status !== 200) {
          this.#send(res, answer);
          return;
        }
        const rewritten = Buffer.from(partial.rewrite(answer.body.toString('utf8')), 'utf8');
        const headers: IncomingHttpHeaders = { ...answer.headers, 'content-length': String(rewritten.length) };
        if (headers['x-amz-crc32'] !== undefined) headers['x-amz-crc32'] = String(crc32(rewritten));
        this.#send(res, { status: 200, headers, body: rewritten });
        return;
      }
    }
  }

  /**
   * The kind of a request's fault: the kinds in turn, per service (and apart for the batch calls,
   * the only ones `partial` applies to), starting where the seed says, so that a service that
   * sees a few faults sees each kind.
   */
  #nextKind(service: Service, operation: string): FaultKind {
    const batch = BATCH_OPERATIONS.has(operation);
    const kinds = batch ? FAULT_KINDS : FAULT_KINDS.filter((k) => k !== 'partial');
    const turn = `${service}:${batch ? 'batch' : 'single'}`;
    const k = this.#turns.get(turn) ?? this.seed;
    this.#turns.set(turn, k + 1);
    return kinds[k % kinds.length] as FaultKind;
  }

  #forward(upstream: keyof EmulatorPorts, req: IncomingMessage, body: Buffer): Promise<Answer> {
    const port = this.#upstream[upstream];
    const headers: IncomingHttpHeaders = { ...req.headers };
    // Only the port changes (S3 is addressed path style). The body is whole already.
    headers.host = `${(req.headers.host ?? 'localhost').split(':')[0]}:${port}`;
    delete headers.expect;
    delete headers['transfer-encoding'];
    headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const out = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent: this.#agent }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
  }

  #send(res: ServerResponse, answer: Answer): void {
    const headers: IncomingHttpHeaders = { ...answer.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    delete headers['keep-alive'];
    // A HEAD answer has no body and keeps the length the service gave.
    if (res.req.method !== 'HEAD' || headers['content-length'] === undefined) headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers);
    res.end(answer.body);
  }
}
