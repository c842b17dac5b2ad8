import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFileLocally } from '../../../local/run-file';
import { QUEUES } from '../../../shared/topology';
import { COLUMNS, csvText, fillerRows, sha256Hex, utf8, writeBatch } from '../../support/batch-files';
import { assertValidMessage } from '../../support/message-schemas';
import { bodies, useMonthlyBatchHub } from '../../support/monthly-batch';

/**
 * `batch.outcome` through the local stand-in (messages.md; monthly-batch §8): the unchanged
 * split-batch handler tells the PPS, on its outbound queue, what became of every file it drops,
 * as the deployed hub does, and the recipients receive what they received before.
 */

const hub = useMonthlyBatchHub('monthly-batch-outcome');

/** What the PPS's outbound queue holds now, each message checked against its published schema. */
async function ppsOutcomes(): Promise<Array<Record<string, unknown>>> {
  const received = await hub.standIn.receiveAll(QUEUES.ppsOutbound);
  for (const message of received) {
    assertValidMessage(message.body);
    expect(message.attributes.type).toBe('batch.outcome');
  }
  return bodies(received);
}

describe('the PPS hears of every file it drops (monthly-batch §8)', () => {
  const period = '2025-07';

  it('npm start -- --file: the accepted file is delivered as before, and the PPS queue receives its outcome, naming the report', async () => {
    const fillers = fillerRows(period, 'OUT-A', 9);
    const bytes = utf8(
      csvText(
        COLUMNS,
        fillers.map((f) => f.row),
      ),
    );
    const path = await writeBatch(hub.workDir, 'outcome-accepted.csv', bytes);

    const result = await runFileLocally(hub.standIn, path, join(hub.workDir, 'out-accepted'));

    expect(result.report).toMatchObject({ refused: null, rows: 9, delivered: 9 });
    for (const recipient of ['VDAB', 'ACTIRIS', 'FOREM'] as const) expect(result.deliveries[recipient].complete).toBe(true);
    const { issues: _issues, refusedDetail: _detail, ...counts } = result.report;
    expect(await ppsOutcomes()).toEqual([
      {
        type: 'batch.outcome',
        schemaVersion: 1,
        messageId: expect.stringMatching(new RegExp(`^${sha256Hex(bytes)}:outcome:[0-9a-f]{32}$`)),
        sentAt: expect.any(String),
        ...counts,
        refusedDetail: null,
        reportKey: `${period}/${sha256Hex(bytes)}.json`,
        duplicateOf: null,
      },
    ]);
    expect(await hub.getReport(period, sha256Hex(bytes))).toEqual(result.report);
  });

  it('a refused file, UNSUPPORTED_FILE by its name alone: its report is written and the PPS told, nothing delivered', async () => {
    const bytes = utf8(
      csvText(
        COLUMNS,
        fillerRows(period, 'OUT-X', 3).map((f) => f.row),
      ),
    );

    expect(await hub.processRaw(`monthly/${period}/outcome-notes.txt`, bytes)).toEqual({ VDAB: [], ACTIRIS: [], FOREM: [] });

    const [outcome, ...more] = await ppsOutcomes();
    expect(more).toEqual([]);
    expect(outcome).toMatchObject({
      source: `monthly/${period}/outcome-notes.txt`,
      period,
      refused: 'UNSUPPORTED_FILE',
      refusedDetail: expect.stringMatching(/^The name does not end in \.csv, \.ndjson or \.jsonl/),
      rows: 0,
      delivered: 0,
      reportKey: `${period}/${sha256Hex(bytes)}.json`,
      duplicateOf: null,
    });
    expect(await hub.getReport(period, sha256Hex(bytes))).toMatchObject({ source: outcome?.source, refused: 'UNSUPPORTED_FILE' });
  });

  it("the same bytes under another key: nothing delivered again, and their own outcome points to the first batch's report", async () => {
    const bytes = utf8(
      csvText(
        COLUMNS,
        fillerRows(period, 'OUT-B', 6).map((f) => f.row),
      ),
    );

    const first = await hub.processRaw(`monthly/${period}/outcome-b.csv`, bytes);
    const again = await hub.processRaw(`monthly/${period}/outcome-b-again.csv`, bytes);

    expect(bodies(first.VDAB).map((m) => m.type)).toEqual(['batch.records', 'batch.completed']);
    expect(again).toEqual({ VDAB: [], ACTIRIS: [], FOREM: [] });
    const told = await ppsOutcomes();
    expect(told.map((o) => [o.source, o.refused, o.rows, o.delivered, o.reportKey, o.duplicateOf])).toEqual([
      [`monthly/${period}/outcome-b.csv`, null, 6, 6, `${period}/${sha256Hex(bytes)}.json`, null],
      [`monthly/${period}/outcome-b-again.csv`, null, 6, 6, `${period}/${sha256Hex(bytes)}.json`, sha256Hex(bytes)],
    ]);
    expect(told[0]?.messageId).not.toBe(told[1]?.messageId);
    expect(await hub.getReport(period, sha256Hex(bytes))).toMatchObject({ source: `monthly/${period}/outcome-b.csv`, delivered: 6 });
  });
});
