import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalRunResult } from '../../../local/run-outcome';
import { runSummary } from '../../../scripts/lib/cli-summary';
import type { BatchReport } from '../../../shared/domain/batch/report';

/** What `npm start -- --file` prints: the whole batch id (the one `npm run redeliver` takes), numbers one way. */

const BATCH_ID = 'ab'.repeat(32);
let outDir: string;

beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'summary-'));
  for (const recipient of ['VDAB', 'ACTIRIS', 'FOREM']) await writeFile(join(outDir, `${recipient}.ndjson`), '');
});
afterEach(() => rm(outDir, { recursive: true, force: true }));

function result(report: Partial<BatchReport>): LocalRunResult {
  const none = { records: 0, messages: 0, complete: true };
  return {
    key: 'monthly/2025-11/a.csv',
    report: {
      batchId: BATCH_ID,
      period: '2025-11',
      source: 'a.csv',
      sha256: BATCH_ID,
      rows: 200_000,
      delivered: 186_305,
      withheld: 10_000,
      unroutable: 3_000,
      rejected: 695,
      perRecipient: {
        VDAB: { records: 86_305, withheld: 10_000, amountCents: '14718487281' },
        ACTIRIS: { records: 50_000, withheld: 0, amountCents: '-1200' },
        FOREM: { records: 50_000, withheld: 0 },
      },
      issues: [],
      refused: null,
      ...report,
    } as BatchReport,
    deliveries: { VDAB: none, ACTIRIS: none, FOREM: none },
  };
}

describe('the summary of a local run', () => {
  it('prints the whole batch id, counts grouped by thousands and euros grouped, all one way', async () => {
    const lines = await runSummary(outDir, result({}));
    expect(lines[0]).toBe(`batch ${BATCH_ID}  period 2025-11  source a.csv`);
    expect(lines[1]).toBe('rows 200,000 = delivered 186,305 + withheld 10,000 + unroutable 3,000 + rejected 695');
    expect(lines[2]).toContain('86,305 records');
    expect(lines[2]).toContain('€ 147,184,872.81, 10,000 withheld');
    expect(lines[3]).toContain('€ -12.00');
    expect(lines.slice(1).join('\n')).not.toMatch(/\d{4}/);
  });
});
