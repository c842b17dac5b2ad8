import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS, ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS } from '../../../infra/constants';
import { queuePhysicalNames } from '../../../infra/party-access';
import { INBOUND_MESSAGE_MAX_BYTES } from '../../../infra/stateful/queues';
import { RECIPIENTS, RETURNING_RECIPIENTS } from '../../../shared/domain/recipients';
import {
  DEFAULT_RAW_FILE_RETENTION_DAYS,
  PITR_RECOVERY_PERIOD_DAYS,
  REPORT_RETENTION_DAYS,
  STAGING_RETENTION_DAYS,
} from '../../../shared/domain/retention';
import { allQueues, QUEUES, type QueueSpec, TABLES, TTL_ATTRIBUTE } from '../../../shared/topology';
import { readAllDocs } from '../../support/docs';
import { DEV, logicalId, type Resource, removeOutdir, resources, type Statement, type Synthesized, synthesizeHub } from './helpers';

let s: Synthesized;
beforeAll(() => {
  s = synthesizeHub();
});
afterAll(() => removeOutdir(s));

const bucket = (key: 'inbound' | 'staging' | 'archive' | 'reports') => {
  const id = logicalId(s.hub.stateful.buckets[key]);
  return { id, resource: resources(s.stateful, 'AWS::S3::Bucket')[id]! };
};
const bucketPolicyStatements = (bucketId: string): Statement[] => {
  const policy = Object.values(resources(s.stateful, 'AWS::S3::BucketPolicy')).find(
    (p) => (p.Properties.Bucket as { Ref: string }).Ref === bucketId,
  );
  if (!policy) throw new Error(`no policy for ${bucketId}`);
  return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};
