import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ppsInbound } from '../../../functions/pps-inbound';
import { regionInbound } from '../../../functions/region-inbound';
import { lineItem } from '../../../shared/adapters/dynamo-payment-lines';
import { buildReturnFlowDeps, channelOfQueueArn } from '../../../shared/adapters/dynamo-return-flow-deps';
import { SqsPublisher } from '../../../shared/adapters/sqs-publisher';
import { correctionIdOf } from '../../../shared/domain/return-flows/ids';
import { metrics } from '../../../shared/observability';
import { QUEUES, SETTINGS_ENV, TABLES } from '../../../shared/topology';
import { assertValidMessage, outboundSchemaName } from '../../support/message-schemas';
import { sqsEvent, sqsRecord } from '../../support/sqs-records';
import { ACTIRIS_KBO, correctionMessage, decisionMessage, KEY, line, ppsDecisionMessage, VDAB_KBO } from './fakes';

const ARN = (name: string) => `arn:aws:sqs:eu-west-1:111122223333:${name}`;
const URL = (name: string) => `https://sqs.eu-west-1.amazonaws.com/111122223333/${name}`;

const env: NodeJS.ProcessEnv = {
  [TABLES.paymentLines.env]: 'lines-table',
  [TABLES.corrections.env]: 'corrections-table',
  [TABLES.refusedMessages.env]: 'refused-table',
  [QUEUES.recipientInbound.VDAB.arnEnv]: ARN('inbound-vdab'),
  [QUEUES.recipientInbound.ACTIRIS.arnEnv]: ARN('inbound-actiris'),
  [QUEUES.recipientOutbound.VDAB.urlEnv]: URL('outbound-vdab'),
  [QUEUES.recipientOutbound.ACTIRIS.urlEnv]: URL('outbound-actiris'),
  [QUEUES.ppsOutbound.urlEnv]: URL('outbound-pps'),
  [QUEUES.ocmwOutbound.urlEnv]: URL('outbound-ocmw'),
  [SETTINGS_ENV.recipientKbos]: JSON.stringify({ VDAB: VDAB_KBO, ACTIRIS: ACTIRIS_KBO }),
};

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const sqs = new SQSClient({ region: 'eu-west-1' });
const ddbMock = mockClient(ddb);
const sqsMock = mockClient(sqs);

function deps() {
  return buildReturnFlowDeps({ publisher: new SqsPublisher(sqs, { sleep: async () => {} }), disclosureKey: KEY, client: ddb, env });
}
const region = () => regionInbound(deps(), (arn) => channelOfQueueArn(arn, env));

/** Every message sent, with the queue it went to and its `type` attribute. */
function sent() {
  return sqsMock.commandCalls(SendMessageBatchCommand).flatMap((call) => {
    const input = call.args[0].input as SendMessageBatchCommandInput;
    return (input.Entries ?? []).map((entry) => ({
      queueUrl: input.QueueUrl,
      typeAttribute: entry.MessageAttributes?.type?.StringValue,
      body: JSON.parse(entry.MessageBody ?? '{}') as Record<string, unknown>,
    }));
  });
}

const refusedMetric = { addDimensions: vi.fn(), addMetric: vi.fn() };

beforeEach(() => {
  ddbMock.reset();
  sqsMock.reset();
  sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(UpdateCommand).resolves({});
  ddbMock.on(GetCommand).resolves({});
  vi.spyOn(metrics, 'singleMetric').mockReturnValue(refusedMetric as never);
  vi.spyOn(metrics, 'addMetric').mockImplementation(() => metrics);
  refusedMetric.addDimensions.mockClear();
  refusedMetric.addMetric.mockClear();
});
afterEach(() => vi.restoreAllMocks());

function deliver(recipient: 'VDAB' | 'ACTIRIS', reference: string, overrides: Parameters<typeof line>[2] = {}) {
  ddbMock
    .on(GetCommand, { TableName: 'lines-table', Key: { pk: `LINE#${recipient}#${reference}`, sk: 'LINE' } })
    .resolves({ Item: lineItem(line(recipient, reference, overrides)) });
}

