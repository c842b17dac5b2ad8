import { randomUUID } from 'node:crypto';
import { hubStackPrefix, INBOUND_PREFIX } from '../../infra/naming';
import { RECIPIENTS, type Recipient } from '../../shared/domain/recipients';
import { QUEUES, type QueueSpec } from '../../shared/topology';
import { SMOKE_PARTIES, type SmokeClients, SmokeFailure, type SmokeOptions, type SmokeParty } from './smoke/definitions';
import { assumePartyRole, output, raiseAlarm, readStackOutputs } from './smoke/operator-steps';
import { putMonthlyFile, type ReceivedBatch, receiveBatch, receiveForwardedDecision, sendValidation, smokeFile } from './smoke/party-steps';

/**
 * The sandbox's smoke test (`npm run smoke -- --stage sandbox`), in steps that each take their
 * clients: the hub does not know who calls it, and the steps do not know whether they reach AWS
 * or the local stand-in (only the endpoints differ).
 */

/** Runs the whole smoke test, printing each step; throws a {@link SmokeFailure} at the first that fails. */
export async function runSmoke(clients: SmokeClients, options: SmokeOptions, print: (line: string) => void): Promise<void> {
  const runId = options.runId ?? `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomUUID().slice(0, 6)}`;
  const wait = options.receiveWaitSeconds ?? 20;
  const step = async <T>(what: string, run: () => Promise<T>, done: (value: T) => string): Promise<T> => {
    print(`→ ${what}`);
    try {
      const value = await run();
      print(`  ✓ ${done(value)}`);
      return value;
    } catch (error) {
      if (error instanceof SmokeFailure) throw new SmokeFailure(`${what}: ${error.message}`);
      const e = error as Error & { name?: string };
      throw new SmokeFailure(`${what}: ${e.name ?? 'Error'}: ${e.message}`);
    }
  };

  const prefix = hubStackPrefix(options.stage);
  const statefulName = `${prefix}-Stateful`;
  const partiesName = `${prefix}-Parties`;
  const { stateful, parties } = await step(
    `read the outputs of ${statefulName} and ${partiesName}`,
    async () => ({
      stateful: await readStackOutputs(clients.cloudFormation, statefulName),
      parties: await readStackOutputs(clients.cloudFormation, partiesName),
    }),
    (o) => `${Object.keys(o.stateful).length} + ${Object.keys(o.parties).length} outputs`,
  );
  const queueUrl = (spec: QueueSpec) => output(stateful, statefulName, `QueueUrl-${spec.name}`);

  const as = await step(
    'assume the roles that play the parties',
    async () => {
      const entries = await Promise.all(
        SMOKE_PARTIES.map(async (p) => {
          const roleArn = output(parties, partiesName, `RoleArn-${p}`);
          return [
            p,
            clients.asParty(await assumePartyRole(clients.sts, roleArn, `art60-smoke-${p.toLowerCase()}-${runId}`.slice(0, 64))),
          ] as const;
        }),
      );
      return Object.fromEntries(entries) as Record<SmokeParty, ReturnType<SmokeClients['asParty']>>;
    },
    (roles) => Object.keys(roles).join(', '),
  );

  const file = await smokeFile(options.rows, runId);
  const key = `${INBOUND_PREFIX}2025-11/smoke-${runId}.csv`;
  await step(
    `PPS puts ${key} (${options.rows} rows, SSE-KMS with the inbound key, If-None-Match: *)`,
    () =>
      putMonthlyFile(as.PPS.s3, {
        bucket: output(stateful, statefulName, 'BucketName-inbound'),
        key,
        body: file.body,
        inboundKeyArn: output(stateful, statefulName, 'InboundKeyArn'),
      }),
    () => `batch ${file.batchId}`,
  );

  const received: Partial<Record<Recipient, ReceivedBatch>> = {};
  for (const r of RECIPIENTS) {
    received[r] = await step(
      `${r} reads its queue until batch.completed is complete`,
      () => receiveBatch(as[r].sqs, queueUrl(QUEUES.recipientOutbound[r]), r, file.batchId, wait, options.timeoutSeconds),
      (b) =>
        `${String(b.completed.messages)} batch.records messages, ${b.records.length} records (batch.completed says ${String(b.completed.records)})`,
    );
  }

  const line = received.VDAB?.records[0];
  if (line === undefined) throw new SmokeFailure(`VDAB received no line to validate; run again with more --rows`);
  const ids = await step(
    'VDAB sends a validation decision on its inbound queue',
    () =>
      sendValidation(
        as.VDAB.sqs,
        queueUrl(QUEUES.recipientInbound.VDAB),
        { reference: String(line.reference), fileNumber: String(line.fileNumber) },
        runId,
      ),
    (sent) => `decision ${sent.decisionId}`,
  );
  await step(
    'PPS reads the decision on its outbound queue',
    () => receiveForwardedDecision(as.PPS.sqs, queueUrl(QUEUES.ppsOutbound), ids.decisionId, wait, options.timeoutSeconds),
    (d) => `validation.decision ${String(d.decisionId)} from ${String(d.recipient)}: ${String(d.decision)}`,
  );

  await step(
    'set an alarm to ALARM (SetAlarmState), so that its e-mail is sent',
    () => raiseAlarm(clients.cloudWatch, options.stage, runId),
    (name) => `${name}: look for its ALARM e-mail now, and OK at its next evaluation (within minutes)`,
  );
}
