import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { nationalNumberRegExp } from '../../../shared/national-number-pattern';
import { logger } from '../../../shared/observability';
import { TABLES } from '../../../shared/topology';
import { auditLines, captureOutput } from '../../support/capture-output';
import { coldStart, context, ddbMock, resetServices } from './return-flow-harness';

// The audit lines are read from the logger's output: INFO, set before the logger is imported.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/** operator-refused-messages as Lambda runs it, invoked with the event an operator types; DynamoDB mocked. */

const ENV = { [TABLES.refusedMessages.env]: 'refused-table' };
const BODY = '{"type":"validation.decision","insz":"85073003328","note":"85.07.30-033.28"}';

function item(channel: string, receivedAt: string) {
  return {
    pk: `REFUSED#${channel}`,
    sk: `${receivedAt}#m-${channel}`,
    channel,
    refusedMessageId: `m-${channel}`,
    code: 'INVALID_FIELD',
    detail: 'decision: not one of VALIDATED, REFUSED',
    messageType: 'validation.decision',
    receivedAt,
    recordedAt: receivedAt,
    body: BODY,
    expiresAt: 4_000_000_000,
  };
}

let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

beforeAll(async () => {
  ({ handler } = (await coldStart(() => import('../../../functions/operator-refused-messages'), ENV)) as unknown as {
    handler: typeof handler;
  });
  expect(logger.getLevelName()).toBe('INFO');
});
beforeEach(() => {
  resetServices();
  ddbMock
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'REFUSED#VDAB' } })
    .resolves({ Items: [item('VDAB', '2025-12-02T10:00:00.000Z')] });
  ddbMock.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'REFUSED#ACTIRIS' } }).resolves({ Items: [] });
  ddbMock
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'REFUSED#PPS' } })
    .resolves({ Items: [item('PPS', '2025-12-01T10:00:00.000Z')] });
});

async function invoke(event: unknown) {
  const { result, lines } = await captureOutput(() => handler(event, context));
  return {
    answer: result,
    audit: auditLines(lines).map((l) => l.audit),
    text: lines.join('\n'),
  };
}

describe('operator-refused-messages', () => {
  it('answers every channel’s refusals, oldest first, without bodies, from one query per channel, and audits the use', async () => {
    const { answer, audit } = await invoke({});
    expect(answer).toEqual({
      ok: true,
      channels: ['VDAB', 'ACTIRIS', 'PPS'],
      count: 2,
      shown: 2,
      refused: ['PPS', 'VDAB'].map((channel) => {
        const {
          pk: _pk,
          sk: _sk,
          body: _body,
          expiresAt: _expiresAt,
          ...view
        } = item(channel, channel === 'PPS' ? '2025-12-01T10:00:00.000Z' : '2025-12-02T10:00:00.000Z');
        return view;
      }),
    });
    expect(
      ddbMock.commandCalls(QueryCommand).map((c) => [c.args[0].input.TableName, c.args[0].input.ExpressionAttributeValues?.[':pk']]),
    ).toEqual([
      ['refused-table', 'REFUSED#VDAB'],
      ['refused-table', 'REFUSED#ACTIRIS'],
      ['refused-table', 'REFUSED#PPS'],
    ]);
    expect(audit).toEqual([
      {
        tool: 'refused-messages',
        requestId: 'req-1',
        outcome: 'answered',
        asked: { channels: ['VDAB', 'ACTIRIS', 'PPS'], withBody: false, limit: 100 },
        results: 2,
      },
    ]);
  });

  it('answers one channel with the bodies, every national number in them masked', async () => {
    const { answer, text } = await invoke({ channel: 'VDAB', body: true });
    expect(answer).toMatchObject({
      ok: true,
      channels: ['VDAB'],
      count: 1,
      refused: [{ body: '{"type":"validation.decision","insz":"[INSZ]","note":"[INSZ]"}' }],
    });
    expect(`${JSON.stringify(answer)}\n${text}`.match(nationalNumberRegExp())).toBeNull();
  });

  it('refuses an unknown channel, a limit out of range or an unknown field, reading nothing', async () => {
    for (const event of [{ channel: 'FOREM' }, { limit: 0 }, { limit: 5000 }, { body: 'yes' }, { chanel: 'VDAB' }]) {
      const { answer, audit } = await invoke(event);
      expect(answer, JSON.stringify(event)).toEqual({ ok: false, error: expect.any(String) });
      expect(audit).toEqual([expect.objectContaining({ outcome: 'refused', asked: {}, results: 0 })]);
    }
    expect(ddbMock.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
