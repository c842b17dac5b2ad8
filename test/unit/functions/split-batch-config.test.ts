import { expect, it } from 'vitest';

it('fails its cold start with an error naming each missing variable', async () => {
  for (const name of ['BUCKET_INBOUND', 'BUCKET_STAGING', 'TABLE_BATCHES']) delete process.env[name];
  const coldStart = import('../../../functions/split-batch');
  for (const name of ['BUCKET_INBOUND', 'BUCKET_STAGING', 'TABLE_BATCHES']) {
    await expect(coldStart).rejects.toThrow(new RegExp(`^environment variable ${name} is not set$`, 'm'));
  }
});
