import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { RECIPIENTS, RETURNING_RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { RECIPIENT_ARCHIVE_DAYS, REPORT_RETENTION_DAYS, STAGING_RETENTION_DAYS } from '../shared/domain/retention';
import { BUCKETS, type BucketKey, FUNCTIONS, QUEUES, type QueueSpec, TABLES, type TableKey } from '../shared/topology';
import { notificationsHandlerLogs, notificationsTo } from './bucket-notifications';
import type { StageConfig } from './config';
import { ACCESS_LOG_RETENTION_DAYS, ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS } from './constants';
import { deploymentRoleArn } from './constructs/deployment-role';
import { type FunctionKeySource, keyUsesOf } from './constructs/function-keys';
import { functionLogGroupName, functionRoleArnPattern, logGroupArn } from './constructs/hub-function';
import { allowKeyUse, hubKey, principalsOfAccount } from './constructs/hub-key';
import { HubQueue } from './constructs/hub-queue';
import { HubTable } from './constructs/hub-table';
import { OperatorRole, operatorRolePath } from './constructs/operator-role';
import { SecureBucket } from './constructs/secure-bucket';
import { TamperAlarm } from './constructs/tamper-alarm';
import { acknowledgeServerless, SERVERLESS_REASONS } from './nag';
import { hubStackPrefix, INBOUND_PREFIX, inboundBucketName, inboundKeyAlias, partyQueuesKeyAlias, pascalCase } from './naming';
import { grantPartyQueues, PARTIES, type Party, partyPrincipal, queuePhysicalNames } from './party-access';
import { required } from './required';

export { INBOUND_PREFIX } from './naming';

/**
 * The largest message a party may put on an inbound queue: 64 KiB. A return message is a few
 * hundred bytes of JSON (messages.md); SQS's default of 1 MiB would let a party fill the hub's
 * tables and logs sixteen times faster.
 */
export const INBOUND_MESSAGE_MAX_BYTES = 65_536;

/** The name of the log group of CDK's bucket-notifications handler (see notificationsHandlerLogs). */
export function notificationsHandlerLogGroupName(stageName: string): string {
  return `/art60-hub/${stageName}/bucket-notifications-handler`;
}

/** What a bucket policy's deny says of the rules of the archive, which only the deployment may change. */
export const ARCHIVE_RULE_ACTIONS = [
  's3:PutLifecycleConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutEncryptionConfiguration',
  's3:PutBucketVersioning',
];

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The stateful part of the hub: KMS keys, buckets, queues, tables and the alarm topic. Everything
 * here holds data or an identity (a key, a confirmed e-mail subscription) and is retained when the
 * stack goes; the functions live in the stateless stack and can be replaced freely.
 */
export class StatefulStack extends Stack {
  readonly config: StageConfig;
  readonly keys: {
    readonly inbound: kms.Key;
    readonly storage: kms.Key;
    readonly archive: kms.Key;
    readonly tables: kms.Key;
    readonly hubQueues: kms.Key;
    readonly partyQueues: Readonly<Record<Party, kms.Key>>;
    readonly operations: kms.Key;
    readonly disclosureParameter: kms.Key;
    readonly logs: kms.Key;
  };
  readonly accessLogs: s3.Bucket;
  readonly buckets: Readonly<Record<BucketKey, s3.Bucket>>;
  /** The buckets' ARNs exported so far ({@link StatefulStack.exportedBucketArn}). */
  private readonly exportedBucketArns = new Map<BucketKey, string>();
  /** Every queue of the topology by its logical name (`outbound-vdab`, …). */
  readonly queues: ReadonlyMap<string, HubQueue>;
  readonly tables: Readonly<Record<TableKey, HubTable>>;
  readonly alarmTopic: sns.Topic;
  readonly operatorRole: OperatorRole;
  readonly tamperAlarm: TamperAlarm;
  /** The role CloudFormation deploys with (the CDK bootstrap's execution role). */
  readonly deploymentRoleArn: string;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    this.deploymentRoleArn = deploymentRoleArn(this);
    // An alias only for the keys a party names in its key-use policies (infra/naming.ts).
    const key = (id: string, description: string, alias?: string): kms.Key => hubKey(this, id, description, alias);

    // One key per party's queues: a party's key policy names that party's role only, so no grant on
    // one key can reach another party's messages.
    const partyQueues = Object.fromEntries(
      PARTIES.map((p) => [
        p,
        key(`${pascalCase(p)}QueuesKey`, `art60 hub: queues of ${p} and their dead letters`, partyQueuesKeyAlias(config.stageName, p)),
      ]),
    ) as Record<Party, kms.Key>;
    this.keys = {
      inbound: key('InboundKey', 'art60 hub: raw monthly files from the PPS', inboundKeyAlias(config.stageName)),
      storage: key('StorageKey', 'art60 hub: staging and reports buckets'),
      // Its own key: split-batch may encrypt archive objects (a data key) but never decrypt one.
      archive: key('ArchiveKey', 'art60 hub: archive bucket'),
      tables: key('TablesKey', 'art60 hub: DynamoDB tables'),
      hubQueues: key('HubQueuesKey', 'art60 hub: internal queues (batch notifications)'),
      partyQueues,
      operations: key('OperationsKey', 'art60 hub: alarm topic'),
      disclosureParameter: key('DisclosureParameterKey', 'art60 hub: SSM SecureString with the disclosure HMAC key'),
      logs: key('LogsKey', "art60 hub: the functions' log groups"),
    };

    // --- Buckets -----------------------------------------------------------------------------
    this.accessLogs = new SecureBucket(this, 'AccessLogs', {
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(ACCESS_LOG_RETENTION_DAYS) }],
    }).bucket;
    const logs = (prefix: string) => ({ bucket: this.accessLogs, prefix: `${prefix}/` });

    const inbound = new SecureBucket(this, 'Inbound', {
      bucketName: inboundBucketName(config.stageName, this.account, this.region),
      encryptionKey: this.keys.inbound,
      accessLogs: logs(BUCKETS.inbound.name),
      // The whole bucket, not only monthly/: nothing the PPS drops may outlive the raw-file retention.
      lifecycleRules: [{ id: 'expire-raw-files', expiration: Duration.days(config.rawFileRetentionDays) }],
    }).bucket;
    const staging = new SecureBucket(this, 'Staging', {
      encryptionKey: this.keys.storage,
      accessLogs: logs(BUCKETS.staging.name),
      lifecycleRules: [{ id: 'sweep-staged-records', expiration: Duration.days(STAGING_RETENTION_DAYS) }],
    }).bucket;
    const archive = new SecureBucket(this, 'Archive', {
      encryptionKey: this.keys.archive,
      accessLogs: logs(BUCKETS.archive.name),
      lifecycleRules: RECIPIENTS.map((r) => ({
        id: `expire-${r.toLowerCase()}`,
        prefix: `${r}/`,
        expiration: Duration.days(RECIPIENT_ARCHIVE_DAYS[r]),
        transitions: [
          {
            storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
            transitionAfter: Duration.days(ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS),
          },
        ],
      })),
    }).bucket;
    const reports = new SecureBucket(this, 'Reports', {
      encryptionKey: this.keys.storage,
      accessLogs: logs(BUCKETS.reports.name),
      lifecycleRules: [{ id: 'expire-reports', expiration: Duration.days(REPORT_RETENTION_DAYS) }],
    }).bucket;
    this.buckets = { inbound, staging, archive, reports };

    // The archive is written once and destroyed only by its lifecycle rules (return-flows §5).
    archive.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyArchiveDeletion',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [archive.arnForObjects('*')],
      }),
    );
    archive.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyArchiveOverwrite',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [archive.arnForObjects('*')],
        // Every object-creating request must carry If-None-Match, so that no object is ever replaced.
        conditions: { Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } },
      }),
    );
    archive.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyArchiveVersioning',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutBucketVersioning'],
        resources: [archive.bucketArn],
      }),
    );

    // Only the deployment may change the archive's rules: a shorter lifecycle destroys early, none
    // keeps forever, another policy or encryption undoes the rest. Everyone else, administrators
    // included, is denied; the organisation's SCP and the tamper alarm close the rest (README, Lock-down).
    archive.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyArchiveRuleChangesButByDeployment',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ARCHIVE_RULE_ACTIONS,
        resources: [archive.bucketArn],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': this.deploymentRoleArn } },
      }),
    );
    // A key outside a recipient's prefix would match no lifecycle rule and never expire.
    archive.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyArchiveKeysOutsideRecipients',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['s3:PutObject'],
        notResources: RECIPIENTS.map((r) => archive.arnForObjects(`${r}/*`)),
      }),
    );
    this.lockDownInboundUploads(inbound);

    // --- Queues ------------------------------------------------------------------------------
    const queues = new Map<string, HubQueue>();
    const addQueue = (spec: QueueSpec, encryptionKey: kms.Key, maxMessageSizeBytes?: number): HubQueue => {
      const q = new HubQueue(this, `Queue-${spec.name}`, {
        spec,
        encryptionKey,
        maxMessageSizeBytes,
        ...queuePhysicalNames(config.stageName, spec),
      });
      queues.set(spec.name, q);
      return q;
    };
    const batchNotifications = addQueue(QUEUES.batchNotifications, this.keys.hubQueues);
    const recipientOutbound = Object.fromEntries(
      RECIPIENTS.map((r) => [r, addQueue(QUEUES.recipientOutbound[r], partyQueues[r])]),
    ) as Record<Recipient, HubQueue>;
    const recipientInbound = Object.fromEntries(
      RETURNING_RECIPIENTS.map((r) => [r, addQueue(QUEUES.recipientInbound[r], partyQueues[r], INBOUND_MESSAGE_MAX_BYTES)]),
    ) as Record<string, HubQueue>;
    const ppsOutbound = addQueue(QUEUES.ppsOutbound, partyQueues.PPS);
    const ppsInbound = addQueue(QUEUES.ppsInbound, partyQueues.PPS, INBOUND_MESSAGE_MAX_BYTES);
    const ocmwOutbound = addQueue(QUEUES.ocmwOutbound, partyQueues.PPS);
    this.queues = queues;

    inbound.addEventNotification(s3.EventType.OBJECT_CREATED, notificationsTo(batchNotifications.queue, inbound), {
      prefix: INBOUND_PREFIX,
    });

    // --- Cross-account access of the parties (return-flows §1) --------------------------------
    for (const r of RECIPIENTS) {
      const inboundQueue = recipientInbound[r];
      grantPartyQueues(
        config.stageName,
        r,
        config.recipients[r].roleArn,
        partyQueues[r],
        [recipientOutbound[r]],
        inboundQueue ? [inboundQueue] : [],
      );
    }
    grantPartyQueues(config.stageName, 'PPS', config.pps.roleArn, partyQueues.PPS, [ppsOutbound, ocmwOutbound], [ppsInbound]);

    const pps = partyPrincipal(config.pps.roleArn);
    inbound.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PpsWritesMonthlyFiles',
        principals: [pps],
        actions: ['s3:PutObject'],
        resources: [inbound.arnForObjects(`${INBOUND_PREFIX}*`)],
      }),
    );
    // S3 encrypts the PPS's upload with the inbound key: a data key to write, Decrypt for multipart parts.
    // For the inbound bucket only, by its stable name (a reference would be a cycle: the bucket names
    // the key): the context is the bucket's ARN with an S3 Bucket Key, the object's without one.
    const inboundArn = `arn:${this.partition}:s3:::${inboundBucketName(config.stageName, this.account, this.region)}`;
    this.keys.inbound.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PpsEncryptsUploadsThroughS3',
        principals: [pps],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` },
          ArnLike: { 'kms:EncryptionContext:aws:s3:arn': [inboundArn, `${inboundArn}/${INBOUND_PREFIX}*`] },
        },
      }),
    );

    // --- Tables ------------------------------------------------------------------------------
    this.tables = Object.fromEntries(
      (Object.keys(TABLES) as TableKey[]).map((k) => [
        k,
        new HubTable(this, `Table-${TABLES[k].name}`, { spec: TABLES[k], encryptionKey: this.keys.tables }),
      ]),
    ) as Record<TableKey, HubTable>;

    // --- Alarm topic (stateful: its e-mail subscription is confirmed once by a person) --------
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `art60 hub ${config.stageName} alarms`,
      masterKey: this.keys.operations,
      enforceSSL: true,
    });
    const mail = this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    acknowledgeServerless(mail, 'SNSRedrivePolicy', SERVERLESS_REASONS.emailHasNoDlq);
    this.allowAlarmsToPublish();

    this.operatorRole = new OperatorRole(this, 'Operator', {
      stageName: config.stageName,
      buckets: { inbound, archive, reports },
      inboundPrefix: INBOUND_PREFIX,
      tables: {
        batches: this.tables.batches.table,
        disclosures: this.tables.disclosures.table,
        refusedMessages: this.tables.refusedMessages.table,
      },
      recipientOutbound: RECIPIENTS.map((r) => recipientOutbound[r]),
      queues: [...queues.values()],
      disclosureKeyParameterArn: this.formatArn({
        service: 'ssm',
        resource: 'parameter',
        resourceName: config.disclosureKeyParameterName.replace(/^\//, ''),
      }),
      disclosureParameterKey: this.keys.disclosureParameter,
    });
    this.allowFunctionsToUseKeys();
    this.allowDeploymentToEncryptTables();
    notificationsHandlerLogs(this, {
      logGroupName: notificationsHandlerLogGroupName(config.stageName),
      encryptionKey: this.keys.logs,
      retention: config.logRetentionDays as logs.RetentionDays,
    });
    this.allowLogsToEncrypt([
      ...Object.values(FUNCTIONS).map((fn) => functionLogGroupName(config.stageName, fn.name)),
      notificationsHandlerLogGroupName(config.stageName),
    ]);
    this.tamperAlarm = new TamperAlarm(this, 'TamperAlarm', {
      buckets: Object.values(this.buckets),
      keys: [
        this.keys.inbound,
        this.keys.storage,
        this.keys.archive,
        this.keys.tables,
        this.keys.hubQueues,
        ...PARTIES.map((p) => partyQueues[p]),
        this.keys.operations,
        this.keys.disclosureParameter,
        this.keys.logs,
      ],
      topic: this.alarmTopic,
      topicKey: this.keys.operations,
    });

    this.outputs();
  }

  /** The keys of the resources a function may use (infra/constructs/function-keys.ts). */
  get functionKeySource(): FunctionKeySource {
    return {
      queueKey: (spec) => required(this.queue(spec).queue.encryptionMasterKey, `the ${spec.name} queue key`),
      bucketKey: (b) => required(this.buckets[b].encryptionKey, `the ${b} bucket key`),
      tableKey: (t) => required(this.tables[t].table.encryptionKey, `the ${t} table key`),
      disclosureParameterKey: this.keys.disclosureParameter,
    };
  }

  /**
   * The key policy side of every function's key grants: each key names the roles of the functions
   * that use it (by their stage's path, `aws:PrincipalArn`), for the actions their IAM policies
   * grant (infra/access.ts, from the same {@link keyUsesOf}), through the one service.
   */
  private allowFunctionsToUseKeys(): void {
    for (const fn of Object.values(FUNCTIONS)) {
      for (const use of keyUsesOf(fn, this.functionKeySource)) {
        allowKeyUse(use.key, {
          sid: `Function${pascalCase(fn.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()))}`,
          principalArns: [functionRoleArnPattern(this, this.config.stageName, fn.name)],
          actions: [...use.actions].sort(),
          viaService: use.service,
        });
      }
    }
  }

  /**
   * DynamoDB encrypts a table with a customer-managed key through grants it creates on the key, as
   * the principal that creates or updates the table: the deployment, through DynamoDB only, for
   * AWS resources only.
   */
  private allowDeploymentToEncryptTables(): void {
    const { principals, conditions } = principalsOfAccount(this, [this.deploymentRoleArn]);
    this.keys.tables.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DeploymentCreatesTableGrants',
        principals,
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          ...conditions,
          StringEquals: { 'kms:ViaService': `dynamodb.${this.region}.amazonaws.com` },
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
        },
      }),
    );
  }

  /**
   * CloudWatch Logs encrypts the hub's log groups with the logs key, as its regional service
   * principal, for exactly these groups (the encryption context CloudWatch Logs passes is the group's
   * ARN). Reading the logs needs no key permission; unmasking them needs `logs:Unmask`, which no
   * role of the hub has.
   */
  private allowLogsToEncrypt(logGroupNames: string[]): void {
    this.keys.logs.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsHubLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        resources: ['*'],
        conditions: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': logGroupNames.map((n) => logGroupArn(this, n)) } },
      }),
    );
  }

  /**
   * The inbound bucket takes an upload only under the inbound key and only as a new object:
   * - another algorithm (SSE-S3, DSSE) or another key named in the request is denied, and `aws:kms`
   *   without a key id too (S3 would use the AWS managed key); a request that names none gets the
   *   bucket's default, the inbound key. The headers are not required outright because the parts of
   *   a multipart upload (UploadPart, CompleteMultipartUpload) carry none and are authorized as
   *   s3:PutObject: requiring them would forbid multipart uploads of a monthly file (README, Lock-down);
   * - SSE-C is denied (and blocked by the bucket's encryption configuration);
   * - every object-creating request must carry `If-None-Match` (S3's conditional writes; the
   *   multipart steps that cannot carry it are exempted by `s3:ObjectCreationOperation`), so that a
   *   raw file is never replaced. The operator role alone is exempt: the runbook re-emits a file's
   *   event by copying it onto itself, and S3 refuses every copy under this rule.
   */
  private lockDownInboundUploads(inbound: s3.Bucket): void {
    const deny = (sid: string, conditions: Record<string, Record<string, unknown>>) =>
      inbound.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [inbound.arnForObjects('*')],
          conditions,
        }),
      );
    deny('DenyUploadsNotSseKms', { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } });
    deny('DenyUploadsWithAnotherKey', {
      StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': this.keys.inbound.keyArn },
    });
    deny('DenyUploadsSseKmsWithoutKeyId', {
      StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
      Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' },
    });
    deny('DenyUploadsSseC', { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'false' } });
    deny('DenyOverwriteOfRawFiles', {
      Null: { 's3:if-none-match': 'true' },
      Bool: { 's3:ObjectCreationOperation': 'true' },
      ArnNotLike: { 'aws:PrincipalArn': this.operatorPrincipalArn },
    });
  }

  /** The operator role's ARN pattern (its path), known before the role is made. */
  private get operatorPrincipalArn(): string {
    return this.formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `${operatorRolePath(this.config.stageName).slice(1)}*`,
    });
  }

  /**
   * CloudWatch publishes an alarm as its service principal. enforceSSL gives the topic a policy of
   * its own, which replaces SNS's default one, so nothing could publish without this allow; and the
   * topic is encrypted, so CloudWatch also needs data keys of its key (SNS guide, "Enable
   * compatibility between event sources from AWS services and encrypted topics"). Both are limited
   * to the alarms of this stage's hub, in this account and region (the confused-deputy guard).
   */
  private allowAlarmsToPublish(): void {
    const conditions = {
      ArnLike: {
        'aws:SourceArn': this.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${hubStackPrefix(this.config.stageName)}-*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
      StringEquals: { 'aws:SourceAccount': this.account },
    };
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions,
      }),
    );
    this.keys.operations.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTopic',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions,
      }),
    );
  }

  /**
   * A bucket's ARN for use in another stack, exported under a stable name derived from this
   * stack's, so that the other stack's statements (and their cdk-nag acknowledgements) name it.
   */
  exportedBucketArn(key: BucketKey): string {
    // Exported once however many functions use the bucket: an export name is unique in a stack.
    const exported =
      this.exportedBucketArns.get(key) ??
      this.exportValue(this.buckets[key].bucketArn, { name: exportedBucketArnName(this.stackName, key) });
    this.exportedBucketArns.set(key, exported);
    return exported;
  }

  /** The hub's queue of a topology spec. */
  queue(spec: QueueSpec): HubQueue {
    const q = this.queues.get(spec.name);
    if (q === undefined) throw new Error(`No queue ${spec.name}`);
    return q;
  }

  private outputs(): void {
    for (const [name, q] of this.queues) {
      new CfnOutput(this, `QueueUrl-${name}`, { value: q.queue.queueUrl, description: `${q.spec.urlEnv}: ${q.spec.description}` });
      new CfnOutput(this, `DeadLetterQueueUrl-${name}`, { value: q.deadLetterQueue.queueUrl, description: q.deadLetterSpec.description });
    }
    for (const [k, b] of Object.entries(this.buckets))
      new CfnOutput(this, `BucketName-${k}`, { value: b.bucketName, description: BUCKETS[k as BucketKey].env });
    for (const [k, t] of Object.entries(this.tables))
      new CfnOutput(this, `TableName-${k}`, { value: t.table.tableName, description: TABLES[k as TableKey].env });
    for (const p of PARTIES)
      new CfnOutput(this, `QueuesKeyArn-${p}`, { value: this.keys.partyQueues[p].keyArn, description: `KMS key of ${p}'s queues` });
    new CfnOutput(this, 'InboundKeyArn', {
      value: this.keys.inbound.keyArn,
      description: 'KMS key of the inbound bucket (the PPS uploads with it)',
    });
    new CfnOutput(this, 'DisclosureParameterKeyArn', {
      value: this.keys.disclosureParameter.keyArn,
      description: `Encrypt the SecureString ${this.config.disclosureKeyParameterName} with this key`,
    });
  }
}

/** The export name of a bucket's ARN (see {@link StatefulStack.exportedBucketArn}). */
export function exportedBucketArnName(stackName: string, key: BucketKey): string {
  return `${stackName}:${pascalCase(key)}BucketArn`;
}
