import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveredBatch, DeliveryLedger } from '../domain/batch/ports';
import { RETURNING_RECIPIENTS, type Recipient, type RecipientRecord, type ReturningRecipient } from '../domain/recipients';
import { expiresAtEpochSeconds, RECIPIENT_TTL_DAYS } from '../domain/retention';
import { disclosureOf, inszHmac } from '../domain/return-flows/disclosures';
import { paymentLineOf } from '../domain/return-flows/payment-line';
import { type Clock, systemClock } from '../ports';
import { type BatchWriteOptions, putAll } from './dynamo-common';
import { disclosureItem } from './dynamo-disclosures';
import { lineItem } from './dynamo-payment-lines';

/**
 * What the monthly batch delivered, written before it is published (ports.ts `DeliveryLedger`):
 * for VDAB and Actiris each payment line under (recipient, reference), so that their decisions and
 * corrections can be checked against it; for every recipient, FOREM included, one disclosure per
 * delivered record, keyed by the HMAC of the INSZ. Every item expires with its recipient's
 * retention counted from when the hub received the file. Puts only, so recording again is a no-op
 * (and a later delivery of a reference replaces the line item, never its decisions).
 */
export class DynamoDeliveryLedger implements DeliveryLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { readonly paymentLines: string; readonly disclosures: string },
    private readonly key: () => Promise<Uint8Array>,
    private readonly clock: Clock = systemClock,
    private readonly writeOptions: BatchWriteOptions = {},
  ) {}

  async recordDeliveries(batch: DeliveredBatch, recipient: Recipient, records: readonly RecipientRecord[]): Promise<void> {
    const key = await this.key();
    const deliveredAt = this.clock();
    const expiresAt = expiresAtEpochSeconds(batch.receivedAt, RECIPIENT_TTL_DAYS[recipient]);
    const returning = (RETURNING_RECIPIENTS as readonly string[]).includes(recipient);

    function* lines() {
      if (!returning) return;
      for (const record of records) {
        const line = paymentLineOf(recipient as ReturningRecipient, record, {
          batchId: batch.batchId,
          period: batch.period,
          deliveredAt: deliveredAt.toISOString(),
          expiresAt,
          inszHmac: record.insz ? inszHmac(key, record.insz) : '',
        });
        if (line) yield lineItem(line);
      }
    }
    function* disclosures() {
      for (const record of records) {
        const disclosure = disclosureOf(key, batch, recipient, record, deliveredAt);
        if (disclosure) yield disclosureItem(disclosure);
      }
    }
    await Promise.all([
      putAll(this.client, this.tables.paymentLines, lines(), this.writeOptions),
      putAll(this.client, this.tables.disclosures, disclosures(), this.writeOptions),
    ]);
  }
}
