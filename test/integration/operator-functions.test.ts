import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaContextFor } from '../../local/event-source';
import { loadFunctionHandler } from '../../local/event-source-mapping';
import { type LocalStandIn, startLocalStandIn } from '../../local/stand-in';
import { s3Client, sqsClient } from '../../shared/adapters/aws-clients';
import { LEGAL_BASIS } from '../../shared/domain/return-flows/disclosures';
import { nationalNumberRegExp } from '../../shared/national-number-pattern';
import { BUCKETS, FUNCTIONS, type FunctionSpec, QUEUES } from '../../shared/topology';
import { formattedInsz } from '../support/batch-files';
import { auditLines, captureOutput } from '../support/capture-output';
import { withoutHexDigests } from '../support/digests';
import { bytesOf, csvFile, validRow } from '../support/rows';

/**
 * The operators' tools as functions on the local stand-in: a monthly file delivered and a return
 * message refused by the real functions, then each operator function invoked as the console's Test
 * tab invokes it. Every answer and every log line is searched for the national numbers involved.
 */

const VDAB_AND_FOREM = '85073003328';
const ACTIRIS_ONLY = '90020199704';
const FILE = bytesOf(
  csvFile([
    validRow({ reference: 'V-1', insz: VDAB_AND_FOREM, ocmwNis: '11002' }),
    validRow({ reference: 'A-1', insz: ACTIRIS_ONLY, ocmwNis: '21004' }),
    validRow({ reference: 'F-1', insz: VDAB_AND_FOREM, ocmwNis: '62063' }),
  ]),
);
const BATCH_ID = createHash('sha256').update(FILE).digest('hex');

/** Every way a national number of this test may be written. */
const FORMS = [VDAB_AND_FOREM, ACTIRIS_ONLY].flatMap((insz) => [insz, formattedInsz(insz)]);

const previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
let standIn: LocalStandIn;
let firstToActiris: string[];
/** The bodies Actiris received, exactly as its queue carried them. */
let actirisBodies: string[];

beforeAll(async () => {
  // Before the stand-in imports the logger (it reads its level then): the audit lines are INFO.
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  standIn = await startLocalStandIn();
  await s3Client().send(
    new PutObjectCommand({ Bucket: standIn.bucketName(BUCKETS.inbound), Key: 'monthly/2025-11/operators.csv', Body: FILE }),
  );
  expect(await standIn.notifyNewObjects()).toBe(1);
  await captureOutput(() => standIn.drain());
  actirisBodies = (await standIn.receiveAll(QUEUES.recipientOutbound.ACTIRIS)).map((m) => m.body);
  firstToActiris = actirisBodies.map((body) => JSON.parse(body).messageId as string);
  expect(firstToActiris.length).toBeGreaterThan(1);
  await standIn.receiveAll(QUEUES.recipientOutbound.VDAB);
  await standIn.receiveAll(QUEUES.recipientOutbound.FOREM);

  // VDAB sends a decision the hub refuses, with a national number in its body.
  await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: standIn.queueUrl(QUEUES.recipientInbound.VDAB),
      MessageBody: JSON.stringify({
        schemaVersion: 1,
        messageId: 'bad-decision-1',
        type: 'validation.decision',
        sentAt: new Date().toISOString(),
        insz: formattedInsz(VDAB_AND_FOREM),
        decision: 'MAYBE',
      }),
      MessageAttributes: { type: { DataType: 'String', StringValue: 'validation.decision' } },
    }),
  );
  await captureOutput(() => standIn.drain());
  await standIn.receiveAll(QUEUES.recipientOutbound.VDAB);
});