const queuePolicyStatements = (queueId: string): Statement[] => {
  const policy = Object.values(resources(s.stateful, 'AWS::SQS::QueuePolicy')).find((p) =>
    (p.Properties.Queues as Array<{ Ref: string }>).some((q) => q.Ref === queueId),
  );
  if (!policy) throw new Error(`no policy for ${queueId}`);
  return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
};
const keyStatements = (keyId: string): Statement[] =>
  (resources(s.stateful, 'AWS::KMS::Key')[keyId]!.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
const rules = (r: Resource) => (r.Properties.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
const ABORT_RULE = {
  Id: 'abort-incomplete-multipart-uploads',
  Status: 'Enabled',
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: ABORT_INCOMPLETE_MULTIPART_UPLOAD_DAYS },
};

describe('retention of the buckets (return-flows §5)', () => {
  it('keeps the archive for the replay window only: expired at 400 days, its noncurrent versions a day later, its delete markers removed (archive-replay-window.test.ts)', () => {
    const glacier = [{ StorageClass: 'GLACIER_IR', TransitionInDays: ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS }];
    expect(DEV.replayWindowDays).toBe(400);
    expect(rules(bucket('archive').resource)).toEqual([
      {
        Id: 'expire-after-replay-window',
        Status: 'Enabled',
        ExpirationInDays: 400,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Transitions: glacier,
      },
      { Id: 'remove-expired-delete-markers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
      ABORT_RULE,
    ]);
    // Glacier IR bills at least 90 days: a 400-day window leaves each object 310 days there.
    expect(400 - ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS).toBeGreaterThanOrEqual(90);
  });

  it('expires every raw inbound file after the configured retention, default 30 days, whatever its prefix', () => {
    expect(DEV.rawFileRetentionDays).toBe(DEFAULT_RAW_FILE_RETENTION_DAYS);
    expect(rules(bucket('inbound').resource)).toEqual([{ Id: 'expire-raw-files', Status: 'Enabled', ExpirationInDays: 30 }, ABORT_RULE]);
  });

  it('sweeps staged records after 2 days and keeps reports as long as the longest recipient retention', () => {
    expect(rules(bucket('staging').resource)).toEqual([
      { Id: 'sweep-staged-records', Status: 'Enabled', ExpirationInDays: STAGING_RETENTION_DAYS },
      ABORT_RULE,
    ]);
    expect(REPORT_RETENTION_DAYS).toBe(5475);
    expect(rules(bucket('reports').resource)).toEqual([{ Id: 'expire-reports', Status: 'Enabled', ExpirationInDays: 5475 }, ABORT_RULE]);
  });

  it('keeps every bucket but the locked archive unversioned (expiration on a versioned bucket only adds a delete marker)', () => {
    const archiveId = bucket('archive').id;
    for (const [id, r] of Object.entries(resources(s.stateful, 'AWS::S3::Bucket'))) {
      if (id === archiveId) expect(r.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      else expect(r.Properties.VersioningConfiguration).toBeUndefined();
      expect(r.DeletionPolicy).toBe('Retain');
    }
  });

  it('denies every principal the deletion of archive objects, any write without If-None-Match, and any lock but the bucket’s default', () => {
    const { id } = bucket('archive');
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] };
    const statements = bucketPolicyStatements(id).filter((st) => st.Sid?.startsWith('DenyArchive'));
    expect(statements).toEqual([
      {
        Sid: 'DenyArchiveDeletion',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        Resource: objects,
      },
      {
        Sid: 'DenyArchiveOverwrite',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 's3:PutObject',
        Resource: objects,
        Condition: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
      },
      {
        Sid: 'DenyArchiveLockChanges',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['s3:PutObjectRetention', 's3:PutObjectLegalHold'],
        Resource: objects,
      },
      // The rule changes and the keys outside the recipients' prefixes: lock-down.test.ts.
      expect.objectContaining({ Sid: 'DenyArchiveRuleChangesButByDeployment' }),
      expect.objectContaining({ Sid: 'DenyArchiveKeysOutsideRecipients' }),
    ]);
    // No statement anywhere allows deleting an archive object.
    expect(bucketPolicyStatements(id).filter((st) => st.Effect === 'Allow')).toEqual([]);
  });
});

describe('bucket security', () => {
  it('blocks public access, enforces ACL-less ownership and encrypts with a customer-managed key (SSE-S3 only for the access logs)', () => {
    const all = resources(s.stateful, 'AWS::S3::Bucket');
    expect(Object.keys(all)).toHaveLength(5);
    for (const [id, r] of Object.entries(all)) {
      expect(r.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(r.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      const sse = (
        r.Properties.BucketEncryption as {
          ServerSideEncryptionConfiguration: Array<{ ServerSideEncryptionByDefault: Record<string, unknown> }>;
        }
      ).ServerSideEncryptionConfiguration[0]!.ServerSideEncryptionByDefault;
      if (id === logicalId(s.hub.stateful.accessLogs)) expect(sse).toEqual({ SSEAlgorithm: 'AES256' });
      else
        expect(sse).toEqual({
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^(Inbound|Storage|Archive)Key/), 'Arn'] },
        });
    }
  });

  it('denies non-TLS and pre-TLS-1.2 requests on every bucket', () => {
    for (const id of Object.keys(resources(s.stateful, 'AWS::S3::Bucket'))) {
      const arn = { 'Fn::GetAtt': [id, 'Arn'] };
      const both = [arn, { 'Fn::Join': ['', [arn, '/*']] }];
      expect(bucketPolicyStatements(id)).toEqual(
        expect.arrayContaining([
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: both,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: both,
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          },
        ]),
      );
    }
  });

  it('lets only the inbound bucket, in this account, notify the batch-notifications queue and use its key', () => {
    const q = s.hub.stateful.queue(QUEUES.batchNotifications);
    const fromInbound = {
      ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [bucket('inbound').id, 'Arn'] } },
      StringEquals: { 'aws:SourceAccount': '111111111111' },
    };
    const service = (st: Statement) => JSON.stringify(st.Principal).includes('amazonaws.com');
    expect(queuePolicyStatements(logicalId(q.queue)).filter(service)).toEqual([
      {
        Sid: 'InboundBucketNotifies',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [logicalId(q.queue), 'Arn'] },
        Condition: fromInbound,
      },
    ]);
    expect(keyStatements(logicalId(s.hub.stateful.keys.hubQueues)).filter(service)).toEqual([
      {
        Sid: 'InboundBucketNotifiesEncrypted',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: '*',
        Condition: fromInbound,
      },
    ]);
  });

  it('sends ObjectCreated notifications of monthly/ to the batch-notifications queue', () => {
    s.stateful.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucket('inbound').id },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'monthly/' }] } },
            QueueArn: { 'Fn::GetAtt': [logicalId(s.hub.stateful.queue(QUEUES.batchNotifications).queue), 'Arn'] },
          },
        ],
      },
    });
  });
});

