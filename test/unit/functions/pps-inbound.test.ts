import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { correctionIdOf } from '../../../shared/domain/return-flows/ids';
import { currentLogIds, logger } from '../../../shared/observability';
import { QUEUES, SETTINGS_ENV, TABLES } from '../../../shared/topology';
import { assertValidMessage, outboundSchemaName } from '../../support/message-schemas';
import { sqsEvent, sqsRecord } from '../../support/sqs-records';
import { ppsDecisionMessage, VDAB_KBO } from '../return-flows/fakes';
import { ARN, coldStart, context, ddbMock, resetServices, sent, URL } from './return-flow-harness';

/**
 * pps-inbound as Lambda runs it: its module read its configuration at cold start and built its
 * adapters over the process's SDK clients, mocked here.
 */

/** Exactly what its declaration gives pps-inbound (shared/topology.ts). */
const ENV = {
  [TABLES.corrections.env]: 'corrections-table',
  [TABLES.refusedMessages.env]: 'refused-table',
  [TABLES.disclosures.env]: 'disclosures-table',
  [QUEUES.ppsInbound.arnEnv]: ARN('inbound-pps'),
  [QUEUES.ppsInbound.urlEnv]: URL('inbound-pps'),
  [QUEUES.recipientOutbound.VDAB.urlEnv]: URL('outbound-vdab'),
  [QUEUES.recipientOutbound.ACTIRIS.urlEnv]: URL('outbound-actiris'),
  [QUEUES.ppsOutbound.urlEnv]: URL('outbound-pps'),
  [QUEUES.ocmwOutbound.urlEnv]: URL('outbound-ocmw'),
  [SETTINGS_ENV.refusedMessageRetentionDays]: '30',
};

let handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

beforeAll(async () => {
  ({ handler } = await coldStart(() => import('../../../functions/pps-inbound'), ENV));
});
beforeEach(resetServices);
afterEach(() => vi.restoreAllMocks());

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

    const result = await handler(sqsEvent(sqsRecord(ppsDecisionMessage(correctionId, 'APPROVED'), ARN('inbound-pps'))), context);

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

    const result = await handler(sqsEvent(sqsRecord(ppsDecisionMessage(correctionId, 'APPROVED'), ARN('inbound-pps'))), context);

    expect(result.batchItemFailures).toEqual([]);
    expect(sent().map((m) => [m.queueUrl, m.body.type, m.body.code])).toEqual([
      [URL('outbound-pps'), 'message.refused', 'ALREADY_DECIDED'],
    ]);
    expect(ddbMock.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.pk)).toEqual(['REFUSED#PPS']);
  });

  it('answers a decision for an id the index does not know with UNKNOWN_CORRECTION', async () => {
    ddbMock.on(QueryCommand, { IndexName: 'byCorrectionId' }).resolves({ Items: [] });
    const result = await handler(sqsEvent(sqsRecord(ppsDecisionMessage('cor-unknown', 'REJECTED'), ARN('inbound-pps'))), context);
    expect(result.batchItemFailures).toEqual([]);
    expect(sent().map((m) => m.body.code)).toEqual(['UNKNOWN_CORRECTION']);
  });

  it('retries a decision whose conditional update was throttled, sending nothing yet', async () => {
    ddbMock.on(UpdateCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const r1 = sqsRecord(ppsDecisionMessage(correctionId, 'APPROVED'), ARN('inbound-pps'));
    const r2 = sqsRecord('{', ARN('inbound-pps'));
    const result = await handler(sqsEvent(r1, r2), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: r1.messageId }]);
    expect(sent().map((m) => [m.queueUrl, m.body.code])).toEqual([[URL('outbound-pps'), 'MALFORMED_MESSAGE']]);
  });

  it('fails a record from any queue but the PPS’s, and logs it: only that channel speaks for the PPS', async () => {
    // The ids the line carries besides its own fields: those of the record it is about.
    const idsOfErrors: unknown[] = [];
    const error = vi.spyOn(logger, 'error').mockImplementation(() => void idsOfErrors.push(currentLogIds()));
    const stray = sqsRecord(ppsDecisionMessage(correctionId, 'APPROVED'), ARN('inbound-vdab'));
    const malformed = sqsRecord('{', ARN('inbound-pps'));
    const result = await handler(sqsEvent(stray, malformed), context);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: stray.messageId }]);
    expect(error).toHaveBeenCalledWith('record from a queue that is not the PPS channel', { eventSourceARN: ARN('inbound-vdab') });
    expect(idsOfErrors).toEqual([
      expect.objectContaining({ sqsMessageId: stray.messageId, correctionId, messageType: 'correction.decision' }),
    ]);
    expect(sent().map((m) => [m.queueUrl, m.body.code])).toEqual([[URL('outbound-pps'), 'MALFORMED_MESSAGE']]);
    expect(ddbMock.commandCalls(UpdateCommand)).toEqual([]);
  });
});
