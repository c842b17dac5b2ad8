import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReturningRecipient } from '../domain/recipients';
import { isExpired } from '../domain/retention';
import { type Correction, type CorrectionDecision, outcomeClosesCorrection } from '../domain/return-flows/correction';
import type { CorrectionStore } from '../domain/return-flows/corrections';
import { TABLES } from '../topology';
import { epochSeconds, isConditionalCheckFailed } from './dynamo-common';

/**
 * Corrections (return-flows §3) in the corrections table: one item per request,
 * `pk = CORRECTION#<requester>#<requestId>`, `sk = CORRECTION`, with the hub's `correctionId` in the
 * global index `byCorrectionId` (how a PPS decision finds it). Every change of status is one
 * conditional write on that item; the write that closes a correction (its rejection told, or its
 * forwarding to the OCMW) also removes the INSZ in clear, leaving its keyed hash `inszHmac`.
 */

export const CORRECTION_SK = 'CORRECTION';
const BY_CORRECTION_ID = TABLES.corrections.globalIndexes[0].name;

/** The partition key of the correction that `requester` asked under `requestId`. */
export function correctionPk(requester: ReturningRecipient, requestId: string): string {
  return `CORRECTION#${requester}#${requestId}`;
}

function keyOf(c: Pick<Correction, 'requester' | 'requestId'>) {
  return { pk: correctionPk(c.requester, c.requestId), sk: CORRECTION_SK };
}

function fromItem(item: Record<string, unknown>): Correction {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as unknown as Correction;
}

/** The corrections port on the corrections table. */
export class DynamoCorrections implements CorrectionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async read(c: Pick<Correction, 'requester' | 'requestId'>): Promise<Correction | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keyOf(c), ConsistentRead: true }));
    return result.Item ? fromItem(result.Item) : undefined;
  }

  async create(correction: Correction) {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keyOf(correction), ...correction },
          // A requestId whose correction has expired (but TTL has not yet deleted) is free again.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': epochSeconds(new Date(correction.submittedAt)) },
        }),
      );
      return { created: true as const };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const existing = await this.read(correction);
    if (!existing) throw new Error('correction vanished between a failed conditional put and its read; retry');
    return { created: false as const, existing };
  }

  async findByCorrectionId(correctionId: string, now: Date): Promise<Correction | undefined> {
    // The index gives the key; the item itself is then read consistently (indexes are eventually consistent).
    const found = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_CORRECTION_ID,
        KeyConditionExpression: 'correctionId = :id',
        ExpressionAttributeValues: { ':id': correctionId },
      }),
    );
    for (const item of found.Items ?? []) {
      const correction = await this.read(item as Pick<Correction, 'requester' | 'requestId'>);
      if (correction && correction.correctionId === correctionId && !isExpired(correction.expiresAt, now)) return correction;
    }
    return undefined;
  }

  async markForwardedToPps(correction: Correction, at: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(correction),
        UpdateExpression: 'SET forwardedToPpsAt = if_not_exists(forwardedToPpsAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }

  async decide(correction: Correction, decision: CorrectionDecision, decidedAt: string, at: Date) {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(correction),
          UpdateExpression: 'SET #status = :decision, decision = :decision, decidedAt = :decidedAt, decisionReceivedAt = :at',
          // The decision happens once: only from SUBMITTED.
          ConditionExpression: '#status = :submitted',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':decision': decision, ':decidedAt': decidedAt, ':at': at.toISOString(), ':submitted': 'SUBMITTED' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { applied: true as const, correction: fromItem(result.Attributes ?? {}) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const current = await this.read(correction);
    if (!current) throw new Error('correction vanished between a failed conditional update and its read; retry');
    return { applied: false as const, current };
  }

  async markOutcomeSent(correction: Correction, at: Date): Promise<void> {
    const closes = correction.decision !== undefined && outcomeClosesCorrection(correction.decision);
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keyOf(correction),
        // A rejection told is closed: the INSZ in clear goes in the same write; its keyed hash stays.
        UpdateExpression: closes
          ? 'SET outcomeSentAt = if_not_exists(outcomeSentAt, :at) REMOVE insz'
          : 'SET outcomeSentAt = if_not_exists(outcomeSentAt, :at)',
        ConditionExpression: closes ? 'attribute_exists(pk) AND decision = :decision' : 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at.toISOString(), ...(closes ? { ':decision': correction.decision } : {}) },
      }),
    );
  }

  async markForwardedToOcmw(correction: Correction, at: Date): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(correction),
          // Closed: the INSZ in clear goes in the same write; its keyed hash stays.
          UpdateExpression: 'SET #status = :forwarded, forwardedToOcmwAt = :at REMOVE insz',
          ConditionExpression: '#status = :approved',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':forwarded': 'FORWARDED_TO_OCMW', ':approved': 'APPROVED', ':at': at.toISOString() },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const current = await this.read(correction);
      if (current?.status !== 'FORWARDED_TO_OCMW') {
        throw new Error(
          `correction ${correction.correctionId} is ${current?.status ?? 'gone'}, not APPROVED: cannot forward it to the OCMW`,
        );
      }
    }
  }
}