describe('tables', () => {
  it.each(Object.entries(TABLES))('%s: TTL on expiresAt, PITR, deletion protection, customer-managed KMS, retained', (key, spec) => {
    const id = logicalId(s.hub.stateful.tables[key as keyof typeof TABLES].table);
    const table = resources(s.stateful, 'AWS::DynamoDB::Table')[id]!;
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
      RecoveryPeriodInDays: PITR_RECOVERY_PERIOD_DAYS,
    });
    // The window the TTLs of shared/domain/retention.ts count as keeping (return-flows §5).
    expect(table.Properties.PointInTimeRecoverySpecification).toMatchObject({ RecoveryPeriodInDays: 35 });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(s.hub.stateful.keys.tables), 'Arn'] },
    });
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.DeletionPolicy).toBe('Retain');
    const keySchema = [
      { AttributeName: spec.partitionKey, KeyType: 'HASH' },
      ...('sortKey' in spec ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' }] : []),
    ];
    expect(table.Properties.KeySchema).toEqual(keySchema);
    const indexes = (table.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string }> | undefined)?.map((i) => i.IndexName) ?? [];
    expect(indexes).toEqual(('globalIndexes' in spec ? spec.globalIndexes : []).map((i) => i.name));
  });
});

describe('no copy outlives its limit (return-flows §5: backups count as keeping)', () => {
  it('keeps no copy of a table or a bucket beyond point-in-time recovery: no backup plan, replica, stream or replication', () => {
    for (const template of [s.stateful, s.stateless]) {
      const types = Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types.filter((t) => t.startsWith('AWS::Backup::') || t === 'AWS::DynamoDB::GlobalTable')).toEqual([]);
    }
    for (const table of Object.values(resources(s.stateful, 'AWS::DynamoDB::Table'))) {
      expect(table.Properties.Replicas).toBeUndefined();
      // A stream would let a consumer copy items out of the table's retention.
      expect(table.Properties.StreamSpecification).toBeUndefined();
      expect(table.Properties.KinesisStreamSpecification).toBeUndefined();
    }
    for (const b of Object.values(resources(s.stateful, 'AWS::S3::Bucket'))) expect(b.Properties.ReplicationConfiguration).toBeUndefined();
  });
});

const INBOUND_QUEUES: QueueSpec[] = [...Object.values(QUEUES.recipientInbound), QUEUES.ppsInbound];

