import { Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { RECIPIENTS } from '../shared/domain/recipients';
import { type BucketKey, FUNCTIONS, type QueueSpec, TABLES, type TableKey } from '../shared/topology';
import { notificationsTo } from './bucket-notifications';
import type { StageConfig } from './config';
import { deploymentRoleArn } from './constructs/deployment-role';
import type { FunctionKeySource } from './constructs/function-keys';
import { functionRoleArnPattern, hubRolesArnPattern } from './constructs/hub-function';
import type { HubQueue } from './constructs/hub-queue';
import { HubTable } from './constructs/hub-table';
import { OperatorRole } from './constructs/operator-role';
import { TamperAlarm } from './constructs/tamper-alarm';
import { INBOUND_PREFIX, pascalCase } from './naming';
import { PARTY_CHANNELS } from './party-access';
import { required } from './required';
import { createAlarmTopic } from './stateful/alerting';
import {
  allowPpsToReadReports,
  allowPpsUploads,
  denyDeletionButBy,
  denyRuleChangesButByDeployment,
  lockDownAccessLogs,
  lockDownArchive,
  lockDownInboundUploads,
} from './stateful/bucket-policies';
import { createBuckets } from './stateful/buckets';
import {
  allowBreakGlassToCreateTheDisclosureKey,
  allowDeploymentToEncryptTables,
  allowFunctionsToUseKeys,
  encryptLogGroups,
} from './stateful/key-policies';
import { createHubKeys, everyKey, type HubKeys } from './stateful/keys';
import { addStatefulOutputs } from './stateful/outputs';
import { createQueues, grantPartiesTheirQueues, lockDownQueues } from './stateful/queues';

export { INBOUND_PREFIX } from './naming';

export interface StatefulStackProps extends StackProps {
  readonly config: StageConfig;
}

/**
 * The stateful part of the hub: KMS keys, buckets, queues, tables and the alarm topic. Everything
 * here holds data or an identity (a key, a confirmed e-mail subscription) and is retained when the
 * stack goes; the functions live in the stateless stack and can be replaced freely.
 *
 * Each concern is built by a function of infra/stateful/ in this stack's own scope, so that the
 * construct paths, hence the logical ids, are the stack's children; the order of the steps is the
 * order of the statements in the policies they share.
 */
export class StatefulStack extends Stack {
  readonly config: StageConfig;
  readonly keys: HubKeys;
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

    // 1. Keys, buckets and the buckets' own policies.
    this.keys = createHubKeys(this, config.stageName);
    const { accessLogs, buckets } = createBuckets(this, config, this.keys);
    this.accessLogs = accessLogs;
    this.buckets = buckets;
    const { inbound, staging, archive, reports } = buckets;
    lockDownArchive(archive, this.deploymentRoleArn);
    lockDownInboundUploads(inbound, config.pps.roleArn);
    denyDeletionButBy(staging, [functionRoleArnPattern(this, config.stageName, FUNCTIONS.splitBatch.name)]);
    denyDeletionButBy(reports);
    lockDownAccessLogs(accessLogs);
    for (const bucket of [inbound, staging, reports, accessLogs]) denyRuleChangesButByDeployment(bucket, this.deploymentRoleArn);

    // 2. Queues, the inbound bucket's notifications to the hub's queue, the parties' access.
    const queues = createQueues(this, config.stageName, this.keys);
    this.queues = queues.all;
    inbound.addEventNotification(s3.EventType.OBJECT_CREATED, notificationsTo(queues.batchNotifications.queue, inbound), {
      prefix: INBOUND_PREFIX,
    });
    grantPartiesTheirQueues(config, this.keys, queues);
    lockDownQueues(config, queues, this.deploymentRoleArn);
    allowPpsUploads(this, config, inbound, this.keys.inbound);
    allowPpsToReadReports(this, config, reports, this.keys.storage);

    // 3. Tables.
    this.tables = Object.fromEntries(
      (Object.keys(TABLES) as TableKey[]).map((k) => [
        k,
        new HubTable(this, `Table-${TABLES[k].name}`, {
          spec: TABLES[k],
          encryptionKey: this.keys.tables,
          deploymentRoleArn: this.deploymentRoleArn,
          hubRolesArnPattern: hubRolesArnPattern(this, config.stageName),
        }),
      ]),
    ) as Record<TableKey, HubTable>;

    // 4. The alarm topic, the operator role, the key policies of the hub's own principals.
    this.alarmTopic = createAlarmTopic(this, config, this.keys.operations);
    const disclosureKeyParameterArn = this.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: config.disclosureKeyParameterName.replace(/^\//, ''),
    });
    const partyInbound = new Set(Object.values(PARTY_CHANNELS).flatMap((c) => c.sendsTo.map((spec) => spec.name)));
    this.operatorRole = new OperatorRole(this, 'Operator', {
      stageName: config.stageName,
      trustedPrincipalArns: config.operatorPrincipalArns,
      buckets: { archive, reports },
      tables: {
        batches: this.tables.batches.table,
        disclosures: this.tables.disclosures.table,
        refusedMessages: this.tables.refusedMessages.table,
      },
      recipientOutbound: RECIPIENTS.map((r) => queues.recipientOutbound[r]),
      queues: [...queues.all.values()].filter((q) => !partyInbound.has(q.spec.name)),
      disclosureKeyParameterArn,
      disclosureParameterKey: this.keys.disclosureParameter,
    });
    allowBreakGlassToCreateTheDisclosureKey(this, this.keys.disclosureParameter, disclosureKeyParameterArn);
    allowFunctionsToUseKeys(this, config.stageName, this.functionKeySource);
    allowDeploymentToEncryptTables(this, this.keys.tables, this.deploymentRoleArn);
    encryptLogGroups(this, config, this.keys.logs);

    // 5. The tamper alarm over every bucket and key, and the outputs.
    this.tamperAlarm = new TamperAlarm(this, 'TamperAlarm', {
      buckets: Object.values(this.buckets),
      keys: everyKey(this.keys),
      topic: this.alarmTopic,
      topicKey: this.keys.operations,
    });
    addStatefulOutputs(this, {
      queues: this.queues,
      buckets: this.buckets,
      tables: this.tables,
      keys: this.keys,
      disclosureKeyParameterName: config.disclosureKeyParameterName,
      replayWindowDays: config.replayWindowDays,
    });
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
}

/** The export name of a bucket's ARN (see {@link StatefulStack.exportedBucketArn}). */
export function exportedBucketArnName(stackName: string, key: BucketKey): string {
  return `${stackName}:${pascalCase(key)}BucketArn`;
}
