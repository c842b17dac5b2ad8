import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveredLine, runReturnFlowDemo } from '../../local/return-flow-demo';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { LOCAL_RECIPIENT_KBOS } from '../../local/stand-in-environment';
import { dynamoDocumentClient, sqsClient } from '../../shared/adapters/aws-clients';
import { disclosureKeyReader, loadDisclosureKey } from '../../shared/adapters/disclosure-key';
import { DynamoDeliveryLedger } from '../../shared/adapters/dynamo-delivery-ledger';
import { DynamoDisclosures } from '../../shared/adapters/dynamo-disclosures';
import { DynamoPaymentLines } from '../../shared/adapters/dynamo-payment-lines';
import { DynamoRefusedMessages } from '../../shared/adapters/dynamo-refused-messages';
import { readDisclosureKeySource } from '../../shared/configuration/disclosure-key-source';
import { findDisclosures, formatDisclosures } from '../../shared/domain/operations/disclosures';
import { listRefused } from '../../shared/domain/operations/refused-messages';
import type { RecipientRecord } from '../../shared/domain/recipients';
import { LEGAL_BASIS } from '../../shared/domain/return-flows/disclosures';
import { correctionIdOf } from '../../shared/domain/return-flows/ids';
import { deadLetterQueueOf, QUEUES, type QueueSpec, TABLES } from '../../shared/topology';
import { assertValidMessage, outboundSchemaName } from '../support/message-schemas';

/**
 * The whole round trip of the return flows through the local stand-in: the real functions on
 * fauxqs and dynalite, each party on its own queues with a plain SQS client.
 */

const INSZ = '85073003328';
const OTHER_INSZ = '90020199704';
const OCMW_GENT = '0212351212';

function record(reference: string, overrides: Partial<Record<string, string>> = {}): RecipientRecord {
  return {
    period: '2025-10',
    ocmwKbo: OCMW_GENT,
    ocmwNis: '44021',
    ocmwName: 'OCMW Gent',
    regulation: 'ART60_7',
    fileNumber: `F-${reference}`,
    insz: INSZ,
    beneficiaryRole: 'PRIMARY',
    performanceStart: '2025-10-01',
    performanceEnd: '2025-10-31',
    accountingStart: '2025-10-01',
    accountingEnd: '2025-10-31',
    reference,
    amount: '1234.50',
    paymentType: 'PT',
    decidingOrganisation: 'DO',
    budgetArticle: 'BA-1',
    assistanceType: 'AT',
    paymentRecipient: 'PR',
    employmentType: 'ET',
    employmentPlace: 'Gent',
    workSchedule: 'FULL',
    activationType: 'ACT',
    ...overrides,
  };
}
const foremRecord = (insz: string): RecipientRecord => ({
  period: '2025-10',
  ocmwKbo: '0207446574',
  ocmwNis: '62063',
  ocmwName: 'CPAS de Liège',
  regulation: 'ART60_7',
  fileNumber: 'L-1',
  insz,
  beneficiaryRole: 'PRIMARY',
  performanceStart: '2025-10-01',
  performanceEnd: '2025-10-31',
});

const batch = { batchId: 'batch-2025-10-a', period: '2025-10', receivedAt: new Date() };
const vdabRecords = [
  record('V-1'),
  record('V-2', { regulation: 'ART61' }),
  record('V-3', { insz: OTHER_INSZ }),
  record('V-4'),
  record('V-5'),
];
const actirisRecords = [
  record('A-1', { ocmwKbo: '0207372142', ocmwNis: '21004' }),
  record('A-2', { ocmwKbo: '0207372142', ocmwNis: '21004' }),
];

let standIn: LocalStandIn;
let n = 0;

async function send(queue: QueueSpec, message: Record<string, unknown>): Promise<string> {
  n += 1;
  const messageId = `it-${n}`;
  await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: standIn.queueUrl(queue),
      MessageBody: JSON.stringify({ schemaVersion: 1, messageId, sentAt: new Date().toISOString(), ...message }),
      MessageAttributes: { type: { DataType: 'String', StringValue: String(message.type) } },
    }),
  );
  return messageId;
}
async function receive(queue: QueueSpec): Promise<Array<Record<string, unknown>>> {
  const messages = await standIn.receiveAll(queue);
  for (const m of messages) expect(m.attributes.type).toBe((JSON.parse(m.body) as { type: string }).type);
  return messages.map((m) => JSON.parse(m.body) as Record<string, unknown>);
}
function correction(line: RecipientRecord, requester: 'VDAB' | 'ACTIRIS', requestId: string, kind: 'RECOVERY' | 'ARREARS', amount: string) {
  return {
    type: 'correction.request',
    requestId,
    requesterKbo: LOCAL_RECIPIENT_KBOS[requester],
    ocmwKbo: line.ocmwKbo,
    regulation: line.regulation,
    fileNumber: line.fileNumber,
    insz: line.insz,
    kind,
    effectiveDate: '2025-10-15',
    performanceStart: '2025-10-01',
    performanceEnd: '2025-10-31',
    reference: line.reference,
    amount,
    budgetArticle: 'BA-1',
  };
}
const decision = (line: RecipientRecord, decisionId: string, verdict: 'VALIDATED' | 'REFUSED', decidedAt = new Date().toISOString()) => ({
  type: 'validation.decision',
  decisionId,
  reference: line.reference,
  fileNumber: line.fileNumber,
  decision: verdict,
  decidedAt,
});

