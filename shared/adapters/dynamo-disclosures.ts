import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DisclosureReader, DisclosureView } from '../domain/operations/disclosures';
import type { Recipient } from '../domain/recipients';
import { type Disclosure, LEGAL_BASIS } from '../domain/return-flows/disclosures';
import { type MarshalledItem, num, queryUnexpired, str } from './dynamo-common';
import { LINES_BY_PERSON_INDEX } from './dynamo-payment-lines';

/**
 * The record of disclosures (return-flows §4), in two places, both keyed by the HMAC-SHA-256 of
 * the INSZ (hex):
 *
 * - VDAB's and Actiris's: their delivered payment lines, one item per line and batch, found by the
 *   payment-lines table's index `byInszHmac` (dynamo-payment-lines.ts);
 * - FOREM's (it has no payment lines): the disclosures table, `pk` = the HMAC,
 *   `sk = <recipient>#<batchId>#<row digest>`, one item per person and staged part of a batch,
 *   holding the period and regulation of each distinct record (the first in the item's own
 *   attributes, the others in `others`).
 *
 * "Which recipients received data about this person?" is one Query on each; "did this recipient?"
 * adds `begins_with(sk, <recipient>#)` on the disclosures table and a filter on the index.
 */

/** A record's period and regulation, for each further distinct record of a disclosure item. */
export interface DisclosedRow {
  readonly period: string;
  readonly regulation: string;
}

/** The item of one disclosure (and of the further distinct records of the same person), marshalled. */
export function disclosureItem(d: Disclosure, others: readonly DisclosedRow[] = []): MarshalledItem {
  const item: MarshalledItem = {
    pk: str(d.personKey),
    sk: str(d.entryKey),
    recipient: str(d.recipient),
    period: str(d.period),
    batchId: str(d.batchId),
    regulation: str(d.regulation),
    legalBasis: str(d.legalBasis),
    deliveredAt: str(d.deliveredAt),
    expiresAt: num(d.expiresAt),
  };
  if (others.length > 0) {
    item.others = { L: others.map((o): AttributeValue => ({ M: { period: str(o.period), regulation: str(o.regulation) } })) };
  }
  return item;
}

/** The record of disclosures, as an operator reads it (shared/domain/operations/disclosures.ts). */
export class DynamoDisclosures implements DisclosureReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { readonly disclosures: string; readonly paymentLines: string },
  ) {}

  /** Every unexpired disclosure about the person with this key, optionally to one recipient, oldest first. */
  async forPerson(personKey: string, now: Date, recipient?: Recipient): Promise<DisclosureView[]> {
    const [items, lines] = await Promise.all([
      queryUnexpired(
        this.client,
        {
          TableName: this.tables.disclosures,
          KeyConditionExpression: recipient ? 'pk = :pk AND begins_with(sk, :recipient)' : 'pk = :pk',
          ExpressionAttributeValues: { ':pk': personKey, ...(recipient ? { ':recipient': `${recipient}#` } : {}) },
        },
        now,
      ),
      recipient === 'FOREM'
        ? []
        : queryUnexpired(
            this.client,
            {
              TableName: this.tables.paymentLines,
              IndexName: LINES_BY_PERSON_INDEX,
              KeyConditionExpression: 'inszHmac = :pk',
              ...(recipient ? { FilterExpression: 'recipient = :recipient' } : {}),
              ExpressionAttributeValues: { ':pk': personKey, ...(recipient ? { ':recipient': recipient } : {}) },
            },
            now,
          ),
    ]);
    const found: DisclosureView[] = [];
    for (const item of items) {
      const { others, ...view } = item as unknown as DisclosureView & { others?: DisclosedRow[] };
      found.push(view);
      for (const row of others ?? []) found.push({ ...view, period: row.period, regulation: row.regulation });
    }
    for (const line of lines) {
      found.push({
        recipient: line.recipient as Recipient,
        period: String(line.period),
        batchId: String(line.batchId),
        regulation: String(line.regulation),
        legalBasis: LEGAL_BASIS,
        deliveredAt: String(line.deliveredAt),
        expiresAt: Number(line.expiresAt),
      });
    }
    return found.sort((a, b) => a.deliveredAt.localeCompare(b.deliveredAt) || a.batchId.localeCompare(b.batchId));
  }
}
