import { randomUUID } from 'node:crypto';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createDynamoDocumentClient, createSqsClient } from '../shared/adapters/aws-clients';
import { DynamoRefusedMessages } from '../shared/adapters/dynamo-refused-messages';
import { listRefused, REFUSED_MESSAGE_CHANNELS } from '../shared/domain/operations/refused-messages';
import type { ReturningRecipient } from '../shared/domain/recipients';
import { QUEUES, type QueueSpec, SETTINGS_ENV, TABLES } from '../shared/topology';
import type { LocalStandIn } from './stand-in';

/**
 * The return flows of the demonstration (issue 3, step 5), after the monthly batch: a simulated
 * VDAB validates some delivered lines, refuses one, asks a recovery (and sends one decision about a
 * line it never received); a simulated Actiris asks arrears; FOREM finds no channel to answer on;
 * the simulated PPS approves the first correction and rejects the second. Each party only sends
 * on its own inbound queue and reads its own outbound queue, with a plain SQS client, as it would
 * against AWS. The summary says what each party received, in counts and types: no national number.
 */

/** A payment line as the batch delivered it to a recipient (what that recipient knows of it). */
export interface DeliveredLine {
  readonly reference: string;
  readonly fileNumber: string;
  readonly ocmwKbo: string;
  readonly regulation: string;
  readonly insz: string;
  readonly performanceStart: string;
  readonly performanceEnd: string;
  readonly budgetArticle: string;
}

/**
 * What a correction request (return-flows §3) copies from the delivered line it names, the
 * effective date taken as the performance's start: a request about the line as it was delivered.
 */
export function correctionFieldsOf(line: DeliveredLine) {
  return {
    ocmwKbo: line.ocmwKbo,
    regulation: line.regulation,
    fileNumber: line.fileNumber,
    insz: line.insz,
    effectiveDate: line.performanceStart,
    performanceStart: line.performanceStart,
    performanceEnd: line.performanceEnd,
    reference: line.reference,
    budgetArticle: line.budgetArticle,
  };
}

export interface PartyReceived {
  readonly party: string;
  readonly queue: string;
  readonly messages: number;
  readonly byType: Readonly<Record<string, number>>;
}

export interface ReturnFlowSummary {
  /** Messages each simulated party sent to the hub. */
  readonly sent: Readonly<Record<'VDAB' | 'ACTIRIS' | 'PPS', number>>;
  /** What each party found on its outbound queue at the end (the PPS: across the whole run). */
  readonly received: readonly PartyReceived[];
  /** The decisions of the simulated PPS, by the requester of the correction. */
  readonly ppsDecisions: ReadonlyArray<{ readonly requester: string; readonly decision: 'APPROVED' | 'REJECTED' }>;
  /** What the requesters were told, by requester. */
  readonly outcomes: ReadonlyArray<{ readonly requester: string; readonly decision: string }>;
  /** Codes of the `message.refused` the senders received. */
  readonly refusalCodes: readonly string[];
  /** Refused messages kept for an operator (`npm run refused`). */
  readonly refusedKept: number;
  /** FOREM has no inbound channel: what happened when it looked for one. */
  readonly foremAttempt: string;
  readonly text: string;
}

type Json = Record<string, unknown>;

function countTypes(bodies: readonly Json[]): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const body of bodies) {
    const type = String(body.type ?? '?');
    byType[type] = (byType[type] ?? 0) + 1;
  }
  return byType;
}

