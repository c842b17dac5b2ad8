import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AuditEntry,
  answerOperator,
  auditLogOf,
  describeParseError,
  InvalidRequestError,
  invocationOf,
  type OperatorTool,
  type ParsedRequest,
} from '../../../shared/domain/operations/operator-tool';

/** What every operator tool shares: the answer or the refusal, and one audit line per use whatever happened. */

const INVOCATION = { requestId: 'req-1' };

function recorder() {
  const entries: AuditEntry[] = [];
  return { entries, audit: { record: (entry: AuditEntry) => entries.push(entry) } };
}

/** A tool over a request `{ n }` that answers `{ doubled }`, refusing negatives and failing on 13. */
const doubler: OperatorTool<{ n: number }, { doubled: number }> = {
  name: 'refused-messages',
  prepare({ n }) {
    if (n < 0) throw new InvalidRequestError('n must not be negative');
    return {
      asked: { n },
      async run() {
        if (n === 13) throw new Error('table unavailable');
        if (n === 99) throw new InvalidRequestError('nothing to do for 99');
        return { answer: { doubled: 2 * n }, results: 1 };
      },
    };
  },
};
const ok = (data: { n: number }): ParsedRequest<{ n: number }> => ({ success: true, data });

describe('answerOperator', () => {
  it('answers ok with the tool’s answer and audits what was asked, the outcome and how many results', async () => {
    const { entries, audit } = recorder();
    await expect(answerOperator(doubler, ok({ n: 21 }), INVOCATION, audit)).resolves.toEqual({ ok: true, doubled: 42 });
    expect(entries).toEqual([{ tool: 'refused-messages', requestId: 'req-1', outcome: 'answered', asked: { n: 21 }, results: 1 }]);
  });

  it('refuses a request the tool refuses, before or while running, without failing the invocation, and audits it', async () => {
    const { entries, audit } = recorder();
    await expect(answerOperator(doubler, ok({ n: -1 }), INVOCATION, audit)).resolves.toEqual({
      ok: false,
      error: 'n must not be negative',
    });
    await expect(answerOperator(doubler, ok({ n: 99 }), INVOCATION, audit)).resolves.toEqual({ ok: false, error: 'nothing to do for 99' });
    expect(entries.map((e) => [e.outcome, e.asked, e.results, e.reason])).toEqual([
      ['refused', {}, 0, 'n must not be negative'],
      ['refused', { n: 99 }, 0, 'nothing to do for 99'],
    ]);
  });

  it('audits a failure as failed and throws it, so that the invocation fails and the Errors alarm sees it', async () => {
    const { entries, audit } = recorder();
    await expect(answerOperator(doubler, ok({ n: 13 }), INVOCATION, audit)).rejects.toThrow('table unavailable');
    expect(entries).toEqual([
      { tool: 'refused-messages', requestId: 'req-1', outcome: 'failed', asked: { n: 13 }, results: 0, reason: 'table unavailable' },
    ]);
  });

  it('refuses an event that did not parse, naming the field and the rule but never the value', async () => {
    const schema = z.strictObject({ insz: z.string(), recipient: z.enum(['VDAB', 'ACTIRIS', 'FOREM']).optional() });
    const standard = schema['~standard'].validate({ insz: 85073003328, recipient: 'VDAB ', extra: '85.07.30-033.28' });
    if (standard instanceof Promise || !standard.issues) throw new Error('expected issues');
    const parsed: ParsedRequest<{ n: number }> = {
      success: false,
      error: Object.assign(new Error('Failed to parse schema'), { cause: standard.issues }),
    };
    const { entries, audit } = recorder();
    const answer = await answerOperator(doubler, parsed, INVOCATION, audit);
    expect(answer.ok).toBe(false);
    const error = (answer as { error: string }).error;
    expect(error).toMatch(/^insz: .*string.*; recipient: .*; event: .*extra/);
    expect(error).not.toMatch(/85073003328|85\.07\.30|VDAB /);
    expect(entries).toEqual([{ tool: 'refused-messages', requestId: 'req-1', outcome: 'refused', asked: {}, results: 0, reason: error }]);
  });
});

describe('describeParseError', () => {
  it('says the event is no request of the tool when there are no issues to name', () => {
    expect(describeParseError(new Error('Failed to parse schema'))).toBe('the event is not a request of this tool');
  });
});

describe('invocationOf', () => {
  it('names the request, and the caller only when Lambda gives one (a Cognito identity)', () => {
    expect(invocationOf({ awsRequestId: 'r' })).toEqual({ requestId: 'r' });
    expect(invocationOf({ awsRequestId: 'r', identity: { cognitoIdentityId: 'eu-west-1:abc' } })).toEqual({
      requestId: 'r',
      caller: 'eu-west-1:abc',
    });
  });
});

describe('auditLogOf', () => {
  it('writes one line per use, with the fixed message to filter on and the entry under `audit`', () => {
    const lines: unknown[][] = [];
    auditLogOf({ info: (...args: unknown[]) => lines.push(args) }).record({
      tool: 'redeliver',
      requestId: 'r',
      outcome: 'answered',
      asked: { batchId: 'b', recipient: 'VDAB' },
      results: 3,
    });
    expect(lines).toEqual([
      [
        'operator tool used',
        { audit: { tool: 'redeliver', requestId: 'r', outcome: 'answered', asked: { batchId: 'b', recipient: 'VDAB' }, results: 3 } },
      ],
    ]);
  });
});
