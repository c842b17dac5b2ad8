import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WatchedBatch, WatchedBatches } from '../domain/operations/batch-watch';
import type { Clock } from '../ports';
import { TABLES } from '../topology';
import { queryUnexpired } from './dynamo-common';

/** The index of the batches table by status and reception (shared/topology.ts). */
const BY_STATUS = TABLES.batches.globalIndexes[0].name;

/**
 * The scheduled check's reads of the batches table: two queries of its `byStatus` index (status,
 * then `receivedAt`), which keeps the id and the lease besides its keys. No Scan: a partition of
 * the index is one status, and a month's delivered batches are one range of it.
 */
export class DynamoWatchedBatches implements WatchedBatches {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  publishing(): Promise<readonly WatchedBatch[]> {
    return this.query('#status = :status', { ':status': 'PUBLISHING' });
  }

  deliveredSince(since: Date): Promise<readonly WatchedBatch[]> {
    return this.query('#status = :status AND receivedAt >= :since', { ':status': 'DELIVERED', ':since': since.toISOString() });
  }

  private async query(condition: string, values: Record<string, string>): Promise<readonly WatchedBatch[]> {
    const items = await queryUnexpired(
      this.client,
      {
        TableName: this.tableName,
        IndexName: BY_STATUS,
        KeyConditionExpression: condition,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
      this.clock(),
    );
    return items.map((item) => ({
      batchId: String(item.batchId),
      status: item.status as WatchedBatch['status'],
      receivedAt: String(item.receivedAt),
      ...(typeof item.leaseUntil === 'string' ? { leaseUntil: item.leaseUntil } : {}),
    }));
  }
}
