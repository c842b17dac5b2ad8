import { createHash, createHmac, createSecretKey, type Hash, type Hmac, type KeyObject } from 'node:crypto';

/**
 * SHA-256 and HMAC-SHA-256 for the SDK's request signing (SigV4), in place of its default
 * (`@smithy` `Hash`), which gives `createHmac` the raw key bytes. Node 24 prepares a raw key anew
 * for every HMAC, about ten times the cost of the hash itself; SigV4 signs every request with the
 * same derived key (the signer caches it for the day), so a KeyObject made once per key object
 * makes each signature as cheap as a hash. Otherwise the same: same algorithm, same bytes.
 */
export class KeyedSha256 {
  private static readonly keys = new WeakMap<object, KeyObject>();
  /**
   * The string secrets' KeyObjects: SigV4 keys one HMAC of every request with the secret access
   * key itself (the signer's cache of derived keys is looked up by it). A few entries: temporary
   * credentials change hourly, and a process signs with one set at a time.
   */
  private static readonly stringKeys = new Map<string, KeyObject>();
  private static readonly STRING_KEYS_KEPT = 4;
  private readonly hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    if (secret === undefined) this.hash = createHash('sha256');
    else if (typeof secret === 'string') this.hash = createHmac('sha256', KeyedSha256.stringKeyOf(secret));
    else this.hash = createHmac('sha256', KeyedSha256.keyOf(secret));
  }

  private static stringKeyOf(secret: string): KeyObject {
    let key = KeyedSha256.stringKeys.get(secret);
    if (key === undefined) {
      key = createSecretKey(Buffer.from(secret, 'utf8'));
      if (KeyedSha256.stringKeys.size >= KeyedSha256.STRING_KEYS_KEPT) KeyedSha256.stringKeys.clear();
      KeyedSha256.stringKeys.set(secret, key);
    }
    return key;
  }

  private static keyOf(secret: ArrayBuffer | ArrayBufferView): KeyObject {
    let key = KeyedSha256.keys.get(secret);
    if (key === undefined) {
      key = createSecretKey(bytesOf(secret));
      KeyedSha256.keys.set(secret, key);
    }
    return key;
  }

  update(data: string | ArrayBuffer | ArrayBufferView, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    if (typeof data === 'string') this.hash.update(data, encoding ?? 'utf8');
    else this.hash.update(bytesOf(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function bytesOf(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}
