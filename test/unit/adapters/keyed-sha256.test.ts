import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedSha256 } from '../../../shared/adapters/keyed-sha256';

async function digestOf(secret: string | Uint8Array | undefined, parts: ReadonlyArray<string | Uint8Array>): Promise<string> {
  const hash = new KeyedSha256(secret);
  for (const part of parts) hash.update(part);
  return Buffer.from(await hash.digest()).toString('hex');
}

function expected(secret: string | Uint8Array | undefined, parts: ReadonlyArray<string | Uint8Array>): string {
  const hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}

const part = fc.oneof(fc.string({ unit: 'grapheme' }), fc.uint8Array({ maxLength: 300 }));

describe('KeyedSha256, the SDK clients’ signing hash', () => {
  it('property: the same SHA-256 and HMAC-SHA-256 as node:crypto with the raw key, whatever the key and the data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(fc.oneof(fc.string(), fc.uint8Array({ minLength: 1, maxLength: 64 })), { nil: undefined }),
        fc.array(part),
        async (secret, parts) => {
          expect(await digestOf(secret, parts)).toBe(expected(secret, parts));
        },
      ),
    );
  });

  it('keys by the key object: a key used again gives the same digest, another key of the same length another one', async () => {
    const key = new Uint8Array(32).fill(1);
    const other = new Uint8Array(32).fill(2);
    const first = await digestOf(key, ['string to sign']);
    expect(await digestOf(key, ['string to sign'])).toBe(first);
    expect(await digestOf(other, ['string to sign'])).toBe(expected(other, ['string to sign']));
    expect(await digestOf(other, ['string to sign'])).not.toBe(first);
  });

  it('reads a view of a larger buffer as its own bytes only', async () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect(await digestOf(backing.subarray(2, 5), [backing.subarray(2, 5)])).toBe(
      expected(new Uint8Array([1, 2, 3]), [new Uint8Array([1, 2, 3])]),
    );
  });
});
