import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_ACTIONS, EVENT_SOURCE_ACTIONS, FUNCTION_TABLE_ACTIONS, ONE_BATCH_FOLDER } from '../../../infra/access';
import { RUNBOOK_PAGE } from '../../../infra/alarms';
import { BELGIAN_NATIONAL_NUMBER_IDENTIFIER } from '../../../infra/constructs/hub-function';
import { PARTY_OUTBOUND_QUEUES } from '../../../infra/monitoring-metrics';
import { type FunctionKey, TRIGGER_MAX_CONCURRENCY } from '../../../infra/stateless-stack';
import { batchStagingPrefixOf, stagingPrefixOf } from '../../../shared/domain/batch/object-keys';
import { NATIONAL_NUMBER_CLOUDWATCH_REGEX } from '../../../shared/national-number-pattern';
import { METRIC } from '../../../shared/observability';
import { allQueues, FUNCTIONS, QUEUES, type QueueSpec, SETTINGS_ENV } from '../../../shared/topology';
import { docSection, headings, readDoc } from '../../support/docs';
import {
  DEV,
  logicalId,
  type Resource,
  removeOutdir,
  resources,
  type Statement,
  type Synthesized,
  stringLike,
  synthesizeHub,
} from './helpers';

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
});
afterAll(() => removeOutdir(s));

