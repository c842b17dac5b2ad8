import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BatchWriteCommand, type BatchWriteCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DisclosureKeyError, disclosureKeyReader, loadDisclosureKey } from '../../../shared/adapters/disclosure-key';
import { DynamoDeliveryLedger } from '../../../shared/adapters/dynamo-delivery-ledger';
import type { RecipientRecord } from '../../../shared/domain/recipients';
import { inszHmac } from '../../../shared/domain/return-flows/disclosures';
import { INSZ, KEY } from './fakes';

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const ddbMock = mockClient(ddb);
const ssmMock = mockClient(SSMClient);

const batch = { batchId: 'b-1', period: '2025-10', receivedAt: new Date('2025-11-01T08:00:00Z') };
const vdab = (i: number): RecipientRecord => ({
  period: '2025-10',
  ocmwKbo: '0212351212',
  regulation: 'ART60_7',
  fileNumber: `F${i}`,
  insz: INSZ,
  reference: `R${i}`,
  amount: '1.00',
});
const forem = (i: number): RecipientRecord => ({
  period: '2025-10',
  ocmwKbo: '0212351212',
  regulation: 'ART60_7',
  fileNumber: `F${i}`,
  insz: INSZ,
});

function writes(table: string) {
  return ddbMock
    .commandCalls(BatchWriteCommand)
    .map((c) => (c.args[0].input as BatchWriteCommandInput).RequestItems?.[table] ?? [])
    .filter((requests) => requests.length > 0);
}
const ledger = (maxAttempts = 5) =>
  new DynamoDeliveryLedger(
    ddb,
    { paymentLines: 'lines', disclosures: 'disclosures' },
    async () => KEY,
    () => new Date('2025-11-01T08:10:00Z'),
    { sleep: async () => {}, maxAttempts },
  );

beforeEach(() => {
  ddbMock.reset();
  ssmMock.reset();
  ddbMock.on(BatchWriteCommand).resolves({ UnprocessedItems: {} });
});

describe('DynamoDeliveryLedger', () => {
  it('writes VDAB lines and disclosures 25 per call, with the 15-year TTL from receipt (5,440 days: backups count as keeping) and no INSZ in clear', async () => {
    await ledger().recordDeliveries(
      batch,
      'VDAB',
      Array.from({ length: 60 }, (_, i) => vdab(i)),
    );

    expect(writes('lines').map((w) => w.length)).toEqual([25, 25, 10]);
    expect(writes('disclosures').map((w) => w.length)).toEqual([25, 25, 10]);
    const line = writes('lines')[0]![0]!.PutRequest!.Item!;
    expect(line).toMatchObject({ pk: 'LINE#VDAB#R0', sk: 'LINE', fileNumber: 'F0', inszHmac: inszHmac(KEY, INSZ), batchId: 'b-1' });
    expect(line.expiresAt).toBe(Date.parse('2025-11-01T08:00:00Z') / 1000 + 5440 * 86_400);
    const disclosure = writes('disclosures')[0]![0]!.PutRequest!.Item!;
    expect(disclosure).toMatchObject({
      pk: inszHmac(KEY, INSZ),
      recipient: 'VDAB',
      batchId: 'b-1',
      regulation: 'ART60_7',
      legalBasis: 'IVC/KSZG 19/122',
      deliveredAt: '2025-11-01T08:10:00.000Z',
    });
    expect(JSON.stringify(ddbMock.commandCalls(BatchWriteCommand).map((c) => c.args[0].input))).not.toContain(INSZ);
  });

  it('writes no payment line for FOREM, only its disclosures, kept 3,653 days', async () => {
    await ledger().recordDeliveries(batch, 'FOREM', [forem(1), forem(2)]);
    expect(writes('lines')).toEqual([]);
    const items = writes('disclosures')[0]!.map((r) => r.PutRequest!.Item!);
    expect(items).toHaveLength(2);
    expect(items.every((i) => i.recipient === 'FOREM' && i.expiresAt === Date.parse('2025-11-01T08:00:00Z') / 1000 + 3653 * 86_400)).toBe(
      true,
    );
  });

  it('retries the items DynamoDB leaves unprocessed (throttling) until all are written', async () => {
    let first = true;
    ddbMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => {
      const requests = input.RequestItems?.disclosures;
      if (requests && first) {
        first = false;
        return { UnprocessedItems: { disclosures: requests.slice(0, 3) } };
      }
      return { UnprocessedItems: {} };
    });

    await ledger().recordDeliveries(
      batch,
      'FOREM',
      Array.from({ length: 10 }, (_, i) => forem(i)),
    );

    expect(writes('disclosures').map((w) => w.length)).toEqual([10, 3]);
  });

  it('fails loudly when items stay unprocessed, so the batch is not published unrecorded', async () => {
    ddbMock.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => ({ UnprocessedItems: input.RequestItems }));
    await expect(ledger(3).recordDeliveries(batch, 'FOREM', [forem(1)])).rejects.toThrow(/unprocessed in disclosures after 3 attempts/);
    expect(writes('disclosures')).toHaveLength(3);
  });
});

describe('the disclosure key', () => {
  const hex = 'ab'.repeat(32);

  it('reads the SSM SecureString, decrypted, when a parameter is named', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: hex } });
    const key = await loadDisclosureKey({ parameterName: '/hub/disclosure-key-test' });
    expect(key.toString('hex')).toBe(hex);
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input).toMatchObject({
      Name: '/hub/disclosure-key-test',
      WithDecryption: true,
    });
  });

  it('reads the local hex key on the laptop', async () => {
    expect((await loadDisclosureKey({ localHex: hex })).toString('hex')).toBe(hex);
  });

  it.each([
    ['neither is set', {} as never],
    ['the key is too short', { localHex: 'ab'.repeat(16) }],
    ['the key is not hex', { localHex: 'zz'.repeat(32) }],
  ])('fails loudly when %s', async (_, source) => {
    await expect(loadDisclosureKey(source)).rejects.toBeInstanceOf(DisclosureKeyError);
  });

  it('is read at each use through a cache: SSM once per five minutes, the laptop key parsed once', async () => {
    ssmMock.reset();
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: hex } });
    const fromSsm = disclosureKeyReader({ parameterName: '/hub/disclosure-key-cached' });
    for (let i = 0; i < 3; i++) expect(Buffer.from(await fromSsm()).toString('hex')).toBe(hex);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);

    const local = disclosureKeyReader({ localHex: hex });
    expect(await local()).toBe(await local());
  });
});