describe('region-inbound', () => {
  it('records a decision of the VDAB channel and forwards it to the PPS with the SQS attribute type', async () => {
    deliver('VDAB', 'REF-1');
    const result = await region()(sqsEvent(sqsRecord(decisionMessage({ decisionId: 'd-1' }), ARN('inbound-vdab'))));

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

    const result = await region()(sqsEvent(sqsRecord(message, ARN('inbound-actiris'))));

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
      .on(GetCommand, { TableName: 'lines-table', Key: { pk: 'LINE#VDAB#REF-2', sk: 'LINE' } })
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const ok = sqsRecord(decisionMessage({ reference: 'REF-1' }), ARN('inbound-vdab'));
    const throttled = sqsRecord(decisionMessage({ reference: 'REF-2' }), ARN('inbound-vdab'));

    const result = await region()(sqsEvent(ok, throttled));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: throttled.messageId }]);
    expect(sent().map((m) => m.body.reference)).toEqual(['REF-1']);
    expect(ddbMock.commandCalls(PutCommand).some((c) => c.args[0].input.TableName === 'refused-table')).toBe(false);
  });

  it('fails a refusal that could not be kept, rather than lose it', async () => {
    ddbMock
      .on(PutCommand, { TableName: 'refused-table' })
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const bad = sqsRecord('not json', ARN('inbound-vdab'));
    const good = sqsRecord(decisionMessage({ reference: 'NOPE' }), ARN('inbound-actiris'));
    ddbMock.on(PutCommand, { TableName: 'refused-table', Item: { channel: 'ACTIRIS' } } as never).resolves({});

    const result = await region()(sqsEvent(bad, good));

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: bad.messageId }]);
    expect(sent().map((m) => [m.queueUrl, m.body.code])).toEqual([[URL('outbound-actiris'), 'UNKNOWN_LINE']]);
    expect(sent().filter((m) => m.queueUrl === URL('outbound-vdab'))).toEqual([]);
  });

  it('treats a correction whose (requester, requestId) exists with the same content as a resend: no second forward', async () => {
    deliver('VDAB', 'REF-1');
    const message = correctionMessage({ requestId: 'req-9' });
    const first = await region()(sqsEvent(sqsRecord(message, ARN('inbound-vdab'))));
    expect(first.batchItemFailures).toEqual([]);
    const stored = ddbMock.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    ddbMock
      .on(PutCommand, { TableName: 'corrections-table' })
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    ddbMock.on(GetCommand, { TableName: 'corrections-table' }).resolves({ Item: { ...stored, forwardedToPpsAt: '2025-11-03T10:00:00Z' } });
    sqsMock.resetHistory();

    const again = await region()(sqsEvent(sqsRecord({ ...message, messageId: 'resent' }, ARN('inbound-vdab'))));

    expect(again.batchItemFailures).toEqual([]);
    expect(sent()).toEqual([]);
  });

  it('fails a record from a queue that is no recipient channel', async () => {
    deliver('VDAB', 'REF-1');
    const stray = sqsRecord(decisionMessage(), ARN('inbound-forem'));
    const ok = sqsRecord(decisionMessage(), ARN('inbound-vdab'));
    const result = await region()(sqsEvent(stray, ok));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: stray.messageId }]);
  });
});