afterAll(async () => {
  await standIn?.stop();
  if (previousLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
});

/** Invokes a function's handler as the console's Test tab does: the event as typed, a Lambda context. */
async function invoke(spec: FunctionSpec, event: unknown) {
  const handler = (await loadFunctionHandler(spec)) as unknown as (event: unknown, context: unknown) => Promise<Record<string, unknown>>;
  const context = lambdaContextFor(spec, standIn.region);
  const { result, lines } = await captureOutput(() => handler(event, context));
  const audit = auditLines(lines);
  return { answer: result, audit, requestId: context.awsRequestId, output: `${JSON.stringify(result)}\n${lines.join('\n')}` };
}

/** Neither the answer nor any log line holds a national number in clear (a digest's digits are not one). */
function expectNoNationalNumber(output: string): void {
  for (const form of FORMS) expect(output).not.toContain(form);
  expect(withoutHexDigests(output).match(nationalNumberRegExp())).toBeNull();
}

describe('the operator functions on the stand-in', () => {
  it('operator-disclosures: which recipients received data about the person, the INSZ answered and audited masked only', async () => {
    const { answer, audit, requestId, output } = await invoke(FUNCTIONS.operatorDisclosures, { insz: formattedInsz(VDAB_AND_FOREM) });

    expect(answer).toMatchObject({ ok: true, person: '******033**', count: 2 });
    const rows = (answer as { disclosures: Array<Record<string, unknown>> }).disclosures;
    expect(rows.map((r) => [r.recipient, r.batchId, r.period, r.regulation])).toEqual([
      ['VDAB', BATCH_ID, '2025-11', 'ART60_7'],
      ['FOREM', BATCH_ID, '2025-11', 'ART60_7'],
    ]);
    expect(audit.map((line) => line.audit)).toEqual([
      expect.objectContaining({
        tool: 'disclosures',
        requestId,
        outcome: 'answered',
        results: 2,
        asked: expect.objectContaining({ person: '******033**' }),
      }),
    ]);
    expectNoNationalNumber(output);
  });

  it('operator-refused-messages: the refusal with its body, national numbers masked', async () => {
    const { answer, audit, output } = await invoke(FUNCTIONS.operatorRefusedMessages, { channel: 'VDAB', body: true });

    expect(answer).toMatchObject({ ok: true, channels: ['VDAB'], count: 1, shown: 1 });
    const [refused] = (answer as { refused: Array<Record<string, unknown>> }).refused;
    expect(refused).toMatchObject({ channel: 'VDAB', refusedMessageId: 'bad-decision-1', messageType: 'validation.decision' });
    expect(refused?.body).toContain('"insz":"[INSZ]"');
    expect(audit.map((line) => line.audit)).toEqual([
      expect.objectContaining({ tool: 'refused-messages', outcome: 'answered', results: 1 }),
    ]);
    expectNoNationalNumber(output);
  });

  it('operator-redeliver: the batch sent again to Actiris only, with the same message ids; the answer holds counts only', async () => {
    const { answer, audit, output } = await invoke(FUNCTIONS.operatorRedeliver, { batchId: BATCH_ID, recipient: 'ACTIRIS' });

    expect(answer).toEqual({
      ok: true,
      batchId: BATCH_ID,
      recipient: 'ACTIRIS',
      messagesSent: firstToActiris.length,
      summary: `ACTIRIS: ${firstToActiris.length} messages sent again`,
    });
    expect((await standIn.receiveAll(QUEUES.recipientOutbound.ACTIRIS)).map((m) => JSON.parse(m.body).messageId)).toEqual(firstToActiris);
    expect(await standIn.receiveAll(QUEUES.recipientOutbound.VDAB)).toEqual([]);
    expect(audit.map((line) => line.audit)).toEqual([
      expect.objectContaining({
        tool: 'redeliver',
        outcome: 'answered',
        asked: { batchId: BATCH_ID, recipient: 'ACTIRIS' },
        results: firstToActiris.length,
      }),
    ]);
    expectNoNationalNumber(output);
  });

  it('operator-disclosures after the re-delivery: Actiris received the person’s data twice, the batch and the operator’s re-delivery', async () => {
    const { answer, output } = await invoke(FUNCTIONS.operatorDisclosures, { insz: ACTIRIS_ONLY, recipient: 'ACTIRIS' });
    const rows = (answer as { disclosures: Array<Record<string, unknown>> }).disclosures;
    expect(rows.map((r) => [r.recipient, r.flow, r.batchId, r.legalBasis])).toEqual([
      ['ACTIRIS', 'BATCH', BATCH_ID, LEGAL_BASIS],
      ['ACTIRIS', 'REDELIVERY', BATCH_ID, LEGAL_BASIS],
    ]);
    expectNoNationalNumber(output);
  });

  it('operator-proof: SENT for a body as Actiris received it, ALTERED for it changed, NOT SENT for an id never sent', async () => {
    const [body] = actirisBodies;
    if (body === undefined) throw new Error('Actiris received nothing');
    const sent = await invoke(FUNCTIONS.operatorProof, { body });
    expect(sent.answer).toMatchObject({
      ok: true,
      verdict: 'SENT',
      messageId: firstToActiris[0],
      sent: [{ recipient: 'ACTIRIS', batchId: BATCH_ID, seq: 1 }],
    });
    expect(sent.audit.map((line) => line.audit)).toEqual([
      expect.objectContaining({
        tool: 'proof',
        outcome: 'answered',
        asked: { messageId: firstToActiris[0], sha256: expect.any(String) },
        results: 1,
      }),
    ]);
    expectNoNationalNumber(sent.output);

    const altered = await invoke(FUNCTIONS.operatorProof, { body: body.replace('"amount":"', '"amount":"1') });
    expect(altered.answer).toMatchObject({ ok: true, verdict: 'ALTERED', messageId: firstToActiris[0] });
    expectNoNationalNumber(altered.output);

    const never = await invoke(FUNCTIONS.operatorProof, { messageId: `${BATCH_ID}:ACTIRIS:records:999`, sha256: 'ab'.repeat(32) });
    expect(never.answer).toMatchObject({ ok: true, verdict: 'NOT_SENT' });
  });

  it('each refuses what an operator mistyped, answering why without repeating a national number', async () => {
    for (const [spec, event] of [
      [FUNCTIONS.operatorDisclosures, { insz: '85073003329' }],
      [FUNCTIONS.operatorRefusedMessages, { channel: 'FOREM' }],
      [FUNCTIONS.operatorRedeliver, { batchId: BATCH_ID }],
      [FUNCTIONS.operatorProof, { messageId: 'm-1', sha256: '85073003329' }],
    ] as const) {
      const { answer, audit, output } = await invoke(spec, event);
      expect(answer, spec.name).toEqual({ ok: false, error: expect.any(String) });
      expect(audit.map((line) => (line.audit as { outcome: string }).outcome)).toEqual(['refused']);
      expect(output).not.toContain('85073003329');
      expectNoNationalNumber(output);
    }
  });
});
