import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BlobStore } from '../domain/batch/ports';
import { s3Client } from './aws-clients';

/** S3's answer when a conditional write finds the object already there. */
function isAlreadyThere(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412;
}

/** A {@link BlobStore} on one S3 bucket. */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly bucket: string,
    private readonly s3: S3Client = s3Client(),
  ) {}

  async put(key: string, body: string, options: { ifAbsent?: boolean; contentType?: string } = {}): Promise<void> {
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          // Encoded once here: the SDK's checksum and the socket then both read the same bytes.
          Body: Buffer.from(body, 'utf8'),
          ContentType: options.contentType,
          // Write once: S3 refuses the write when the key exists (the archive is never changed); on
          // the versioned archive, when its current version exists.
          IfNoneMatch: options.ifAbsent ? '*' : undefined,
          // A checksum on every upload, whatever AWS_REQUEST_CHECKSUM_CALCULATION says: S3 refuses an
          // upload to a bucket with a default Object Lock retention (the archive) without one.
          ChecksumAlgorithm: 'CRC32',
        }),
      );
    } catch (error) {
      if (options.ifAbsent && isAlreadyThere(error)) return;
      throw error;
    }
  }

  async getText(key: string): Promise<string> {
    const response = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!response.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return response.Body.transformToString('utf-8');
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const chunk = keys.slice(i, i + 1000);
      const response = await this.s3.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true } }),
      );
      if (response.Errors && response.Errors.length > 0) {
        throw new Error(`could not delete ${response.Errors.length} object(s) from s3://${this.bucket}: ${response.Errors[0]?.Code}`);
      }
    }
  }
}

/** Opens an S3 object as a stream of bytes. */
export function openS3Object(bucket: string, key: string, s3: S3Client = s3Client()): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!response.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      yield* response.Body as AsyncIterable<Uint8Array>;
    },
  };
}
