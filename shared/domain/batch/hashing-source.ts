import { createHash } from 'node:crypto';

/**
 * A batch is named by the SHA-256 of its bytes (monthly-batch §8: the same bytes are one batch
 * under any key). The batch is named before its file is read (its staging is kept under that
 * name), and the bytes are hashed again while the reader pulls them, to check that they are the
 * bytes named.
 */

/** Hashes bytes as they pass; `digest()` is whole only when the source was read to its end. */
export class HashingSource implements AsyncIterable<Uint8Array> {
  private readonly hash = createHash('sha256');
  complete = false;

  constructor(private readonly source: AsyncIterable<Uint8Array>) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.source) {
      this.hash.update(chunk);
      yield chunk;
    }
    this.complete = true;
  }

  /** The hex SHA-256 of the bytes that passed. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** The hex SHA-256 of a whole source. */
export async function sha256Of(source: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of source) hash.update(chunk);
  return hash.digest('hex');
}
