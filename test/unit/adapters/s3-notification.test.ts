import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS3EventKey, encodeS3EventKey } from '../../../shared/adapters/s3-notification';

describe('S3 event keys', () => {
  it('encodes as S3 does: + for a space, %2B for a plus, / kept', () => {
    expect(encodeS3EventKey('monthly/2025-11/a b+c.csv')).toBe('monthly/2025-11/a+b%2Bc.csv');
    expect(decodeS3EventKey('monthly/2025-11/a+b%2Bc.csv')).toBe('monthly/2025-11/a b+c.csv');
  });

  it('decodes every key it encodes', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (key) => decodeS3EventKey(encodeS3EventKey(key)) === key));
  });
});
