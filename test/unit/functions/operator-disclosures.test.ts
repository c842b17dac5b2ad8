import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { inszHmac, LEGAL_BASIS } from '../../../shared/domain/return-flows/disclosures';
import { nationalNumberRegExp } from '../../../shared/national-number-pattern';
import { logger } from '../../../shared/observability';
import { SETTINGS_ENV, TABLES } from '../../../shared/topology';
import { auditLines, captureOutput, parsedLines } from '../../support/capture-output';
import { coldStart, context, ddbMock, resetServices } from './return-flow-harness';

// The audit lines are read from the logger's output: INFO, set before the logger is imported (it
// reads its level then, and goes back to it at each invocation), in this file only (test/setup.ts).
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/**
 * operator-disclosures as Lambda runs it, invoked from the console's Test tab with the event an
 * operator types: its module read its configuration at cold start; DynamoDB is mocked.
 */

const KEY = Buffer.from('cd'.repeat(32), 'hex');
const INSZ = '85073003328';
const ENV = {
  [TABLES.disclosures.env]: 'disclosures-table',
  [TABLES.paymentLines.env]: 'payment-lines-table',
  [SETTINGS_ENV.disclosureKeyLocal]: KEY.toString('hex'),
};
const ROW = {
  recipient: 'VDAB',
  flow: 'BATCH',
  period: '2025-11',
  batchId: 'e'.repeat(64),
  regulation: 'ART60_7',
  legalBasis: LEGAL_BASIS,
  deliveredAt: '2025-12-03T09:00:00.000Z',
  expiresAt: 4_000_000_000,
};

let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

beforeAll(async () => {
  ({ handler } = (await coldStart(() => import('../../../functions/operator-disclosures'), ENV)) as unknown as { handler: typeof handler });
  expect(logger.getLevelName()).toBe('INFO');
});
beforeEach(resetServices);

/** Invokes the handler as the console does, with the log lines it writes. */
async function invoke(event: unknown) {
  const { result, lines } = await captureOutput(() => handler(event, context));
  const audit = auditLines(lines);
  return { answer: result, audit, text: lines.join('\n') };
}

describe('operator-disclosures', () => {
  it('answers the person’s disclosures, queried by the keyed hash of the INSZ, with the person masked, and writes one audit line', async () => {
    // VDAB's and Actiris's disclosures are their payment lines, found by the person's index.
    // The index keeps the line's key (recipient, reference, batch) and what a disclosure shows.
    const { legalBasis: _legalBasis, recipient: _recipient, flow: _flow, batchId: _batchId, ...line } = ROW;
    ddbMock.on(QueryCommand, { TableName: 'disclosures-table' }).resolves({ Items: [] });
    ddbMock
      .on(QueryCommand, { TableName: 'payment-lines-table' })
      .resolves({ Items: [{ pk: 'LINE#VDAB#REF-1', sk: `LINE#${ROW.batchId}`, inszHmac: inszHmac(KEY, INSZ), ...line }] });

    const { answer, audit, text } = await invoke({ insz: '85.07.30-033.28' });

    expect(answer).toEqual({ ok: true, person: '******033**', count: 1, disclosures: [ROW] });
    expect(ddbMock.commandCalls(QueryCommand).map((c) => c.args[0].input)).toEqual([
      expect.objectContaining({ TableName: 'disclosures-table', ExpressionAttributeValues: { ':pk': inszHmac(KEY, INSZ) } }),
      expect.objectContaining({
        TableName: 'payment-lines-table',
        IndexName: 'byInszHmac',
        ExpressionAttributeValues: { ':pk': inszHmac(KEY, INSZ) },
      }),
    ]);
    expect(audit).toEqual([
      expect.objectContaining({
        level: 'INFO',
        function_request_id: 'req-1',
        audit: {
          tool: 'disclosures',
          requestId: 'req-1',
          outcome: 'answered',
          asked: { person: '******033**', personKey: Buffer.from(inszHmac(KEY, INSZ), 'hex').toString('base64url') },
          results: 1,
        },
      }),
    ]);
    expect(`${JSON.stringify(answer)}\n${text}`.match(nationalNumberRegExp())).toBeNull();
  });

  it('asks the table for one recipient’s disclosures when the event names it', async () => {
    ddbMock.on(QueryCommand).resolves({ Items: [] });
    const { answer } = await invoke({ insz: INSZ, recipient: 'FOREM' });
    expect(answer).toEqual({ ok: true, person: '******033**', recipient: 'FOREM', count: 0, disclosures: [] });
    expect(ddbMock.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :recipient)',
      ExpressionAttributeValues: { ':pk': inszHmac(KEY, INSZ), ':recipient': 'FOREM#' },
    });
  });

  it('refuses a wrong number, an unknown recipient or an unknown field without reading the table or repeating the number', async () => {
    const refusals = [
      [{ insz: '85073003329' }, 'not a valid INSZ/NISS (check digits): ******033**'],
      [{ insz: INSZ, recipient: 'ONEM' }, /^recipient: /],
      [{ insz: INSZ, niss: INSZ }, /^event: .*niss/],
      [{}, /^insz: /],
      ['85073003328', /^event: /],
    ] as const;
    for (const [event, error] of refusals) {
      const { answer, audit, text } = await invoke(event);
      expect(answer, JSON.stringify(event)).toEqual({ ok: false, error: typeof error === 'string' ? error : expect.stringMatching(error) });
      expect(audit.map((line) => (line.audit as { outcome: string }).outcome)).toEqual(['refused']);
      expect(`${JSON.stringify(answer)}\n${text}`).not.toContain('85073003');
    }
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('fails the invocation when the table cannot be read, and audits the failure', async () => {
    ddbMock.on(QueryCommand).rejects(Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }));
    const { lines } = await captureOutput(async () => {
      await expect(handler({ insz: INSZ }, context)).rejects.toThrow('Requested resource not found');
    });
    expect(
      parsedLines(lines)
        .filter((l) => l.message === 'operator tool used')
        .map((l) => l.audit),
    ).toEqual([expect.objectContaining({ outcome: 'failed', results: 0, reason: 'Requested resource not found' })]);
  });
});
