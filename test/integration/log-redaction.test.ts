import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemoReturnFlows } from '../../local/demo';
import { runFileLocally } from '../../local/run-file';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { BATCH_COLUMNS, writeBatchFile } from '../../scripts/lib/batch-generator';
import { formattedInsz, tempDir } from '../support/batch-files';
import { captureOutput, parsedLines } from '../support/capture-output';

/**
 * No national number ever reaches a log line (guide; monthly-batch §8): every line written while a
 * generated batch runs end to end and the return flows after it, at DEBUG level, is captured and
 * searched for every INSZ of the input, and the shared logger's redaction is checked directly.
 * Every line a function writes about a record carries the ids of that record (a batch traced end
 * to end: the fields the operators' Logs Insights queries search).
 */

const previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
let standIn: LocalStandIn;
let observability: typeof import('../../shared/observability');

beforeAll(async () => {
  // Before the stand-in imports the logger (it reads its level on import): logs are on, DEBUG lines
  // included, here only (test/setup.ts silences them for every other test).
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  standIn = await startLocalStandIn();
  observability = await import('../../shared/observability');
});

afterAll(async () => {
  await standIn?.stop();
  if (previousLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
});

describe('log redaction (no national number in any log line)', () => {
  let forms: Set<string>;
  let lines: string[];
  let result: Awaited<ReturnType<typeof runFileLocally>>;

  beforeAll(async () => {
    expect(observability.logger.getLevelName()).toBe('DEBUG');
    const dir = await tempDir('log-redaction');
    const path = join(dir, 'redaction-2000.csv');
    await writeBatchFile(path, { rows: 2_000, format: 'csv', seed: 2_024, period: '2025-01', invalidShare: 0.03 });

    // Every insz value of the input, as written, as digits, and as people write it.
    const inszColumn = BATCH_COLUMNS.indexOf('insz');
    const raw = (await readFile(path, 'utf8'))
      .split('\n')
      .slice(1)
      .filter((line) => line.length > 0)
      .map((line) => line.split(';')[inszColumn] ?? '');
    forms = new Set<string>();
    for (const value of raw) {
      const digits = value.replace(/\D/g, '');
      expect(digits).toMatch(/^\d{11}$/);
      forms.add(value);
      forms.add(digits);
      forms.add(formattedInsz(digits));
    }
    expect(new Set(raw).size).toBeGreaterThan(1_000);

    ({ result, lines } = await captureOutput(async () => {
      const run = await runFileLocally(standIn, path, join(dir, 'out'));
      await runDemoReturnFlows(standIn, join(dir, 'out'));
      return run;
    }));
  });

  it('logs no INSZ of the input, in any form, in any line of an end-to-end run at DEBUG level', () => {
    // The capture worked: the handler's own JSON log lines are among the lines.
    const handlerLines = parsedLines(lines).filter(
      (line) => line.function_name === 'split-batch' && line.key === 'monthly/2025-01/redaction-2000.csv',
    );
    expect(handlerLines.length).toBeGreaterThan(0);
    expect(result.report.rows).toBe(2_000);

    const leaks = lines.filter((line) => [...forms].some((form) => line.includes(form)));
    expect(leaks).toEqual([]);
  });

  /** The lines the functions wrote (Powertools' structured lines, with the function's name). */
  const functionLines = (name: string) => parsedLines(lines).filter((line) => line.function_name === name);

  it('puts on every line split-batch writes the ids of its notification: SQS’s message id, the object key and the batch id', () => {
    const batchLines = functionLines('split-batch');
    expect(batchLines.length).toBeGreaterThan(0);
    for (const line of batchLines) {
      expect(line, String(line.message)).toMatchObject({
        sqsMessageId: expect.any(String),
        receiveCount: 1,
        key: 'monthly/2025-01/redaction-2000.csv',
        batchId: result.report.batchId,
      });
    }
    // One notification: the same SQS message id on every line.
    expect(new Set(batchLines.map((line) => line.sqsMessageId)).size).toBe(1);
  });

  it('puts on every line the return flows write the ids of their message: channel, SQS’s and the sender’s message id, decision or correction', () => {
    const returnLines = [...functionLines('region-inbound'), ...functionLines('pps-inbound')];
    expect(returnLines.length).toBeGreaterThan(5);
    for (const line of returnLines) {
      expect(line, String(line.message)).toMatchObject({
        sqsMessageId: expect.any(String),
        receiveCount: expect.any(Number),
        channel: expect.stringMatching(/^(VDAB|ACTIRIS|PPS)$/),
        messageId: expect.any(String),
        messageType: expect.any(String),
      });
      if (line.messageType === 'validation.decision') expect(line.decisionId, String(line.message)).toEqual(expect.any(String));
      if (String(line.messageType).startsWith('correction.')) expect(line.correctionId, String(line.message)).toMatch(/^cor-/);
    }
    // Each kind of return message was logged: decisions and corrections, from the regions and from the PPS.
    const kinds = new Set(returnLines.map((line) => `${String(line.channel)} ${String(line.messageType)}`));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining(['PPS correction.decision', 'VDAB correction.request', 'VDAB validation.decision']),
    );
    // Records handled side by side keep their ids apart: an outcome line names its record's SQS id
    // itself, and the ids from the record's context must be that record's, one message id each.
    const messageIdsBySqsId = new Map<unknown, Set<unknown>>();
    for (const line of returnLines)
      messageIdsBySqsId.set(line.sqsMessageId, (messageIdsBySqsId.get(line.sqsMessageId) ?? new Set()).add(line.messageId));
    expect([...messageIdsBySqsId.values()].filter((ids) => ids.size > 1)).toEqual([]);
    expect(messageIdsBySqsId.size).toBeGreaterThan(5);
  });

  it("logs the run's outcome: one 'batch delivered' line with its counts", () => {
    expect(result.report.refused).toBeNull();
    const delivered = parsedLines(lines).filter((line) => line.message === 'batch delivered');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      level: 'INFO',
      key: 'monthly/2025-01/redaction-2000.csv',
      batchId: result.report.batchId,
      rows: 2_000,
      delivered: result.report.delivered,
      withheld: result.report.withheld,
      unroutable: result.report.unroutable,
      rejected: result.report.rejected,
    });
  });

  it('redacts an INSZ by key and by shape in the shared logger', async () => {
    const { lines } = await captureOutput(async () => {
      observability.logger.info('x', { insz: '85073003328', note: 'person 85.07.30-033.28' });
    });
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line).not.toContain('85073003328');
    expect(line).not.toContain('85.07.30-033.28');
    expect(JSON.parse(line)).toMatchObject({ level: 'INFO', message: 'x', insz: '[REDACTED]', note: 'person [INSZ]' });
  });

  it('redacts an INSZ in a message, a nested value and an error', async () => {
    const { lines } = await captureOutput(async () => {
      observability.logger.warn('row of 85073003328 skipped', { detail: { text: 'see 17073003384' } });
      observability.logger.error('failed', new Error('row with 98.47.28-997.65 could not be read'));
      observability.logger.debug('debug', { list: ['85 07 30 033 28'] });
    });
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      for (const form of ['85073003328', '17073003384', '98.47.28-997.65', '98472899765', '85 07 30 033 28'])
        expect(line).not.toContain(form);
    }
    const [warn, error, debug] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warn).toMatchObject({ message: 'row of [INSZ] skipped', detail: { text: 'see [INSZ]' } });
    expect(error).toMatchObject({ message: 'failed', error: { message: 'row with [INSZ] could not be read' } });
    expect(debug).toMatchObject({ level: 'DEBUG', list: ['[INSZ]'] });
  });
});
