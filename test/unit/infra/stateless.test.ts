import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKET_ACTIONS, EVENT_SOURCE_ACTIONS, FUNCTION_TABLE_ACTIONS, ONE_BATCH_FOLDER } from '../../../infra/access';
import { BELGIAN_NATIONAL_NUMBER_IDENTIFIER } from '../../../infra/constructs/hub-function';
import { type FunctionKey, TRIGGER_MAX_CONCURRENCY } from '../../../infra/stateless-stack';
import { batchStagingPrefixOf, stagingPrefixOf } from '../../../shared/domain/batch/object-keys';
import { NATIONAL_NUMBER_CLOUDWATCH_REGEX } from '../../../shared/national-number-pattern';
import { FUNCTIONS, QUEUES, type QueueSpec, SETTINGS_ENV } from '../../../shared/topology';
import { DEV, logicalId, removeOutdir, resources, type Statement, type Synthesized, stringLike, synthesizeHub } from './helpers';

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

  it('attaches no managed policy to any role; each is a function role, but the batch-watch schedule role, for this account only', () => {
    const roles = Object.values(resources(s.stateless, 'AWS::IAM::Role'));
    for (const role of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const assumedBy = roles.map((role) => role.Properties.AssumeRolePolicyDocument);
    const byLambda = { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } };
    expect(assumedBy.filter((d) => JSON.stringify(d).includes('lambda.amazonaws.com'))).toHaveLength(fnKeys.length);
    expect(assumedBy).toEqual(
      expect.arrayContaining([
        { Version: '2012-10-17', Statement: [byLambda] },
        {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': DEV.account } },
            },
          ],
        },
      ]),
    );
    expect(roles).toHaveLength(fnKeys.length + 1);
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
