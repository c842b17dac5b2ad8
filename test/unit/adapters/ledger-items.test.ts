import { type AttributeValue, BatchWriteItemCommand, type BatchWriteItemCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoItemSize } from '../../../scripts/lib/dynamo-item-size';
import { DynamoDeliveryLedger, DynamoRedeliveryLog } from '../../../shared/adapters/dynamo-delivery-ledger';
import { DynamoDeliveryProofs } from '../../../shared/adapters/dynamo-delivery-proofs';
import { DynamoDisclosures } from '../../../shared/adapters/dynamo-disclosures';
import { DynamoPaymentLines } from '../../../shared/adapters/dynamo-payment-lines';
import { bodySha256, deliveryProofsOf } from '../../../shared/domain/batch/delivery-proof';
import { batchCompletedMessage, batchRecordsMessage } from '../../../shared/domain/batch/packing';
import type { RecipientRecord } from '../../../shared/domain/recipients';
import { inszHmac, LEGAL_BASIS } from '../../../shared/domain/return-flows/disclosures';
import { paymentLineOf } from '../../../shared/domain/return-flows/payment-line';
import type { StoredDecision } from '../../../shared/domain/return-flows/validation-decisions';
import { INSZ, KEY } from '../return-flows/fakes';

/**
 * The ledger's items hold no attribute that their key holds, and read back as what was written:
 * the payment line, its decisions, the proof of each message, a re-delivery's disclosure. Each
 * item is written by the adapter (its request captured), then answered by DynamoDB to the adapter
 * that reads it, as DynamoDB would store it.
 */

const ddb = new DynamoDBClient({ region: 'eu-west-1' });
const ddbMock = mockClient(ddb);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const docMock = mockClient(doc);

const BATCH_ID = 'a3'.repeat(32);
const batch = { batchId: BATCH_ID, period: '2025-10', receivedAt: new Date('2025-11-01T08:00:00Z') };
const DELIVERED_AT = new Date('2025-11-01T08:10:00Z');
const NOW = new Date('2026-01-01T00:00:00Z');
const vdab: RecipientRecord = {
  period: '2025-10',
  ocmwKbo: '0212351212',
  regulation: 'ART60_7',
  fileNumber: 'F-2025-000123',
  insz: INSZ,
  reference: 'PPS-2025-10-000001234',
  amount: '1234.56',
};
const ledger = new DynamoDeliveryLedger(
  ddb,
  { paymentLines: 'lines', disclosures: 'disclosures', deliveryProofs: 'proofs' },
  async () => KEY,
  () => DELIVERED_AT,
);

/** Every item put to `table` by BatchWriteItem, marshalled as sent. */
function itemsPut(table: string): Array<Record<string, AttributeValue>> {
  return ddbMock
    .commandCalls(BatchWriteItemCommand)
    .flatMap((c) => (c.args[0].input as BatchWriteItemCommandInput).RequestItems?.[table] ?? [])
    .map((r) => r.PutRequest?.Item ?? {});
}

beforeEach(() => {
  ddbMock.reset();
  docMock.reset();
  ddbMock.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
});

describe('a payment line item', () => {
  it('holds neither recipient, reference, batchId nor itemType, which its key holds, and reads back as the line delivered', async () => {
    await ledger.recordDeliveries(batch, 'VDAB', [vdab]);
    const [item] = itemsPut('lines');
    expect(Object.keys(item ?? {}).sort()).toEqual([
      'deliveredAt',
      'expiresAt',
      'fileNumber',
      'inszHmac',
      'ocmwKbo',
      'period',
      'pk',
      'regulation',
      'sk',
    ]);

    docMock.on(QueryCommand, { TableName: 'lines' }).resolves({ Items: [unmarshall(item ?? {})] });
    docMock.on(GetCommand, { TableName: 'lines' }).resolves({});
    const read = await new DynamoPaymentLines(doc, 'lines').getLine('VDAB', vdab.reference as string, NOW);

    const expected = paymentLineOf('VDAB', vdab, {
      batchId: BATCH_ID,
      period: batch.period,
      deliveredAt: DELIVERED_AT.toISOString(),
      expiresAt: Date.parse('2025-11-01T08:00:00Z') / 1000 + 5440 * 86_400,
      inszHmac: inszHmac(KEY, INSZ),
    });
    expect(read).toEqual({ ...expected, status: 'DELIVERED' });
  });

  it('is about 30 % smaller than with the attributes its key holds (DynamoDB item size)', async () => {
    await ledger.recordDeliveries(batch, 'VDAB', [vdab]);
    const [item] = itemsPut('lines');
    const trimmed = dynamoItemSize(item ?? {});
    const withKeyAttributes = dynamoItemSize({
      ...(item ?? {}),
      ...marshall({ itemType: 'LINE', recipient: 'VDAB', reference: vdab.reference, batchId: BATCH_ID }),
    });
    expect(1 - trimmed / withKeyAttributes).toBeGreaterThan(0.25);
  });

  it('still reads a legacy item that repeats them (sk LINE, batchId as an attribute)', async () => {
    const legacy = {
      pk: 'LINE#ACTIRIS#R-9',
      sk: 'LINE',
      itemType: 'LINE',
      recipient: 'ACTIRIS',
      reference: 'R-9',
      batchId: 'b-old',
      fileNumber: 'F9',
      ocmwKbo: '0212351212',
      regulation: 'ART60_7',
      inszHmac: 'h',
      period: '2024-01',
      deliveredAt: '2024-02-01T00:00:00.000Z',
      expiresAt: 2_000_000_000,
    };
    docMock.on(QueryCommand, { TableName: 'lines' }).resolves({ Items: [legacy] });
    docMock.on(GetCommand, { TableName: 'lines' }).resolves({});
    const read = await new DynamoPaymentLines(doc, 'lines').getLine('ACTIRIS', 'R-9', NOW);
    expect(read).toMatchObject({ recipient: 'ACTIRIS', reference: 'R-9', batchId: 'b-old', fileNumber: 'F9', status: 'DELIVERED' });
  });
});

