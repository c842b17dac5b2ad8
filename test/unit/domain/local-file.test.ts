import { describe, expect, it } from 'vitest';
import { NO_PERIOD_LOCAL_PREFIX, parseInboundKey } from '../../../shared/domain/batch/file-name';
import { processInboundFile } from '../../../shared/domain/batch/process-file';
import { inboundFile, memoryBatch, PPS_QUEUE, sentToRecipients } from '../../support/batch-dependencies';
import { bytesOf, csvFile, validRow } from '../../support/rows';

/** A local file none of whose rows has a well-formed period (monthly-batch §7, §9): its period is null. */

describe('the key of a local file without a period', () => {
  it('has period null and its format from its name; anything else outside monthly/<YYYY-MM>/ stays UNSUPPORTED_FILE', () => {
    expect(NO_PERIOD_LOCAL_PREFIX).toBe('local/no-period/');
    expect(parseInboundKey('local/no-period/batch.ndjson.gz')).toEqual({
      period: null,
      name: 'batch.ndjson.gz',
      kind: { format: 'ndjson', gzip: true },
    });
    for (const key of ['local/no-period/notes.txt', 'local/no-period/a/b.csv', 'local/batch.csv', 'monthly/batch.csv']) {
      expect(() => parseInboundKey(key)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FILE' }));
    }
  });
});

describe('processing a file without a period', () => {
  const file = (bytes: Uint8Array) => inboundFile(`${NO_PERIOD_LOCAL_PREFIX}rows.csv`, bytes, '2025-12-03T09:00:00Z');

  it('rejects every row (none has a period), delivers nothing and sends nothing, not even batch.completed', async () => {
    const rows = [validRow({ reference: 'P1', period: '' }), validRow({ reference: 'P2', period: '2025/11' })];
    const d = memoryBatch();
    // With every row allowed to be rejected, the file is accepted: an accepted file without a period.
    const outcome = await processInboundFile(file(bytesOf(csvFile(rows))), d.deps({ maxRejectedShare: 1, leaseMs: 60_000 }));

    expect(outcome.kind).toBe('delivered');
    if (outcome.kind !== 'delivered') return;
    expect(outcome.report).toMatchObject({ period: null, refused: null, rows: 2, rejected: 2, delivered: 0 });
    expect(outcome.report.issues.map((i) => i.codes)).toEqual([['MISSING_FIELD'], ['INVALID_DATE']]);
    expect(outcome.reportKey).toBe(`unknown-period/${outcome.report.batchId}.json`);
    expect(sentToRecipients(d.publisher)).toBe(0);
    // The PPS is told all the same, as it is of every file.
    expect(d.publisher.bodies(PPS_QUEUE)).toEqual([
      expect.objectContaining({ type: 'batch.outcome', period: null, refused: null, rows: 2, rejected: 2, reportKey: outcome.reportKey }),
    ]);
    expect(d.ledger.calls).toEqual([]);
    expect([...d.archive.objects.keys()]).toEqual([]);
    expect([...d.manifests.manifests.values()]).toEqual([
      expect.objectContaining({
        status: 'DELIVERED',
        period: null,
        recipients: {
          VDAB: { messages: 0, records: 0, amountCents: '0' },
          ACTIRIS: { messages: 0, records: 0, amountCents: '0' },
          FOREM: { messages: 0, records: 0 },
        },
      }),
    ]);
  });
});
