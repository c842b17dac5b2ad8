import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { marshalledLineItem } from '../../../shared/adapters/dynamo-payment-lines';
import { QUEUES, SETTINGS_ENV, TABLES } from '../../../shared/topology';
import { assertValidMessage, outboundSchemaName } from '../../support/message-schemas';
import { sqsEvent, sqsRecord } from '../../support/sqs-records';
import { ACTIRIS_KBO, correctionMessage, decisionMessage, KEY, line, makeDeps, QUEUE_URLS, VDAB_KBO } from '../return-flows/fakes';
import { ARN, coldStart, context, ddbMock, refusedMetric, resetServices, sent, sqsMock, URL } from './return-flow-harness';

/**
 * region-inbound as Lambda runs it: its module read its configuration at cold start and built its
 * adapters over the process's SDK clients, mocked here.
 */

/** Exactly what its declaration gives region-inbound (shared/topology.ts). */
const ENV = {
  [TABLES.paymentLines.env]: 'lines-table',
  [TABLES.corrections.env]: 'corrections-table',
  [TABLES.refusedMessages.env]: 'refused-table',
  [TABLES.disclosures.env]: 'disclosures-table',
  [QUEUES.recipientInbound.VDAB.arnEnv]: ARN('inbound-vdab'),
  [QUEUES.recipientInbound.ACTIRIS.arnEnv]: ARN('inbound-actiris'),
  [QUEUES.recipientInbound.VDAB.urlEnv]: URL('inbound-vdab'),
  [QUEUES.recipientInbound.ACTIRIS.urlEnv]: URL('inbound-actiris'),
  [QUEUES.recipientOutbound.VDAB.urlEnv]: URL('outbound-vdab'),
  [QUEUES.recipientOutbound.ACTIRIS.urlEnv]: URL('outbound-actiris'),
  [QUEUES.ppsOutbound.urlEnv]: URL('outbound-pps'),
  [SETTINGS_ENV.recipientKbos]: JSON.stringify({ VDAB: VDAB_KBO, ACTIRIS: ACTIRIS_KBO }),
  [SETTINGS_ENV.refusedMessageRetentionDays]: '30',
  [SETTINGS_ENV.disclosureKeyLocal]: KEY.toString('hex'),
};

let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
let regionInboundRecordHandler: typeof import('../../../functions/region-inbound').regionInboundRecordHandler;

beforeAll(async () => {
  ({ handler, regionInboundRecordHandler } = await coldStart(() => import('../../../functions/region-inbound'), ENV));
});
beforeEach(resetServices);
afterEach(() => vi.restoreAllMocks());

function deliver(recipient: 'VDAB' | 'ACTIRIS', reference: string, overrides: Parameters<typeof line>[2] = {}) {
  // The line's deliveries: one item per batch that delivered it, as the ledger writes it (dynamo-payment-lines.ts).
  ddbMock
    .on(QueryCommand, { TableName: 'lines-table', ExpressionAttributeValues: { ':pk': `LINE#${recipient}#${reference}` } })
    .resolves({ Items: [unmarshall(marshalledLineItem(line(recipient, reference, overrides)))] });
}

