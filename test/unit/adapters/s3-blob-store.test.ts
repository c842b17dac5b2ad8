import { DeleteObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../../shared/adapters/s3-blob-store';

const s3 = mockClient(S3Client);
const preconditionFailed = Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
  name: 'PreconditionFailed',
  $metadata: { httpStatusCode: 412 },
});

beforeEach(() => s3.reset());

describe('S3BlobStore', () => {
  it('writes the archive once: If-None-Match, and an object already there is left as it is', async () => {
    s3.on(PutObjectCommand).rejects(preconditionFailed);
    const store = new S3BlobStore('archive', new S3Client({ region: 'eu-west-1' }));

    await expect(store.put('VDAB/2025-11/b/part-000001.ndjson', '{}', { ifAbsent: true })).resolves.toBeUndefined();

    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Bucket: 'archive', IfNoneMatch: '*' });
  });

  it('does not hide a refused write that was not conditional, nor another error of a conditional one', async () => {
    const store = new S3BlobStore('reports', new S3Client({ region: 'eu-west-1' }));
    s3.on(PutObjectCommand).rejects(preconditionFailed);
    await expect(store.put('2025-11/b.json', '{}')).rejects.toThrow('pre-conditions');
    s3.on(PutObjectCommand).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
    );
    await expect(store.put('2025-11/b.json', '{}', { ifAbsent: true })).rejects.toThrow('Access Denied');
  });

  it('fails loudly when DeleteObjects answers errors for some keys', async () => {
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'a', Code: 'AccessDenied' }] });
    const store = new S3BlobStore('staging', new S3Client({ region: 'eu-west-1' }));
    await expect(store.delete(['a', 'b'])).rejects.toThrow('could not delete 1 object(s)');
  });

  it('deletes in requests of at most 1,000 keys', async () => {
    s3.on(DeleteObjectsCommand).resolves({});
    const store = new S3BlobStore('staging', new S3Client({ region: 'eu-west-1' }));
    await store.delete(Array.from({ length: 2500 }, (_, i) => `k${i}`));
    expect(s3.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Objects?.length)).toEqual([1000, 1000, 500]);
  });
});
