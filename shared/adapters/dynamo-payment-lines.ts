import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RETURNING_RECIPIENTS, type ReturningRecipient } from '../domain/recipients';
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
 * No item holds an attribute that its key already holds: the recipient and reference (`pk`), the
 * batch, the decision's id and the kind of item (`sk`) are read from the key (about 30 % of a
 * line item's bytes). Items written before that still carry them and read the same.
 *
 * Decisions and status live beside the line, so that a re-delivery of the line keeps them.
 */

export const LINE_SK = 'LINE';
export const STATUS_SK = 'STATUS';
const DECISION_SK = 'DECISION';
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

/** The prefix of every line key of one recipient (a filter on the index by recipient). */
export function linePkPrefix(recipient: ReturningRecipient): string {
  return `LINE#${recipient}#`;
}

/** What a line's partition key holds: its recipient and reference. */
export function linePkParts(pk: string): { recipient: ReturningRecipient; reference: string } {
  const [, recipient, ...reference] = pk.split('#');
  if (!isReturningRecipient(recipient) || reference.length === 0) throw new Error(`not the key of a payment line: ${pk}`);
  return { recipient, reference: reference.join('#') };
}

function isReturningRecipient(value: string | undefined): value is ReturningRecipient {
  return (RETURNING_RECIPIENTS as readonly string[]).includes(value ?? '');
}

/**
 * What a line item's key holds (the item read with its keys, from the table or the index): its
 * recipient and reference (`pk`) and the batch that delivered it (`sk = LINE#<batchId>`; a legacy
 * `LINE` item holds the batch as an attribute).
 */
export function lineKeyOf(item: Record<string, unknown>): { recipient: ReturningRecipient; reference: string; batchId: string } {
  const sk = String(item.sk);
  return { ...linePkParts(String(item.pk)), batchId: sk.startsWith(`${LINE_SK}#`) ? sk.slice(LINE_SK.length + 1) : String(item.batchId) };
}

/**
 * The item of a delivered line, marshalled, as the delivery ledger writes it with the low-level
 * client: the key, and what the key does not hold. A line without a person's key (a record without
 * INSZ) leaves `inszHmac` out: an index key cannot be empty.
 */
export function marshalledLineItem(line: PaymentLine): MarshalledItem {
  const item: MarshalledItem = {
    pk: str(linePk(line.recipient, line.reference)),
    sk: str(lineSk(line.batchId)),
    fileNumber: str(line.fileNumber),
    ocmwKbo: str(line.ocmwKbo),
    regulation: str(line.regulation),
    period: str(line.period),
    deliveredAt: str(line.deliveredAt),
    expiresAt: num(line.expiresAt),
  };
  if (line.inszHmac !== '') item.inszHmac = str(line.inszHmac);
  return item;
}

/** A line item as read (its keys included), as the line it holds: recipient, reference and batch from the key. */
export function lineOfItem(item: Record<string, unknown>): PaymentLine {
  const { recipient, reference, batchId } = lineKeyOf(item);
  return {
    recipient,
    reference,
    fileNumber: String(item.fileNumber),
    ocmwKbo: String(item.ocmwKbo),
    regulation: item.regulation as PaymentLine['regulation'],
    inszHmac: String(item.inszHmac ?? ''),
    period: String(item.period),
    batchId,
    deliveredAt: String(item.deliveredAt),
    expiresAt: Number(item.expiresAt),
  };
}

/** The latest of a line's deliveries: the latest `deliveredAt`, then the greatest `batchId`. */
function latestDelivery(lines: readonly PaymentLine[]): PaymentLine | undefined {
  let latest: PaymentLine | undefined;
  for (const line of lines) {
    if (
      latest === undefined ||
      line.deliveredAt > latest.deliveredAt ||
      (line.deliveredAt === latest.deliveredAt && line.batchId > latest.batchId)
    ) {
      latest = line;
    }
  }
  return latest;
}

function decisionKey(d: Pick<StoredDecision, 'recipient' | 'reference' | 'decisionId'>) {
  return { pk: linePk(d.recipient, d.reference), sk: `${DECISION_SK}#${d.decisionId}` };
}

/** A decision's item: the key, and what the key does not hold. */
function decisionItem(decision: StoredDecision): Record<string, unknown> {
  const { recipient: _recipient, reference: _reference, decisionId: _decisionId, ...rest } = decision;
  return { ...decisionKey(decision), ...rest };
}

/** A decision item as read, as the decision it holds: recipient, reference and id from the key. */
function decisionOfItem(item: Record<string, unknown>): StoredDecision {
  const { pk, sk, itemType: _type, ...rest } = item;
  return { ...(rest as object), ...linePkParts(String(pk)), decisionId: String(sk).slice(DECISION_SK.length + 1) } as StoredDecision;
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
        { keepKeys: true },
      ),
      this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: STATUS_SK }, ConsistentRead: true })),
    ]);
    // TTL deletes up to about two days late: an expired delivery is as good as gone (queryUnexpired).
    const line = latestDelivery(deliveries.map(lineOfItem));
    if (line === undefined) return undefined;
    if (!status.Item || isExpired(status.Item.expiresAt as number | undefined, now)) return { ...line, status: 'DELIVERED' };
    return {
      ...line,
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
          Item: decisionItem(decision),
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
    return { created: false as const, existing: decisionOfItem(existing.Item) };
  }

  async applyStatus(decision: StoredDecision): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: linePk(decision.recipient, decision.reference), sk: STATUS_SK },
          UpdateExpression: 'SET #status = :status, decisionId = :id, decidedAt = :decidedAt, decidedAtMs = :ms, expiresAt = :expiresAt',
          // Monotone: only a later decision (or this one again) moves the status, so order of arrival does not matter.
          ConditionExpression: 'attribute_not_exists(pk) OR decidedAtMs < :ms OR (decidedAtMs = :ms AND decisionId <= :id)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': decision.decision,
            ':id': decision.decisionId,
            ':decidedAt': decision.decidedAt,
            ':ms': Date.parse(decision.decidedAt),
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
