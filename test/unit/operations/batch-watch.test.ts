import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BatchWatchDeps,
  hubCalendarDay,
  type WatchedBatch,
  type WatchedBatches,
  watchBatches,
} from '../../../shared/domain/operations/batch-watch';

/**
 * The scheduled check of the batches: the month's file by its due day (Brussels time), and the
 * batches PUBLISHING past their lease, over an in-memory index of the batches table.
 */

/** The batches table's byStatus index, in memory: what the adapter's two queries answer. */
function inMemory(batches: readonly WatchedBatch[]): WatchedBatches & { readonly asked: Date[] } {
  const asked: Date[] = [];
  return {
    asked,
    publishing: async () => batches.filter((b) => b.status === 'PUBLISHING'),
    deliveredSince: async (since) => {
      asked.push(since);
      return batches.filter((b) => b.status === 'DELIVERED' && b.receivedAt >= since.toISOString());
    },
  };
}

const deps = (now: string, batches: readonly WatchedBatch[], monthlyFileDueDay = 10): BatchWatchDeps => ({
  batches: inMemory(batches),
  clock: () => new Date(now),
  monthlyFileDueDay,
});

const delivered = (batchId: string, receivedAt: string): WatchedBatch => ({ batchId, status: 'DELIVERED', receivedAt });
const publishing = (batchId: string, receivedAt: string, leaseUntil: string): WatchedBatch => ({
  batchId,
  status: 'PUBLISHING',
  receivedAt,
  leaseUntil,
});

describe('the month’s file', () => {
  it('is not missing before its due day, even with no file at all', async () => {
    const report = await watchBatches(deps('2025-12-09T21:00:00Z', []));
    expect(report).toEqual({ month: '2025-12', fileDue: false, receivedThisMonth: 0, monthlyFileMissing: false, stuckPublishing: [] });
  });

  it('is missing from its due day when no batch was received this month; last month’s does not count', async () => {
    const report = await watchBatches(deps('2025-12-10T08:00:00Z', [delivered('nov', '2025-11-28T09:00:00Z')]));
    expect(report).toMatchObject({ month: '2025-12', fileDue: true, receivedThisMonth: 0, monthlyFileMissing: true });
  });

  it('has arrived when a batch of this month is delivered, or still publishing', async () => {
    expect(await watchBatches(deps('2025-12-15T08:00:00Z', [delivered('dec', '2025-12-03T09:00:00Z')]))).toMatchObject({
      receivedThisMonth: 1,
      monthlyFileMissing: false,
    });
    const onItsWay = publishing('dec', '2025-12-15T07:55:00Z', '2025-12-15T08:10:00Z');
    expect(await watchBatches(deps('2025-12-15T08:00:00Z', [onItsWay]))).toMatchObject({
      receivedThisMonth: 1,
      monthlyFileMissing: false,
      stuckPublishing: [],
    });
  });

  it('counts days and months in Brussels time: 23:30 UTC on 30 November is 1 December there', async () => {
    expect(hubCalendarDay(new Date('2025-11-30T23:30:00Z'))).toEqual({ month: '2025-12', day: 1 });
    expect(hubCalendarDay(new Date('2025-06-30T21:59:00Z'))).toEqual({ month: '2025-06', day: 30 });
    expect(hubCalendarDay(new Date('2025-06-30T22:00:00Z'))).toEqual({ month: '2025-07', day: 1 });
    // A file received just after midnight in Brussels on the 1st is this month's file…
    const early = await watchBatches(deps('2025-12-10T08:00:00Z', [delivered('dec', '2025-11-30T23:30:00Z')]));
    expect(early).toMatchObject({ receivedThisMonth: 1, monthlyFileMissing: false });
    // …and the due day is reached at midnight in Brussels, not in UTC.
    expect(await watchBatches(deps('2025-12-09T23:30:00Z', []))).toMatchObject({ fileDue: true, monthlyFileMissing: true });
    expect(await watchBatches(deps('2025-12-09T22:30:00Z', []))).toMatchObject({ fileDue: false, monthlyFileMissing: false });
  });

  it('asks for the delivered batches from before the month began, so that none of this month’s is left out', async () => {
    const batches = inMemory([]);
    await watchBatches({ batches, clock: () => new Date('2025-12-01T00:30:00Z'), monthlyFileDueDay: 1 });
    expect(batches.asked).toEqual([new Date('2025-11-30T00:00:00Z')]);
  });

  it('is missing exactly when the due day has come and no batch was received this month, whatever the day and the files', async () => {
    const day = fc.integer({ min: 1, max: 28 });
    await fc.assert(
      fc.asyncProperty(day, day, fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 4 }), async (today, dueDay, daysAgo) => {
        const now = new Date(Date.UTC(2026, 2, today, 12));
        const files = daysAgo.map((d, i) => delivered(`b${i}`, new Date(now.getTime() - d * 86_400_000).toISOString()));
        const report = await watchBatches(deps(now.toISOString(), files, dueDay));
        const thisMonth = daysAgo.filter((d) => d < today).length;
        expect(report.receivedThisMonth).toBe(thisMonth);
        expect(report.monthlyFileMissing).toBe(today >= dueDay && thisMonth === 0);
      }),
    );
  });
});

describe('batches stuck publishing', () => {
  it('names the batches PUBLISHING whose lease has run out, not those still held', async () => {
    const now = '2025-12-03T10:00:00Z';
    const report = await watchBatches(
      deps(now, [
        publishing('held', '2025-12-03T09:55:00Z', '2025-12-03T10:10:00Z'),
        publishing('crashed-b', '2025-12-03T08:00:00Z', '2025-12-03T08:15:00Z'),
        publishing('crashed-a', '2025-12-02T08:00:00Z', '2025-12-02T08:15:00Z'),
        publishing('just-now', '2025-12-03T09:45:00Z', '2025-12-03T10:00:00Z'),
        delivered('done', '2025-12-03T07:00:00Z'),
      ]),
    );
    expect(report.stuckPublishing).toEqual(['crashed-a', 'crashed-b']);
  });

  it('finds a stuck batch of any month, received long ago', async () => {
    const report = await watchBatches(deps('2026-03-01T10:00:00Z', [publishing('old', '2025-12-03T08:00:00Z', '2025-12-03T08:15:00Z')]));
    expect(report.stuckPublishing).toEqual(['old']);
    // A batch stuck this month is still a file that arrived.
    expect(report.receivedThisMonth).toBe(0);
  });
});