const STATEFUL = 'Art60Hub-dev-Stateful';
const fnKeys = Object.keys(FUNCTIONS) as FunctionKey[];
const fnResource = (k: FunctionKey) => resources(s.stateless, 'AWS::Lambda::Function')[logicalId(s.hub.stateless.functions[k].fn)]!;
const policyOf = (k: FunctionKey): Statement[] => {
  const roleId = logicalId(s.hub.stateless.functions[k].role);
  const policies = Object.values(resources(s.stateless, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  expect(policies).toHaveLength(1);
  return (policies[0]!.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};
/** How the stateless template refers to a stateful resource: through the stateful stack's exports. */
const imported = (construct: Parameters<typeof logicalId>[0], attribute: 'Arn' | 'Ref' | 'QueueName') => {
  const id = logicalId(construct);
  return {
    'Fn::ImportValue': expect.stringMatching(
      new RegExp(`^${STATEFUL}:ExportsOutput${attribute === 'Ref' ? `Ref${id}` : `FnGetAtt${id}${attribute}`}`),
    ),
  };
};
const queueArn = (spec: QueueSpec) => imported(s.hub.stateful.queue(spec).queue, 'Arn');
const keyArn = (spec: QueueSpec) => imported(s.hub.stateful.queue(spec).queue.encryptionMasterKey as never, 'Arn');
const bucketArnImport = (b: string) => ({ 'Fn::ImportValue': `${STATEFUL}:${b.charAt(0).toUpperCase()}${b.slice(1)}BucketArn` });
const objects = (b: string, prefix = '') => ({ 'Fn::Join': ['', [bucketArnImport(b), `/${prefix}*`]] });
const tableArn = (t: keyof typeof s.hub.stateful.tables) => imported(s.hub.stateful.tables[t].table, 'Arn');

describe('functions', () => {
  it.each(fnKeys)('%s: latest Node.js runtime on ARM64, the topology timeout and memory, its own role and log group', (k) => {
    const f = fnResource(k);
    const spec = FUNCTIONS[k];
    expect(f.Properties.Runtime).toBe('nodejs24.x');
    expect(f.Properties.Architectures).toEqual(['arm64']);
    expect(f.Properties.Handler).toBe('index.handler');
    expect(f.Properties.Timeout).toBe(spec.timeoutSeconds);
    expect(f.Properties.MemorySize).toBe(spec.memoryMb);
    expect(f.Properties.Role).toEqual({ 'Fn::GetAtt': [logicalId(s.hub.stateless.functions[k].role), 'Arn'] });
    expect(f.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(s.hub.stateless.functions[k].logGroup) } });
  });

  it.each(fnKeys)('%s: readable failures from source maps; no X-Ray tracing (docs/operators.md, "Readable failures")', (k) => {
    const f = fnResource(k);
    expect((f.Properties.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS).toBe(
      '--enable-source-maps --max-semi-space-size=8',
    );
    // Left out on purpose: it would need xray:PutTraceSegments on "*" and, without a tracer, adds
    // nothing the Duration metric and the REPORT lines do not already show.
    expect(f.Properties.TracingConfig).toBeUndefined();
    expect(JSON.stringify(policyOf(k))).not.toContain('xray:');
  });

  it('attaches no managed policy to any role', () => {
    for (const role of Object.values(resources(s.stateless, 'AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
      });
    }
  });

  const envOf = (k: FunctionKey) => (fnResource(k).Properties.Environment as { Variables: Record<string, unknown> }).Variables;
  const queueRef = (spec: QueueSpec) => imported(s.hub.stateful.queue(spec).queue, 'Ref');
  const kbos = JSON.stringify({ VDAB: DEV.recipients.VDAB.kbo, ACTIRIS: DEV.recipients.ACTIRIS.kbo });
  const powertools = (k: FunctionKey) => ({
    POWERTOOLS_SERVICE_NAME: FUNCTIONS[k].name,
    POWERTOOLS_METRICS_NAMESPACE: 'Art60Hub',
    NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=8',
  });

  it("gives split-batch exactly what it reads: its buckets and tables, its queue's, the recipients' and the PPS's queue URLs, its share and the key's parameter", () => {
    expect(envOf('splitBatch')).toEqual({
      ...powertools('splitBatch'),
      // Its own queue: a failed notification's visibility is changed by URL, and the record names its queue by ARN.
      QUEUE_ARN_BATCH_NOTIFICATIONS: queueArn(QUEUES.batchNotifications),
      QUEUE_URL_BATCH_NOTIFICATIONS: queueRef(QUEUES.batchNotifications),
      QUEUE_URL_OUTBOUND_VDAB: queueRef(QUEUES.recipientOutbound.VDAB),
      QUEUE_URL_OUTBOUND_ACTIRIS: queueRef(QUEUES.recipientOutbound.ACTIRIS),
      QUEUE_URL_OUTBOUND_FOREM: queueRef(QUEUES.recipientOutbound.FOREM),
      QUEUE_URL_OUTBOUND_PPS: queueRef(QUEUES.ppsOutbound),
      BUCKET_INBOUND: imported(s.hub.stateful.buckets.inbound, 'Ref'),
      BUCKET_STAGING: imported(s.hub.stateful.buckets.staging, 'Ref'),
      BUCKET_ARCHIVE: imported(s.hub.stateful.buckets.archive, 'Ref'),
      BUCKET_REPORTS: imported(s.hub.stateful.buckets.reports, 'Ref'),
      TABLE_BATCHES: imported(s.hub.stateful.tables.batches.table, 'Ref'),
      TABLE_PAYMENT_LINES: imported(s.hub.stateful.tables.paymentLines.table, 'Ref'),
      TABLE_DISCLOSURES: imported(s.hub.stateful.tables.disclosures.table, 'Ref'),
      TABLE_DELIVERY_PROOFS: imported(s.hub.stateful.tables.deliveryProofs.table, 'Ref'),
      [SETTINGS_ENV.maxRejectedShare]: '0.05',
      [SETTINGS_ENV.maxRows]: '1000000',
      [SETTINGS_ENV.disclosureKeyParameter]: DEV.disclosureKeyParameterName,
    });
  });

  it('gives region-inbound the ARNs of both inbound queues, so that the channel names the sender, and the URLs of the queues it sends to only', () => {
    expect(envOf('regionInbound')).toEqual({
      ...powertools('regionInbound'),
      QUEUE_ARN_INBOUND_VDAB: queueArn(QUEUES.recipientInbound.VDAB),
      QUEUE_ARN_INBOUND_ACTIRIS: queueArn(QUEUES.recipientInbound.ACTIRIS),
      QUEUE_URL_INBOUND_VDAB: queueRef(QUEUES.recipientInbound.VDAB),
      QUEUE_URL_INBOUND_ACTIRIS: queueRef(QUEUES.recipientInbound.ACTIRIS),
      QUEUE_URL_OUTBOUND_PPS: queueRef(QUEUES.ppsOutbound),
      QUEUE_URL_OUTBOUND_VDAB: queueRef(QUEUES.recipientOutbound.VDAB),
      QUEUE_URL_OUTBOUND_ACTIRIS: queueRef(QUEUES.recipientOutbound.ACTIRIS),
      TABLE_PAYMENT_LINES: imported(s.hub.stateful.tables.paymentLines.table, 'Ref'),
      TABLE_CORRECTIONS: imported(s.hub.stateful.tables.corrections.table, 'Ref'),
      TABLE_REFUSED_MESSAGES: imported(s.hub.stateful.tables.refusedMessages.table, 'Ref'),
      TABLE_DISCLOSURES: imported(s.hub.stateful.tables.disclosures.table, 'Ref'),
      [SETTINGS_ENV.recipientKbos]: kbos,
      [SETTINGS_ENV.refusedMessageRetentionDays]: '30',
      [SETTINGS_ENV.disclosureKeyParameter]: DEV.disclosureKeyParameterName,
    });
  });

  it('gives pps-inbound the ARN of its one channel, the queue URLs it sends to, its tables and its retention: no payment lines, no KBOs, no disclosure key', () => {
    expect(envOf('ppsInbound')).toEqual({
      ...powertools('ppsInbound'),
      QUEUE_ARN_INBOUND_PPS: queueArn(QUEUES.ppsInbound),
      QUEUE_URL_INBOUND_PPS: queueRef(QUEUES.ppsInbound),
      QUEUE_URL_OUTBOUND_VDAB: queueRef(QUEUES.recipientOutbound.VDAB),
      QUEUE_URL_OUTBOUND_ACTIRIS: queueRef(QUEUES.recipientOutbound.ACTIRIS),
      QUEUE_URL_OUTBOUND_PPS: queueRef(QUEUES.ppsOutbound),
      QUEUE_URL_OUTBOUND_OCMW: queueRef(QUEUES.ocmwOutbound),
      TABLE_CORRECTIONS: imported(s.hub.stateful.tables.corrections.table, 'Ref'),
      TABLE_REFUSED_MESSAGES: imported(s.hub.stateful.tables.refusedMessages.table, 'Ref'),
      TABLE_DISCLOSURES: imported(s.hub.stateful.tables.disclosures.table, 'Ref'),
      [SETTINGS_ENV.refusedMessageRetentionDays]: '30',
    });
  });
});

describe('least-privilege roles', () => {
  const logs = (k: FunctionKey): Statement => ({
    Sid: 'WriteOwnLogGroup',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: { 'Fn::GetAtt': [logicalId(s.hub.stateless.functions[k].logGroup), 'Arn'] },
  });
  const key = (id: string, actions: string | string[], resource: unknown) => ({
    Sid: id,
    Effect: 'Allow',
    Action: actions,
    Resource: resource,
  });
  const disclosureParameter = (): Statement => ({
    Sid: 'ReadDisclosureKeyParameter',
    Effect: 'Allow',
    Action: 'ssm:GetParameter',
    Resource: `arn:aws:ssm:eu-west-1:111111111111:parameter${DEV.disclosureKeyParameterName}`,
  });
  const storageKey = () => imported(s.hub.stateful.keys.storage, 'Arn');
  /** The one listing a function may make: split-batch, of one batch's folder in staging. */
  const stagingList: Statement = {
    Sid: 'StagingListOneBatch',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: bucketArnImport('staging'),
    Condition: { StringLike: { 's3:prefix': ONE_BATCH_FOLDER } },
  };
  const tablesKey = () => imported(s.hub.stateful.keys.tables, 'Arn');

  it("split-batch: consumes batch-notifications, reads monthly/, stages, creates archive objects and reports, writes its tables, sends to the three recipients and the PPS's batch.outcome", () => {
    const outbound = [...Object.values(QUEUES.recipientOutbound), QUEUES.ppsOutbound];
    expect(policyOf('splitBatch')).toEqual([
      logs('splitBatch'),
      { Sid: 'ConsumeTriggerQueues', Effect: 'Allow', Action: EVENT_SOURCE_ACTIONS, Resource: queueArn(QUEUES.batchNotifications) },
      { Sid: 'SendToQueues', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: outbound.map(queueArn) },
      { Sid: 'InboundObjects', Effect: 'Allow', Action: 's3:GetObject', Resource: objects('inbound', 'monthly/') },
      { Sid: 'StagingObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: objects('staging') },
      stagingList,
      { Sid: 'ArchiveObjects', Effect: 'Allow', Action: 's3:PutObject', Resource: objects('archive') },
      { Sid: 'ReportsObjects', Effect: 'Allow', Action: 's3:PutObject', Resource: objects('reports') },
      {
        Sid: 'BatchesTable',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn('batches'),
      },
      { Sid: 'PaymentLinesTable', Effect: 'Allow', Action: 'dynamodb:BatchWriteItem', Resource: tableArn('paymentLines') },
      { Sid: 'DisclosuresTable', Effect: 'Allow', Action: 'dynamodb:BatchWriteItem', Resource: tableArn('disclosures') },
      // The proof of each message: puts only.
      { Sid: 'DeliveryProofsTable', Effect: 'Allow', Action: 'dynamodb:BatchWriteItem', Resource: tableArn('deliveryProofs') },
      disclosureParameter(),
      key('UseKey1', 'kms:Decrypt', keyArn(QUEUES.batchNotifications)),
      key('UseKey2', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.recipientOutbound.VDAB)),
      key('UseKey3', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.recipientOutbound.ACTIRIS)),
      key('UseKey4', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.recipientOutbound.FOREM)),
      key('UseKey5', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.ppsOutbound)),
      key('UseKey6', 'kms:Decrypt', imported(s.hub.stateful.keys.inbound, 'Arn')),
      key('UseKey7', ['kms:Decrypt', 'kms:GenerateDataKey'], storageKey()),
      // The archive's own key: a data key to write, never Decrypt.
      key('UseKey8', 'kms:GenerateDataKey', imported(s.hub.stateful.keys.archive, 'Arn')),
      key('UseKey9', ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], tablesKey()),
      key('UseKey10', 'kms:Decrypt', imported(s.hub.stateful.keys.disclosureParameter, 'Arn')),
    ]);
  });

  it('region-inbound: consumes the two inbound queues, uses its three tables (and the corrections index), sends to the PPS and back to VDAB/ACTIRIS', () => {
    const correctionsArn = tableArn('corrections');
    expect(policyOf('regionInbound')).toEqual([
      logs('regionInbound'),
      {
        Sid: 'ConsumeTriggerQueues',
        Effect: 'Allow',
        Action: EVENT_SOURCE_ACTIONS,
        Resource: [queueArn(QUEUES.recipientInbound.VDAB), queueArn(QUEUES.recipientInbound.ACTIRIS)],
      },
      {
        Sid: 'SendToQueues',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [queueArn(QUEUES.ppsOutbound), queueArn(QUEUES.recipientOutbound.VDAB), queueArn(QUEUES.recipientOutbound.ACTIRIS)],
      },
      {
        Sid: 'PaymentLinesTable',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Resource: tableArn('paymentLines'),
      },
      // A correction request is created and forwarded; the index is never queried here.
      {
        Sid: 'CorrectionsTable',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: correctionsArn,
      },
      { Sid: 'RefusedMessagesTable', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn('refusedMessages') },
      // A correction request forwarded to the PPS, in the record of disclosures: a put.
      { Sid: 'DisclosuresTable', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn('disclosures') },
      disclosureParameter(),
      key('UseKey1', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.recipientInbound.VDAB)),
      key('UseKey2', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.recipientInbound.ACTIRIS)),
      key('UseKey3', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.ppsOutbound)),
      key('UseKey4', ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], tablesKey()),
      key('UseKey5', 'kms:Decrypt', imported(s.hub.stateful.keys.disclosureParameter, 'Arn')),
    ]);
  });

  it('pps-inbound: consumes inbound-pps, uses corrections and refused messages (no payment lines), sends to VDAB/ACTIRIS, the PPS and the OCMWs', () => {
    const correctionsArn = tableArn('corrections');
    expect(policyOf('ppsInbound')).toEqual([
      logs('ppsInbound'),
      { Sid: 'ConsumeTriggerQueues', Effect: 'Allow', Action: EVENT_SOURCE_ACTIONS, Resource: queueArn(QUEUES.ppsInbound) },
      {
        Sid: 'SendToQueues',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: [
          queueArn(QUEUES.recipientOutbound.VDAB),
          queueArn(QUEUES.recipientOutbound.ACTIRIS),
          queueArn(QUEUES.ppsOutbound),
          queueArn(QUEUES.ocmwOutbound),
        ],
      },
      { Sid: 'CorrectionsTable', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], Resource: correctionsArn },
      // A decision names its correction by id: the index gives its key.
      {
        Sid: 'CorrectionsIndexes',
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [correctionsArn, '/index/byCorrectionId']] },
      },
      { Sid: 'RefusedMessagesTable', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn('refusedMessages') },
      // An approved correction passed on for the OCMW, in the record of disclosures: a put.
      { Sid: 'DisclosuresTable', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn('disclosures') },
      key('UseKey1', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.ppsInbound)),
      key('UseKey2', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.recipientOutbound.VDAB)),
      key('UseKey3', ['kms:Decrypt', 'kms:GenerateDataKey'], keyArn(QUEUES.recipientOutbound.ACTIRIS)),
      key('UseKey4', ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], tablesKey()),
    ]);
  });

  it('uses no wildcard action and no "*" resource in any function policy, lists no bucket but one batch’s folder (staging, archive); S3 object wildcards only below a known bucket', () => {
    const listings: Statement[] = [];
    for (const k of fnKeys) {
      for (const st of policyOf(k)) {
        for (const a of [st.Action].flat()) expect(a).not.toContain('*');
        if ([st.Action].flat().includes('s3:ListBucket')) listings.push(st);
        for (const r of [st.Resource].flat()) {
          expect(r).not.toBe('*');
          const text = JSON.stringify(r);
          if (text.includes('*')) expect(text).toMatch(/BucketArn"\},"\/(monthly\/)?\*"\]\]\}$/);
        }
      }
    }
    // And operator-redeliver's, of one batch's archive folder (operator-functions.test.ts); operator-renotify-file
    // runs split-batch's use case with split-batch's grants (move-only-tools.test.ts).
    expect(listings.map((st) => st.Sid)).toEqual(['StagingListOneBatch', 'ArchiveListOneBatch', 'StagingListOneBatch']);
    expect(listings[0]).toEqual(stagingList);
    expect(listings[2]).toEqual(stagingList);
    expect(BUCKET_ACTIONS.createOnly).toEqual(['s3:PutObject']);
    const tableActions = Object.values(FUNCTION_TABLE_ACTIONS).flatMap((t) =>
      Object.values(t).flatMap((a) => [...a.table, ...(a.indexes ?? [])]),
    );
    for (const never of ['dynamodb:DeleteItem', 'dynamodb:Scan', 'dynamodb:BatchGetItem']) expect(tableActions).not.toContain(never);
  });

  it('grants the disclosure key only to split-batch (records disclosures), region-inbound (checks INSZs), operator-redeliver (records the re-delivery), operator-disclosures (finds a person) and the two tools that run split-batch’s and region-inbound’s use cases, and no s3:DeleteObject outside staging', () => {
    expect(
      Object.entries(FUNCTIONS)
        .filter(([, fn]) => fn.uses.disclosureKey)
        .map(([k]) => k),
    ).toEqual([
      'splitBatch',
      'regionInbound',
      'operatorRedeliver',
      'operatorDisclosures',
      'operatorReprocessDeadLetters',
      'operatorRenotifyFile',
    ]);
    expect(policyOf('ppsInbound').map((st) => st.Sid)).not.toContain('ReadDisclosureKeyParameter');
    expect((fnResource('ppsInbound').Properties.Environment as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty(
      SETTINGS_ENV.disclosureKeyParameter,
    );
    for (const k of fnKeys) {
      for (const st of policyOf(k)) {
        if ([st.Action].flat().includes('s3:DeleteObject')) expect(st.Resource).toEqual(objects('staging'));
      }
    }
  });
});

describe('the listing of staging', () => {
  const sha256 = 'c0ffee'.repeat(10).concat('abcd');

  it('allows exactly the folder split-batch lists to sweep a batch’s staging, and nothing wider or narrower', () => {
    expect(sha256).toHaveLength(64);
    expect(stringLike(ONE_BATCH_FOLDER, batchStagingPrefixOf(sha256))).toBe(true);
    for (const denied of ['', '/', sha256, `${sha256.slice(1)}/`, stagingPrefixOf(sha256, 'attempt-1'), `${sha256}/x`]) {
      expect(stringLike(ONE_BATCH_FOLDER, denied), denied).toBe(false);
    }
  });
});

describe('triggers', () => {
  it('maps every trigger queue to its function with ReportBatchItemFailures and the topology batch size, and nothing else', () => {
    const mappings = Object.values(resources(s.stateless, 'AWS::Lambda::EventSourceMapping')).map((m) => m.Properties);
    const expected = fnKeys.flatMap((k) =>
      FUNCTIONS[k].triggers.map((q) => ({
        BatchSize: FUNCTIONS[k].batchSize,
        EventSourceArn: queueArn(q),
        FunctionName: { Ref: logicalId(s.hub.stateless.functions[k].fn) },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: TRIGGER_MAX_CONCURRENCY },
        Tags: expect.any(Array),
      })),
    );
    expect(mappings).toEqual(expected);
    expect(mappings).toHaveLength(4);
  });
});

