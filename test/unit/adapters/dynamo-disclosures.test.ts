import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDisclosures } from '../../../shared/adapters/dynamo-disclosures';
import { LEGAL_BASIS } from '../../../shared/domain/return-flows/disclosures';

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
      // A correction request forwarded to the PPS and, approved, passed on for the OCMW: recipient and id from the key.
      {
        pk: 'h',
        sk: 'PPS#cor-1',
        period: '2025-10-01/2025-10-31',
        regulation: 'ART60_7',
        legalBasis: LEGAL_BASIS,
        deliveredAt: '2025-12-04T10:00:00.000Z',
        expiresAt: LATER,
      },
      {
        pk: 'h',
        sk: 'OCMW#cor-1',
        period: '2025-10-01/2025-10-31',
        ocmwKbo: '0212351212',
        regulation: 'ART60_7',
        legalBasis: LEGAL_BASIS,
        deliveredAt: '2025-12-05T10:00:00.000Z',
        expiresAt: LATER,
      },
    ],
  });
  // VDAB's lines by person, as the index projects them (keys and the included attributes): the
  // recipient and the batch from the key.
  ddbMock.on(QueryCommand, { TableName: 'lines', IndexName: 'byInszHmac' }).resolves({
    Items: [
      {
        pk: 'LINE#VDAB#R1',
        sk: 'LINE#b-1',
        inszHmac: 'h',
        period: '2025-10',
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
    const forem = { recipient: 'FOREM', flow: 'BATCH', batchId: 'b-2', regulation: 'ART60_7', legalBasis: 'IVC/KSZG 19/122' };
    const correction = { flow: 'CORRECTION_REQUEST', period: '2025-10-01/2025-10-31', correctionId: 'cor-1', regulation: 'ART60_7' };
    expect(rows).toEqual([
      {
        recipient: 'VDAB',
        flow: 'BATCH',
        period: '2025-10',
        batchId: 'b-1',
        regulation: 'ART60_7',
        legalBasis: LEGAL_BASIS,
        deliveredAt: '2025-11-03T09:05:00.000Z',
        expiresAt: LATER,
      },
      // An item written when it still repeated recipient and batch reads the same; its legal basis is the one it was recorded under.
      { ...forem, period: '2025-11', deliveredAt: '2025-12-03T09:05:00.000Z', expiresAt: LATER },
      { ...forem, period: '2025-10', deliveredAt: '2025-12-03T09:05:00.000Z', expiresAt: LATER },
      { recipient: 'PPS', ...correction, legalBasis: LEGAL_BASIS, deliveredAt: '2025-12-04T10:00:00.000Z', expiresAt: LATER },
      {
        recipient: 'OCMW',
        ...correction,
        flow: 'CORRECTION_APPROVED',
        ocmwKbo: '0212351212',
        legalBasis: LEGAL_BASIS,
        deliveredAt: '2025-12-05T10:00:00.000Z',
        expiresAt: LATER,
      },
    ]);
  });

  it('asks the index for one recipient with a filter, and does not ask it for FOREM, which has no lines', async () => {
    await store.forPerson('h', NOW, 'VDAB');
    const inputs = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input as QueryCommandInput);
    // The line's recipient is in its key: the filter reads the key.
    expect(inputs.find((i) => i.IndexName === 'byInszHmac')).toMatchObject({
      KeyConditionExpression: 'inszHmac = :pk',
      FilterExpression: 'begins_with(pk, :line)',
      ExpressionAttributeValues: { ':pk': 'h', ':line': 'LINE#VDAB#' },
    });
    expect(inputs.find((i) => i.TableName === 'disclosures')).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :recipient)',
      ExpressionAttributeValues: { ':pk': 'h', ':recipient': 'VDAB#' },
    });

    for (const recipient of ['FOREM', 'PPS', 'OCMW'] as const) {
      ddbMock.resetHistory();
      await store.forPerson('h', NOW, recipient);
      const calls = ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input as QueryCommandInput);
      expect(calls.map((i) => i.TableName)).toEqual(['disclosures']);
      expect(calls[0]?.ExpressionAttributeValues).toEqual({ ':pk': 'h', ':recipient': `${recipient}#` });
    }
  });
});
