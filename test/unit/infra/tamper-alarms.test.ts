import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUDTRAIL_API_CALL, TAMPER_MAX_EVENT_AGE, TAMPER_RUNBOOK } from '../../../infra/constructs/tamper-alarm';
import {
  BUCKET_RULE_EVENTS,
  FUNCTION_TAMPER_EVENT_PREFIXES,
  KEY_TAMPER_EVENTS,
  OPERATOR_ASSUME_EVENTS,
  QUEUE_TAMPER_EVENTS,
  TABLE_TAMPER_EVENTS,
  TOPIC_TAMPER_EVENTS,
} from '../../../infra/tamper-rules';
import { DEV, logicalId, removeOutdir, resources, type Statement, type Synthesized, synthesizeHub } from './helpers';

/**
 * The tamper rules (docs/deployers.md, "The tamper rules"): each rule's event pattern is evaluated against
 * CloudTrail events as EventBridge receives them, with the template's references resolved to
 * placeholder names, so that a rule is shown to match a change to the hub's own resource and not
 * the same call on another resource; then the targets' dead-letter queues, the alarms on a failed
 * delivery, and the grants that let EventBridge write the encrypted topic and queues.
 */

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
}, 180_000);
afterAll(() => removeOutdir(s));

const ACCOUNT = DEV.account;
const REGION = DEV.region;

/** A template value with its intrinsics resolved: `{Ref: X}` → `ref:X`, `{Fn::GetAtt: [X, Arn]}` → `arn:X`, joins joined. */
function resolve(value: unknown, stackName: string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, stackName));
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('Ref' in o) return o.Ref === 'AWS::StackName' ? stackName : `ref:${String(o.Ref)}`;
  if ('Fn::GetAtt' in o) {
    const [id, attribute] = o['Fn::GetAtt'] as [string, string];
    return attribute === 'Arn' ? `arn:${id}` : `${attribute.toLowerCase()}:${id}`;
  }
  if ('Fn::ImportValue' in o) return `import:${String(o['Fn::ImportValue'])}`;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, stackName)).join(sep);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v, stackName)]));
}

/** EventBridge's matching, for what the rules use: exact values, prefix, suffix, `$or`, arrays of objects. */
function matches(pattern: Record<string, unknown>, event: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return (rule as Array<Record<string, unknown>>).some((p) => matches(p, event));
    const value = (event as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(rule)) {
      const values = Array.isArray(value) ? value : [value];
      return values.some((v) =>
        rule.some((r) => {
          if (typeof r !== 'object' || r === null) return v === r;
          const { prefix, suffix } = r as { prefix?: string; suffix?: string };
          if (typeof v !== 'string') return false;
          if (prefix !== undefined) return v.startsWith(prefix);
          if (suffix !== undefined) return v.endsWith(suffix);
          throw new Error(`unsupported matcher ${JSON.stringify(r)}`);
        }),
      );
    }
    if (Array.isArray(value)) return value.some((v) => matches(rule as Record<string, unknown>, v));
    return value !== undefined && matches(rule as Record<string, unknown>, value);
  });
}

interface Rule {
  readonly name: string;
  readonly pattern: Record<string, unknown>;
  readonly target: Record<string, unknown>;
}

function rulesOf(template: Template, stackName: string): Rule[] {
  return Object.values(resources(template, 'AWS::Events::Rule')).map((r) => {
    const targets = r.Properties.Targets as Array<Record<string, unknown>>;
    expect(targets).toHaveLength(1);
    return {
      name: resolve(r.Properties.Name, stackName) as string,
      pattern: resolve(r.Properties.EventPattern, stackName) as Record<string, unknown>,
      target: targets[0]!,
    };
  });
}

const STATEFUL = `Art60Hub-${DEV.stageName}-Stateful`;
const STATELESS = `Art60Hub-${DEV.stageName}-Stateless`;

/** A CloudTrail management event as EventBridge delivers it. */
function cloudTrail(service: string, eventName: string, detail: Record<string, unknown>) {
  return {
    source: `aws.${service}`,
    'detail-type': CLOUDTRAIL_API_CALL,
    region: REGION,
    detail: { eventSource: `${service}.amazonaws.com`, eventName, userIdentity: { arn: 'arn:aws:sts::1:assumed-role/Admin/x' }, ...detail },
  };
}

