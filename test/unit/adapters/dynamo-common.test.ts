import {
  BatchWriteItemCommand as BatchWriteCommand,
  type BatchWriteItemCommandInput as BatchWriteCommandInput,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BATCH_WRITE_MAX, putAll } from '../../../shared/adapters/dynamo-common';
import { ENTRY_RETRY } from '../../../shared/adapters/retry-entries';

// Replaces `send`: no SDK middleware runs, so only our code's retries are seen.
const ddb = new DynamoDBClient({ region: 'eu-west-1' });
const ddbMock = mockClient(ddb);

const sleeps: number[] = [];
const options = { sleep: async (ms: number) => void sleeps.push(ms), random: () => 0.5 };
const items = (count: number) => Array.from({ length: count }, (_, i) => ({ pk: { S: `P${i}` }, sk: { S: 'S' } }));

/** The keys written by each BatchWriteItem call, in call order. */
function written(): string[][] {
  return ddbMock
    .commandCalls(BatchWriteCommand)
    .map((c) => ((c.args[0].input as BatchWriteCommandInput).RequestItems?.t ?? []).map((r) => String(r.PutRequest?.Item?.pk?.S)));
}

beforeEach(() => {
  ddbMock.reset();
  sleeps.length = 0;
});

describe('putAll', () => {
  it('writes 25 items a call', async () => {
    ddbMock.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    expect(await putAll(ddb, 't', items(60), { ...options, concurrency: 1 })).toBe(60);
    expect(written().map((keys) => keys.length)).toEqual([BATCH_WRITE_MAX, BATCH_WRITE_MAX, 10]);
  });

  it('sends the unprocessed items again by the entry policy (backoff with full jitter) until all are written', async () => {
    ddbMock
      .on(BatchWriteCommand)
      .callsFakeOnce((input: BatchWriteCommandInput) => ({ UnprocessedItems: { t: input.RequestItems?.t?.slice(1) } }))
      .callsFakeOnce((input: BatchWriteCommandInput) => ({ UnprocessedItems: { t: input.RequestItems?.t?.slice(1) } }))
      .resolves({ UnprocessedItems: {} });

    await putAll(ddb, 't', items(3), { ...options, baseDelayMs: 100 });

    expect(written()).toEqual([['P0', 'P1', 'P2'], ['P1', 'P2'], ['P2']]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('fails loudly when items stay unprocessed, after the same number of attempts as the publisher', async () => {
    ddbMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => ({ UnprocessedItems: input.RequestItems }));

    await expect(putAll(ddb, 't', items(2), options)).rejects.toThrow(
      `2 item(s) still unprocessed in t after ${ENTRY_RETRY.maxAttempts} attempts`,
    );

    expect(written()).toHaveLength(ENTRY_RETRY.maxAttempts);
    expect(sleeps).toHaveLength(ENTRY_RETRY.maxAttempts - 1);
  });

  it('does not try a whole call again that failed (the SDK client already did)', async () => {
    ddbMock.on(BatchWriteCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));

    await expect(putAll(ddb, 't', items(2), options)).rejects.toThrow('slow down');

    expect(written()).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('puts one item for a key named twice in a call, the later one', async () => {
    ddbMock.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
    await putAll(
      ddb,
      't',
      [
        { pk: { S: 'A' }, sk: { S: 'S' }, v: { N: '1' } },
        { pk: { S: 'A' }, sk: { S: 'S' }, v: { N: '2' } },
      ],
      options,
    );
    const requests = (ddbMock.commandCalls(BatchWriteCommand)[0]!.args[0].input as BatchWriteCommandInput).RequestItems?.t;
    expect(requests?.map((r) => r.PutRequest?.Item)).toEqual([{ pk: { S: 'A' }, sk: { S: 'S' }, v: { N: '2' } }]);
  });
});
