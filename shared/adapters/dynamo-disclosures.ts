import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Recipient } from '../domain/recipients';
import type { Disclosure } from '../domain/return-flows/disclosures';
import { queryUnexpired } from './dynamo-common';

/**
 * The record of disclosures (return-flows §4) in the disclosures table: `pk` = HMAC-SHA-256 of the
 * INSZ (hex), `sk = <recipient>#<batchId>#<row digest>`. "Which recipients received data about this
 * person?" is one Query on pk; "did this recipient?" adds `begins_with(sk, <recipient>#)`.
 */

/** The item of one disclosure. */
export function disclosureItem(d: Disclosure): Record<string, unknown> {
  const { personKey, entryKey, ...rest } = d;
  return { pk: personKey, sk: entryKey, ...rest };
}

/** A disclosure as read back: what an operator may see (no key, no national number). */
export type DisclosureView = Omit<Disclosure, 'personKey' | 'entryKey'>;

/** The record of disclosures, as an operator reads it. */
export class DynamoDisclosures {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Every unexpired disclosure about the person with this key, optionally to one recipient, oldest first. */
  async forPerson(personKey: string, now: Date, recipient?: Recipient): Promise<DisclosureView[]> {
    const found = (await queryUnexpired(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: recipient ? 'pk = :pk AND begins_with(sk, :recipient)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': personKey, ...(recipient ? { ':recipient': `${recipient}#` } : {}) },
      },
      now,
    )) as unknown as DisclosureView[];
    return found.sort((a, b) => a.deliveredAt.localeCompare(b.deliveredAt) || a.batchId.localeCompare(b.batchId));
  }
}
