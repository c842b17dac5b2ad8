import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import type { InboundObjects } from '../domain/operations/renotify-file';
import { s3Client } from './aws-clients';
import { openS3Object } from './s3-blob-store';

/**
 * The inbound bucket as the re-notify tool reads it: whether an object is there and when S3
 * received it (HeadObject, authorized as `s3:GetObject`), and its bytes. It never writes.
 */
export class S3InboundObjects implements InboundObjects {
  constructor(
    private readonly bucket: string,
    private readonly s3: S3Client = s3Client(),
  ) {}

  async receivedAt(key: string): Promise<Date | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      if (head.LastModified === undefined) throw new Error(`s3://${this.bucket}/${key} has no LastModified`);
      return head.LastModified;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
      throw error;
    }
  }

  open(key: string): AsyncIterable<Uint8Array> {
    return openS3Object(this.bucket, key, this.s3);
  }
}
