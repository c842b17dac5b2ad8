import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * HMAC keys as KeyObjects, made once per key: Node 24 prepares a raw key anew for every
 * `createHmac` (about 50–80 µs, ten times the hash itself), a KeyObject only once. Used by the
 * disclosure key's HMACs (disclosures.ts) and by the SDK's request signing (keyed-sha256.ts).
 */

const byKeyObject = new WeakMap<object, KeyObject>();

/**
 * String keys (the SDK's secret access key, with which SigV4 makes one HMAC a request): a few
 * entries, since temporary credentials change hourly and a process signs with one set at a time.
 */
const byString = new Map<string, KeyObject>();
const STRINGS_KEPT = 4;

/** The KeyObject of `key`, made on first use: by identity for bytes, by value for a string. */
export function secretKeyOf(key: string | ArrayBuffer | ArrayBufferView): KeyObject {
  if (typeof key === 'string') {
    let secret = byString.get(key);
    if (secret === undefined) {
      secret = createSecretKey(Buffer.from(key, 'utf8'));
      if (byString.size >= STRINGS_KEPT) byString.clear();
      byString.set(key, secret);
    }
    return secret;
  }
  let secret = byKeyObject.get(key);
  if (secret === undefined) {
    secret = createSecretKey(bytesOf(key));
    byKeyObject.set(key, secret);
  }
  return secret;
}

/** The bytes of a buffer or a view, without copying them. */
export function bytesOf(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}
