import { BatchWriteItemCommand, type BatchWriteItemCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DisclosureKeyError, disclosureKeyReader, loadDisclosureKey } from '../../../shared/adapters/disclosure-key';
import { DynamoDeliveryLedger } from '../../../shared/adapters/dynamo-delivery-ledger';
import type { RecipientRecord } from '../../../shared/domain/recipients';
import { inszHmac, LEGAL_BASIS } from '../../../shared/domain/return-flows/disclosures';
import { INSZ, KEY, OTHER_INSZ } from './fakes';

// The ledger marshals its items once and writes them with the low-level client.
const ddb = new DynamoDBClient({ region: 'eu-west-1' });
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
const forem = (i: number, insz = INSZ): RecipientRecord => ({
  period: '2025-10',
  ocmwKbo: '0212351212',
  regulation: 'ART60_7',
  fileNumber: `F${i}`,
  insz,
});

/** The requests of each BatchWriteItem call to `table`, their items unmarshalled. */
function writes(table: string) {
  return ddbMock
    .commandCalls(BatchWriteItemCommand)
    .map((c) => (c.args[0].input as BatchWriteItemCommandInput).RequestItems?.[table] ?? [])
    .filter((requests) => requests.length > 0)
    .map((requests) => requests.map((r) => ({ PutRequest: { Item: unmarshall(r.PutRequest?.Item ?? {}) } })));
}
const ledger = (maxAttempts = 5) =>
  new DynamoDeliveryLedger(
    ddb,
    { paymentLines: 'lines', disclosures: 'disclosures', deliveryProofs: 'proofs' },
    async () => KEY,
    () => new Date('2025-11-01T08:10:00Z'),
    { sleep: async () => {}, maxAttempts },
  );

beforeEach(() => {
  ddbMock.reset();
  ssmMock.reset();
  ddbMock.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
});

describe('DynamoDeliveryLedger', () => {
  it('writes one item per VDAB line and batch, 25 per call, with the HMAC of the INSZ its disclosure is found by, the 15-year TTL from receipt (5,440 days: backups count as keeping) and no INSZ in clear', async () => {
    await ledger().recordDeliveries(
      batch,
      'VDAB',
      Array.from({ length: 60 }, (_, i) => vdab(i)),
    );

    expect(writes('lines').map((w) => w.length)).toEqual([25, 25, 10]);
    // VDAB's lines are its record of disclosures (the index byInszHmac): no second item per row.
    expect(writes('disclosures')).toEqual([]);
    const line = writes('lines')[0]![0]!.PutRequest.Item;
    // Nothing the key holds (recipient and reference in pk, the batch and the kind of item in sk) is repeated.
    expect(line).toEqual({
      pk: 'LINE#VDAB#R0',
      sk: 'LINE#b-1',
      fileNumber: 'F0',
      ocmwKbo: '0212351212',
      regulation: 'ART60_7',
      inszHmac: inszHmac(KEY, INSZ),
      period: '2025-10',
      deliveredAt: '2025-11-01T08:10:00.000Z',
      expiresAt: Date.parse('2025-11-01T08:00:00Z') / 1000 + 5440 * 86_400,
    });
    expect(JSON.stringify(ddbMock.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input))).not.toContain(INSZ);
  });

  it('writes no payment line for FOREM, one disclosure per person holding each distinct record, kept 3,653 days', async () => {
    const other = OTHER_INSZ;
    await ledger().recordDeliveries(batch, 'FOREM', [forem(1), forem(2), forem(1), forem(3, other)]);
    expect(writes('lines')).toEqual([]);
    const items = writes('disclosures')[0]!.map((r) => r.PutRequest.Item);
    expect(items.map((i) => [i.pk, i.others?.length ?? 0])).toEqual([
      [inszHmac(KEY, INSZ), 1],
      [inszHmac(KEY, other), 0],
    ]);
    expect(items[0]).toMatchObject({ regulation: 'ART60_7', legalBasis: LEGAL_BASIS });
    // The recipient and the batch are in the key, not repeated.
    expect(String(items[0]?.sk).startsWith('FOREM#b-1#')).toBe(true);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual([
      'deliveredAt',
      'expiresAt',
      'legalBasis',
      'others',
      'period',
      'pk',
      'regulation',
      'sk',
    ]);
    expect(items.every((i) => i.expiresAt === Date.parse('2025-11-01T08:00:00Z') / 1000 + 3653 * 86_400)).toBe(true);
    expect(JSON.stringify(ddbMock.commandCalls(BatchWriteItemCommand).map((c) => c.args[0].input))).not.toContain(INSZ);
  });

  it('retries the items DynamoDB leaves unprocessed (throttling) until all are written', async () => {
    let first = true;
    ddbMock.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => {
      const requests = input.RequestItems?.lines;
      if (requests && first) {
        first = false;
        return { UnprocessedItems: { lines: requests.slice(0, 3) } };
      }
      return { UnprocessedItems: {} };
    });

    await ledger().recordDeliveries(
      batch,
      'VDAB',
      Array.from({ length: 10 }, (_, i) => vdab(i)),
    );

    expect(writes('lines').map((w) => w.length)).toEqual([10, 3]);
  });

  it('fails loudly when items stay unprocessed, so the batch is not published unrecorded', async () => {
    ddbMock.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => ({ UnprocessedItems: input.RequestItems }));
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
