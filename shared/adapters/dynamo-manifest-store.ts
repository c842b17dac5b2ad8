import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchManifest, ClaimResult, ManifestStore } from '../domain/batch/ports';
import { expiresAtEpochSeconds, isExpired, REPORT_RETENTION_DAYS } from '../domain/retention';
import { type Clock, systemClock } from '../ports';
import { TTL_ATTRIBUTE } from '../topology';
import { dynamoDocumentClient } from './aws-clients';
import { isConditionalCheckFailed } from './dynamo-common';

type ManifestItem = BatchManifest & { pk: string; [TTL_ATTRIBUTE]: number };

function toManifest(item: Record<string, unknown>): BatchManifest {
  const { pk: _pk, [TTL_ATTRIBUTE]: _ttl, ...manifest } = item as unknown as ManifestItem;
  return manifest;
}

/**
 * Batch manifests in DynamoDB, one item per content SHA-256, each change a single conditional
 * write. Manifests hold no national number and live as long as the reports they point to.
 */
export class DynamoManifestStore implements ManifestStore {
  constructor(
    private readonly table: string,
    private readonly db: DynamoDBDocumentClient = dynamoDocumentClient(),
    private readonly clock: Clock = systemClock,
  ) {}

  async claim(manifest: BatchManifest, now: Date): Promise<ClaimResult> {
    const item: ManifestItem = {
      ...manifest,
      pk: manifest.sha256,
      [TTL_ATTRIBUTE]: expiresAtEpochSeconds(now, REPORT_RETENTION_DAYS),
    };
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return { claimed: true, manifest };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    if (manifest.status === 'PUBLISHING' && manifest.attemptId && manifest.leaseUntil) {
      // Take over a batch whose publishing attempt died: its lease has run out.
      try {
        const updated = await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: manifest.sha256 },
            UpdateExpression: 'SET attemptId = :attempt, leaseUntil = :lease',
            ConditionExpression: '#status = :publishing AND leaseUntil < :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':attempt': manifest.attemptId,
              ':lease': manifest.leaseUntil,
              ':publishing': 'PUBLISHING',
              ':now': now.toISOString(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { claimed: true, manifest: await this.keepEarliestReception(toManifest(updated.Attributes ?? {}), manifest.receivedAt) };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    const existing = await this.get(manifest.sha256);
    if (!existing) throw new Error('manifest vanished while being claimed');
    // A write whose answer was lost is sent again by the SDK and then meets its own condition: the
    // manifest in the way is this attempt's own, and the batch is held (attempt ids are unique).
    if (existing.status === 'PUBLISHING' && manifest.attemptId !== undefined && existing.attemptId === manifest.attemptId) {
      return { claimed: true, manifest: await this.keepEarliestReception(existing, manifest.receivedAt) };
    }
    return { claimed: false, existing };
  }

  /**
   * A manifest this attempt took over keeps the earliest reception of its bytes (return-flows §5:
   * the clock starts when the hub first received them): the same bytes may have come under another
   * key earlier than under the key the crashed attempt read. DynamoDB has no `min`, so the rare
   * earlier reception is a second conditional write.
   */
  private async keepEarliestReception(held: BatchManifest, receivedAt: string): Promise<BatchManifest> {
    if (held.receivedAt <= receivedAt) return held;
    try {
      const updated = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: held.sha256 },
          UpdateExpression: 'SET receivedAt = :received',
          ConditionExpression: 'attemptId = :attempt AND receivedAt > :received',
          ExpressionAttributeValues: { ':received': receivedAt, ':attempt': held.attemptId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toManifest(updated.Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // Its answer lost (the SDK's retry met the condition), or the batch changed hands: read what holds.
      return (await this.get(held.sha256)) ?? held;
    }
  }

  async markDelivered(
    sha256: string,
    attemptId: string,
    deliveredAt: Date,
    recipients: NonNullable<BatchManifest['recipients']>,
  ): Promise<void> {
    try {
      await this.markDeliveredOnce(sha256, attemptId, deliveredAt, recipients);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // A lost answer: the SDK sent the update again and it met its own condition. The batch was
      // delivered when the manifest says DELIVERED by this very attempt; otherwise it was not ours.
      const existing = await this.get(sha256);
      if (existing?.status === 'DELIVERED' && existing.attemptId === attemptId) return;
      throw error;
    }
  }

  private async markDeliveredOnce(
    sha256: string,
    attemptId: string,
    deliveredAt: Date,
    recipients: NonNullable<BatchManifest['recipients']>,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: sha256 },
        UpdateExpression: 'SET #status = :delivered, deliveredAt = :at, recipients = :recipients REMOVE leaseUntil',
        ConditionExpression: '#status = :publishing AND attemptId = :attempt',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':delivered': 'DELIVERED',
          ':publishing': 'PUBLISHING',
          ':attempt': attemptId,
          ':at': deliveredAt.toISOString(),
          ':recipients': recipients,
        },
      }),
    );
  }

  async get(sha256: string): Promise<BatchManifest | undefined> {
    const response = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: sha256 }, ConsistentRead: true }));
    const item = response.Item;
    if (!item || isExpired(item[TTL_ATTRIBUTE] as number | undefined, this.clock())) return undefined;
    return toManifest(item);
  }
}
