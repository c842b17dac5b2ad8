import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DeliveryProof } from '../domain/batch/delivery-proof';
import type { DeliveredBatch, DeliveryLedger } from '../domain/batch/ports';
import type { RedeliveryLog } from '../domain/batch/redeliver';
import { RETURNING_RECIPIENTS, type Recipient, type RecipientRecord, type ReturningRecipient } from '../domain/recipients';
import { expiresAtEpochSeconds, RECIPIENT_TTL_DAYS } from '../domain/retention';
import { type Disclosure, disclosureOf, inszHmac } from '../domain/return-flows/disclosures';
import { paymentLineOf } from '../domain/return-flows/payment-line';
import { type Clock, systemClock } from '../ports';
import { type BatchWriteOptions, type MarshalledItem, putAll } from './dynamo-common';
import { proofItem } from './dynamo-delivery-proofs';
import { disclosureItem } from './dynamo-disclosures';
import { marshalledLineItem } from './dynamo-payment-lines';

/**
 * What the monthly batch delivered, written before it is published (ports.ts `DeliveryLedger`),
 * one item per delivered line, per person or per message, marshalled once for the low-level client:
 *
 * - VDAB and Actiris: each payment line, as this batch delivered it, under (recipient, reference),
 *   so that their decisions and corrections can be checked against it. The line carries the HMAC
 *   of the INSZ, and the index `byInszHmac` makes the lines their record of disclosures: no second
 *   item per row.
 * - FOREM (no payment lines), and a record that makes no line: one disclosure item per person among
 *   the records recorded together (one staged part), keyed by the HMAC of the INSZ, holding each
 *   distinct record's period and regulation (dynamo-disclosures.ts).
 * - Every recipient: the proof of each message (dynamo-delivery-proofs.ts).
 *
 * One HMAC of the INSZ per person and part, one HMAC of a record per disclosure item.
 * Every item expires with its recipient's retention counted from when the hub received the file.
 * Puts of deterministic items only, so recording the same records again is a no-op.
 */
export class DynamoDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: { readonly paymentLines: string; readonly disclosures: string; readonly deliveryProofs: string },
    private readonly key: () => Promise<Uint8Array>,
    private readonly clock: Clock = systemClock,
    private readonly writeOptions: BatchWriteOptions = {},
  ) {}

  async recordDeliveries(batch: DeliveredBatch, recipient: Recipient, records: readonly RecipientRecord[]): Promise<void> {
    const key = await this.key();
    const now = this.clock();
    const deliveredAt = now.toISOString();
    const expiresAt = expiresAtEpochSeconds(batch.receivedAt, RECIPIENT_TTL_DAYS[recipient]);
    const returning = (RETURNING_RECIPIENTS as readonly string[]).includes(recipient);
    const lines: MarshalledItem[] = [];
    // Records disclosed by their own disclosure item, by person (INSZ), then by their content.
    const byPerson = new RecordsByPerson();
    // One HMAC per person, however many of the part's lines are theirs.
    const personKeys = new Map<string, string>();
    const personKeyOf = (insz: string): string => {
      let personKey = personKeys.get(insz);
      if (personKey === undefined) {
        personKey = inszHmac(key, insz);
        personKeys.set(insz, personKey);
      }
      return personKey;
    };
    for (const record of records) {
      if (!record.insz) continue;
      if (returning) {
        const line = paymentLineOf(recipient as ReturningRecipient, record, {
          batchId: batch.batchId,
          period: batch.period,
          deliveredAt,
          expiresAt,
          inszHmac: personKeyOf(record.insz),
        });
        if (line) {
          lines.push(marshalledLineItem(line));
          continue;
        }
      }
      byPerson.add(record);
    }
    await Promise.all([
      putAll(this.client, this.tables.paymentLines, lines, this.writeOptions),
      putAll(this.client, this.tables.disclosures, byPerson.disclosureItems(key, batch, recipient, now), this.writeOptions),
    ]);
  }

  async recordProofs(proofs: readonly DeliveryProof[]): Promise<void> {
    await putAll(this.client, this.tables.deliveryProofs, proofs.map(proofItem), this.writeOptions);
  }
}

/**
 * An operator's re-delivery in the record of disclosures (return-flows §4: a new disclosure of the
 * same records): for every recipient, one item per person and part delivered again, as FOREM's
 * rows are recorded, under the entry key of a re-delivery at its instant.
 */
export class DynamoRedeliveryLog implements RedeliveryLog {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly disclosuresTable: string,
    private readonly key: () => Promise<Uint8Array>,
    private readonly writeOptions: BatchWriteOptions = {},
  ) {}

  async recordRedelivery(
    batch: DeliveredBatch,
    recipient: Recipient,
    records: readonly RecipientRecord[],
    redeliveredAt: Date,
  ): Promise<void> {
    const key = await this.key();
    const byPerson = new RecordsByPerson();
    for (const record of records) if (record.insz) byPerson.add(record);
    await putAll(
      this.client,
      this.disclosuresTable,
      byPerson.disclosureItems(key, batch, recipient, redeliveredAt, redeliveredAt),
      this.writeOptions,
    );
  }
}

/** A part's records by person (INSZ), then by content: two identical records of one person are one disclosure. */
class RecordsByPerson {
  private readonly byPerson = new Map<string, Map<string, RecipientRecord>>();

  /** Adds a record that names a person (`insz` set). */
  add(record: RecipientRecord): void {
    const insz = record.insz as string;
    let distinct = this.byPerson.get(insz);
    if (distinct === undefined) {
      distinct = new Map();
      this.byPerson.set(insz, distinct);
    }
    distinct.set(JSON.stringify(record), record);
  }

  /** One disclosure item per person, keyed by the first record's digest: the same records recorded again make the same items. */
  disclosureItems(key: Uint8Array, batch: DeliveredBatch, recipient: Recipient, deliveredAt: Date, redeliveredAt?: Date): MarshalledItem[] {
    const items: MarshalledItem[] = [];
    for (const distinct of this.byPerson.values()) {
      const [first, ...others] = distinct.values() as unknown as [RecipientRecord, ...RecipientRecord[]];
      const disclosure = disclosureOf(key, batch, recipient, first, deliveredAt, redeliveredAt) as Disclosure;
      items.push(
        disclosureItem(
          disclosure,
          others.map((r) => ({ period: r.period ?? batch.period, regulation: r.regulation ?? '' })),
        ),
      );
    }
    return items;
  }
}