describe('log groups', () => {
  it('keep logs the configured days and mask Belgian national numbers with a custom data identifier', () => {
    const groups = Object.values(resources(s.stateless, 'AWS::Logs::LogGroup'));
    expect(groups).toHaveLength(fnKeys.length);
    for (const g of groups) {
      expect(g.Properties.RetentionInDays).toBe(DEV.logRetentionDays);
      const policy = g.Properties.DataProtectionPolicy as {
        Statement: Array<{ DataIdentifier: string[]; Operation: Record<string, unknown> }>;
        Configuration: { CustomDataIdentifier: Array<{ Name: string; Regex: string }> };
      };
      expect(policy.Configuration.CustomDataIdentifier).toEqual([
        { Name: BELGIAN_NATIONAL_NUMBER_IDENTIFIER, Regex: NATIONAL_NUMBER_CLOUDWATCH_REGEX },
      ]);
      expect(policy.Statement.map((st) => [st.DataIdentifier, Object.keys(st.Operation)])).toEqual([
        [[BELGIAN_NATIONAL_NUMBER_IDENTIFIER], ['Audit']],
        [[BELGIAN_NATIONAL_NUMBER_IDENTIFIER], ['Deidentify']],
      ]);
    }
  });

  it('recognises national numbers as written, glued to letters too, and not longer digit runs nor amounts', () => {
    const re = new RegExp(NATIONAL_NUMBER_CLOUDWATCH_REGEX);
    for (const hit of ['85073003328', '85.07.30-033.28', 'insz 85 07 30 033 28 refused', '{"insz":"00022212345"}', 'abc85073003328'])
      expect(re.test(hit), hit).toBe(true);
    for (const miss of ['850730033281', '1234567890', 'amount 1205.50', '2025-11-03T09:15:00Z']) expect(re.test(miss), miss).toBe(false);
  });
});