describe('region-inbound', () => {
  it('records a decision of the VDAB channel and forwards it to the PPS with the SQS attribute type', async () => {
    deliver('VDAB', 'REF-1');
    const result = await handler(sqsEvent(sqsRecord(decisionMessage({ decisionId: 'd-1' }), ARN('inbound-vdab'))), context);

    expect(result.batchItemFailures).toEqual([]);
    const puts = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts).toEqual([
      expect.objectContaining({ TableName: 'lines-table', ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now' }),
    ]);
    expect(puts[0]?.Item).toMatchObject({ pk: 'LINE#VDAB#REF-1', sk: 'DECISION#d-1', decision: 'VALIDATED' });
    const out = sent();
    expect(out.map((m) => [m.queueUrl, m.typeAttribute, m.body.recipient])).toEqual([[URL('outbound-pps'), 'validation.decision', 'VDAB']]);
    for (const m of out) assertValidMessage(m.body, outboundSchemaName(String(m.body.type), m.queueUrl === URL('outbound-pps')));
  });

  it('names the sender by the queue: VDAB’s KBO on Actiris’s queue is WRONG_CHANNEL, kept, counted and answered to Actiris', async () => {
    deliver('ACTIRIS', 'REF-B');
    const message = correctionMessage({ requesterKbo: VDAB_KBO, reference: 'REF-B' });

    const result = await handler(sqsEvent(sqsRecord(message, ARN('inbound-actiris'))), context);

    expect(result.batchItemFailures).toEqual([]);
    const puts = ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.TableName)).toEqual(['refused-table']);
    expect(puts[0]?.Item).toMatchObject({
      pk: 'REFUSED#ACTIRIS',
      channel: 'ACTIRIS',
      code: 'WRONG_CHANNEL',
      refusedMessageId: message.messageId,
    });
    expect(sent().map((m) => [m.queueUrl, m.body.type, m.body.code])).toEqual([
      [URL('outbound-actiris'), 'message.refused', 'WRONG_CHANNEL'],
    ]);
    assertValidMessage(sent()[0]?.body, 'message.refused');
    expect(refusedMetric.addDimensions).toHaveBeenCalledWith({ channel: 'ACTIRIS', code: 'WRONG_CHANNEL' });
    expect(refusedMetric.addMetric).toHaveBeenCalledWith('ReturnMessagesRefused', 'Count', 1);
  });

  it('reports only the throttled record as a batch item failure, so SQS delivers that one again', async () => {
    deliver('VDAB', 'REF-1');
    ddbMock
      .on(QueryCommand, { TableName: 'lines-table', ExpressionAttributeValues: { ':pk': 'LINE#VDAB#REF-2' } })
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const ok = sqsRecord(decisionMessage({ reference: 'REF-1' }), ARN('inbound-vdab'));
    // Its third receive: it comes again 20 minutes later (5 minutes, doubled twice), plus at most a tenth.
    const throttled = sqsRecord(decisionMessage({ reference: 'REF-2' }), ARN('inbound-vdab'), { receiveCount: 3 });

    const result = await handler(sqsEvent(ok, throttled), context);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: throttled.messageId }]);
    expect(sent().map((m) => m.body.reference)).toEqual(['REF-1']);
    expect(ddbMock.commandCalls(PutCommand).some((c) => c.args[0].input.TableName === 'refused-table')).toBe(false);
    const changes = sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);
    expect(changes).toEqual([
      { QueueUrl: URL('inbound-vdab'), ReceiptHandle: throttled.receiptHandle, VisibilityTimeout: expect.any(Number) },
    ]);
    expect(changes[0]?.VisibilityTimeout).toBeGreaterThanOrEqual(1_200);
    expect(changes[0]?.VisibilityTimeout).toBeLessThanOrEqual(1_320);
  });

  it('fails a refusal that could not be kept, rather than lose it', async () => {
    ddbMock
      .on(PutCommand, { TableName: 'refused-table' })
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const bad = sqsRecord('not json', ARN('inbound-vdab'));
    const good = sqsRecord(decisionMessage({ reference: 'NOPE' }), ARN('inbound-actiris'));
    ddbMock.on(PutCommand, { TableName: 'refused-table', Item: { channel: 'ACTIRIS' } } as never).resolves({});

    const result = await handler(sqsEvent(bad, good), context);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(sent().map((m) => [m.queueUrl, m.body.code])).toEqual([[URL('outbound-actiris'), 'UNKNOWN_LINE']]);
    expect(sent().filter((m) => m.queueUrl === URL('outbound-vdab'))).toEqual([]);
  });

  it('treats a correction whose (requester, requestId) exists with the same content as a resend: no second forward', async () => {
    deliver('VDAB', 'REF-1');
    const message = correctionMessage({ requestId: 'req-9' });
    const first = await handler(sqsEvent(sqsRecord(message, ARN('inbound-vdab'))), context);
    expect(first.batchItemFailures).toEqual([]);
    const stored = ddbMock.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    ddbMock
      .on(PutCommand, { TableName: 'corrections-table' })
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddbMock.on(GetCommand, { TableName: 'corrections-table' }).resolves({ Item: { ...stored, forwardedToPpsAt: '2025-11-03T10:00:00Z' } });
    sqsMock.resetHistory();

    const again = await handler(sqsEvent(sqsRecord({ ...message, messageId: 'resent' }, ARN('inbound-vdab'))), context);

    expect(again.batchItemFailures).toEqual([]);
    expect(sent()).toEqual([]);
  });

  it('fails a record from a queue that is no recipient channel', async () => {
    deliver('VDAB', 'REF-1');
    const stray = sqsRecord(decisionMessage(), ARN('inbound-forem'));
    const ok = sqsRecord(decisionMessage(), ARN('inbound-vdab'));
    const result = await handler(sqsEvent(stray, ok), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: stray.messageId }]);
    // Not a queue of this function: its URL is unknown here, and the queue's own visibility timeout applies.
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)).toEqual([]);
  });
});

describe('region-inbound records', () => {
  it('go to the path of the recipient whose queue they came on, over whatever ports it is given', async () => {
    const { deps, lines, publisher } = makeDeps();
    lines.put(line('ACTIRIS', 'REF-1'));
    const handle = regionInboundRecordHandler({ channelOf: (arn) => (arn === 'q:actiris' ? 'ACTIRIS' : undefined), returnFlow: deps });

    await handle(sqsRecord(decisionMessage({ decisionId: 'd-a' }), 'q:actiris'));

    expect(publisher.bodies(QUEUE_URLS.ppsOutbound)).toEqual([expect.objectContaining({ decisionId: 'd-a', recipient: 'ACTIRIS' })]);
    await expect(handle(sqsRecord(decisionMessage(), 'q:forem'))).rejects.toThrow('no recipient channel has ARN q:forem');
  });
});