describe('queues', () => {
  const queueIds = (spec: QueueSpec) => {
    const q = s.hub.stateful.queue(spec);
    return {
      queue: logicalId(q.queue),
      dlq: logicalId(q.deadLetterQueue),
      key: q.queue.encryptionMasterKey!.node.defaultChild as { logicalId?: string },
    };
  };
  const queueResource = (id: string) => resources(s.stateful, 'AWS::SQS::Queue')[id]!;

  it('declares every queue of the topology and its DLQ, nothing else', () => {
    expect(Object.keys(resources(s.stateful, 'AWS::SQS::Queue'))).toHaveLength(2 * allQueues().length);
  });

  it.each(allQueues().map((q) => [q.name, q] as const))(
    '%s: CMK encryption, DLQ after 5 receives, topology retention and visibility, 20 s long polling',
    (_name, spec) => {
      const ids = queueIds(spec);
      const keyArn = { 'Fn::GetAtt': [logicalId(s.hub.stateful.queue(spec).queue.encryptionMasterKey as never), 'Arn'] };
      const queue = queueResource(ids.queue);
      // What a party names in its policies has a stable name (deploy-path.test.ts); the rest is CloudFormation's.
      const names = queuePhysicalNames(DEV.stageName, spec);
      expect(queue.Properties).toEqual({
        ...(names.queueName ? { QueueName: names.queueName } : {}),
        KmsMasterKeyId: keyArn,
        MessageRetentionPeriod: spec.retentionSeconds,
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        ReceiveMessageWaitTimeSeconds: 20,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] }, maxReceiveCount: 5 },
        // A party's inbound queue takes 64 KiB at most (lock-down.test.ts); the others keep SQS's default.
        ...(INBOUND_QUEUES.includes(spec) ? { MaximumMessageSize: INBOUND_MESSAGE_MAX_BYTES } : {}),
        Tags: expect.any(Array),
      });
      const dlq = queueResource(ids.dlq);
      expect(dlq.Properties).toEqual({
        ...(names.deadLetterQueueName ? { QueueName: names.deadLetterQueueName } : {}),
        KmsMasterKeyId: keyArn,
        MessageRetentionPeriod: 14 * 86400,
        VisibilityTimeout: spec.visibilityTimeoutSeconds,
        ReceiveMessageWaitTimeSeconds: 20,
        Tags: expect.any(Array),
      });
      // AWS: the DLQ must not keep messages shorter than its source (14 days is the SQS maximum for both).
      expect(dlq.Properties.MessageRetentionPeriod as number).toBeGreaterThanOrEqual(queue.Properties.MessageRetentionPeriod as number);
      for (const id of [ids.queue, ids.dlq]) {
        expect(queuePolicyStatements(id)).toContainEqual({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:*',
          Resource: { 'Fn::GetAtt': [id, 'Arn'] },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        });
      }
    },
  );

  it('keeps recipient queues 14 days, and the visibility timeout at least six times the consumer function timeout', () => {
    for (const r of RECIPIENTS)
      expect(queueResource(queueIds(QUEUES.recipientOutbound[r]).queue).Properties.MessageRetentionPeriod).toBe(1_209_600);
    expect(queueResource(queueIds(QUEUES.batchNotifications).queue).Properties.VisibilityTimeout).toBe(6 * 900);
    for (const r of RETURNING_RECIPIENTS)
      expect(queueResource(queueIds(QUEUES.recipientInbound[r]).queue).Properties.VisibilityTimeout).toBe(6 * 30);
    expect(queueResource(queueIds(QUEUES.ppsInbound).queue).Properties.VisibilityTimeout).toBe(6 * 30);
  });
});

// Each party's access to its own channels (return-flows §1), the PPS's uploads and the binding of
// their key grants are proven by evaluation: test/unit/infra/access/.