/** Plays the return flows on a running local stand-in, after the batch delivered `delivered`. */
export async function runReturnFlowDemo(
  standIn: LocalStandIn,
  delivered: { readonly vdabReferences: readonly DeliveredLine[]; readonly actirisReferences: readonly DeliveredLine[] },
): Promise<ReturnFlowSummary> {
  // The parties' own clients (not the hub's), reaching the stand-in through its endpoint variables.
  const sqs = createSqsClient({ region: standIn.region });
  const dynamo = createDynamoDocumentClient({ region: standIn.region });
  const kbos = JSON.parse(standIn.functionEnv[SETTINGS_ENV.recipientKbos] ?? '{}') as Record<ReturningRecipient, string>;
  const runId = randomUUID().slice(0, 8);
  const sent = { VDAB: 0, ACTIRIS: 0, PPS: 0 };
  const now = () => new Date().toISOString();

  const send = async (party: keyof typeof sent, queue: QueueSpec, message: Json): Promise<void> => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: standIn.queueUrl(queue),
        MessageBody: JSON.stringify({ schemaVersion: 1, sentAt: now(), ...message }),
        MessageAttributes: { type: { DataType: 'String', StringValue: String(message.type) } },
      }),
    );
    sent[party] += 1;
  };
  const receive = async (queue: QueueSpec): Promise<Json[]> => (await standIn.receiveAll(queue)).map((m) => JSON.parse(m.body) as Json);
  const correctionOf = (
    line: DeliveredLine,
    requester: ReturningRecipient,
    kind: 'RECOVERY' | 'ARREARS',
    amount: string,
    requestId: string,
  ): Json => ({
    type: 'correction.request',
    messageId: `${requester.toLowerCase()}-msg-${requestId}`,
    requestId,
    requesterKbo: kbos[requester],
    ...correctionFieldsOf(line),
    kind,
    amount,
  });

  try {
    // VDAB: validate the first lines, refuse one, ask a recovery on the first.
    const vdab = delivered.vdabReferences;
    const toValidate = vdab.slice(0, Math.min(3, Math.max(vdab.length - 1, 0)));
    for (const [i, line] of toValidate.entries()) {
      await send('VDAB', QUEUES.recipientInbound.VDAB, {
        type: 'validation.decision',
        messageId: `vdab-msg-val-${runId}-${i}`,
        decisionId: `vdab-val-${runId}-${i}`,
        reference: line.reference,
        fileNumber: line.fileNumber,
        decision: 'VALIDATED',
        decidedAt: now(),
      });
    }
    const refusedLine = vdab[toValidate.length];
    if (refusedLine) {
      await send('VDAB', QUEUES.recipientInbound.VDAB, {
        type: 'validation.decision',
        messageId: `vdab-msg-ref-${runId}`,
        decisionId: `vdab-ref-${runId}`,
        reference: refusedLine.reference,
        fileNumber: refusedLine.fileNumber,
        decision: 'REFUSED',
        reasonCode: 'NO_ACTIVATION_REGISTERED',
        decidedAt: now(),
      });
    }
    // A decision about a line VDAB never received (one of Actiris's): the hub refuses it.
    const foreign = delivered.actirisReferences[0];
    if (foreign) {
      await send('VDAB', QUEUES.recipientInbound.VDAB, {
        type: 'validation.decision',
        messageId: `vdab-msg-foreign-${runId}`,
        decisionId: `vdab-foreign-${runId}`,
        reference: foreign.reference,
        fileNumber: foreign.fileNumber,
        decision: 'VALIDATED',
        decidedAt: now(),
      });
    }
    const recoveryLine = vdab[0];
    if (recoveryLine)
      await send('VDAB', QUEUES.recipientInbound.VDAB, correctionOf(recoveryLine, 'VDAB', 'RECOVERY', '150.00', `rec-${runId}`));

    // Actiris: ask arrears on its first line.
    const arrearsLine = delivered.actirisReferences[0];
    if (arrearsLine)
      await send('ACTIRIS', QUEUES.recipientInbound.ACTIRIS, correctionOf(arrearsLine, 'ACTIRIS', 'ARREARS', '75.25', `arr-${runId}`));

    // FOREM: it receives data but has no channel back (return-flows §1).
    let foremAttempt: string;
    try {
      await sqs.send(new GetQueueUrlCommand({ QueueName: 'inbound-forem' }));
      foremAttempt = 'FOREM found an inbound queue: that is a defect';
    } catch (error) {
      foremAttempt = `FOREM has nowhere to send: no inbound queue (${error instanceof Error ? error.name : 'error'})`;
    }

    await standIn.drain();

    // The PPS reads what it must act on, approves the first correction and rejects the second.
    const ppsReceived = await receive(QUEUES.ppsOutbound);
    const requests = ppsReceived.filter((m) => m.type === 'correction.request');
    const ppsDecisions: Array<{ requester: string; decision: 'APPROVED' | 'REJECTED' }> = [];
    for (const [i, request] of requests.entries()) {
      const decision = i === 0 ? 'APPROVED' : 'REJECTED';
      await send('PPS', QUEUES.ppsInbound, {
        type: 'correction.decision',
        messageId: `pps-msg-${runId}-${i}`,
        correctionId: request.correctionId,
        decision,
        decidedAt: now(),
      });
      ppsDecisions.push({ requester: String(request.recipient), decision });
    }
    await standIn.drain();
    ppsReceived.push(...(await receive(QUEUES.ppsOutbound)));

    const parties: Array<[string, QueueSpec, Json[] | undefined]> = [
      ['VDAB', QUEUES.recipientOutbound.VDAB, undefined],
      ['ACTIRIS', QUEUES.recipientOutbound.ACTIRIS, undefined],
      ['FOREM', QUEUES.recipientOutbound.FOREM, undefined],
      ['PPS', QUEUES.ppsOutbound, ppsReceived],
      ['OCMW (through the PPS)', QUEUES.ocmwOutbound, undefined],
    ];
    const received: PartyReceived[] = [];
    const outcomes: Array<{ requester: string; decision: string }> = [];
    const refusalCodes: string[] = [];
    for (const [party, queue, already] of parties) {
      const bodies = already ?? (await receive(queue));
      received.push({ party, queue: queue.name, messages: bodies.length, byType: countTypes(bodies) });
      for (const body of bodies) {
        if (body.type === 'correction.outcome') outcomes.push({ requester: party, decision: String(body.decision) });
        if (body.type === 'message.refused') refusalCodes.push(String(body.code));
      }
    }
    const refusedStore = new DynamoRefusedMessages(dynamo, standIn.tableName(TABLES.refusedMessages));
    const refusedKept = (await listRefused(refusedStore, REFUSED_MESSAGE_CHANNELS, new Date())).length;

    const text = [
      'Return flows',
      `  sent to the hub: VDAB ${sent.VDAB}, Actiris ${sent.ACTIRIS}, PPS ${sent.PPS}`,
      `  ${foremAttempt}`,
      `  PPS decisions: ${ppsDecisions.map((d) => `${d.requester} ${d.decision}`).join(', ') || 'none'}`,
      '  received, per party:',
      ...received.map(
        (r) =>
          `    ${r.party.padEnd(24)} ${String(r.messages).padStart(5)}  ${
            Object.entries(r.byType)
              .map(([t, n]) => `${t} ×${n}`)
              .join(', ') || '-'
          }`,
      ),
      `  outcomes told: ${outcomes.map((o) => `${o.requester} ${o.decision}`).join(', ') || 'none'}`,
      `  refusals answered: ${refusalCodes.join(', ') || 'none'}; kept for an operator: ${refusedKept} (npm run refused)`,
    ].join('\n');
    return { sent, received, ppsDecisions, outcomes, refusalCodes, refusedKept, foremAttempt, text };
  } finally {
    sqs.destroy();
    dynamo.destroy();
  }
}
