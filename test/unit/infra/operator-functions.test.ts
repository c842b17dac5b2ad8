import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ONE_ARCHIVED_BATCH_FOLDERS } from '../../../infra/access';
import { archivePrefixOf } from '../../../shared/domain/batch/object-keys';
import { FUNCTIONS, OPERATOR_FUNCTIONS, QUEUES, type QueueSpec, SETTINGS_ENV } from '../../../shared/topology';
import { readAllDocs } from '../../support/docs';
import { DEV, logicalId, removeOutdir, resources, type Statement, type Synthesized, stringLike, synthesizeHub } from './helpers';

/**
 * The operators' tools in AWS (docs/operators.md, "Operator tools in the console"): six functions with no
 * trigger, each with exactly the grants and the environment of what it does, read only where it
 * only reads.
 */

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
});
afterAll(() => removeOutdir(s));

type OperatorKey =
  | 'operatorRedeliver'
  | 'operatorDisclosures'
  | 'operatorRefusedMessages'
  | 'operatorReprocessDeadLetters'
  | 'operatorRenotifyFile'
  | 'operatorProof';
const OPERATOR_KEYS: readonly OperatorKey[] = [
  'operatorRedeliver',
  'operatorDisclosures',
  'operatorRefusedMessages',
  'operatorReprocessDeadLetters',
  'operatorRenotifyFile',
  'operatorProof',
];

