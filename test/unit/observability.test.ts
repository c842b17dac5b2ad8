import { afterEach, expect, it, vi } from 'vitest';
import { logger, metrics } from '../../shared/observability';

afterEach(() => vi.restoreAllMocks());

it("sends the metrics' own warnings through the hub's logger (redacted, silenced in tests)", () => {
  const warn = vi.spyOn(logger, 'warn');

  metrics.publishStoredMetrics();

  expect(warn).toHaveBeenCalledWith(expect.stringContaining('No application metrics to publish'));
});

it('keeps each record’s ids to its own lines, records handled side by side included, and drops them when it ends', async () => {
  const { withLogIds, addLogIds, currentLogIds } = await import('../../shared/observability');
  const seen: Array<[string, unknown]> = [];
  const record = (id: string, batchId: string) =>
    withLogIds({ sqsMessageId: id, receiveCount: 1 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, id === 'a' ? 5 : 0));
      seen.push([id, currentLogIds()]);
      await withLogIds({ key: `monthly/2025-10/${id}.csv` }, async () => {
        addLogIds({ batchId });
        await Promise.resolve();
        seen.push([id, currentLogIds()]);
      });
      seen.push([id, currentLogIds()]);
    });

  await Promise.all([record('a', 'sha-a'), record('b', 'sha-b')]);

  expect(seen.filter(([id]) => id === 'a').map(([, ids]) => ids)).toEqual([
    { sqsMessageId: 'a', receiveCount: 1 },
    { sqsMessageId: 'a', receiveCount: 1, key: 'monthly/2025-10/a.csv', batchId: 'sha-a' },
    { sqsMessageId: 'a', receiveCount: 1 },
  ]);
  expect(seen.filter(([id]) => id === 'b').map(([, ids]) => ids)[1]).toEqual({
    sqsMessageId: 'b',
    receiveCount: 1,
    key: 'monthly/2025-10/b.csv',
    batchId: 'sha-b',
  });
  expect(currentLogIds()).toEqual({});
});
