import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReturningRecipient } from '../domain/recipients';
import { isExpired } from '../domain/retention';
import type { LineDecision, PaymentLine, PaymentLineView } from '../domain/return-flows/payment-line';
import type { PaymentLineStore, StoredDecision } from '../domain/return-flows/validation-decisions';
import { TABLES } from '../topology';
import { epochSeconds, isConditionalCheckFailed, type MarshalledItem, num, queryUnexpired, str } from './dynamo-common';

/**
 * Delivered payment lines and their validation decisions (return-flows §2) in the payment-lines
 * table. One partition per line, `pk = LINE#<recipient>#<reference>`, with three kinds of item:
 *
 * - `sk = LINE#<batchId>`: the line as a batch delivered it, one item per delivery (written by the
 *   delivery ledger). The line is the latest of them; together they are the line's part of the
 *   record of disclosures, which the index `byInszHmac` answers by person (dynamo-disclosures.ts);
 * - `sk = DECISION#<decisionId>`: each accepted decision, written once (its history);
 * - `sk = STATUS`: the decision with the latest `decidedAt`, moved forward only.
 *
 * Decisions and status live beside the line, so that a re-delivery of the line keeps them.
 */

export const LINE_SK = 'LINE';
export const STATUS_SK = 'STATUS';
/** The index of the line items by person: the record of disclosures of VDAB and Actiris. */
export const LINES_BY_PERSON_INDEX = TABLES.paymentLines.globalIndexes[0].name;

/** The sort key of a line as `batchId` delivered it. Before there was one item per delivery, `LINE` (still read). */
export function lineSk(batchId: string): string {
  return `${LINE_SK}#${batchId}`;
}

/** The partition key of the line delivered to `recipient` under `reference`: its decisions and status share it. */
export function linePk(recipient: ReturningRecipient, reference: string): string {
  return `LINE#${recipient}#${reference}`;
}

/**
 * The item of a delivered line, marshalled, as the delivery ledger writes it with the low-level
 * client. A line without a person's key (a record without INSZ) leaves `inszHmac` out: an index
 * key cannot be empty.
 */
export function marshalledLineItem(line: PaymentLine): MarshalledItem {
  const item: MarshalledItem = {
    pk: str(linePk(line.recipient, line.reference)),
    sk: str(lineSk(line.batchId)),
    itemType: str('LINE'),
    recipient: str(line.recipient),
    reference: str(line.reference),
    fileNumber: str(line.fileNumber),
    ocmwKbo: str(line.ocmwKbo),
    regulation: str(line.regulation),
    period: str(line.period),
    batchId: str(line.batchId),
    deliveredAt: str(line.deliveredAt),
    expiresAt: num(line.expiresAt),
  };
  if (line.inszHmac !== '') item.inszHmac = str(line.inszHmac);
  return item;
}

/** The latest of a line's deliveries: the latest `deliveredAt`, then the greatest `batchId`. */
function latestDelivery(items: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> | undefined {
  let latest: Record<string, unknown> | undefined;
  for (const item of items) {
    if (
      latest === undefined ||
      String(item.deliveredAt) > String(latest.deliveredAt) ||
      (item.deliveredAt === latest.deliveredAt && String(item.batchId) > String(latest.batchId))
    ) {
      latest = item;
    }
  }
  return latest;
}

function decisionKey(d: Pick<StoredDecision, 'recipient' | 'reference' | 'decisionId'>) {
  return { pk: linePk(d.recipient, d.reference), sk: `DECISION#${d.decisionId}` };
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, itemType: _type, ...rest } = item;
  return rest as T;
}

/** The payment-lines port on the payment-lines table. */
export class DynamoPaymentLines implements PaymentLineStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getLine(recipient: ReturningRecipient, reference: string, now: Date): Promise<PaymentLineView | undefined> {
    const pk = linePk(recipient, reference);
    const [deliveries, status] = await Promise.all([
      queryUnexpired(
        this.client,
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :line)',
          ExpressionAttributeValues: { ':pk': pk, ':line': LINE_SK },
          ConsistentRead: true,
        },
        now,
      ),
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: STATUS_SK }, ConsistentRead: true })),
    ]);
    // TTL deletes up to about two days late: an expired delivery is as good as gone (queryUnexpired).
    const line = latestDelivery(deliveries);
    if (line === undefined) return undefined;
    const view = { ...stripKeys<PaymentLine>(line), inszHmac: String(line.inszHmac ?? '') };
    if (!status.Item || isExpired(status.Item.expiresAt as number | undefined, now)) return { ...view, status: 'DELIVERED' };
    return {
      ...view,
      status: status.Item.status as LineDecision,
      statusDecisionId: status.Item.decisionId as string,
      statusDecidedAt: status.Item.decidedAt as string,
    };
  }

  async addDecision(decision: StoredDecision) {
    const key = decisionKey(decision);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, itemType: 'DECISION', ...decision },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': epochSeconds(new Date(decision.receivedAt)) },
        }),
      );
      return { created: true as const };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const existing = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (!existing.Item) throw new Error('decision vanished between a failed conditional put and its read; retry');
    return { created: false as const, existing: stripKeys<StoredDecision>(existing.Item) };
  }

  async applyStatus(decision: StoredDecision): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: linePk(decision.recipient, decision.reference), sk: STATUS_SK },
          UpdateExpression:
            'SET itemType = :type, #status = :status, decisionId = :id, decidedAt = :decidedAt, decidedAtMs = :ms, recipient = :recipient, #reference = :reference, expiresAt = :expiresAt',
          // Monotone: only a later decision (or this one again) moves the status, so order of arrival does not matter.
          ConditionExpression: 'attribute_not_exists(pk) OR decidedAtMs < :ms OR (decidedAtMs = :ms AND decisionId <= :id)',
          ExpressionAttributeNames: { '#status': 'status', '#reference': 'reference' },
          ExpressionAttributeValues: {
            ':type': 'STATUS',
            ':status': decision.decision,
            ':id': decision.decisionId,
            ':decidedAt': decision.decidedAt,
            ':ms': Date.parse(decision.decidedAt),
            ':recipient': decision.recipient,
            ':reference': decision.reference,
            ':expiresAt': decision.expiresAt,
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // A later decision is the status already: this one stays in the history only.
    }
  }

  async markDecisionForwarded(decision: StoredDecision, at: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: decisionKey(decision),
        UpdateExpression: 'SET forwardedAt = if_not_exists(forwardedAt, :at)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }
}
