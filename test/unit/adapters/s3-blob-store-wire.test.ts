import { crc32 } from 'node:zlib';
import { S3Client } from '@aws-sdk/client-s3';
import type { HttpRequest } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../shared/adapters/s3-blob-store';

/**
 * What S3BlobStore's upload carries on the wire, read from the request the SDK would send (no
 * mock of the client: its middleware adds the checksum). S3 refuses an upload to a bucket with a
 * default Object Lock retention, the archive, unless it carries Content-MD5 or an x-amz-checksum
 * (PutObject in the S3 API Reference; docs/design.md, "The archive: a replay window under Object Lock").
 */

/** The request a put would send, captured before it leaves. */
async function wireRequestOf(
  put: (store: S3BlobStore) => Promise<void>,
  config: Partial<{ requestChecksumCalculation: 'WHEN_REQUIRED' }> = {},
) {
  let sent: HttpRequest | undefined;
  const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, ...config });
  client.config.requestHandler = {
    handle: async (request: HttpRequest) => {
      sent = request;
      throw new Error('captured');
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  } as never;
  await put(new S3BlobStore('archive', client)).catch(() => undefined);
  client.destroy();
  if (sent === undefined) throw new Error('no request was sent');
  return sent;
}

const BODY = '{"messageId":"m-1","type":"batch.records"}';
const crc32Base64 = (text: string) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(Buffer.from(text, 'utf8')));
  return bytes.toString('base64');
};

describe('S3BlobStore on the wire', () => {
  it.each([
    ['by default', {}],
    [
      'when the environment asks for checksums only where required (AWS_REQUEST_CHECKSUM_CALCULATION=when_required)',
      { requestChecksumCalculation: 'WHEN_REQUIRED' as const },
    ],
  ])('writes the archive with If-None-Match: * and the CRC32 of its bytes, %s', async (_when, config) => {
    const sent = await wireRequestOf((store) => store.put('VDAB/2025-11/b/part-000001.ndjson', BODY, { ifAbsent: true }), config);
    expect(sent.method).toBe('PUT');
    expect(sent.headers['if-none-match']).toBe('*');
    expect(sent.headers['x-amz-sdk-checksum-algorithm']).toBe('CRC32');
    expect(sent.headers['x-amz-checksum-crc32']).toBe(crc32Base64(BODY));
  });
});
