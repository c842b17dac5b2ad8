import { DeleteMessageCommand, ReceiveMessageCommand, type ReceiveMessageCommandInput, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { marshalledLineItem } from '../../../shared/adapters/dynamo-payment-lines';
import { logger } from '../../../shared/observability';
import { QUEUES, SETTINGS_ENV, TABLES } from '../../../shared/topology';
import { auditLines, captureOutput } from '../../support/capture-output';
import { ACTIRIS_KBO, correctionMessage, decisionMessage, KEY, line, VDAB_KBO } from '../return-flows/fakes';
import { coldStart, context, ddbMock, refusedMetric, resetServices, sent, sqsMock, URL } from './return-flow-harness';

// The audit lines are read from the logger's output: INFO, set before the logger is imported.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

/**
 * operator-reprocess-dead-letters as Lambda runs it, invoked with the event an operator types: the
 * inbound DLQs, the tables and the outbound queues mocked.
 */

/** Exactly what its declaration gives it (shared/topology.ts): the DLQs' URLs, no inbound queue's. */
const ENV = {
  [TABLES.paymentLines.env]: 'lines-table',
  [TABLES.corrections.env]: 'corrections-table',
  [TABLES.refusedMessages.env]: 'refused-table',
  [TABLES.disclosures.env]: 'disclosures-table',
  [`${QUEUES.recipientInbound.VDAB.urlEnv}_DLQ`]: URL('inbound-vdab-dlq'),
  [`${QUEUES.recipientInbound.ACTIRIS.urlEnv}_DLQ`]: URL('inbound-actiris-dlq'),
  [`${QUEUES.ppsInbound.urlEnv}_DLQ`]: URL('inbound-pps-dlq'),
  [QUEUES.recipientOutbound.VDAB.urlEnv]: URL('outbound-vdab'),
  [QUEUES.recipientOutbound.ACTIRIS.urlEnv]: URL('outbound-actiris'),
  [QUEUES.ppsOutbound.urlEnv]: URL('outbound-pps'),
  [QUEUES.ocmwOutbound.urlEnv]: URL('outbound-ocmw'),
  [SETTINGS_ENV.recipientKbos]: JSON.stringify({ VDAB: VDAB_KBO, ACTIRIS: ACTIRIS_KBO }),
  [SETTINGS_ENV.refusedMessageRetentionDays]: '30',
  [SETTINGS_ENV.disclosureKeyLocal]: KEY.toString('hex'),
};
const SENT_AT = Date.parse('2025-11-03T09:15:01Z');

let handler: (event: unknown, context: Context) => Promise<Record<string, unknown>>;

beforeAll(async () => {
  ({ handler } = (await coldStart(() => import('../../../functions/operator-reprocess-dead-letters'), ENV)) as unknown as {
    handler: typeof handler;
  });
  expect(logger.getLevelName()).toBe('INFO');
});
beforeEach(resetServices);
afterEach(() => vi.restoreAllMocks());

/** A DLQ that hands out `bodies` once, then is empty, as SQS does while they are hidden. */
function deadLetters(queue: string, bodies: Array<Record<string, unknown>>) {
  let handedOut = false;
  sqsMock.on(ReceiveMessageCommand, { QueueUrl: URL(queue) }).callsFake(() => {
    if (handedOut) return { Messages: [] };
    handedOut = true;
    return {
      Messages: bodies.map((body, i) => ({
        MessageId: `dl-${i + 1}`,
        ReceiptHandle: `receipt-${i + 1}`,
        Body: JSON.stringify(body),
        Attributes: { SentTimestamp: String(SENT_AT) },
        MessageAttributes: { type: { DataType: 'String', StringValue: String(body.type) } },
      })),
    };
  });
}

function deliver(recipient: 'VDAB' | 'ACTIRIS', reference: string) {
  ddbMock
    .on(QueryCommand, { TableName: 'lines-table', ExpressionAttributeValues: { ':pk': `LINE#${recipient}#${reference}` } })
    .resolves({ Items: [unmarshall(marshalledLineItem(line(recipient, reference)))] });
}

async function invoke(event: unknown) {
  const { result, lines } = await captureOutput(() => handler(event, context));
  return { answer: result, audit: auditLines(lines).map((l) => l.audit) };
}

describe('operator-reprocess-dead-letters', () => {
  it("runs VDAB's dead letter through region-inbound's use case, deletes it from VDAB's DLQ, and sends on no inbound queue", async () => {
    deliver('VDAB', 'REF-1');
    deadLetters('inbound-vdab-dlq', [decisionMessage({ decisionId: 'd-1', reference: 'REF-1' })]);

    const { answer, audit } = await invoke({ channel: 'VDAB' });

    expect(answer).toMatchObject({ ok: true, channel: 'VDAB', accepted: 1, refused: 0, failed: 0 });
    const receives = sqsMock.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input as ReceiveMessageCommandInput);
    expect(new Set(receives.map((r) => r.QueueUrl))).toEqual(new Set([URL('inbound-vdab-dlq')]));
    expect(receives[0]).toMatchObject({ MessageSystemAttributeNames: ['SentTimestamp'], MessageAttributeNames: ['type'] });
    const puts = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts[0]?.Item).toMatchObject({ pk: 'LINE#VDAB#REF-1', sk: 'DECISION#d-1' });
    // Its arrival is the party's original send (SentTimestamp kept in the DLQ): the retention clock.
    expect(sent().map((m) => [m.queueUrl, m.typeAttribute])).toEqual([[URL('outbound-pps'), 'validation.decision']]);
    expect(sqsMock.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: URL('inbound-vdab-dlq'), ReceiptHandle: 'receipt-1' },
    ]);
    expect(sqsMock.commandCalls(SendMessageCommand)).toEqual([]);
    expect(sent().some((m) => String(m.queueUrl).includes('inbound'))).toBe(false);
    expect(audit).toEqual([
      expect.objectContaining({ tool: 'reprocess-dead-letters', outcome: 'answered', asked: { channel: 'VDAB', limit: 100 }, results: 1 }),
    ]);
  });

  it('names the sender by the DLQ: VDAB’s correction request in Actiris’s DLQ is refused WRONG_CHANNEL, counted, answered to Actiris', async () => {
    deliver('VDAB', 'REF-1');
    deadLetters('inbound-actiris-dlq', [correctionMessage()]);

    const { answer } = await invoke({ channel: 'ACTIRIS' });

    expect(answer).toMatchObject({ ok: true, channel: 'ACTIRIS', accepted: 0, refused: 1 });
    expect(refusedMetric.addDimensions).toHaveBeenCalledWith({ channel: 'ACTIRIS', code: 'WRONG_CHANNEL' });
    expect(sent().map((m) => [m.queueUrl, m.typeAttribute])).toEqual([[URL('outbound-actiris'), 'message.refused']]);
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toHaveLength(1);
  });

  it("runs the PPS's dead letter through pps-inbound's use case: an unknown correction is refused to the PPS", async () => {
    deadLetters('inbound-pps-dlq', [
      {
        type: 'correction.decision',
        schemaVersion: 1,
        messageId: 'p-1',
        sentAt: '2025-11-04T09:15:00Z',
        correctionId: 'c'.repeat(64),
        decision: 'APPROVED',
        decidedAt: '2025-11-04T09:00:00Z',
      },
    ]);

    const { answer } = await invoke({ channel: 'PPS' });

    expect(answer).toMatchObject({ ok: true, channel: 'PPS', refused: 1 });
    expect(refusedMetric.addDimensions).toHaveBeenCalledWith({ channel: 'PPS', code: 'UNKNOWN_CORRECTION' });
    expect(sent().map((m) => m.queueUrl)).toEqual([URL('outbound-pps')]);
  });

  it('leaves a message that fails again in the DLQ (no delete), logged, and answers it as failed', async () => {
    deliver('VDAB', 'REF-1');
    deadLetters('inbound-vdab-dlq', [decisionMessage({ decisionId: 'd-2', reference: 'REF-1' })]);
    ddbMock.on(PutCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));

    const { answer } = await invoke({ channel: 'VDAB' });

    expect(answer).toMatchObject({ ok: true, accepted: 0, failed: 1 });
    expect(sqsMock.commandCalls(DeleteMessageCommand)).toEqual([]);
  });

  it('refuses FOREM (it has no inbound channel) and reads no queue', async () => {
    const { answer, audit } = await invoke({ channel: 'FOREM' });
    expect(answer).toEqual({ ok: false, error: expect.stringContaining('channel') });
    expect(audit.map((a) => (a as { outcome: string }).outcome)).toEqual(['refused']);
    expect(sqsMock.commandCalls(ReceiveMessageCommand)).toEqual([]);
  });
});