const STATEFUL = 'Art60Hub-dev-Stateful';
const fnOf = (k: OperatorKey) => s.hub.stateless.functions[k];
const fnResource = (k: OperatorKey) => resources(s.stateless, 'AWS::Lambda::Function')[logicalId(fnOf(k).fn)]!;
const envOf = (k: OperatorKey) => (fnResource(k).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
const policyOf = (k: OperatorKey): Statement[] => {
  const roleId = logicalId(fnOf(k).role);
  const policies = Object.values(resources(s.stateless, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  expect(policies).toHaveLength(1);
  return (policies[0]!.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};
/** How the stateless template refers to a stateful resource: through the stateful stack's exports. */
const imported = (construct: Parameters<typeof logicalId>[0], attribute: 'Arn' | 'Ref') => {
  const id = logicalId(construct);
  return {
    'Fn::ImportValue': expect.stringMatching(
      new RegExp(`^${STATEFUL}:ExportsOutput${attribute === 'Ref' ? `Ref${id}` : `FnGetAtt${id}${attribute}`}`),
    ),
  };
};
const queueArn = (spec: QueueSpec) => imported(s.hub.stateful.queue(spec).queue, 'Arn');
const queueRef = (spec: QueueSpec) => imported(s.hub.stateful.queue(spec).queue, 'Ref');
const queueKeyArn = (spec: QueueSpec) => imported(s.hub.stateful.queue(spec).queue.encryptionMasterKey as never, 'Arn');
const tableArn = (t: keyof typeof s.hub.stateful.tables) => imported(s.hub.stateful.tables[t].table, 'Arn');
const tableRef = (t: keyof typeof s.hub.stateful.tables) => imported(s.hub.stateful.tables[t].table, 'Ref');
const archiveArn = { 'Fn::ImportValue': `${STATEFUL}:ArchiveBucketArn` };
const logs = (k: OperatorKey): Statement => ({
  Sid: 'WriteOwnLogGroup',
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: { 'Fn::GetAtt': [logicalId(fnOf(k).logGroup), 'Arn'] },
});
const useKey = (n: number, action: string | string[], resource: unknown): Statement => ({
  Sid: `UseKey${n}`,
  Effect: 'Allow',
  Action: action,
  Resource: resource,
});
const powertools = (k: OperatorKey) => ({
  POWERTOOLS_SERVICE_NAME: FUNCTIONS[k].name,
  POWERTOOLS_METRICS_NAMESPACE: 'Art60Hub',
  NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=8',
});

describe('the operator functions', () => {
  it('are the six tools, each its own function, role and log group with the stage’s retention, invoked by no event source', () => {
    expect(OPERATOR_FUNCTIONS.map((fn) => fn.name)).toEqual([
      'operator-redeliver',
      'operator-disclosures',
      'operator-refused-messages',
      'operator-reprocess-dead-letters',
      'operator-renotify-file',
      'operator-proof',
    ]);
    expect(s.hub.stateless.operatorFunctions.map((f) => f.spec.name)).toEqual(OPERATOR_FUNCTIONS.map((fn) => fn.name));
    const mapped = Object.values(resources(s.stateless, 'AWS::Lambda::EventSourceMapping')).map((m) =>
      JSON.stringify(m.Properties.FunctionName),
    );
    const groups = resources(s.stateless, 'AWS::Logs::LogGroup');
    for (const k of OPERATOR_KEYS) {
      expect(FUNCTIONS[k].triggers).toEqual([]);
      expect(mapped).not.toContain(JSON.stringify({ Ref: logicalId(fnOf(k).fn) }));
      expect(groups[logicalId(fnOf(k).logGroup)]!.Properties.RetentionInDays).toBe(DEV.logRetentionDays);
      expect(fnResource(k).Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(fnOf(k).logGroup) } });
    }
    // No resource policy: only an IAM principal allowed lambda:InvokeFunction (the operators' role) may invoke them.
    expect(Object.keys(resources(s.stateless, 'AWS::Lambda::Permission'))).toEqual([]);
  });

  it('time out after 15 minutes for a re-delivery or a file (a whole batch), 5 for dead letters, 30 s for a query', () => {
    expect(OPERATOR_KEYS.map((k) => [fnResource(k).Properties.Timeout, fnResource(k).Properties.MemorySize])).toEqual([
      [900, 512],
      [30, 256],
      [30, 256],
      [300, 512],
      [900, 1769],
      [30, 256],
    ]);
  });

  it('output each physical name, to open in the console or to give `aws lambda invoke`', () => {
    const outputs = s.stateless.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.fromEntries(Object.entries(outputs).filter(([name]) => name.startsWith('FunctionName')))).toEqual({
      FunctionNameoperatorredeliver: {
        Description: 'Operator tool operator-redeliver',
        Value: { Ref: logicalId(fnOf('operatorRedeliver').fn) },
      },
      FunctionNameoperatordisclosures: {
        Description: 'Operator tool operator-disclosures',
        Value: { Ref: logicalId(fnOf('operatorDisclosures').fn) },
      },
      FunctionNameoperatorrefusedmessages: {
        Description: 'Operator tool operator-refused-messages',
        Value: { Ref: logicalId(fnOf('operatorRefusedMessages').fn) },
      },
      FunctionNameoperatorreprocessdeadletters: {
        Description: 'Operator tool operator-reprocess-dead-letters',
        Value: { Ref: logicalId(fnOf('operatorReprocessDeadLetters').fn) },
      },
      FunctionNameoperatorrenotifyfile: {
        Description: 'Operator tool operator-renotify-file',
        Value: { Ref: logicalId(fnOf('operatorRenotifyFile').fn) },
      },
      FunctionNameoperatorproof: {
        Description: 'Operator tool operator-proof',
        Value: { Ref: logicalId(fnOf('operatorProof').fn) },
      },
    });
  });
});

describe('the documentation (README.md and docs/)', () => {
  it('names only outputs that the stateless stack has, and each operator function by its output', () => {
    const outputs = Object.keys(s.stateless.toJSON().Outputs as Record<string, unknown>);
    const named = new Set(readAllDocs().match(/\bFunctionName[A-Za-z]+/g));
    expect([...named].sort()).toEqual([
      'FunctionNameoperatordisclosures',
      'FunctionNameoperatorproof',
      'FunctionNameoperatorredeliver',
      'FunctionNameoperatorrefusedmessages',
      'FunctionNameoperatorrenotifyfile',
      'FunctionNameoperatorreprocessdeadletters',
    ]);
    expect([...named].filter((name) => !outputs.includes(name))).toEqual([]);
  });
});

describe('operator-redeliver', () => {
  const outbound = Object.values(QUEUES.recipientOutbound);

  it("is given the archive, the batches table, the recipients' queue URLs, the stage's replay window, and the disclosures table and key's parameter to record the re-delivery, and nothing else", () => {
    expect(envOf('operatorRedeliver')).toEqual({
      ...powertools('operatorRedeliver'),
      QUEUE_URL_OUTBOUND_VDAB: queueRef(QUEUES.recipientOutbound.VDAB),
      QUEUE_URL_OUTBOUND_ACTIRIS: queueRef(QUEUES.recipientOutbound.ACTIRIS),
      QUEUE_URL_OUTBOUND_FOREM: queueRef(QUEUES.recipientOutbound.FOREM),
      BUCKET_ARCHIVE: imported(s.hub.stateful.buckets.archive, 'Ref'),
      TABLE_BATCHES: tableRef('batches'),
      REPLAY_WINDOW_DAYS: '400',
      TABLE_DISCLOSURES: tableRef('disclosures'),
      [SETTINGS_ENV.disclosureKeyParameter]: DEV.disclosureKeyParameterName,
    });
  });

  it("reads one manifest and one batch's archive folder, records the re-delivery in the record of disclosures (puts only), and sends to the recipients' queues: no other write, no delete, no other listing", () => {
    expect(policyOf('operatorRedeliver')).toEqual([
      logs('operatorRedeliver'),
      { Sid: 'SendToQueues', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: outbound.map(queueArn) },
      { Sid: 'ArchiveObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [archiveArn, '/*']] } },
      {
        Sid: 'ArchiveListOneBatch',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: archiveArn,
        Condition: { StringLike: { 's3:prefix': ONE_ARCHIVED_BATCH_FOLDERS } },
      },
      { Sid: 'BatchesTable', Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: tableArn('batches') },
      { Sid: 'DisclosuresTable', Effect: 'Allow', Action: 'dynamodb:BatchWriteItem', Resource: tableArn('disclosures') },
      {
        Sid: 'ReadDisclosureKeyParameter',
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: `arn:aws:ssm:eu-west-1:111111111111:parameter${DEV.disclosureKeyParameterName}`,
      },
      useKey(1, ['kms:Decrypt', 'kms:GenerateDataKey'], queueKeyArn(QUEUES.recipientOutbound.VDAB)),
      useKey(2, ['kms:Decrypt', 'kms:GenerateDataKey'], queueKeyArn(QUEUES.recipientOutbound.ACTIRIS)),
      useKey(3, ['kms:Decrypt', 'kms:GenerateDataKey'], queueKeyArn(QUEUES.recipientOutbound.FOREM)),
      // The archive's own key (lock-down, point 9): decrypt only, to read back what a batch delivered.
      useKey(4, 'kms:Decrypt', imported(s.hub.stateful.keys.archive, 'Arn')),
      useKey(5, ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], imported(s.hub.stateful.keys.tables, 'Arn')),
      useKey(6, 'kms:Decrypt', imported(s.hub.stateful.keys.disclosureParameter, 'Arn')),
    ]);
  });

  it("lists exactly one recipient's folder of one batch in the archive, as the re-delivery lists it, and nothing wider", () => {
    const batchId = 'c0ffee'.repeat(10).concat('abcd');
    const allowed = (prefix: string) => ONE_ARCHIVED_BATCH_FOLDERS.some((pattern) => stringLike(pattern, prefix));
    for (const recipient of ['VDAB', 'ACTIRIS', 'FOREM'] as const)
      expect(allowed(archivePrefixOf(recipient, '2025-11', batchId))).toBe(true);
    for (const denied of [
      '',
      'VDAB/',
      'VDAB/2025-11/',
      `VDAB/2025-11/${batchId}`,
      `VDAB/2025-11/${batchId}/part-`,
      `PPS/2025-11/${batchId}/`,
    ]) {
      expect(allowed(denied), denied).toBe(false);
    }
  });
});

describe('operator-disclosures', () => {
  it("is given the disclosures and payment-lines tables and the key's parameter, and nothing else", () => {
    expect(envOf('operatorDisclosures')).toEqual({
      ...powertools('operatorDisclosures'),
      TABLE_DISCLOSURES: tableRef('disclosures'),
      TABLE_PAYMENT_LINES: tableRef('paymentLines'),
      [SETTINGS_ENV.disclosureKeyParameter]: DEV.disclosureKeyParameterName,
    });
  });

  it("queries FOREM's disclosures and the payment lines' person index (never the lines themselves), and reads the HMAC key: read only", () => {
    expect(policyOf('operatorDisclosures')).toEqual([
      logs('operatorDisclosures'),
      { Sid: 'DisclosuresTable', Effect: 'Allow', Action: 'dynamodb:Query', Resource: tableArn('disclosures') },
      {
        Sid: 'PaymentLinesIndexes',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [tableArn('paymentLines'), '/index/byInszHmac']] },
      },
      {
        Sid: 'ReadDisclosureKeyParameter',
        Effect: 'Allow',
        Action: 'ssm:GetParameter',
        Resource: `arn:aws:ssm:eu-west-1:111111111111:parameter${DEV.disclosureKeyParameterName}`,
      },
      useKey(1, ['kms:Decrypt', 'kms:DescribeKey'], imported(s.hub.stateful.keys.tables, 'Arn')),
      useKey(2, 'kms:Decrypt', imported(s.hub.stateful.keys.disclosureParameter, 'Arn')),
    ]);
  });
});

describe('operator-refused-messages', () => {
  it('is given the refused-messages table, and nothing else', () => {
    expect(envOf('operatorRefusedMessages')).toEqual({
      ...powertools('operatorRefusedMessages'),
      TABLE_REFUSED_MESSAGES: tableRef('refusedMessages'),
    });
  });

  it('queries the refused-messages table: read only', () => {
    expect(policyOf('operatorRefusedMessages')).toEqual([
      logs('operatorRefusedMessages'),
      { Sid: 'RefusedMessagesTable', Effect: 'Allow', Action: 'dynamodb:Query', Resource: tableArn('refusedMessages') },
      useKey(1, ['kms:Decrypt', 'kms:DescribeKey'], imported(s.hub.stateful.keys.tables, 'Arn')),
    ]);
  });
});

describe('operator-proof', () => {
  it('is given the delivery-proofs table, and nothing else', () => {
    expect(envOf('operatorProof')).toEqual({ ...powertools('operatorProof'), TABLE_DELIVERY_PROOFS: tableRef('deliveryProofs') });
  });

  it('queries the delivery-proofs table: read only', () => {
    expect(policyOf('operatorProof')).toEqual([
      logs('operatorProof'),
      { Sid: 'DeliveryProofsTable', Effect: 'Allow', Action: 'dynamodb:Query', Resource: tableArn('deliveryProofs') },
      useKey(1, ['kms:Decrypt', 'kms:DescribeKey'], imported(s.hub.stateful.keys.tables, 'Arn')),
    ]);
  });
});

describe('read only where the tool only reads', () => {
  it('grants the three queries no write, send, delete or scan action', () => {
    for (const k of ['operatorDisclosures', 'operatorRefusedMessages', 'operatorProof'] as const) {
      const actions = policyOf(k).flatMap((st) => [st.Action].flat());
      for (const action of actions) {
        expect(action, `${k}: ${action}`).toMatch(
          /^(logs:CreateLogStream|logs:PutLogEvents|dynamodb:Query|ssm:GetParameter|kms:Decrypt|kms:DescribeKey)$/,
        );
      }
    }
  });
});

describe('who may invoke the tools', () => {
  it('lets the operator role invoke exactly the six operator functions, by a policy of the stateless stack', () => {
    const operatorRoleName = imported(s.hub.stateful.operatorRole.role, 'Ref');
    const attached = Object.values(resources(s.stateless, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(`Ref${logicalId(s.hub.stateful.operatorRole.role)}`),
    );
    expect(attached).toHaveLength(1);
    expect(attached[0]!.Properties.Roles).toEqual([operatorRoleName]);
    expect((attached[0]!.Properties.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      {
        Sid: 'InvokeOperatorTools',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: OPERATOR_KEYS.map((k) => ({ 'Fn::GetAtt': [logicalId(fnOf(k).fn), 'Arn'] })),
      },
    ]);
    expect(s.hub.stateless.operatorFunctions.map((f) => f.spec.name).sort()).toEqual(OPERATOR_FUNCTIONS.map((fn) => fn.name).sort());
    // No other policy of either stack lets anyone invoke a function, but the schedule's of batch-watch.
    const scheduleRole = s.hub.stateless.batchWatchSchedule.role;
    const bySchedule = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: expect.any(String),
        Roles: [{ Ref: logicalId(scheduleRole) }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'InvokeTheCheck',
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: { 'Fn::GetAtt': [logicalId(s.hub.stateless.functions.batchWatch.fn), 'Arn'] },
            },
          ],
        },
      },
    };
    for (const template of [s.stateful, s.stateless]) {
      const invokers = Object.values(resources(template, 'AWS::IAM::Policy')).filter((p) =>
        JSON.stringify(p.Properties.PolicyDocument).includes('lambda:InvokeFunction'),
      );
      expect(invokers).toEqual(template === s.stateless ? [...attached, bySchedule] : []);
    }
  });
});