/** What split-batch records of a delivery, in the stand-in's tables, under the key the functions read. */
function deliveryLedger(): DynamoDeliveryLedger {
  return new DynamoDeliveryLedger(
    dynamoDocumentClient(),
    {
      paymentLines: standIn.tableName(TABLES.paymentLines),
      disclosures: standIn.tableName(TABLES.disclosures),
      deliveryProofs: standIn.tableName(TABLES.deliveryProofs),
    },
    disclosureKeyReader(readDisclosureKeySource()),
  );
}

beforeAll(async () => {
  standIn = await startLocalStandIn();
  const ledger = deliveryLedger();
  await ledger.recordDeliveries(batch, 'VDAB', vdabRecords);
  await ledger.recordDeliveries(batch, 'ACTIRIS', actirisRecords);
  await ledger.recordDeliveries(batch, 'FOREM', [foremRecord(INSZ), foremRecord(OTHER_INSZ)]);
});
afterAll(async () => {
  await standIn?.stop();
});

describe('return flows through the local stand-in', () => {
  it('carries decisions and corrections round trip, refuses what breaks a rule, and FOREM has nowhere to go', async () => {
    const [v1, v2] = vdabRecords as [RecipientRecord, RecipientRecord];
    const [a1] = actirisRecords as [RecipientRecord];
    // Regions → hub.
    await send(QUEUES.recipientInbound.VDAB, decision(v1, 'dec-v1', 'VALIDATED', '2025-11-03T09:00:00Z'));
    await send(QUEUES.recipientInbound.VDAB, decision(v2, 'dec-v2', 'REFUSED'));
    const foreignDecision = await send(QUEUES.recipientInbound.VDAB, decision(a1, 'dec-a1', 'VALIDATED'));
    await send(QUEUES.recipientInbound.VDAB, correction(v1, 'VDAB', 'req-recovery', 'RECOVERY', '150.00'));
    await send(QUEUES.recipientInbound.ACTIRIS, correction(a1, 'ACTIRIS', 'req-arrears', 'ARREARS', '75.25'));
    // VDAB's KBO written on Actiris's channel: the channel says who sends.
    const wrongChannel = await send(QUEUES.recipientInbound.ACTIRIS, correction(a1, 'VDAB', 'req-wrong', 'ARREARS', '1.00'));
    // FOREM has no inbound channel at all.
    await expect(sqsClient().send(new GetQueueUrlCommand({ QueueName: 'inbound-forem' }))).rejects.toMatchObject({
      name: expect.stringMatching(/QueueDoesNotExist|NonExistentQueue/),
    });
    expect(Object.keys(QUEUES.recipientInbound)).toEqual(['VDAB', 'ACTIRIS']);

    await standIn.drain();

    const toPps = await receive(QUEUES.ppsOutbound);
    for (const m of toPps) assertValidMessage(m, outboundSchemaName(String(m.type), true));
    expect(
      toPps
        .filter((m) => m.type === 'validation.decision')
        .map((m) => [m.recipient, m.reference, m.decision])
        .sort(),
    ).toEqual([
      ['VDAB', 'V-1', 'VALIDATED'],
      ['VDAB', 'V-2', 'REFUSED'],
    ]);
    const requests = toPps.filter((m) => m.type === 'correction.request');
    expect(requests.map((m) => [m.recipient, m.correctionId, m.kind, m.amount]).sort()).toEqual([
      ['ACTIRIS', correctionIdOf('ACTIRIS', 'req-arrears'), 'ARREARS', '75.25'],
      ['VDAB', correctionIdOf('VDAB', 'req-recovery'), 'RECOVERY', '150.00'],
    ]);
    const toActiris = await receive(QUEUES.recipientOutbound.ACTIRIS);
    expect(toActiris.map((m) => [m.type, m.refusedMessageId, m.code])).toEqual([['message.refused', wrongChannel, 'WRONG_CHANNEL']]);
    const toVdabSoFar = await receive(QUEUES.recipientOutbound.VDAB);
    expect(toVdabSoFar.map((m) => [m.type, m.refusedMessageId, m.code])).toEqual([['message.refused', foreignDecision, 'UNKNOWN_LINE']]);

    // PPS → hub: approve the recovery, reject the arrears.
    await send(QUEUES.ppsInbound, {
      type: 'correction.decision',
      correctionId: correctionIdOf('VDAB', 'req-recovery'),
      decision: 'APPROVED',
      decidedAt: '2025-11-04T10:00:00+01:00',
    });
    await send(QUEUES.ppsInbound, {
      type: 'correction.decision',
      correctionId: correctionIdOf('ACTIRIS', 'req-arrears'),
      decision: 'REJECTED',
      decidedAt: '2025-11-04T10:00:00+01:00',
    });
    const unknown = await send(QUEUES.ppsInbound, {
      type: 'correction.decision',
      correctionId: 'cor-0000',
      decision: 'APPROVED',
      decidedAt: '2025-11-04T10:00:00Z',
    });
    await standIn.drain();
    const second = await send(QUEUES.ppsInbound, {
      type: 'correction.decision',
      correctionId: correctionIdOf('ACTIRIS', 'req-arrears'),
      decision: 'APPROVED',
      decidedAt: '2025-11-05T10:00:00Z',
    });
    // The PPS sends its approval again under a new messageId: a no-op (§3), no refusal, nothing sent again.
    await send(QUEUES.ppsInbound, {
      type: 'correction.decision',
      correctionId: correctionIdOf('VDAB', 'req-recovery'),
      decision: 'APPROVED',
      decidedAt: '2025-11-04T10:00:00+01:00',
    });
    await standIn.drain();

    const toVdab = await receive(QUEUES.recipientOutbound.VDAB);
    const toActiris2 = await receive(QUEUES.recipientOutbound.ACTIRIS);
    const toOcmw = await receive(QUEUES.ocmwOutbound);
    const toPps2 = await receive(QUEUES.ppsOutbound);
    for (const m of [...toVdab, ...toActiris2, ...toOcmw, ...toPps2]) assertValidMessage(m, outboundSchemaName(String(m.type), false));
    expect(toVdab).toEqual([
      {
        type: 'correction.outcome',
        schemaVersion: 1,
        messageId: expect.any(String),
        sentAt: expect.any(String),
        requestId: 'req-recovery',
        decision: 'APPROVED',
      },
    ]);
    expect(toActiris2).toEqual([
      {
        type: 'correction.outcome',
        schemaVersion: 1,
        messageId: expect.any(String),
        sentAt: expect.any(String),
        requestId: 'req-arrears',
        decision: 'REJECTED',
      },
    ]);
    expect(toOcmw).toHaveLength(1);
    expect(toOcmw[0]).toMatchObject({
      type: 'correction.approved',
      correctionId: correctionIdOf('VDAB', 'req-recovery'),
      ocmwKbo: OCMW_GENT,
      insz: INSZ,
      amount: '150.00',
    });
    expect(toOcmw[0]).not.toHaveProperty('requesterKbo');
    expect(toPps2.map((m) => [m.refusedMessageId, m.code]).sort()).toEqual(
      [
        [second, 'ALREADY_DECIDED'],
        [unknown, 'UNKNOWN_CORRECTION'],
      ].sort(),
    );

    // Nothing was poison: every dead-letter queue of the return flows is empty.
    for (const q of [QUEUES.recipientInbound.VDAB, QUEUES.recipientInbound.ACTIRIS, QUEUES.ppsInbound]) {
      expect(await standIn.receiveAll(deadLetterQueueOf(q))).toEqual([]);
    }

    // An operator sees every refusal, with its code.
    const refused = await listRefused(
      new DynamoRefusedMessages(dynamoDocumentClient(), standIn.tableName(TABLES.refusedMessages)),
      ['VDAB', 'ACTIRIS', 'PPS'],
      new Date(),
    );
    expect(refused.map((r) => [r.channel, r.code]).sort()).toEqual(
      [
        ['ACTIRIS', 'WRONG_CHANNEL'],
        ['PPS', 'ALREADY_DECIDED'],
        ['PPS', 'UNKNOWN_CORRECTION'],
        ['VDAB', 'UNKNOWN_LINE'],
      ].sort(),
    );
  });

  it('keeps a line’s decisions and status when the same reference is delivered again', async () => {
    const lines = new DynamoPaymentLines(dynamoDocumentClient(), standIn.tableName(TABLES.paymentLines));
    const before = await lines.getLine('VDAB', 'V-1', new Date());
    expect(before).toMatchObject({ status: 'VALIDATED', statusDecisionId: 'dec-v1', fileNumber: 'F-V-1' });

    await deliveryLedger().recordDeliveries({ ...batch, batchId: 'batch-2025-10-replay' }, 'VDAB', [vdabRecords[0]!]);

    const after = await lines.getLine('VDAB', 'V-1', new Date());
    expect(after).toMatchObject({ status: 'VALIDATED', statusDecisionId: 'dec-v1', batchId: 'batch-2025-10-replay' });
    expect(await lines.getLine('ACTIRIS', 'V-1', new Date())).toBeUndefined();
    expect(await lines.getLine('VDAB', 'V-1', new Date(Date.now() + 5476 * 86_400_000))).toBeUndefined();
  });

  it('answers "which recipients received data about this person, and when?" from the record of disclosures', async () => {
    const key = await loadDisclosureKey(readDisclosureKeySource());
    const store = new DynamoDisclosures(dynamoDocumentClient(), {
      disclosures: standIn.tableName(TABLES.disclosures),
      paymentLines: standIn.tableName(TABLES.paymentLines),
    });
    const rows = await findDisclosures({ insz: INSZ }, store, key, new Date());
    // V-1, V-2, V-4, V-5 (and V-1 again in the replay batch), A-1, A-2, and one FOREM row; then
    // VDAB's recovery on V-1 forwarded to the PPS and, approved, passed on for the OCMW, and
    // Actiris's arrears on A-1 forwarded to the PPS (rejected: never to the OCMW).
    const recovery = correctionIdOf('VDAB', 'req-recovery');
    const arrears = correctionIdOf('ACTIRIS', 'req-arrears');
    expect(rows.map((r) => `${r.recipient}/${r.flow}/${r.batchId ?? r.correctionId}`).sort()).toEqual(
      [
        ...Array(4).fill('VDAB/BATCH/batch-2025-10-a'),
        'VDAB/BATCH/batch-2025-10-replay',
        'ACTIRIS/BATCH/batch-2025-10-a',
        'ACTIRIS/BATCH/batch-2025-10-a',
        'FOREM/BATCH/batch-2025-10-a',
        `PPS/CORRECTION_REQUEST/${recovery}`,
        `OCMW/CORRECTION_APPROVED/${recovery}`,
        `PPS/CORRECTION_REQUEST/${arrears}`,
      ].sort(),
    );
    expect(rows.every((r) => r.legalBasis === LEGAL_BASIS)).toBe(true);
    expect(rows.every((r) => r.period === (r.flow === 'BATCH' ? '2025-10' : '2025-10-01/2025-10-31'))).toBe(true);
    expect(rows.find((r) => r.recipient === 'OCMW')?.ocmwKbo).toBe(OCMW_GENT);
    const forem = await findDisclosures({ insz: OTHER_INSZ, recipient: 'FOREM' }, store, key, new Date());
    expect(forem.map((r) => r.recipient)).toEqual(['FOREM']);
    // Past FOREM's ten years, its disclosures are no longer read; VDAB's fifteen still are.
    const later = await findDisclosures({ insz: INSZ }, store, key, new Date(Date.now() + 3654 * 86_400_000));
    expect(new Set(later.map((r) => r.recipient))).toEqual(new Set(['VDAB', 'ACTIRIS', 'PPS', 'OCMW']));
    const printed = formatDisclosures(INSZ, rows);
    expect(printed).not.toContain(INSZ);
    expect(printed).toContain('FOREM');
  });

  it('plays the demo: VDAB, Actiris and the PPS, and says what each party received', async () => {
    const delivered = (records: RecipientRecord[]): DeliveredLine[] =>
      records.map((r) => ({
        reference: r.reference!,
        fileNumber: r.fileNumber!,
        ocmwKbo: r.ocmwKbo!,
        regulation: r.regulation!,
        insz: r.insz!,
        performanceStart: r.performanceStart!,
        performanceEnd: r.performanceEnd!,
        budgetArticle: r.budgetArticle!,
      }));
    const summary = await runReturnFlowDemo(standIn, {
      vdabReferences: delivered(vdabRecords.slice(2)),
      actirisReferences: delivered(actirisRecords.slice(1)),
    });

    expect(summary.sent).toEqual({ VDAB: 5, ACTIRIS: 1, PPS: 2 });
    expect(summary.ppsDecisions).toEqual([
      expect.objectContaining({ decision: 'APPROVED' }),
      expect.objectContaining({ decision: 'REJECTED' }),
    ]);
    expect(summary.outcomes.map((o) => `${o.requester} ${o.decision}`).sort()).toEqual(
      summary.ppsDecisions.map((d) => `${d.requester} ${d.decision}`).sort(),
    );
    expect(summary.refusalCodes).toEqual(['UNKNOWN_LINE']);
    expect(summary.received.find((r) => r.party.startsWith('OCMW'))?.byType).toEqual({ 'correction.approved': 1 });
    expect(summary.received.find((r) => r.party === 'PPS')?.byType).toEqual({ 'validation.decision': 3, 'correction.request': 2 });
    expect(summary.foremAttempt).toMatch(/nowhere/);
    expect(summary.text).not.toMatch(/\d{11}/);
  });
});
