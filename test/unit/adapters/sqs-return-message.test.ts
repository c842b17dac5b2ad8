import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureOutput, parsedLines } from '../../support/capture-output';

// Embedded metrics on in this file (test/setup.ts turns them off): the shared Metrics instance reads
// the variable once, on import, and Powertools checks a line's keys only when it writes one.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
});

const { logger, metrics } = await import('../../../shared/observability');
const { receivedMessageOf, reportOutcome, returnMessageLogIds } = await import('../../../shared/adapters/sqs-return-message');
const { correctionIdOf } = await import('../../../shared/domain/return-flows/ids');

afterEach(() => vi.restoreAllMocks());

/** The dimension sets of an EMF line. */
function dimensionSets(line: Record<string, unknown>): string[][] {
  const aws = line._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> };
  return aws.CloudWatchMetrics.flatMap((m) => m.Dimensions);
}

describe('reportOutcome', () => {
  it('counts a refusal per channel and code and per code, one EMF line each, with no Powertools warning', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { lines } = await captureOutput(async () => {
      reportOutcome('VDAB', 'sqs-1', { kind: 'refused', type: 'validation.decision', code: 'UNKNOWN_LINE', detail: 'no such line' });
      reportOutcome('PPS', 'sqs-2', { kind: 'refused', type: 'correction.decision', code: 'WRONG_CHANNEL', detail: 'not the PPS' });
      metrics.publishStoredMetrics();
    });

    const warnings = warn.mock.calls.map((call) => String(call[0]));
    expect(warnings.filter((w) => w.includes('EMF key'))).toEqual([]);
    // The refusals themselves are logged as warnings, and only they.
    expect(warnings).toEqual(['return message refused', 'return message refused']);

    const emf = parsedLines(lines).filter((line) => line._aws !== undefined && line.ReturnMessagesRefused !== undefined);
    const sets = emf.map((line) => ({
      sets: dimensionSets(line),
      channel: line.channel,
      code: line.code,
      count: line.ReturnMessagesRefused,
    }));
    expect(sets).toEqual([
      { sets: [['service', 'channel', 'code']], channel: 'VDAB', code: 'UNKNOWN_LINE', count: 1 },
      { sets: [['service', 'code']], channel: undefined, code: 'UNKNOWN_LINE', count: 1 },
      { sets: [['service', 'channel', 'code']], channel: 'PPS', code: 'WRONG_CHANNEL', count: 1 },
      { sets: [['service', 'code']], channel: undefined, code: 'WRONG_CHANNEL', count: 1 },
      // The function's total, on the invocation's line.
      { sets: [['service']], channel: undefined, code: undefined, count: [1, 1] },
    ]);
  });
});

describe('receivedMessageOf', () => {
  it("takes the time SQS received the message, or the clock's when SQS gave none", () => {
    const record = (attributes: Record<string, string>) =>
      ({ body: '{}', messageId: 'm', attributes, messageAttributes: { type: { stringValue: 'validation.decision' } } }) as never;
    const clock = () => new Date('2026-01-02T03:04:05.000Z');
    expect(receivedMessageOf(record({ SentTimestamp: '1700000000000' }), clock)).toEqual({
      body: '{}',
      sqsMessageId: 'm',
      sentTimestampMs: 1_700_000_000_000,
      typeAttribute: 'validation.decision',
    });
    expect(receivedMessageOf(record({}), clock).sentTimestampMs).toBe(Date.parse('2026-01-02T03:04:05.000Z'));
  });
});

describe('returnMessageLogIds', () => {
  const record = (body: string) => ({ body, messageId: 'sqs-9', attributes: {}, messageAttributes: {} }) as never;

  it('reads the ids a return message names, and only them', () => {
    const decision = JSON.stringify({
      type: 'validation.decision',
      messageId: 'vdab-1',
      decisionId: 'VAL-1',
      insz: '85073003328',
      reference: 'R',
    });
    expect(returnMessageLogIds('VDAB', record(decision))).toEqual({
      channel: 'VDAB',
      messageId: 'vdab-1',
      messageType: 'validation.decision',
      decisionId: 'VAL-1',
      correctionId: undefined,
    });
    const ppsDecision = JSON.stringify({ type: 'correction.decision', messageId: 'pps-1', correctionId: 'cor-abc' });
    expect(returnMessageLogIds('PPS', record(ppsDecision))).toMatchObject({ correctionId: 'cor-abc' });
  });

  it('names a correction request by the id the hub gives it (requester and requestId)', () => {
    const request = JSON.stringify({ type: 'correction.request', messageId: 'vdab-2', requestId: 'REQ-1' });
    expect(returnMessageLogIds('VDAB', record(request)).correctionId).toBe(correctionIdOf('VDAB', 'REQ-1'));
    expect(returnMessageLogIds('ACTIRIS', record(request)).correctionId).not.toBe(correctionIdOf('VDAB', 'REQ-1'));
  });

  it('gives only the channel for a body that is not a JSON object, and skips ids that are not short strings', () => {
    expect(returnMessageLogIds('PPS', record('{'))).toEqual({ channel: 'PPS' });
    expect(returnMessageLogIds(undefined, record('[1]'))).toEqual({});
    expect(returnMessageLogIds('VDAB', record(JSON.stringify({ messageId: 7, decisionId: 'x'.repeat(129) })))).toMatchObject({
      messageId: undefined,
      decisionId: undefined,
    });
  });
});
