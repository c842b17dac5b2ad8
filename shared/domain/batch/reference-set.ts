/**
 * The one part of the batch that remembers every row of a file: the references already seen
 * (spec monthly-batch §7 `DUPLICATE_REFERENCE`). A million strings in a `Set` cost about 100 MB;
 * this keeps a 128-bit hash of each (16 bytes) in an open-addressing table of typed arrays, about
 * 32 MB for a million references. A 128-bit hash is exact for any file the PPS can produce: the
 * chance of one collision among 10^9 references is below 10^-20.
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * A 128-bit hash of UTF-16 code units (the first `length` of `text`): MurmurHash3 x86 128's mixing
 * (two code units per 32-bit word, the length mixed in), written into `out` as four 32-bit words.
 * Not for security: only to tell references (and records) apart.
 */
export function hash128Units(text: Uint16Array, length: number, out: Uint32Array, seed = 0): void {
  let h1 = seed;
  let h2 = seed;
  let h3 = seed;
  let h4 = seed;
  const blocks = length >>> 3; // 8 code units (four 32-bit words) a block
  for (let b = 0; b < blocks; b++) {
    const at = 8 * b;
    let k1 = (text[at] as number) | ((text[at + 1] as number) << 16);
    let k2 = (text[at + 2] as number) | ((text[at + 3] as number) << 16);
    let k3 = (text[at + 4] as number) | ((text[at + 5] as number) << 16);
    let k4 = (text[at + 6] as number) | ((text[at + 7] as number) << 16);
    k1 = Math.imul(rotl(Math.imul(k1, C1), 15), C2);
    h1 ^= k1;
    h1 = rotl(h1, 19) + h2;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(rotl(Math.imul(k2, C2), 16), C3);
    h2 ^= k2;
    h2 = rotl(h2, 17) + h3;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(rotl(Math.imul(k3, C3), 17), C4);
    h3 ^= k3;
    h3 = rotl(h3, 15) + h4;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(rotl(Math.imul(k4, C4), 18), C1);
    h4 ^= k4;
    h4 = rotl(h4, 13) + h1;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  // The tail: up to seven code units, zero-padded; the length is mixed in below, so that "a" and
  // "a\0" differ.
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  for (let i = blocks * 8, position = 0; i < length; i++, position++) {
    const unit = (text[i] as number) << ((position & 1) << 4);
    if (position < 2) k1 |= unit;
    else if (position < 4) k2 |= unit;
    else if (position < 6) k3 |= unit;
    else k4 |= unit;
  }
  if (k4) h4 ^= Math.imul(rotl(Math.imul(k4, C4), 18), C1);
  if (k3) h3 ^= Math.imul(rotl(Math.imul(k3, C3), 17), C4);
  if (k2) h2 ^= Math.imul(rotl(Math.imul(k2, C2), 16), C3);
  if (k1) h1 ^= Math.imul(rotl(Math.imul(k1, C1), 15), C2);
  h1 ^= length;
  h2 ^= length;
  h3 ^= length;
  h4 ^= length;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}

/**
 * The code units to hash, copied into one reusable array: a string, or a record's values each
 * followed by U+0000 (which no value of a row holds: a control character is `INVALID_FIELD`), so
 * that two records give the same units only when their values are equal. No string is built.
 */
class CodeUnits {
  units = new Uint16Array(256);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  add(text: string): void {
    const end = this.length + text.length;
    if (end > this.units.length) {
      const grown = new Uint16Array(Math.max(end, this.units.length * 2));
      grown.set(this.units.subarray(0, this.length));
      this.units = grown;
    }
    const units = this.units;
    for (let i = 0, at = this.length; i < text.length; i++, at++) units[at] = text.charCodeAt(i);
    this.length = end;
  }
}

/** Open addressing over 128-bit hashes, four words a slot; an all-zero hash marks an empty slot. */
class HashTable {
  private slots: Uint32Array;
  private capacity: number;
  count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.slots = new Uint32Array(capacity * 4);
  }

  /** Adds the hash (not all zero); returns true when it was there already. */
  addIfAbsent(h0: number, h1: number, h2: number, h3: number): boolean {
    const mask = this.capacity - 1;
    const slots = this.slots;
    // The low bits of h0 chose the shard: probe from the high ones.
    let slot = (h0 >>> 8) & mask;
    for (;;) {
      const at = slot * 4;
      const s0 = slots[at] as number;
      const s1 = slots[at + 1] as number;
      const s2 = slots[at + 2] as number;
      const s3 = slots[at + 3] as number;
      if ((s0 | s1 | s2 | s3) === 0) {
        slots[at] = h0;
        slots[at + 1] = h1;
        slots[at + 2] = h2;
        slots[at + 3] = h3;
        this.count += 1;
        // Linear probing stays short (2.5 probes for a new hash) below half full.
        if (this.count * 2 > this.capacity) this.grow();
        return false;
      }
      if (s0 === h0 >>> 0 && s1 === h1 >>> 0 && s2 === h2 >>> 0 && s3 === h3 >>> 0) return true;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.capacity *= 2;
    this.slots = new Uint32Array(this.capacity * 4);
    this.count = 0;
    for (let at = 0; at < old.length; at += 4) {
      const h0 = old[at] as number;
      const h1 = old[at + 1] as number;
      const h2 = old[at + 2] as number;
      const h3 = old[at + 3] as number;
      if ((h0 | h1 | h2 | h3) !== 0) this.addIfAbsent(h0, h1, h2, h3);
    }
  }
}

const SHARDS = 256;

/**
 * A set of strings (or records of strings) stored as 128-bit hashes: `addIfAbsent` tells whether a
 * string was seen before, `addIfAbsentFields` whether an equal record was.
 * The hashes are spread over 256 tables that grow one at a time, so that growing never holds two
 * copies of the whole set: a million references take about 32 MB, and never 48 at once.
 */
export class ReferenceSet {
  private readonly shards: HashTable[] = Array.from({ length: SHARDS }, () => new HashTable(16));
  private readonly scratch = new Uint32Array(4);

  get size(): number {
    return this.shards.reduce((total, shard) => total + shard.count, 0);
  }

  private readonly units = new CodeUnits();

  /** Adds `reference`; returns true when it was already in the set. */
  addIfAbsent(reference: string): boolean {
    this.units.clear();
    this.units.add(reference);
    return this.addUnits();
  }

  /**
   * Adds the record made of `record`'s values of `fields`, in that order, each followed by U+0000
   * (which no row value holds); returns true when an equal record was already in the set. An absent
   * value counts as empty.
   */
  addIfAbsentFields<F extends string>(record: Readonly<Partial<Record<F, string>>>, fields: readonly F[]): boolean {
    this.units.clear();
    for (let i = 0; i < fields.length; i++) {
      this.units.add(record[fields[i] as F] ?? '');
      this.units.add('\u0000');
    }
    return this.addUnits();
  }

  private addUnits(): boolean {
    const hash = this.scratch;
    hash128Units(this.units.units, this.units.length, hash);
    // An all-zero hash is the empty slot: vanishingly rare (2^-128), mapped to another value.
    if (((hash[0] as number) | (hash[1] as number) | (hash[2] as number) | (hash[3] as number)) === 0) hash[3] = 1;
    const h0 = hash[0] as number;
    return (this.shards[h0 & (SHARDS - 1)] as HashTable).addIfAbsent(h0, hash[1] as number, hash[2] as number, hash[3] as number);
  }
}
