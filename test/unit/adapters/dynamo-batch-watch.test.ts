import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoWatchedBatches } from '../../../shared/adapters/dynamo-batch-watch';

/** The scheduled check's reads: two queries of the batches table's byStatus index, never a Scan. */

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const ddbMock = mockClient(ddb);
const NOW = new Date('2025-12-03T10:00:00Z');
const LATER = Date.parse('2040-01-01T00:00:00Z') / 1000;
const watched = new DynamoWatchedBatches(ddb, 'batches', () => NOW);

beforeEach(() => {
  ddbMock.reset();
  ddbMock.on(QueryCommand, { ExpressionAttributeValues: { ':status': 'PUBLISHING' } }).resolves({
    Items: [
      {
        pk: 'a',
        status: 'PUBLISHING',
        receivedAt: '2025-12-03T08:00:00.000Z',
        batchId: 'a',
        leaseUntil: '2025-12-03T08:15:00.000Z',
        expiresAt: LATER,
      },
      {
        pk: 'x',
        status: 'PUBLISHING',
        receivedAt: '2010-12-03T08:00:00.000Z',
        batchId: 'x',
        leaseUntil: '2010-12-03T08:15:00.000Z',
        expiresAt: 1,
      },
    ],
  });
  ddbMock
    .on(QueryCommand, { ExpressionAttributeValues: { ':status': 'DELIVERED', ':since': '2025-11-30T00:00:00.000Z' } })
    .resolvesOnce({
      Items: [{ pk: 'b', status: 'DELIVERED', receivedAt: '2025-12-01T07:00:00.000Z', batchId: 'b', expiresAt: LATER }],
      LastEvaluatedKey: { pk: 'b' },
    })
    .resolves({ Items: [{ pk: 'c', status: 'DELIVERED', receivedAt: '2025-12-02T07:00:00.000Z', batchId: 'c', expiresAt: LATER }] });
});

describe('DynamoWatchedBatches', () => {
  it('reads the batches PUBLISHING from the byStatus index, without the expired ones', async () => {
    expect(await watched.publishing()).toEqual([
      { batchId: 'a', status: 'PUBLISHING', receivedAt: '2025-12-03T08:00:00.000Z', leaseUntil: '2025-12-03T08:15:00.000Z' },
    ]);
    const input = ddbMock.commandCalls(QueryCommand)[0]!.args[0].input as QueryCommandInput;
    expect(input).toMatchObject({
      TableName: 'batches',
      IndexName: 'byStatus',
      KeyConditionExpression: '#status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
    });
  });

  it('reads the batches DELIVERED since a date, every page', async () => {
    expect((await watched.deliveredSince(new Date('2025-11-30T00:00:00Z'))).map((b) => b.batchId)).toEqual(['b', 'c']);
    const calls = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input as QueryCommandInput);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ IndexName: 'byStatus', KeyConditionExpression: '#status = :status AND receivedAt >= :since' });
    expect(calls[1]!.ExclusiveStartKey).toEqual({ pk: 'b' });
  });
});
