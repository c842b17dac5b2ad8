import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DisclosureReader, DisclosureView } from '../domain/operations/disclosures';
import { RETURNING_RECIPIENTS, type ReturningRecipient } from '../domain/recipients';
import {
  type Disclosure,
  type DisclosureLog,
  type DisclosureRecipient,
  entryKeyParts,
  LEGAL_BASIS,
} from '../domain/return-flows/disclosures';
import { type MarshalledItem, num, queryUnexpired, str } from './dynamo-common';
import { LINES_BY_PERSON_INDEX, lineKeyOf, linePkPrefix } from './dynamo-payment-lines';

/**
 * The record of disclosures (return-flows §4), in two places, both keyed by the HMAC-SHA-256 of
 * the INSZ (hex):
 *
 * - the rows a batch delivered to VDAB and Actiris: their delivered payment lines, one item per
 *   line and batch, found by the payment-lines table's index `byInszHmac` (dynamo-payment-lines.ts);
 * - every other disclosure, in the disclosures table, `pk` = the HMAC and `sk` = the disclosure's
 *   entry key (domain/return-flows/disclosures.ts): FOREM's rows (one item per person and staged
 *   part of a batch, holding the period and regulation of each distinct record, the first in the
 *   item's own attributes, the others in `others`), an operator's re-delivery to any recipient
 *   (the same, per part delivered again), each correction request forwarded to the PPS and each
 *   approved correction passed on for the OCMW (one item each, with the OCMW's KBO).
 *
 * An item holds no attribute that its key holds: the recipient, the flow, the batch or the
 * correction are read from `sk`. "Which recipients received data about this person?" is one Query
 * on each; "did this recipient?" adds `begins_with(sk, <recipient>#)` on the disclosures table and
 * a filter on the line's key on the index.
 */

/** A record's period and regulation, for each further distinct record of a disclosure item. */
export interface DisclosedRow {
  readonly period: string;
  readonly regulation: string;
}

/** The attributes of a disclosure's item: its key, and what the key does not hold. */
function disclosureAttributes(d: Disclosure): Record<string, string | number> {
  return {
    pk: d.personKey,
    sk: d.entryKey,
    period: d.period,
    regulation: d.regulation,
    legalBasis: d.legalBasis,
    deliveredAt: d.deliveredAt,
    expiresAt: d.expiresAt,
    ...(d.ocmwKbo !== undefined ? { ocmwKbo: d.ocmwKbo } : {}),
  };
}

/** The item of one disclosure (and of the further distinct records of the same person), marshalled. */
export function disclosureItem(d: Disclosure, others: readonly DisclosedRow[] = []): MarshalledItem {
  const item: MarshalledItem = {};
  for (const [name, value] of Object.entries(disclosureAttributes(d))) item[name] = typeof value === 'number' ? num(value) : str(value);
  if (others.length > 0) {
    item.others = { L: others.map((o): AttributeValue => ({ M: { period: str(o.period), regulation: str(o.regulation) } })) };
  }
  return item;
}

/** A disclosures-table item as read (its keys included), as the disclosure it records. */
function viewOfItem(item: Record<string, unknown>): DisclosureView | undefined {
  const parts = entryKeyParts(String(item.sk));
  if (parts === undefined) return undefined;
  return {
    recipient: parts.recipient,
    flow: parts.flow,
    period: String(item.period),
    ...(parts.batchId !== undefined ? { batchId: parts.batchId } : {}),
    ...(parts.correctionId !== undefined ? { correctionId: parts.correctionId } : {}),
    ...(item.ocmwKbo !== undefined ? { ocmwKbo: String(item.ocmwKbo) } : {}),
    regulation: String(item.regulation),
    legalBasis: String(item.legalBasis),
    deliveredAt: String(item.deliveredAt),
    expiresAt: Number(item.expiresAt),
  };
}

/** The disclosures of the return flows (correction requests to the PPS, approved corrections for the OCMW): one put each. */
export class DynamoDisclosureLog implements DisclosureLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(disclosure: Disclosure): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: disclosureAttributes(disclosure) }));
  }
}

/** The record of disclosures, as an operator reads it (shared/domain/operations/disclosures.ts). */
export class DynamoDisclosures implements DisclosureReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { readonly disclosures: string; readonly paymentLines: string },
  ) {}

  /** Every unexpired disclosure about the person with this key, optionally to one recipient, oldest first. */
  async forPerson(personKey: string, now: Date, recipient?: DisclosureRecipient): Promise<DisclosureView[]> {
    const linesOf = recipient === undefined || (RETURNING_RECIPIENTS as readonly string[]).includes(recipient);
    const [items, lines] = await Promise.all([
      queryUnexpired(
        this.client,
        {
          TableName: this.tables.disclosures,
          KeyConditionExpression: recipient ? 'pk = :pk AND begins_with(sk, :recipient)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': personKey, ...(recipient ? { ':recipient': `${recipient}#` } : {}) },
        },
        now,
        { keepKeys: true },
      ),
      linesOf
        ? queryUnexpired(
            this.client,
            {
              TableName: this.tables.paymentLines,
              IndexName: LINES_BY_PERSON_INDEX,
              KeyConditionExpression: 'inszHmac = :pk',
              // The line's recipient is in its key (the index keeps the table's keys).
              ...(recipient ? { FilterExpression: 'begins_with(pk, :line)' } : {}),
              ExpressionAttributeValues: {
                ':pk': personKey,
                ...(recipient ? { ':line': linePkPrefix(recipient as ReturningRecipient) } : {}),
              },
            },
            now,
            { keepKeys: true },
          )
        : [],
    ]);
    const found: DisclosureView[] = [];
    for (const item of items) {
      const view = viewOfItem(item);
      if (view === undefined) continue;
      found.push(view);
      for (const row of (item.others as DisclosedRow[] | undefined) ?? [])
        found.push({ ...view, period: row.period, regulation: row.regulation });
    }
    for (const item of lines) {
      const { recipient: lineRecipient, batchId } = lineKeyOf(item);
      found.push({
        recipient: lineRecipient,
        flow: 'BATCH',
        period: String(item.period),
        batchId,
        regulation: String(item.regulation),
        legalBasis: LEGAL_BASIS,
        deliveredAt: String(item.deliveredAt),
        expiresAt: Number(item.expiresAt),
      });
    }
    return found.sort(
      (a, b) =>
        a.deliveredAt.localeCompare(b.deliveredAt) ||
        (a.batchId ?? a.correctionId ?? '').localeCompare(b.batchId ?? b.correctionId ?? '') ||
        a.recipient.localeCompare(b.recipient),
    );
  }
}
