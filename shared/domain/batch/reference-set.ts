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
 * A 128-bit hash of a string: MurmurHash3 x86 128's mixing over the string's UTF-16 code units (two
 * per 32-bit word, the length mixed in), written into `out` as four 32-bit words. Not for security:
 * only to tell references apart.
 */
export function hash128(text: string, out: Uint32Array, seed = 0): void {
  let h1 = seed;
  let h2 = seed;
  let h3 = seed;
  let h4 = seed;
  const length = text.length;
  const words = length >>> 1;
  const blocks = words >>> 2;
  const word = (w: number): number => text.charCodeAt(2 * w) | (text.charCodeAt(2 * w + 1) << 16);
  for (let b = 0; b < blocks; b++) {
    let k1 = word(4 * b);
    let k2 = word(4 * b + 1);
    let k3 = word(4 * b + 2);
    let k4 = word(4 * b + 3);
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
  // Tail: the remaining code units, and the length in code units so that "a" and "a\0" differ.
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  let k4 = 0;
  const tailStart = blocks * 8;
  const tail = [k1, k2, k3, k4];
  for (let i = tailStart; i < length; i++) {
    const position = i - tailStart;
    const index = position >>> 1;
    tail[index] = (tail[index] ?? 0) | (text.charCodeAt(i) << ((position & 1) * 16));
  }
  [k1, k2, k3, k4] = tail as [number, number, number, number];
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

/** A set of strings stored as 128-bit hashes: `addIfAbsent` tells whether a string was seen before. */
export class ReferenceSet {
  private slots: Uint32Array;
  private used: Uint8Array;
  private capacity: number;
  private count = 0;
  private readonly scratch = new Uint32Array(4);

  constructor(initialCapacity = 1 << 14) {
    this.capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.slots = new Uint32Array(this.capacity * 4);
    this.used = new Uint8Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds `reference`; returns true when it was already in the set. */
  addIfAbsent(reference: string): boolean {
    hash128(reference, this.scratch);
    if (this.findOrInsert(this.scratch)) return true;
    this.count += 1;
    if (this.count * 2 > this.capacity) this.grow();
    return false;
  }

  private findOrInsert(hash: Uint32Array): boolean {
    const mask = this.capacity - 1;
    let slot = (hash[0] ?? 0) & mask;
    for (;;) {
      if (this.used[slot] === 0) {
        this.used[slot] = 1;
        this.slots.set(hash, slot * 4);
        return false;
      }
      const at = slot * 4;
      if (this.slots[at] === hash[0] && this.slots[at + 1] === hash[1] && this.slots[at + 2] === hash[2] && this.slots[at + 3] === hash[3]) {
        return true;
      }
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldUsed = this.used;
    this.capacity *= 2;
    this.slots = new Uint32Array(this.capacity * 4);
    this.used = new Uint8Array(this.capacity);
    const hash = new Uint32Array(4);
    for (let slot = 0; slot < oldUsed.length; slot++) {
      if (oldUsed[slot] === 0) continue;
      hash.set(oldSlots.subarray(slot * 4, slot * 4 + 4));
      this.findOrInsert(hash);
    }
  }
}
