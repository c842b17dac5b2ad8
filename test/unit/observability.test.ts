import { afterEach, expect, it, vi } from 'vitest';
import { logger, metrics } from '../../shared/observability';

afterEach(() => vi.restoreAllMocks());

it("sends the metrics' own warnings through the hub's logger (redacted, silenced in tests)", () => {
  const warn = vi.spyOn(logger, 'warn');

  metrics.publishStoredMetrics();

  expect(warn).toHaveBeenCalledWith(expect.stringContaining('No application metrics to publish'));
});
