import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDisclosures } from '../../../shared/adapters/dynamo-disclosures';

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const ddbMock = mockClient(ddb);
const NOW = new Date('2026-01-01T00:00:00Z');
const LATER = Date.parse('2040-01-01T00:00:00Z') / 1000;
const store = new DynamoDisclosures(ddb, { disclosures: 'disclosures', paymentLines: 'lines' });

beforeEach(() => {
  ddbMock.reset();
  // FOREM's item: two distinct records of the person in one part; an expired one is not read.
  ddbMock.on(QueryCommand, { TableName: 'disclosures' }).resolves({
    Items: [
      {
        pk: 'h',
        sk: 'FOREM#b-2#d',
        recipient: 'FOREM',
        period: '2025-11',
        batchId: 'b-2',
        regulation: 'ART60_7',
        legalBasis: 'IVC/KSZG 19/122',
        deliveredAt: '2025-12-03T09:05:00.000Z',
        expiresAt: LATER,
        others: [{ period: '2025-10', regulation: 'ART60_7' }],
      },
      { pk: 'h', sk: 'FOREM#b-0#e', recipient: 'FOREM', batchId: 'b-0', deliveredAt: '2010-01-01T00:00:00.000Z', expiresAt: 1 },
    ],
  });
  // VDAB's lines by person, as the index projects them (keys and the included attributes).
  ddbMock.on(QueryCommand, { TableName: 'lines', IndexName: 'byInszHmac' }).resolves({
    Items: [
      {
        pk: 'LINE#VDAB#R1',
        sk: 'LINE#b-1',
        inszHmac: 'h',
        recipient: 'VDAB',
        period: '2025-10',
        batchId: 'b-1',
        regulation: 'ART60_7',
        deliveredAt: '2025-11-03T09:05:00.000Z',
        expiresAt: LATER,
      },
    ],
  });
});

describe('DynamoDisclosures: the record of disclosures as an operator reads it', () => {
  it('answers from the lines’ index and from FOREM’s items, one disclosure per line and per distinct record, unexpired, oldest first', async () => {
    const rows = await store.forPerson('h', NOW);
    expect(rows).toEqual([
      {
        recipient: 'VDAB',
        period: '2025-10',
        batchId: 'b-1',
        regulation: 'ART60_7',
        legalBasis: 'IVC/KSZG 19/122',
        deliveredAt: '2025-11-03T09:05:00.000Z',
        expiresAt: LATER,
      },
      {
        recipient: 'FOREM',
        period: '2025-11',
        batchId: 'b-2',
        regulation: 'ART60_7',
        legalBasis: 'IVC/KSZG 19/122',
        deliveredAt: '2025-12-03T09:05:00.000Z',
        expiresAt: LATER,
      },
      {
        recipient: 'FOREM',
        period: '2025-10',
        batchId: 'b-2',
        regulation: 'ART60_7',
        legalBasis: 'IVC/KSZG 19/122',
        deliveredAt: '2025-12-03T09:05:00.000Z',
        expiresAt: LATER,
      },
    ]);
  });

  it('asks the index for one recipient with a filter, and does not ask it for FOREM, which has no lines', async () => {
    await store.forPerson('h', NOW, 'VDAB');
    const inputs = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input as QueryCommandInput);
    expect(inputs.find((i) => i.IndexName === 'byInszHmac')).toMatchObject({
      KeyConditionExpression: 'inszHmac = :pk',
      FilterExpression: 'recipient = :recipient',
      ExpressionAttributeValues: { ':pk': 'h', ':recipient': 'VDAB' },
    });
    expect(inputs.find((i) => i.TableName === 'disclosures')).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :recipient)',
      ExpressionAttributeValues: { ':pk': 'h', ':recipient': 'VDAB#' },
    });

    ddbMock.resetHistory();
    await store.forPerson('h', NOW, 'FOREM');
    expect(ddbMock.commandCalls(QueryCommand).map((c) => (c.args[0].input as QueryCommandInput).TableName)).toEqual(['disclosures']);
  });
});