describe('alarms and dashboard', () => {
  // The tamper rules' alarms (a failed delivery, their DLQ) are tamper-alarms.test.ts's.
  const alarms = () =>
    Object.entries(resources(s.stateless, 'AWS::CloudWatch::Alarm'))
      .filter(([id]) => !id.startsWith('TamperAlarm'))
      .map(([, a]) => a.Properties);
  let topic: unknown;
  beforeAll(() => {
    topic = {
      'Fn::ImportValue': expect.stringMatching(new RegExp(`^${STATEFUL}:ExportsOutputRef${logicalId(s.hub.stateful.alarmTopic)}`)),
    };
  });

  it('alarms when any DLQ is not empty', () => {
    const dlqAlarms = alarms().filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(dlqAlarms.map((a) => a.Dimensions)).toEqual(
      allQueues().map((spec) => [{ Name: 'QueueName', Value: imported(s.hub.stateful.queue(spec).deadLetterQueue, 'QueueName') }]),
    );
    for (const a of dlqAlarms) {
      expect(a).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      });
    }
  });

  const queueDimension = (spec: QueueSpec) => [{ Name: 'QueueName', Value: imported(s.hub.stateful.queue(spec).queue, 'QueueName') }];
  /** Whether an alarm's dimensions name this queue (its value is the queue name imported from the stateful stack). */
  const isOn = (a: Record<string, unknown>, spec: QueueSpec) =>
    JSON.stringify(a.Dimensions).includes(logicalId(s.hub.stateful.queue(spec).queue));
  const ageAlarms = (onNotifications: boolean) =>
    alarms().filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage' && isOn(a, QUEUES.batchNotifications) === onNotifications);

  it("alarms when a party's oldest message is older than the configured hours", () => {
    expect(
      alarms()
        .filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage')
        .map((a) => a.Dimensions),
    ).toEqual([...PARTY_OUTBOUND_QUEUES.map(queueDimension), queueDimension(QUEUES.batchNotifications)]);
    expect(ageAlarms(false).map((a) => a.Dimensions)).toEqual(PARTY_OUTBOUND_QUEUES.map(queueDimension));
    expect(PARTY_OUTBOUND_QUEUES.map((q) => q.name)).toEqual([
      'outbound-vdab',
      'outbound-actiris',
      'outbound-forem',
      'outbound-pps',
      'outbound-ocmw',
    ]);
    for (const a of ageAlarms(false)) {
      expect(a).toMatchObject({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Threshold: DEV.oldestMessageAlarmHours * 3600,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [topic],
      });
    }
  });

  it('alarms on a refused file, from the BatchesRefused metric of split-batch', () => {
    expect(alarms().filter((a) => a.MetricName === METRIC.batchesRefused)).toEqual([
      expect.objectContaining({
        Namespace: 'Art60Hub',
        Dimensions: [{ Name: 'service', Value: 'split-batch' }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      }),
    ]);
  });

  it('alarms at the first notification split-batch fails (BatchesFailed), since the invocation does not fail and the retry is 90 minutes away', () => {
    expect(alarms().filter((a) => a.MetricName === METRIC.batchesFailed)).toEqual([
      expect.objectContaining({
        Namespace: 'Art60Hub',
        Dimensions: [{ Name: 'service', Value: 'split-batch' }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      }),
    ]);
    expect(QUEUES.batchNotifications.visibilityTimeoutSeconds).toBe(5_400);
  });

  it('alarms when a notification waits longer than two split-batch timeouts: not finished at its first receive, or nothing polls', () => {
    expect(ageAlarms(true)).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 2 * FUNCTIONS.splitBatch.timeoutSeconds,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      }),
    ]);
    // Below the visibility timeout: it fires before the failed notification is even received again.
    expect(2 * FUNCTIONS.splitBatch.timeoutSeconds).toBeLessThan(QUEUES.batchNotifications.visibilityTimeoutSeconds);
  });

  it('alarms at any WRONG_CHANNEL refusal of either return-flow function: a party may be speaking for another', () => {
    const wrongChannel = alarms().filter(
      (a) => a.MetricName === METRIC.returnMessagesRefused && JSON.stringify(a.Dimensions).includes('WRONG_CHANNEL'),
    );
    expect(wrongChannel.map((a) => a.Dimensions)).toEqual(
      (['regionInbound', 'ppsInbound'] as const).map((k) => [
        { Name: 'code', Value: 'WRONG_CHANNEL' },
        { Name: 'service', Value: FUNCTIONS[k].name },
      ]),
    );
    for (const a of wrongChannel) {
      expect(a).toMatchObject({
        Namespace: 'Art60Hub',
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      });
    }
  });

  it('alarms when a return-flow function refuses the configured number of messages in an hour, whatever their code', () => {
    const refused = alarms().filter(
      (a) => a.MetricName === METRIC.returnMessagesRefused && !JSON.stringify(a.Dimensions).includes('WRONG_CHANNEL'),
    );
    expect(refused.map((a) => a.Dimensions)).toEqual(
      (['regionInbound', 'ppsInbound'] as const).map((k) => [{ Name: 'service', Value: FUNCTIONS[k].name }]),
    );
    expect(DEV.refusedReturnMessagesAlarmPerHour).toBe(10);
    for (const a of refused) {
      expect(a).toMatchObject({
        Namespace: 'Art60Hub',
        Statistic: 'Sum',
        Period: 3600,
        Threshold: DEV.refusedReturnMessagesAlarmPerHour,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topic],
      });
    }
  });

  it('alarms on errors of each function', () => {
    const errorAlarms = alarms().filter((a) => a.MetricName === 'Errors');
    expect(errorAlarms.map((a) => a.Dimensions)).toEqual(
      fnKeys.map((k) => [{ Name: 'FunctionName', Value: { Ref: logicalId(s.hub.stateless.functions[k].fn) } }]),
    );
    for (const a of errorAlarms)
      expect(a).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 1, AlarmActions: [topic] });
    // DLQs, parties' oldest messages, refused file, failed notification and its age, refused return
    // messages (WRONG_CHANNEL and any code, per return-flow function), function errors.
    expect(alarms()).toHaveLength(allQueues().length + PARTY_OUTBOUND_QUEUES.length + 1 + 2 + 2 * 2 + fnKeys.length);
  });

  it('draws batches and rows per outcome and per recipient, refused files, DLQ depths, oldest ages, errors and durations', () => {
    const dashboards = Object.values(resources(s.stateless, 'AWS::CloudWatch::Dashboard')) as Resource[];
    expect(dashboards).toHaveLength(1);
    // The body is JSON text joined with references; the text parts carry the metric names.
    const parts = (dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const body = parts.filter((p): p is string => typeof p === 'string').join('');
    const widgets = (JSON.parse(body) as { widgets: Array<{ properties: { metrics?: unknown[][] } }> }).widgets;
    const drawn = new Set<string>();
    for (const w of widgets) {
      for (const m of w.properties.metrics ?? []) {
        if (typeof m[0] === 'string') drawn.add(`${m[0]}/${String(m[1])}`);
        const expression = (m[0] as { expression?: string }).expression;
        const searched = expression && /\{(\w+),.*MetricName="(\w+)"/.exec(expression);
        if (searched) drawn.add(`${searched[1]}/${searched[2]}`);
      }
    }
    // Per recipient: one CloudWatch SEARCH over the recipient dimension of split-batch's metrics.
    expect(
      widgets.flatMap((w) => (w.properties.metrics ?? []).map((m) => (m[0] as { expression?: string }).expression).filter(Boolean)),
    ).toEqual([
      `SEARCH('{Art60Hub,recipient,service} service="split-batch" MetricName="RecordsDelivered"', 'Sum', 3600)`,
      `SEARCH('{Art60Hub,recipient,service} service="split-batch" MetricName="RowsWithheld"', 'Sum', 3600)`,
      `SEARCH('{Art60Hub,channel,code,service} MetricName="ReturnMessagesRefused"', 'Sum', 3600)`,
    ]);
    expect([...drawn].filter((d) => d.startsWith('Art60Hub/')).sort()).toEqual(
      Object.values(METRIC)
        .map((m) => `Art60Hub/${m}`)
        .sort(),
    );
    for (const m of [
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'AWS/SQS/ApproximateAgeOfOldestMessage',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Duration',
    ])
      expect(drawn).toContain(m);
    for (const title of [
      'Batches per outcome',
      'Rows per outcome',
      'Records delivered per recipient',
      'Rows withheld per recipient',
      'Refused files',
      'Refused return messages per channel and code',
      'Dead-letter queue depths',
      "Age of the oldest message on each party's queue (s)",
      'Age of the oldest notification of a monthly file (s)',
      'Function errors',
      'Function duration (p99, ms)',
    ]) {
      expect(body).toContain(title);
    }
  });
});

