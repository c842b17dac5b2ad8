import { expect, it } from 'vitest';
import { QUEUES } from '../../../shared/topology';

it("fails its cold start without the ARN of the PPS's queue: the channel check is never skipped", async () => {
  delete process.env[QUEUES.ppsInbound.arnEnv];
  const coldStart = import('../../../functions/pps-inbound');
  await expect(coldStart).rejects.toThrow(new RegExp(`^environment variable ${QUEUES.ppsInbound.arnEnv} is not set$`, 'm'));
});
