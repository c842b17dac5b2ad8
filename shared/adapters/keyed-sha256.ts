import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { bytesOf, secretKeyOf } from '../secret-keys';

/**
 * SHA-256 and HMAC-SHA-256 for the SDK's request signing (SigV4), in place of its default
 * (`@smithy` `Hash`), which gives `createHmac` the raw key bytes. Node 24 prepares a raw key anew
 * for every HMAC, about ten times the cost of the hash itself; SigV4 signs every request with the
 * same derived key (the signer caches it for the day), so a KeyObject made once per key object
 * makes each signature as cheap as a hash. Otherwise the same: same algorithm, same bytes.
 */
export class KeyedSha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secretKeyOf(secret));
  }

  update(data: string | ArrayBuffer | ArrayBufferView, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    if (typeof data === 'string') this.hash.update(data, encoding ?? 'utf8');
    else this.hash.update(bytesOf(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}