describe('names and actions an operator reads', () => {
  // The tamper rules' alarms name their own runbook sections (TAMPER_RUNBOOK, tamper-alarms.test.ts).
  const alarmsById = () =>
    Object.fromEntries(Object.entries(resources(s.stateless, 'AWS::CloudWatch::Alarm')).filter(([id]) => !id.startsWith('TamperAlarm')));
  /** A name as deployed: the stack's name in place of its reference, the rest as written. */
  const rendered = (name: unknown): string => {
    const parts = (name as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (!parts) throw new Error(`not a name joined with the stack's: ${JSON.stringify(name)}`);
    return parts[1]
      .map((p) => (typeof p === 'string' ? p : JSON.stringify(p) === '{"Ref":"AWS::StackName"}' ? s.hub.stateless.stackName : '?'))
      .join(parts[0]);
  };

  it("names the dashboard and every alarm after the stateless stack, hence the stage, and within the topic's allowed alarms", () => {
    expect(s.hub.stateless.stackName).toBe(`Art60Hub-${DEV.stageName}-Stateless`);
    const dashboards = Object.values(resources(s.stateless, 'AWS::CloudWatch::Dashboard'));
    expect(dashboards.map((d) => rendered(d.Properties.DashboardName))).toEqual([`Art60Hub-${DEV.stageName}-Stateless-operations`]);
    // The topic lets CloudWatch publish only for alarms named after this stage's stacks (stateful.test.ts).
    const topicPolicy = Object.values(resources(s.stateful, 'AWS::SNS::TopicPolicy'))[0]!;
    const allow = (topicPolicy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.find((st) => st.Effect === 'Allow')!;
    const pattern = allow.Condition!.ArnLike!['aws:SourceArn'] as string;
    expect(pattern).toMatch(/:alarm:[\w-]+\*$/);
    const allowedPrefix = pattern.slice(pattern.indexOf(':alarm:') + ':alarm:'.length, -1);
    const names = Object.values(alarmsById()).map((a) => rendered(a.Properties.AlarmName));
    expect(names.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(new RegExp(`^Art60Hub-${DEV.stageName}-Stateless-`));
      expect(name.startsWith(allowedPrefix), name).toBe(true);
      expect(name.length).toBeLessThanOrEqual(255);
    }
  });

  it('sends OK to the topic too, so that the operators learn when an alarm is over', () => {
    for (const [id, a] of Object.entries(alarmsById())) {
      expect(a.Properties.AlarmActions, id).toHaveLength(1);
      expect(a.Properties.OKActions, id).toEqual(a.Properties.AlarmActions);
    }
  });

  it("names in each alarm's description the runbook section to follow, and that section exists in docs/operators.md", () => {
    const runbook = docSection(readDoc(RUNBOOK_PAGE), 'Runbook');
    const sections = new Set(
      headings(runbook)
        .filter((h) => h.level === 3)
        .map((h) => h.anchor),
    );
    expect(sections.size).toBeGreaterThanOrEqual(7);
    for (const [id, a] of Object.entries(alarmsById())) {
      const named = /Runbook: docs\/operators\.md#([a-z0-9-]+)$/.exec(String(a.Properties.AlarmDescription));
      expect(named?.[1], id).toBeDefined();
      expect(sections, `${id}: "${named?.[1]}"`).toContain(named?.[1]);
    }
  });
});
