import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { isExpired } from '../domain/retention';
import { type EntryRetryOptions, entryRetryPolicy, retryEntries } from './retry-entries';

/** Helpers shared by the DynamoDB adapters. */

/** Whether an error is DynamoDB's refusal of a conditional write. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Epoch seconds of an instant, as TTL attributes hold them. */
export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/**
 * Every page of a query, without the items whose TTL has passed (DynamoDB deletes them only within
 * about two days) and, unless `keepKeys`, without their key attributes `pk` and `sk` (an item whose
 * key holds some of its fields keeps them, to derive them from it).
 */
export async function queryUnexpired(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  now: Date,
  options: { readonly keepKeys?: boolean } = {},
): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      if (isExpired(item.expiresAt as number | undefined, now)) continue;
      if (options.keepKeys) {
        found.push(item);
        continue;
      }
      const { pk: _pk, sk: _sk, ...rest } = item;
      found.push(rest);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}

/** BatchWriteItem takes at most 25 requests. */
export const BATCH_WRITE_MAX = 25;

export interface BatchWriteOptions extends EntryRetryOptions {
  /** BatchWriteItem calls in flight at once (default 8). */
  readonly concurrency?: number;
}

/** An item as DynamoDB's wire format has it (marshalled once, by its writer). */
export type MarshalledItem = Record<string, AttributeValue>;

/** A string attribute. */
export const str = (value: string): AttributeValue.SMember => ({ S: value });
/** A number attribute. */
export const num = (value: number): AttributeValue.NMember => ({ N: String(value) });

/**
 * Puts every item (already marshalled: the low-level client sends it as it is), 25 per BatchWriteItem, at most `concurrency` calls at once, sending again the
 * `UnprocessedItems` DynamoDB hands back (throttling) by the policy of retry-entries.ts.
 * Reads `items` lazily, a window at a time, so that a million rows are never all in flight.
 * Puts are idempotent, so a retry of the whole call after a crash writes the same items again.
 * @returns how many items were put.
 * @throws Error when some items stay unprocessed after the last attempt.
 */
export async function putAll(
  client: DynamoDBClient,
  tableName: string,
  items: Iterable<MarshalledItem>,
  options: BatchWriteOptions = {},
): Promise<number> {
  const concurrency = options.concurrency ?? 8;
  const retry = entryRetryPolicy(options);
  const limit = pLimit(concurrency);

  async function writeChunk(chunk: MarshalledItem[]): Promise<void> {
    const requests: WriteRequest[] = chunk.map((Item) => ({ PutRequest: { Item } }));
    const unprocessed = await retryEntries(
      requests,
      async (pending) => {
        const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: [...pending] } }));
        return result.UnprocessedItems?.[tableName] ?? [];
      },
      retry,
    );
    if (unprocessed.length > 0) {
      throw new Error(`${unprocessed.length} item(s) still unprocessed in ${tableName} after ${retry.maxAttempts} attempts`);
    }
  }

  let written = 0;
  let window: Array<Promise<void>> = [];
  let chunk: MarshalledItem[] = [];
  // BatchWriteItem refuses a request that names one key twice; identical facts (two payment lines
  // that give FOREM the same record) are one item, so the later put of a key replaces the earlier.
  let keysInChunk = new Map<string, number>();
  const flushWindow = async () => {
    await Promise.all(window);
    window = [];
  };
  for (const item of items) {
    const key = `${item.pk?.S}\u0000${item.sk?.S}`;
    const at = keysInChunk.get(key);
    if (at !== undefined) {
      chunk[at] = item;
      continue;
    }
    keysInChunk.set(key, chunk.length);
    chunk.push(item);
    if (chunk.length === BATCH_WRITE_MAX) {
      const full = chunk;
      chunk = [];
      keysInChunk = new Map();
      window.push(limit(() => writeChunk(full)));
      written += full.length;
      if (window.length >= concurrency * 4) await flushWindow();
    }
  }
  if (chunk.length > 0) {
    const rest = chunk;
    window.push(limit(() => writeChunk(rest)));
    written += rest.length;
  }
  await flushWindow();
  return written;
}