describe('pps-inbound', () => {
  const correctionId = correctionIdOf('VDAB', 'req-1');
  const submitted = {
    pk: 'CORRECTION#VDAB#req-1',
    sk: 'CORRECTION',
    correctionId,
    requester: 'VDAB',
    requestId: 'req-1',
    status: 'SUBMITTED',
    requesterKbo: VDAB_KBO,
    ocmwKbo: '0212351212',
    regulation: 'ART60_7',
    fileNumber: 'D-100',
    insz: '85073003328',
    kind: 'ARREARS',
    effectiveDate: '2025-10-01',
    performanceStart: '2025-10-01',
    performanceEnd: '2025-10-31',
    reference: 'REF-1',
    amountCents: 4200,
    budgetArticle: 'BA',
    contentHash: 'h',
    submittedAt: '2025-11-03T10:00:00.000Z',
    requestMessageId: 'm',
    forwardedToPpsAt: '2025-11-03T10:00:00.000Z',
    expiresAt: 2_300_000_000,
  };

  beforeEach(() => {
    ddbMock
      .on(QueryCommand, { IndexName: 'byCorrectionId' })
      .resolves({ Items: [{ pk: submitted.pk, sk: submitted.sk, correctionId, requester: 'VDAB', requestId: 'req-1' }] });
    ddbMock.on(GetCommand, { TableName: 'corrections-table' }).resolves({ Item: submitted });
  });

  it('applies an approval with one conditional update, tells VDAB the outcome and the OCMW the correction', async () => {
    ddbMock
      .on(UpdateCommand, { ConditionExpression: '#status = :submitted' })
      .resolves({ Attributes: { ...submitted, status: 'APPROVED', decision: 'APPROVED', decidedAt: '2025-11-04T09:00:00Z' } });

    const result = await ppsInbound(
      deps(),
      ARN('inbound-pps'),
    )(sqsEvent(sqsRecord(ppsDecisionMessage(correctionId, 'APPROVED'), ARN('inbound-pps'))));

    expect(result.batchItemFailures).toEqual([]);
    const out = sent();
    expect(out.map((m) => [m.queueUrl, m.typeAttribute])).toEqual([
      [URL('outbound-vdab'), 'correction.outcome'],
      [URL('outbound-ocmw'), 'correction.approved'],
    ]);
    expect(out[0]?.body).toMatchObject({ requestId: 'req-1', decision: 'APPROVED' });
    expect(out[1]?.body).toMatchObject({ correctionId, amount: '42.00', kind: 'ARREARS' });
    for (const m of out) assertValidMessage(m.body, outboundSchemaName(String(m.body.type), false));
    const conditions = ddbMock.commandCalls(UpdateCommand).map((c) => c.args[0].input.ConditionExpression);
    expect(conditions).toEqual(['#status = :submitted', 'attribute_exists(pk)', '#status = :approved']);
  });

  it('answers a second decision, seen as a failed condition, with ALREADY_DECIDED to the PPS and sends nothing else', async () => {
    ddbMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'decided', $metadata: {} }));
    ddbMock.on(GetCommand, { TableName: 'corrections-table' }).resolves({
      Item: { ...submitted, status: 'REJECTED', decision: 'REJECTED', decidedAt: '2025-11-04T08:00:00Z', outcomeSentAt: 'x' },
    });

    const result = await ppsInbound(
      deps(),
      ARN('inbound-pps'),
    )(sqsEvent(sqsRecord(ppsDecisionMessage(correctionId, 'APPROVED'), ARN('inbound-pps'))));

    expect(result.batchItemFailures).toEqual([]);
    expect(sent().map((m) => [m.queueUrl, m.body.type, m.body.code])).toEqual([
      [URL('outbound-pps'), 'message.refused', 'ALREADY_DECIDED'],
    ]);
    expect(ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.pk)).toEqual(['REFUSED#PPS']);
  });

  it('answers a decision for an id the index does not know with UNKNOWN_CORRECTION', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'byCorrectionId' }).resolves({ Items: [] });
    const result = await ppsInbound(
      deps(),
      ARN('inbound-pps'),
    )(sqsEvent(sqsRecord(ppsDecisionMessage('cor-unknown', 'REJECTED'), ARN('inbound-pps'))));
    expect(result.batchItemFailures).toEqual([]);
    expect(sent().map((m) => m.body.code)).toEqual(['UNKNOWN_CORRECTION']);
  });

  it('retries a decision whose conditional update was throttled, sending nothing yet', async () => {
    ddbMock.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const r1 = sqsRecord(ppsDecisionMessage(correctionId, 'APPROVED'), ARN('inbound-pps'));
    const r2 = sqsRecord('{', ARN('inbound-pps'));
    const result = await ppsInbound(deps(), ARN('inbound-pps'))(sqsEvent(r1, r2));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: r1.messageId }]);
    expect(sent().map((m) => [m.queueUrl, m.body.code])).toEqual([[URL('outbound-pps'), 'MALFORMED_MESSAGE']]);
  });
});
