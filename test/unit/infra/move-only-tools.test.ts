import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_DRAIN_ACTIONS } from '../../../infra/access';
import { allQueues, FUNCTIONS, QUEUES, type QueueSpec } from '../../../shared/topology';
import { DEV, logicalId, removeOutdir, resources, type Statement, type Synthesized, synthesizeHub } from './helpers';

/**
 * The two operator tools that move what a party sent and author nothing (return-flows §1): the
 * dead-letter tool reads and deletes the parties' inbound DLQs and sends on no inbound queue; the
 * re-notify tool has split-batch's grants and no write in the inbound bucket.
 */

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
});
afterAll(() => removeOutdir(s));

type ToolKey = 'operatorReprocessDeadLetters' | 'operatorRenotifyFile' | 'splitBatch';
const STATEFUL = `Art60Hub-${DEV.stageName}-Stateful`;
const fnOf = (k: ToolKey) => s.hub.stateless.functions[k];
const policyOf = (k: ToolKey): Statement[] => {
  const roleId = logicalId(fnOf(k).role);
  const policies = Object.values(resources(s.stateless, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  expect(policies).toHaveLength(1);
  return (policies[0]!.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};
const envOf = (k: ToolKey) =>
  (resources(s.stateless, 'AWS::Lambda::Function')[logicalId(fnOf(k).fn)]!.Properties.Environment as { Variables: Record<string, unknown> })
    .Variables;
/** The export a stateless statement names a stateful resource by. */
const exported = (construct: Parameters<typeof logicalId>[0], attribute: 'Arn' | 'Ref') =>
  new RegExp(
    `^${STATEFUL}:ExportsOutput${attribute === 'Ref' ? 'Ref' : 'FnGetAtt'}${logicalId(construct)}${attribute === 'Arn' ? 'Arn' : ''}`,
  );
const names = (resource: unknown): string[] =>
  [resource].flat().map((r) => String((r as { 'Fn::ImportValue'?: string })['Fn::ImportValue'] ?? JSON.stringify(r)));
const INBOUND: readonly QueueSpec[] = [QUEUES.recipientInbound.VDAB, QUEUES.recipientInbound.ACTIRIS, QUEUES.ppsInbound];

describe('operator-reprocess-dead-letters', () => {
  it('receives and deletes on the three inbound DLQs, and nothing else on any inbound queue or DLQ', () => {
    const statements = policyOf('operatorReprocessDeadLetters');
    const drain = statements.find((st) => st.Sid === 'DrainDeadLetters')!;
    expect(drain.Action).toEqual(DEAD_LETTER_DRAIN_ACTIONS);
    expect(DEAD_LETTER_DRAIN_ACTIONS).toEqual(['sqs:DeleteMessage', 'sqs:ReceiveMessage']);
    const drained = names(drain.Resource);
    expect(drained).toHaveLength(3);
    for (const [i, spec] of INBOUND.entries()) expect(drained[i]).toMatch(exported(s.hub.stateful.queue(spec).deadLetterQueue, 'Arn'));
    // It sends only where the inbound use cases answer: never on an inbound queue, nor on a DLQ.
    const send = statements.find((st) => st.Sid === 'SendToQueues')!;
    const sentTo = names(send.Resource);
    const expected = [QUEUES.ppsOutbound, QUEUES.recipientOutbound.VDAB, QUEUES.recipientOutbound.ACTIRIS, QUEUES.ocmwOutbound];
    expect(sentTo).toHaveLength(expected.length);
    for (const [i, spec] of expected.entries()) expect(sentTo[i]).toMatch(exported(s.hub.stateful.queue(spec).queue, 'Arn'));
    const sqsStatements = statements.filter((st) => [st.Action].flat().some((a) => String(a).startsWith('sqs:')));
    expect(sqsStatements.map((st) => st.Sid)).toEqual(['DrainDeadLetters', 'SendToQueues']);
    for (const spec of allQueues().filter((q) => INBOUND.includes(q))) {
      const queueId = logicalId(s.hub.stateful.queue(spec).queue);
      expect(JSON.stringify(sqsStatements)).not.toContain(`FnGetAtt${queueId}`);
    }
  });

  it('is given each inbound DLQ’s URL and no inbound queue’s URL or ARN, and what both inbound paths read', () => {
    const env = envOf('operatorReprocessDeadLetters');
    for (const spec of INBOUND) {
      expect(names(env[`${spec.urlEnv}_DLQ`])[0]).toMatch(exported(s.hub.stateful.queue(spec).deadLetterQueue, 'Ref'));
      expect(env).not.toHaveProperty(spec.urlEnv);
      expect(env).not.toHaveProperty(spec.arnEnv);
    }
    expect(Object.keys(env).sort()).toEqual(
      [
        'POWERTOOLS_SERVICE_NAME',
        'POWERTOOLS_METRICS_NAMESPACE',
        'NODE_OPTIONS',
        'QUEUE_URL_OUTBOUND_PPS',
        'QUEUE_URL_OUTBOUND_VDAB',
        'QUEUE_URL_OUTBOUND_ACTIRIS',
        'QUEUE_URL_OUTBOUND_OCMW',
        'QUEUE_URL_INBOUND_VDAB_DLQ',
        'QUEUE_URL_INBOUND_ACTIRIS_DLQ',
        'QUEUE_URL_INBOUND_PPS_DLQ',
        'TABLE_PAYMENT_LINES',
        'TABLE_CORRECTIONS',
        'TABLE_REFUSED_MESSAGES',
        'TABLE_DISCLOSURES',
        'RECIPIENT_KBOS',
        'REFUSED_MESSAGE_RETENTION_DAYS',
        'DISCLOSURE_KEY_PARAMETER',
      ].sort(),
    );
  });

  it('has exactly the table actions of region-inbound and pps-inbound together', () => {
    const tableActions = (k: 'operatorReprocessDeadLetters' | 'regionInbound' | 'ppsInbound') =>
      Object.fromEntries(
        (k === 'operatorReprocessDeadLetters' ? policyOf(k) : policyOfTrigger(k))
          .filter((st) => /Table$|Indexes$/.test(st.Sid ?? ''))
          .map((st) => [st.Sid, [st.Action].flat().sort()]),
      );
    const union: Record<string, string[]> = {};
    for (const k of ['regionInbound', 'ppsInbound'] as const) {
      for (const [sid, actions] of Object.entries(tableActions(k)) as Array<[string, string[]]>) {
        union[sid] = [...new Set([...(union[sid] ?? []), ...actions])].sort();
      }
    }
    expect(tableActions('operatorReprocessDeadLetters')).toEqual(union);
  });

  it('may decrypt the inbound DLQs through SQS by the party keys’ policies, which name its role by path', () => {
    for (const party of ['VDAB', 'ACTIRIS', 'PPS'] as const) {
      const key = resources(s.stateful, 'AWS::KMS::Key')[logicalId(s.hub.stateful.keys.partyQueues[party])]!;
      const statements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
      const grant = statements.find((st) => st.Sid === 'FunctionOperatorReprocessDeadLetters');
      expect(grant, party).toBeDefined();
      expect([grant!.Action].flat()).toContain('kms:Decrypt');
      expect(JSON.stringify(grant!.Condition)).toContain(`role/art60-hub/${DEV.stageName}/operator-reprocess-dead-letters/*`);
      expect(JSON.stringify(grant!.Condition)).toContain('sqs.');
    }
    expect(statementsOfKey(s.hub.stateful.keys.partyQueues.FOREM).some((st) => st.Sid === 'FunctionOperatorReprocessDeadLetters')).toBe(
      false,
    );
  });
});

describe('operator-renotify-file', () => {
  it('has split-batch’s grants (but no trigger to consume), and no write in the inbound bucket', () => {
    // split-batch's trigger: consuming batch-notifications and decrypting with the hub queues' key; key grants compared without their numbering.
    const withoutOwn = (k: ToolKey) =>
      policyOf(k)
        .filter((st) => st.Sid !== 'WriteOwnLogGroup' && st.Sid !== 'ConsumeTriggerQueues')
        .filter((st) => !JSON.stringify(st.Resource).includes(logicalId(s.hub.stateful.keys.hubQueues)))
        .map((st) => JSON.stringify({ ...st, Sid: st.Sid?.startsWith('UseKey') ? 'UseKey' : st.Sid }));
    expect(withoutOwn('operatorRenotifyFile')).toEqual(withoutOwn('splitBatch'));
    const inbound = policyOf('operatorRenotifyFile').filter((st) => JSON.stringify(st.Resource).includes('InboundBucketArn'));
    expect(inbound).toEqual([
      {
        Sid: 'InboundObjects',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::ImportValue': `${STATEFUL}:InboundBucketArn` }, '/monthly/*']] },
      },
    ]);
    expect(FUNCTIONS.operatorRenotifyFile.triggers).toEqual([]);
    expect(FUNCTIONS.operatorRenotifyFile.uses).toBe(FUNCTIONS.splitBatch.uses);
  });

  it('is given split-batch’s variables but its trigger’s, and runs as long and as large as split-batch', () => {
    const env = envOf('operatorRenotifyFile');
    const split = envOf('splitBatch');
    // split-batch's but its trigger's URL and ARN: the tool is invoked, not triggered.
    const trigger = [QUEUES.batchNotifications.urlEnv, QUEUES.batchNotifications.arnEnv];
    expect(trigger.every((name) => name in split)).toBe(true);
    expect(Object.keys(env).sort()).toEqual(
      Object.keys(split)
        .filter((name) => !trigger.includes(name))
        .sort(),
    );
    const fn = (k: ToolKey) => resources(s.stateless, 'AWS::Lambda::Function')[logicalId(fnOf(k).fn)]!.Properties;
    expect([fn('operatorRenotifyFile').Timeout, fn('operatorRenotifyFile').MemorySize]).toEqual([
      fn('splitBatch').Timeout,
      fn('splitBatch').MemorySize,
    ]);
  });
});

function policyOfTrigger(k: 'regionInbound' | 'ppsInbound'): Statement[] {
  const roleId = logicalId(s.hub.stateless.functions[k].role);
  const policies = Object.values(resources(s.stateless, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  return (policies[0]!.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

function statementsOfKey(key: Parameters<typeof logicalId>[0]): Statement[] {
  return (resources(s.stateful, 'AWS::KMS::Key')[logicalId(key)]!.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
}