describe('a validation decision item', () => {
  const decision: StoredDecision = {
    recipient: 'VDAB',
    reference: 'R#1',
    decisionId: 'd-7',
    fileNumber: 'F1',
    decision: 'REFUSED',
    reasonCode: 'R01',
    decidedAt: '2025-11-03T09:00:00+01:00',
    messageId: 'm-7',
    receivedAt: '2025-11-03T08:30:00.000Z',
    expiresAt: 2_000_000_000,
  };

  it('holds neither recipient, reference, decisionId nor itemType, and reads back as the decision stored', async () => {
    // The decision is already stored, as this very put would store it: the put is refused and the
    // adapter reads the stored item back.
    const putItem = () => (docMock.commandCalls(PutCommand)[0]?.args[0].input as PutCommandInput | undefined)?.Item ?? {};
    docMock.on(PutCommand).rejects(Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' }));
    docMock.on(GetCommand).callsFake(() => ({ Item: putItem() }));
    const result = await new DynamoPaymentLines(doc, 'lines').addDecision(decision);
    const written = putItem();
    expect(written).toMatchObject({ pk: 'LINE#VDAB#R#1', sk: 'DECISION#d-7' });
    expect(Object.keys(written).filter((k) => ['recipient', 'reference', 'decisionId', 'itemType'].includes(k))).toEqual([]);
    expect(result).toEqual({ created: false, existing: decision });
  });
});

describe('the proof of each message', () => {
  const records = batchRecordsMessage(batch, 'FOREM', 3, JSON.stringify([{ insz: INSZ }]), DELIVERED_AT);
  const completed = batchCompletedMessage(batch, 'FOREM', { messages: 3, records: 7, amountCents: 0n }, DELIVERED_AT);

  it('is the message id and the SHA-256 of its body as the key, with when it was sent and until when it is kept: nothing of the content', async () => {
    await ledger.recordProofs(deliveryProofsOf(batch, 'FOREM', [records, completed], DELIVERED_AT));
    const items = itemsPut('proofs').map((i) => unmarshall(i));
    expect(items).toEqual([
      {
        pk: `${BATCH_ID}:FOREM:records:3`,
        sk: bodySha256(records.body),
        sentAt: DELIVERED_AT.toISOString(),
        expiresAt: Date.parse('2025-11-01T08:00:00Z') / 1000 + 3653 * 86_400,
      },
      {
        pk: `${BATCH_ID}:FOREM:completed`,
        sk: bodySha256(completed.body),
        sentAt: DELIVERED_AT.toISOString(),
        expiresAt: items[0]?.expiresAt,
      },
    ]);
    expect(JSON.stringify(items)).not.toContain(INSZ);
  });

  it('reads back as the proof kept: batch, recipient and seq from the message id', async () => {
    const proofs = deliveryProofsOf(batch, 'FOREM', [records, completed], DELIVERED_AT);
    await ledger.recordProofs(proofs);
    docMock.on(QueryCommand, { TableName: 'proofs' }).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
      Items: itemsPut('proofs')
        .map((i) => unmarshall(i))
        .filter((i) => i.pk === input.ExpressionAttributeValues[':pk']),
    }));
    const store = new DynamoDeliveryProofs(doc, 'proofs');
    expect(await store.forMessage(records.messageId, NOW)).toEqual([proofs[0]]);
    expect(await store.forMessage(completed.messageId, NOW)).toEqual([proofs[1]]);
    expect(proofs[0]).toMatchObject({ batchId: BATCH_ID, recipient: 'FOREM', seq: 3 });
    expect(proofs[1]?.seq).toBeUndefined();
  });
});

describe('an operator’s re-delivery in the record of disclosures', () => {
  it('is a disclosure of its own per person and part, besides the batch’s, read back as a re-delivery at its instant', async () => {
    const at = new Date('2026-03-01T10:00:00Z');
    await new DynamoRedeliveryLog(ddb, 'disclosures', async () => KEY).recordRedelivery(batch, 'VDAB', [vdab, vdab], at);
    const items = itemsPut('disclosures').map((i) => unmarshall(i));
    expect(items).toHaveLength(1);
    expect(items[0]?.pk).toBe(inszHmac(KEY, INSZ));
    expect(String(items[0]?.sk)).toMatch(new RegExp(`^VDAB#${BATCH_ID}#[0-9a-f]{32}#redelivered#2026-03-01T10:00:00.000Z$`));
    expect(JSON.stringify(items)).not.toContain(INSZ);

    docMock.on(QueryCommand, { TableName: 'disclosures' }).resolves({ Items: items });
    docMock.on(QueryCommand, { TableName: 'lines' }).resolves({ Items: [] });
    const rows = await new DynamoDisclosures(doc, { disclosures: 'disclosures', paymentLines: 'lines' }).forPerson(
      inszHmac(KEY, INSZ),
      NOW,
    );
    expect(rows).toEqual([
      {
        recipient: 'VDAB',
        flow: 'REDELIVERY',
        period: '2025-10',
        batchId: BATCH_ID,
        regulation: 'ART60_7',
        legalBasis: LEGAL_BASIS,
        deliveredAt: at.toISOString(),
        expiresAt: Date.parse('2025-11-01T08:00:00Z') / 1000 + 5440 * 86_400,
      },
    ]);
  });
});
