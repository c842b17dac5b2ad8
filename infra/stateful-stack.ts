import { ArnFormat, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { RECIPIENTS, RETURNING_RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { RECIPIENT_ARCHIVE_DAYS, REPORT_RETENTION_DAYS, STAGING_RETENTION_DAYS } from '../shared/domain/retention';
import { BUCKETS, type BucketKey, QUEUES, type QueueSpec, TABLES, type TableKey } from '../shared/topology';
import { notificationsTo } from './bucket-notifications';
import type { StageConfig } from './config';
import { ACCESS_LOG_RETENTION_DAYS, ARCHIVE_TRANSITION_TO_GLACIER_IR_DAYS } from './constants';
import { HubQueue } from './constructs/hub-queue';
import { HubTable } from './constructs/hub-table';
import { SecureBucket } from './constructs/secure-bucket';
import { hubStackPrefix, INBOUND_PREFIX, inboundBucketName, inboundKeyAlias, partyQueuesKeyAlias, pascalCase } from './naming';
import { grantPartyQueues, PARTIES, type Party, partyPrincipal, queuePhysicalNames } from './party-access';

export { INBOUND_PREFIX } from './naming';

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
    readonly tables: kms.Key;
    readonly hubQueues: kms.Key;
    readonly partyQueues: Readonly<Record<Party, kms.Key>>;
    readonly operations: kms.Key;
    readonly disclosureParameter: kms.Key;
  };
  readonly accessLogs: s3.Bucket;
  readonly buckets: Readonly<Record<BucketKey, s3.Bucket>>;
  /** Every queue of the topology by its logical name (`outbound-vdab`, …). */
  readonly queues: ReadonlyMap<string, HubQueue>;
  readonly tables: Readonly<Record<TableKey, HubTable>>;
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    // An alias only for the keys a party names in its key-use policies (infra/naming.ts).
    const key = (id: string, description: string, alias?: string): kms.Key =>
      new kms.Key(this, id, { description, enableKeyRotation: true, pendingWindow: Duration.days(30), alias });

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
      storage: key('StorageKey', 'art60 hub: staging, archive and reports buckets'),
      tables: key('TablesKey', 'art60 hub: DynamoDB tables'),
      hubQueues: key('HubQueuesKey', 'art60 hub: internal queues (batch notifications)'),
      partyQueues,
      operations: key('OperationsKey', 'art60 hub: alarm topic'),
      disclosureParameter: key('DisclosureParameterKey', 'art60 hub: SSM SecureString with the disclosure HMAC key'),
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
      encryptionKey: this.keys.storage,
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

    // --- Queues ------------------------------------------------------------------------------
    const queues = new Map<string, HubQueue>();
    const addQueue = (spec: QueueSpec, encryptionKey: kms.IKey): HubQueue => {
      const q = new HubQueue(this, `Queue-${spec.name}`, { spec, encryptionKey, ...queuePhysicalNames(config.stageName, spec) });
      queues.set(spec.name, q);
      return q;
    };
    const batchNotifications = addQueue(QUEUES.batchNotifications, this.keys.hubQueues);
    const recipientOutbound = Object.fromEntries(
      RECIPIENTS.map((r) => [r, addQueue(QUEUES.recipientOutbound[r], partyQueues[r])]),
    ) as Record<Recipient, HubQueue>;
    const recipientInbound = Object.fromEntries(
      RETURNING_RECIPIENTS.map((r) => [r, addQueue(QUEUES.recipientInbound[r], partyQueues[r])]),
    ) as Record<string, HubQueue>;
    const ppsOutbound = addQueue(QUEUES.ppsOutbound, partyQueues.PPS);
    const ppsInbound = addQueue(QUEUES.ppsInbound, partyQueues.PPS);
    const ocmwOutbound = addQueue(QUEUES.ocmwOutbound, partyQueues.PPS);
    this.queues = queues;

    inbound.addEventNotification(s3.EventType.OBJECT_CREATED, notificationsTo(batchNotifications.queue, inbound), {
      prefix: INBOUND_PREFIX,
    });

    // --- Cross-account access of the parties (return-flows §1) --------------------------------
    for (const r of RECIPIENTS) {
      const inboundQueue = recipientInbound[r];
      grantPartyQueues(r, config.recipients[r].roleArn, partyQueues[r], [recipientOutbound[r]], inboundQueue ? [inboundQueue] : []);
    }
    grantPartyQueues('PPS', config.pps.roleArn, partyQueues.PPS, [ppsOutbound, ocmwOutbound], [ppsInbound]);

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
    this.keys.inbound.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'PpsEncryptsUploadsThroughS3',
        principals: [pps],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` } },
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
    this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(config.alarmEmail));
    this.allowAlarmsToPublish();

    this.outputs();
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
    return this.exportValue(this.buckets[key].bucketArn, { name: exportedBucketArnName(this.stackName, key) });
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
