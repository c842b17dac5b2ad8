/**
 * In-memory stand-ins of S3, SQS and DynamoDB for `npm run bench` run (d): request handlers that
 * answer at once, put in place of the SDK clients' HTTP handler. Everything up to the wire (the
 * SDK's marshalling, serialising, checksums and SigV4 signing) and the parsing of the answer
 * still runs, so the handler's CPU is what the function spends, minus the network.
 *
 * The stand-ins keep only what the handler reads back (staged parts, manifests), count the calls
 * and the items written, and measure their own CPU (answering SendMessageBatch means computing the
 * MD5 of every body, which the SDK then checks) so that the bench can leave it out.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { HttpRequest, HttpResponse } from '@smithy/types';
import type { TableSpec } from '../shared/topology';
import { dynamoItemSize, projectedItem } from './lib/dynamo-item-size';

/** What the SDK's clients call to send a request (the shape of `@smithy/node-http-handler`). */
export interface InMemoryHandler {
  handle(request: HttpRequest): Promise<{ response: HttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, unknown>;
  destroy(): void;
}

/** Calls and items seen, per service operation. */
export interface StandInCounts {
  readonly calls: Record<string, number>;
  /** Items written by BatchWriteItem, per table. */
  readonly itemsWritten: Record<string, number>;
  /** Size of the items written by BatchWriteItem, as DynamoDB counts it (scripts/lib/dynamo-item-size.ts), per table. */
  readonly itemBytes: Record<string, number>;
  /** Size of what each global index keeps of those items, per `<table>/<index>`. */
  readonly indexBytes: Record<string, number>;
}

/** A global index of a table, for counting what it keeps of each item written (only items that have its partition key). */
export interface CountedIndex {
  readonly table: string;
  readonly name: string;
  readonly partitionKey: string;
  /** The table's keys and the index's: every index keeps them. */
  readonly keys: readonly string[];
  /** The attributes it keeps besides the keys; all of them when absent. */
  readonly include?: readonly string[];
}

/** The PPS's outbound queue in the stand-ins, and the name its SendMessageBatch calls are counted under. */
export const BENCH_PPS_QUEUE = 'bench-outbound-pps';
export const PPS_SEND_CALLS = 'sqs:SendMessageBatch(outbound-pps)';

/** The three stand-ins, their shared counters and their own CPU (microseconds). */
export interface InMemoryAws {
  readonly s3: InMemoryHandler;
  readonly sqs: InMemoryHandler;
  readonly dynamo: InMemoryHandler;
  readonly counts: StandInCounts;
  /** CPU the stand-ins spent answering (user + system, µs), to leave out of the handler's. */
  standInCpuMicros(): number;
  /** Called once, on the first DynamoDB PutItem (the manifest's claim): the file has been read. */
  onClaim(listener: () => void): void;
  /** Objects in the staging bucket now (a refused or delivered batch leaves none). */
  stagedObjects(): number;
}

/** The global indexes of the tables, each under the name its table has in the stand-in. */
export function countedIndexes(tables: readonly TableSpec[], nameOf: (table: TableSpec) => string): CountedIndex[] {
  return tables.flatMap((table) =>
    (table.globalIndexes ?? []).map((index) => ({
      table: nameOf(table),
      name: index.name,
      partitionKey: index.partitionKey,
      keys: [table.partitionKey, ...(table.sortKey !== undefined ? [table.sortKey] : []), index.partitionKey],
      ...(index.include !== undefined ? { include: index.include } : {}),
    })),
  );
}

function response(statusCode: number, body: string | Readable = '', headers: Record<string, string> = {}): { response: HttpResponse } {
  const stream = typeof body === 'string' ? Readable.from([Buffer.from(body)]) : body;
  return { response: { statusCode, headers, body: stream } as HttpResponse };
}

function json(body: unknown, contentType: string): { response: HttpResponse } {
  return response(200, JSON.stringify(body), { 'content-type': contentType });
}

const isTextOrBytes = (body: unknown): body is string | Uint8Array | undefined | null =>
  body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;

/** A request body as text: at once for a string or bytes, read to its end for a stream. */
function bodyText(body: string | Uint8Array | undefined | null): string;
function bodyText(body: unknown): Promise<string>;
function bodyText(body: unknown): string | Promise<string> {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // The bytes as they are: Buffer.from(view) would call the SDK's JSON body's valueOf(), a string.
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return streamText(body);
}

async function streamText(body: unknown): Promise<string> {
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  throw new Error(`unexpected request body ${typeof body}`);
}

const xmlEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The stand-ins. `inbound` maps an inbound object key to the local file its GetObject streams.
 */
export function inMemoryAws(inbound: ReadonlyMap<string, string>, indexes: readonly CountedIndex[] = []): InMemoryAws {
  const calls: Record<string, number> = {};
  const itemsWritten: Record<string, number> = {};
  const itemBytes: Record<string, number> = {};
  const indexBytes: Record<string, number> = {};
  let cpu = 0;
  const claimListeners: Array<() => void> = [];
  let claimed = false;
  const count = (operation: string): void => {
    calls[operation] = (calls[operation] ?? 0) + 1;
  };
  /**
   * Answers a request, adding the CPU of the (synchronous) answer to the stand-ins' own: measured
   * synchronously, so that no other work of the process falls inside the measurement.
   */
  const handler = (answer: (request: HttpRequest, body: string) => { response: HttpResponse }): InMemoryHandler => ({
    handle: async (request) => {
      // Decoding a string or a byte array as text is the stand-in's work (a real handler writes
      // the bytes to the socket as they are), measured with the answer; a stream is read first,
      // outside the measurement (other work may run meanwhile), and charged to the handler.
      const streamed = isTextOrBytes(request.body) ? undefined : await bodyText(request.body);
      const before = process.cpuUsage();
      try {
        const body = streamed ?? bodyText(request.body as string | Uint8Array | undefined);
        return answer(request, body);
      } finally {
        const spent = process.cpuUsage(before);
        cpu += spent.user + spent.system;
      }
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  });

  // S3: objects by "<bucket>/<key>", path style or virtual-hosted.
  const objects = new Map<string, Buffer>();
  const s3 = handler((request, body) => {
    const host = request.hostname;
    const path = decodeURIComponent(request.path.replace(/^\//, ''));
    const virtualBucket = host.includes('.s3.') ? host.slice(0, host.indexOf('.s3.')) : undefined;
    const [bucket, key] =
      virtualBucket !== undefined ? [virtualBucket, path] : [path.split('/')[0] ?? '', path.split('/').slice(1).join('/')];
    const query = request.query ?? {};
    if (request.method === 'GET' && query['list-type'] === '2') {
      count('s3:ListObjectsV2');
      const prefix = String(query.prefix ?? '');
      const keys = [...objects.keys()]
        .filter((k) => k.startsWith(`${bucket}/${prefix}`))
        .map((k) => k.slice(bucket.length + 1))
        .sort();
      const contents = keys.map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>1</Size></Contents>`).join('');
      return response(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        { 'content-type': 'application/xml' },
      );
    }
    if (request.method === 'GET') {
      count('s3:GetObject');
      const file = inbound.get(key);
      if (file !== undefined) return response(200, createReadStream(file), { 'content-type': 'application/octet-stream' });
      const stored = objects.get(`${bucket}/${key}`);
      if (stored === undefined) {
        return response(404, '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>none</Message></Error>', {
          'content-type': 'application/xml',
        });
      }
      return response(200, Readable.from([stored]), {
        'content-type': 'application/octet-stream',
        'content-length': String(stored.length),
      });
    }
    if (request.method === 'PUT') {
      count('s3:PutObject');
      // Only the staging bucket's parts are read back; the archive and the reports are counted only.
      if (bucket.includes('staging')) objects.set(`${bucket}/${key}`, Buffer.from(body));
      return response(200, '', { etag: '"0"' });
    }
    if (request.method === 'POST' && 'delete' in query) {
      count('s3:DeleteObjects');
      for (const match of body.matchAll(/<Key>([^<]*)<\/Key>/g)) objects.delete(`${bucket}/${match[1] ?? ''}`);
      return response(200, '<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>', { 'content-type': 'application/xml' });
    }
    throw new Error(`the S3 stand-in does not answer ${request.method} ${request.path}`);
  });

  // SQS (AWS JSON 1.0): SendMessageBatch succeeds for every entry, with the MD5 the SDK checks.
  // The PPS's batch.outcome is counted apart ({@link PPS_SEND_CALLS}): `sqs:SendMessageBatch` is what the recipients were sent.
  const sqs = handler((request, body) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    if (operation !== 'SendMessageBatch') throw new Error(`the SQS stand-in does not answer ${operation}`);
    const input = JSON.parse(body) as { QueueUrl?: string; Entries: Array<{ Id: string; MessageBody: string }> };
    count(input.QueueUrl?.endsWith(`/${BENCH_PPS_QUEUE}`) ? PPS_SEND_CALLS : `sqs:${operation}`);
    const Successful = input.Entries.map((entry) => ({
      Id: entry.Id,
      MessageId: entry.Id,
      MD5OfMessageBody: createHash('md5').update(entry.MessageBody).digest('hex'),
    }));
    return json({ Successful, Failed: [] }, 'application/x-amz-json-1.0');
  });

  // DynamoDB (AWS JSON 1.0): writes succeed; the manifest is kept so that the handler reads it back.
  const manifests = new Map<string, unknown>();
  const dynamo = handler((request, text) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    count(`dynamodb:${operation}`);
    const input = JSON.parse(text) as {
      TableName?: string;
      Item?: { pk?: { S?: string } };
      Key?: { pk?: { S?: string } };
      RequestItems?: Record<string, Array<{ PutRequest?: { Item?: Record<string, AttributeValue> } }>>;
    };
    const answer = (body: unknown) => json(body, 'application/x-amz-json-1.0');
    switch (operation) {
      case 'BatchWriteItem': {
        for (const [table, requests] of Object.entries(input.RequestItems ?? {})) {
          itemsWritten[table] = (itemsWritten[table] ?? 0) + requests.length;
          for (const request of requests) {
            const item = request.PutRequest?.Item;
            if (item === undefined) continue;
            itemBytes[table] = (itemBytes[table] ?? 0) + dynamoItemSize(item);
            for (const index of indexes) {
              if (index.table !== table || item[index.partitionKey] === undefined) continue;
              const name = `${table}/${index.name}`;
              indexBytes[name] = (indexBytes[name] ?? 0) + dynamoItemSize(projectedItem(item, index.keys, index.include));
            }
          }
        }
        return answer({ UnprocessedItems: {} });
      }
      case 'PutItem': {
        if (!claimed) {
          claimed = true;
          for (const listener of claimListeners) listener();
        }
        manifests.set(`${input.TableName}/${input.Item?.pk?.S}`, input.Item);
        return answer({});
      }
      case 'TransactWriteItems':
      case 'UpdateItem':
        return answer({});
      case 'GetItem': {
        const item = manifests.get(`${input.TableName}/${input.Key?.pk?.S}`);
        return answer(item === undefined ? {} : { Item: item });
      }
      case 'Query':
        return answer({ Items: [], Count: 0 });
      default:
        throw new Error(`the DynamoDB stand-in does not answer ${operation}`);
    }
  });

  return {
    s3,
    sqs,
    dynamo,
    counts: { calls, itemsWritten, itemBytes, indexBytes },
    standInCpuMicros: () => cpu,
    onClaim: (listener) => void claimListeners.push(listener),
    stagedObjects: () => [...objects.keys()].filter((key) => key.startsWith('bench-staging/')).length,
  };
}