/** The names of the rules that match an event. */
function matching(rules: readonly Rule[], event: unknown): string[] {
  return rules.filter((r) => matches(r.pattern, event)).map((r) => r.name);
}

describe('the tamper rules match the calls that change what guards the hub’s data, on its own resources only', () => {
  let stateful: Rule[];
  let stateless: Rule[];
  const id = (construct: Parameters<typeof logicalId>[0]) => logicalId(construct);
  beforeAll(() => {
    stateful = rulesOf(s.stateful, STATEFUL);
    stateless = rulesOf(s.stateless, STATELESS);
  });

  it('S3: every bucket-rule call on each of the hub’s buckets, not on another bucket', () => {
    const buckets = [...Object.values(s.hub.stateful.buckets), s.hub.stateful.accessLogs].map((b) => `ref:${id(b)}`);
    for (const eventName of BUCKET_RULE_EVENTS) {
      for (const bucketName of buckets) {
        expect(matching(stateful, cloudTrail('s3', eventName, { requestParameters: { bucketName } })), eventName).toEqual([
          `${STATEFUL}-bucket-rules-changed`,
        ]);
      }
      expect(matching(stateful, cloudTrail('s3', eventName, { requestParameters: { bucketName: 'someone-elses' } }))).toEqual([]);
    }
    expect(BUCKET_RULE_EVENTS).toEqual(
      expect.arrayContaining([
        'PutBucketLifecycle',
        'PutBucketPolicy',
        'PutBucketEncryption',
        'PutBucketVersioning',
        'PutBucketReplication',
        'PutBucketNotification',
        'PutBucketLogging',
        'PutBucketPublicAccessBlock',
        'DeleteBucketPublicAccessBlock',
        'PutBucketOwnershipControls',
      ]),
    );
    expect(matching(stateful, cloudTrail('s3', 'GetObject', { requestParameters: { bucketName: buckets[0] } }))).toEqual([]);
  });

  it('KMS: deletion, disabling, policy, tags, rotation and aliases of every hub key', () => {
    const keyIds = Object.keys(resources(s.stateful, 'AWS::KMS::Key'));
    expect(keyIds).toHaveLength(12);
    expect(KEY_TAMPER_EVENTS).toEqual(
      expect.arrayContaining([
        'TagResource',
        'UntagResource',
        'EnableKeyRotation',
        'DisableKeyRotation',
        'CreateAlias',
        'UpdateAlias',
        'DeleteAlias',
      ]),
    );
    for (const eventName of KEY_TAMPER_EVENTS) {
      for (const key of keyIds) {
        const event = cloudTrail('kms', eventName, { resources: [{ ARN: 'arn:aws:kms:alias/x' }, { ARN: `arn:${key}` }] });
        expect(matching(stateful, event), `${eventName} ${key}`).toEqual([`${STATEFUL}-key-tampered`]);
      }
      expect(matching(stateful, cloudTrail('kms', eventName, { resources: [{ ARN: 'arn:aws:kms:other' }] }))).toEqual([]);
    }
    expect(matching(stateful, cloudTrail('kms', 'Decrypt', { resources: [{ ARN: `arn:${keyIds[0]}` }] }))).toEqual([]);
  });

  it('DynamoDB: TTL, backup, export, restore, resource policy and recovery window of every table, whichever field names it', () => {
    const tables = Object.values(s.hub.stateful.tables).map((t) => id(t.table));
    const rule = [`${STATEFUL}-table-tampered`];
    for (const t of tables) {
      const [name, tableArn] = [`ref:${t}`, `arn:${t}`];
      const calls: Array<[string, Record<string, unknown>]> = [
        ['UpdateTimeToLive', { tableName: name }],
        ['CreateBackup', { tableName: name }],
        ['ExportTableToPointInTime', { tableArn }],
        ['RestoreTableToPointInTime', { sourceTableArn: tableArn, targetTableName: 'copy' }],
        ['RestoreTableToPointInTime', { sourceTableName: name, targetTableName: 'copy' }],
        ['RestoreTableFromBackup', { backupArn: `${tableArn}/backup/01234`, targetTableName: 'copy' }],
        ['PutResourcePolicy', { resourceArn: tableArn }],
        ['DeleteResourcePolicy', { resourceArn: tableArn }],
        ['UpdateContinuousBackups', { tableName: name }],
      ];
      for (const [eventName, requestParameters] of calls) {
        expect(TABLE_TAMPER_EVENTS).toContain(eventName);
        expect(matching(stateful, cloudTrail('dynamodb', eventName, { requestParameters })), `${eventName} ${t}`).toEqual(rule);
      }
    }
    expect(matching(stateful, cloudTrail('dynamodb', 'UpdateTimeToLive', { requestParameters: { tableName: 'other' } }))).toEqual([]);
    expect(matching(stateful, cloudTrail('dynamodb', 'PutItem', { requestParameters: { tableName: `ref:${tables[0]}` } }))).toEqual([]);
  });

  it('SQS: attributes and permissions of every queue and DLQ of the hub, whatever host its URL names', () => {
    const queues = [...s.hub.stateful.queues.values()].flatMap((q) => [q.queue, q.deadLetterQueue]);
    expect(queues.length).toBeGreaterThanOrEqual(16);
    expect(QUEUE_TAMPER_EVENTS).toEqual(expect.arrayContaining(['SetQueueAttributes', 'AddPermission', 'RemovePermission']));
    for (const q of queues) {
      for (const eventName of QUEUE_TAMPER_EVENTS) {
        for (const host of [`https://sqs.${REGION}.amazonaws.com`, `https://${REGION}.queue.amazonaws.com`]) {
          const queueUrl = `${host}/${ACCOUNT}/queuename:${id(q)}`;
          expect(matching(stateful, cloudTrail('sqs', eventName, { requestParameters: { queueUrl } }))).toEqual([
            `${STATEFUL}-queue-tampered`,
          ]);
        }
      }
    }
    const other = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/not-the-hubs`;
    expect(matching(stateful, cloudTrail('sqs', 'SetQueueAttributes', { requestParameters: { queueUrl: other } }))).toEqual([]);
  });

  it('SNS: subscriptions and attributes of the alarm topic only', () => {
    const topicArn = `ref:${id(s.hub.stateful.alarmTopic)}`;
    const rule = [`${STATEFUL}-alarm-topic-tampered`];
    for (const eventName of ['Subscribe', 'SetTopicAttributes']) {
      expect(TOPIC_TAMPER_EVENTS).toContain(eventName);
      expect(matching(stateful, cloudTrail('sns', eventName, { requestParameters: { topicArn } }))).toEqual(rule);
      expect(matching(stateful, cloudTrail('sns', eventName, { requestParameters: { topicArn: 'arn:aws:sns:other' } }))).toEqual([]);
    }
    for (const eventName of ['Unsubscribe', 'SetSubscriptionAttributes']) {
      expect(TOPIC_TAMPER_EVENTS).toContain(eventName);
      const subscriptionArn = `${topicArn}:7c3a0e1b-1111-2222-3333-444455556666`;
      expect(matching(stateful, cloudTrail('sns', eventName, { requestParameters: { subscriptionArn } }))).toEqual(rule);
    }
  });

  it('STS: every assumption of the operator role, and its mail says who assumed it (caller, session, source identity)', () => {
    const roleArn = `arn:${id(s.hub.stateful.operatorRole.role)}`;
    for (const eventName of OPERATOR_ASSUME_EVENTS) {
      expect(matching(stateful, cloudTrail('sts', eventName, { requestParameters: { roleArn } }))).toEqual([
        `${STATEFUL}-operator-role-assumed`,
      ]);
    }
    expect(matching(stateful, cloudTrail('sts', 'AssumeRole', { requestParameters: { roleArn: 'arn:aws:iam::1:role/other' } }))).toEqual(
      [],
    );
    const rule = stateful.find((r) => r.name === `${STATEFUL}-operator-role-assumed`)!;
    const transformer = rule.target.InputTransformer as { InputPathsMap: Record<string, string>; InputTemplate: string };
    expect(Object.values(transformer.InputPathsMap)).toEqual(
      expect.arrayContaining([
        '$.detail.userIdentity.arn',
        '$.detail.responseElements.assumedRoleUser.arn',
        '$.detail.requestParameters.sourceIdentity',
        '$.detail.sourceIPAddress',
        '$.detail.eventTime',
      ]),
    );
    expect(transformer.InputTemplate).toContain('<detail-userIdentity-arn> assumed the operator role');
    expect(transformer.InputTemplate).toContain(TAMPER_RUNBOOK.operatorAssumed);
  });

  it('EventBridge: the stage’s own rules disabled, deleted or retargeted', () => {
    for (const name of [`${STATEFUL}-key-tampered`, `${STATELESS}-function-tampered`]) {
      for (const eventName of ['DisableRule', 'DeleteRule', 'RemoveTargets', 'PutTargets', 'PutRule']) {
        expect(matching(stateful, cloudTrail('events', eventName, { requestParameters: { name } }))).toEqual([
          `${STATEFUL}-tamper-rules-tampered`,
        ]);
      }
    }
    expect(matching(stateful, cloudTrail('events', 'DisableRule', { requestParameters: { name: 'Art60Hub-prod-x' } }))).toEqual([]);
  });

  it('Lambda: code, configuration, permissions and triggers of every hub function, and any trigger on a hub queue', () => {
    const fns = Object.values(s.hub.stateless.functions).map((f) => id(f.fn));
    expect(fns).toHaveLength(Object.keys(s.hub.stateless.functions).length);
    const rule = [`${STATELESS}-function-tampered`];
    for (const prefix of FUNCTION_TAMPER_EVENT_PREFIXES) {
      for (const fn of fns) {
        // CloudTrail suffixes Lambda's event names with the API version; a caller names a function by name or ARN.
        for (const functionName of [`ref:${fn}`, `arn:${fn}`, `arn:${fn}:live`]) {
          const event = cloudTrail('lambda', `${prefix}20150331v2`, { requestParameters: { functionName } });
          expect(matching(stateless, event), `${prefix} ${functionName}`).toEqual(rule);
        }
      }
      expect(matching(stateless, cloudTrail('lambda', `${prefix}20150331`, { requestParameters: { functionName: 'other' } }))).toEqual([]);
    }
    const mappings = Object.keys(resources(s.stateless, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings.length).toBeGreaterThanOrEqual(4);
    for (const m of mappings) {
      const event = cloudTrail('lambda', 'UpdateEventSourceMapping20150331', { requestParameters: { uUID: `ref:${m}`, enabled: false } });
      expect(matching(stateless, event)).toEqual(rule);
    }
    // A function of anyone's, given a trigger on a hub queue or DLQ, would read it: each queue's ARN is watched.
    const pattern = stateless.find((r) => r.name === rule[0])!.pattern as {
      detail: { $or: Array<{ requestParameters: Record<string, unknown> }> };
    };
    const queueArns = pattern.detail.$or.flatMap((p) => (p.requestParameters.eventSourceArn as string[] | undefined) ?? []);
    expect(queueArns).toHaveLength(2 * s.hub.stateful.queues.size);
    for (const eventSourceArn of queueArns) {
      const event = cloudTrail('lambda', 'CreateEventSourceMapping20150331', {
        requestParameters: { functionName: 'thief', eventSourceArn },
      });
      expect(matching(stateless, event)).toEqual(rule);
    }
    expect(matching(stateless, cloudTrail('lambda', 'Invoke', { requestParameters: { functionName: `ref:${fns[0]}` } }))).toEqual([]);
  });
});

describe('each target has an encrypted dead-letter queue, and an alarm fires when a rule fails to deliver', () => {
  for (const [stack, template, stackName] of [
    ['stateful', () => s.stateful, STATEFUL],
    ['stateless', () => s.stateless, STATELESS],
  ] as const) {
    it(`${stack}: every target publishes to the alarm topic, retries 24 h, then dead-letters to the stack’s tamper DLQ`, () => {
      const t = template();
      const rules = rulesOf(t, stackName);
      const queues = resources(t, 'AWS::SQS::Queue');
      const dlqId = Object.keys(queues).find((k) => k.startsWith('TamperAlarmDeadLetters'))!;
      expect(queues[dlqId]!.Properties).toMatchObject({
        QueueName: { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, 'tamper-dead-letters']] },
        MessageRetentionPeriod: 1_209_600,
      });
      expect(JSON.stringify(queues[dlqId]!.Properties.KmsMasterKeyId)).toContain('OperationsKey');
      for (const rule of rules) {
        expect(rule.target).toMatchObject({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: TAMPER_MAX_EVENT_AGE.toSeconds(), MaximumRetryAttempts: 185 },
          InputTransformer: expect.any(Object),
        });
        expect(JSON.stringify(rule.target.Arn)).toContain('AlarmTopic');
      }
      // The DLQ's own policy: EventBridge may send, for these rules of this account only.
      const policy = Object.values(resources(t, 'AWS::SQS::QueuePolicy')).find((p) => JSON.stringify(p.Properties.Queues).includes(dlqId))!;
      const statements = (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      const ruleIds = Object.keys(resources(t, 'AWS::Events::Rule'));
      expect(statements).toContainEqual({
        Sid: 'TamperRulesDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        Condition: {
          ArnEquals: {
            'aws:SourceArn': ruleIds.map((r) => ({ 'Fn::GetAtt': [r, 'Arn'] })),
          },
          StringEquals: { 'aws:SourceAccount': ACCOUNT },
        },
      });
    });

    it(`${stack}: a FailedInvocations alarm per rule and a DLQ-not-empty alarm, mailed when they fire and when they clear`, () => {
      const t = template();
      const ruleIds = Object.keys(resources(t, 'AWS::Events::Rule'));
      const alarms = Object.values(resources(t, 'AWS::CloudWatch::Alarm')).filter((a) =>
        JSON.stringify(a.Properties.AlarmDescription).includes(TAMPER_RUNBOOK.deliveryFailed),
      );
      expect(alarms).toHaveLength(ruleIds.length + 1);
      const failed = alarms.filter((a) => a.Properties.MetricName === 'FailedInvocations');
      expect(failed.map((a) => a.Properties.Dimensions)).toEqual(ruleIds.map((r) => [{ Name: 'RuleName', Value: { Ref: r } }]));
      for (const a of alarms) {
        expect(a.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
        expect(JSON.stringify(a.Properties.AlarmActions)).toContain('AlarmTopic');
        expect(JSON.stringify(a.Properties.OKActions)).toContain('AlarmTopic');
      }
      expect(failed.every((a) => a.Properties.Namespace === 'AWS/Events' && a.Properties.Statistic === 'Sum')).toBe(true);
      const dlq = alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
      expect(dlq).toHaveLength(1);
    });
  }
});

describe('EventBridge may write the encrypted topic and DLQs as AWS documents it, without aws:SourceArn on the key', () => {
  it('the topic policy names this stage’s rules; the key grants are bound by the encryption context SNS and SQS send', () => {
    const topicStatements = Object.values(resources(s.stateful, 'AWS::SNS::TopicPolicy')).flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    expect(topicStatements).toContainEqual({
      Sid: 'TamperAlarmsPublish',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: logicalId(s.hub.stateful.alarmTopic) },
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:aws:events:${REGION}:${ACCOUNT}:rule/Art60Hub-${DEV.stageName}-*` },
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
      },
    });
    const key = resources(s.stateful, 'AWS::KMS::Key')[logicalId(s.hub.stateful.keys.operations)]!;
    const statements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    const eventBridge = statements.filter((st) => JSON.stringify(st.Principal) === JSON.stringify({ Service: 'events.amazonaws.com' }));
    expect(eventBridge).toEqual([
      {
        Sid: 'TamperAlarmsPublishToTopic',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          ArnLike: { 'kms:EncryptionContext:aws:sns:topicArn': `arn:aws:sns:${REGION}:${ACCOUNT}:Art60Hub-${DEV.stageName}-*` },
        },
      },
      {
        Sid: 'TamperRulesWriteDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:sqs:arn': `arn:aws:sqs:${REGION}:${ACCOUNT}:Art60Hub-${DEV.stageName}-*-tamper-dead-letters`,
          },
        },
      },
    ]);
    for (const st of eventBridge) expect(JSON.stringify(st.Condition)).not.toContain('aws:SourceArn');
  });
});
