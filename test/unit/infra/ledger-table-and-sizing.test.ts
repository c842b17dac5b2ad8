import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../../shared/topology';
import { logicalId, removeOutdir, resources, type Synthesized, synthesizeHub } from './helpers';

/**
 * The delivery ledger's table and split-batch's size (docs/design.md, "Memory sizing and files past one
 * function", and "DynamoDB: keys and access patterns").
 */

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
});
afterAll(() => removeOutdir(s));

describe('the payment lines: VDAB’s and Actiris’s record of disclosures', () => {
  it('has the index byInszHmac on the HMAC of the INSZ, keeping only what a disclosure shows', () => {
    const table = resources(s.stateful, 'AWS::DynamoDB::Table')[logicalId(s.hub.stateful.tables.paymentLines.table)]!;
    expect(table.Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byInszHmac',
        KeySchema: [{ AttributeName: 'inszHmac', KeyType: 'HASH' }],
        Projection: {
          ProjectionType: 'INCLUDE',
          NonKeyAttributes: ['recipient', 'period', 'batchId', 'regulation', 'deliveredAt', 'expiresAt'],
        },
      },
    ]);
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'inszHmac', AttributeType: 'S' },
      ]),
    );
  });
});

describe('split-batch is sized from the benchmark', () => {
  it('has 1,769 MB: one full vCPU, where a single-threaded, CPU-bound function stops getting faster', () => {
    const fn = resources(s.stateless, 'AWS::Lambda::Function')[logicalId(s.hub.stateless.functions.splitBatch.fn)]!;
    expect(FUNCTIONS.splitBatch.memoryMb).toBe(1769);
    expect(fn.Properties.MemorySize).toBe(1769);
    expect(fn.Properties.Timeout).toBe(900);
  });
});