describe('keys and alarm topic', () => {
  it('rotates every customer-managed key and retains it', () => {
    const keys = Object.values(resources(s.stateful, 'AWS::KMS::Key'));
    expect(keys.length).toBe(12);
    for (const k of keys) {
      expect(k.Properties.EnableKeyRotation).toBe(true);
      expect(k.DeletionPolicy).toBe('Retain');
    }
  });

  it('encrypts the alarm topic with a customer-managed key, denies non-TLS publishing and e-mails the configured address', () => {
    s.stateful.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(s.hub.stateful.keys.operations), 'Arn'] },
    });
    s.stateful.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    s.stateful.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: DEV.alarmEmail });
  });

  it("lets CloudWatch alarms of this stage's hub, in this account and region, publish to the topic and use its key; nobody else", () => {
    const topicId = logicalId(s.hub.stateful.alarmTopic);
    // CloudWatch publishes as its service principal: enforceSSL replaces SNS's default policy with a
    // deny, so without this allow no alarm could reach the topic (SNS guide, "Example cases for
    // Amazon SNS access control": ArnLike aws:SourceArn on the alarms, StringEquals aws:SourceAccount).
    const fromOurAlarms = {
      ArnLike: {
        // The region is known, hence its partition (the recommended target partitions): a literal ARN.
        'aws:SourceArn': `arn:aws:cloudwatch:${DEV.region}:${DEV.account}:alarm:Art60Hub-${DEV.stageName}-*`,
      },
      StringEquals: { 'aws:SourceAccount': DEV.account },
    };
    const topicPolicies = Object.values(resources(s.stateful, 'AWS::SNS::TopicPolicy')).filter((p) =>
      (p.Properties.Topics as Array<{ Ref: string }>).some((t) => t.Ref === topicId),
    );
    expect(topicPolicies).toHaveLength(1);
    const statements = (topicPolicies[0]!.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    expect(statements.filter((st) => st.Effect === 'Allow' && st.Sid !== 'TamperAlarmsPublish')).toEqual([
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topicId },
        Condition: fromOurAlarms,
      },
    ]);
    // The topic is encrypted: CloudWatch needs a data key from the topic's key to publish at all
    // (SNS guide, "Enable compatibility between event sources from AWS services and encrypted topics").
    // (EventBridge's lock-down alarms, TamperAlarmsPublish*, are proven in lock-down.test.ts.)
    const cloudWatchOnKey = keyStatements(logicalId(s.hub.stateful.keys.operations)).filter(
      (st) =>
        JSON.stringify(st.Principal) !== JSON.stringify({ AWS: `arn:aws:iam::${DEV.account}:root` }) &&
        st.Sid !== 'TamperAlarmsPublishToTopic',
    );
    expect(cloudWatchOnKey).toEqual([
      {
        Sid: 'CloudWatchAlarmsPublishToTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: fromOurAlarms,
      },
    ]);
  });

  it('declares no physical name but what partners name in their policies (naming.ts) and the log groups the logs key names', () => {
    const named = [
      'BucketName',
      'QueueName',
      'TableName',
      'TopicName',
      'FunctionName',
      'RoleName',
      'LogGroupName',
      'DashboardName',
      'AlarmName',
    ];
    const literal: string[] = [];
    for (const template of [s.stateful, s.stateless]) {
      for (const r of Object.values(template.toJSON().Resources as Record<string, Resource>)) {
        if (r.Type.startsWith('Custom::')) continue;
        // A reference ({ Ref }) to a generated name is fine; a literal string is a hard-coded name.
        for (const n of named) {
          if (r.Type === 'AWS::Logs::LogGroup' && n === 'LogGroupName') {
            expect(r.Properties.LogGroupName).toMatch(new RegExp(`^/art60-hub/${DEV.stageName}/`));
            continue;
          }
          if (typeof r.Properties?.[n] === 'string') literal.push(r.Properties[n] as string);
        }
      }
    }
    // The exceptions, each made by naming.ts: the party queues, the DLQs parties read, the inbound and reports buckets.
    expect(literal.sort()).toEqual(
      [
        ...['outbound-vdab', 'outbound-actiris', 'outbound-forem', 'outbound-pps', 'outbound-ocmw'].flatMap((q) => [
          `art60-dev-${q}`,
          `art60-dev-${q}-dlq`,
        ]),
        ...['inbound-vdab', 'inbound-actiris', 'inbound-pps'].map((q) => `art60-dev-${q}`),
        'art60-dev-inbound-111111111111-eu-west-1',
        'art60-dev-reports-111111111111-eu-west-1',
      ].sort(),
    );
  });
});

describe('outputs', () => {
  it('gives an operator every name the documentation tells them to read from the outputs, under that name', () => {
    const outputs = Object.keys(s.stateful.toJSON().Outputs as Record<string, unknown>);
    const named = new Set(
      readAllDocs().match(
        /\b(?:QueueUrl|DeadLetterQueueUrl|BucketName|TableName|QueuesKeyArn)[-*A-Za-z]*[*A-Za-z]|\b(?:Inbound|DisclosureParameter)KeyArn\b|\bReplayWindowDays\b/g,
      ),
    );
    expect(named.size).toBeGreaterThan(5);
    expect([...named].filter((name) => !outputs.includes(name))).toEqual([]);
    // One output per queue, DLQ, bucket, table and party key, named after the topology with its dashes dropped.
    for (const name of [
      'QueueUrloutboundvdab',
      'DeadLetterQueueUrlinboundpps',
      'BucketNamereports',
      'TableNamerefusedMessages',
      'QueuesKeyArnPPS',
      'ReplayWindowDays',
    ])
      expect(outputs).toContain(name);
    // The window an operator's re-delivery checks, as the stage configures it.
    expect((s.stateful.toJSON().Outputs as Record<string, { Value: unknown }>).ReplayWindowDays?.Value).toBe('400');
  });
});
