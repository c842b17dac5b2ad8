import { Fn, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { CLOUDTRAIL_API_CALL, TAMPER_RUNBOOK, type TamperRuleSpec } from './constructs/tamper-alarm';
import { hubStackPrefix, RUNBOOK_PAGE } from './naming';

/**
 * What the tamper rules watch, service by service: CloudTrail's names of the calls (its
 * `eventName`, which for a few APIs differs from the API's name, so both are listed) and how each
 * rule recognises the hub's own resources in the call's `requestParameters` or `resources`.
 */

/** S3: a data bucket's retention, policy, encryption, versioning, replication, notifications, logging, public access, ownership. */
export const BUCKET_RULE_EVENTS = [
  'PutBucketLifecycle',
  'DeleteBucketLifecycle',
  'PutBucketPolicy',
  'DeleteBucketPolicy',
  'PutBucketEncryption',
  'DeleteBucketEncryption',
  'PutBucketVersioning',
  'PutBucketReplication',
  'DeleteBucketReplication',
  'PutBucketNotification',
  'PutBucketNotificationConfiguration',
  'PutBucketLogging',
  'PutBucketPublicAccessBlock',
  'DeleteBucketPublicAccessBlock',
  'PutPublicAccessBlock',
  'DeletePublicAccessBlock',
  'PutBucketOwnershipControls',
  'DeleteBucketOwnershipControls',
  'PutBucketAcl',
  'PutObjectLockConfiguration',
  'PutBucketObjectLockConfiguration',
  'DeleteBucket',
];

/** KMS: a key taken from its data, given another policy, tags, rotation or aliases. */
export const KEY_TAMPER_EVENTS = [
  'ScheduleKeyDeletion',
  'DisableKey',
  'PutKeyPolicy',
  'TagResource',
  'UntagResource',
  'EnableKeyRotation',
  'DisableKeyRotation',
  'CreateAlias',
  'UpdateAlias',
  'DeleteAlias',
];

/** DynamoDB: TTL, backups, exports, restores, resource policies, the recovery window, the table itself. */
export const TABLE_TAMPER_EVENTS = [
  'UpdateTimeToLive',
  'CreateBackup',
  'ExportTableToPointInTime',
  'RestoreTableFromBackup',
  'RestoreTableToPointInTime',
  'PutResourcePolicy',
  'DeleteResourcePolicy',
  'UpdateContinuousBackups',
  'UpdateTable',
  'DeleteTable',
];

/** SQS: a hub queue's attributes (policy, key, redrive, retention), its permissions, its messages destroyed. */
export const QUEUE_TAMPER_EVENTS = ['SetQueueAttributes', 'AddPermission', 'RemovePermission', 'PurgeQueue', 'DeleteQueue'];

/** SNS: who receives the alarms, and the alarm topic's attributes (policy, key). */
export const TOPIC_TAMPER_EVENTS = [
  'Subscribe',
  'Unsubscribe',
  'SetTopicAttributes',
  'SetSubscriptionAttributes',
  'AddPermission',
  'RemovePermission',
  'DeleteTopic',
];

/** STS: assuming the operator role (by any route). */
export const OPERATOR_ASSUME_EVENTS = ['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity'];

/** EventBridge: the tamper rules themselves disabled, deleted, rewritten or stripped of their target. */
export const RULE_TAMPER_EVENTS = ['DisableRule', 'DeleteRule', 'PutRule', 'PutTargets', 'RemoveTargets'];

/**
 * Lambda: the hub's functions' code, configuration, permissions and triggers. CloudTrail names
 * Lambda's calls with their API version (`UpdateFunctionCode20150331v2`), so these are prefixes.
 */
export const FUNCTION_TAMPER_EVENT_PREFIXES = [
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'AddPermission',
  'RemovePermission',
  'CreateEventSourceMapping',
  'UpdateEventSourceMapping',
  'DeleteEventSourceMapping',
  'PutFunctionConcurrency',
  'DeleteFunctionConcurrency',
  'CreateFunctionUrlConfig',
  'UpdateFunctionUrlConfig',
  'DeleteFunction',
];

const field = (path: string) => events.EventField.fromPath(path);

/** The mail of a change: what, on which resource, by whom (the caller's ARN), from where, when, and whether it was refused. */
function changeMessage(service: string, resource: string): events.RuleTargetInput {
  return events.RuleTargetInput.fromText(
    `art60 hub lock-down: ${service} ${field('$.detail.eventName')} on ${resource} by ${field('$.detail.userIdentity.arn')} ` +
      `from ${field('$.detail.sourceIPAddress')} at ${field('$.detail.eventTime')} in ${field('$.region')} ` +
      `(error: ${field('$.detail.errorCode')}). Expected only during a deployment by the CloudFormation execution role; ` +
      `otherwise treat it as a security event (${RUNBOOK_PAGE}#${TAMPER_RUNBOOK.tampered}).`,
  );
}

const apiCall = (source: string, detail: Record<string, unknown>): events.EventPattern => ({
  source: [source],
  detailType: [CLOUDTRAIL_API_CALL],
  detail: { eventSource: [`${source.replace(/^aws\./, '')}.amazonaws.com`], ...detail },
});

/** The stateful resources the stateful stack's rules watch. */
export interface StatefulTamperTargets {
  readonly stageName: string;
  readonly buckets: readonly s3.IBucket[];
  readonly keys: readonly kms.IKey[];
  readonly tables: readonly dynamodb.ITable[];
  /** Every queue of the hub, dead-letter queues included. */
  readonly queues: readonly sqs.IQueue[];
  readonly topic: sns.ITopic;
  readonly operatorRole: iam.IRole;
}

/** The rules of the stateful stack: buckets, keys, tables, queues, the alarm topic, the operator role, the rules themselves. */
export function statefulTamperRules(t: StatefulTamperTargets): TamperRuleSpec[] {
  const account = Stack.of(t.topic).account;
  const tableArns = t.tables.map((table) => table.tableArn);
  const tableNames = t.tables.map((table) => table.tableName);
  return [
    {
      id: 'BucketRulesChanged',
      name: 'bucket-rules-changed',
      description: "A hub bucket's lifecycle, policy, encryption, versioning, replication, notifications, logging or access was changed",
      eventPattern: apiCall('aws.s3', {
        eventName: BUCKET_RULE_EVENTS,
        requestParameters: { bucketName: t.buckets.map((b) => b.bucketName) },
      }),
      message: changeMessage('S3', `bucket ${field('$.detail.requestParameters.bucketName')}`),
    },
    {
      id: 'KeyTampered',
      name: 'key-tampered',
      description: 'A hub key was disabled, scheduled for deletion, or its policy, tags, rotation or aliases changed',
      eventPattern: apiCall('aws.kms', { eventName: KEY_TAMPER_EVENTS, resources: { ARN: t.keys.map((k) => k.keyArn) } }),
      message: changeMessage('KMS', `key ${field('$.detail.requestParameters.keyId')} ${field('$.detail.requestParameters.aliasName')}`),
    },
    {
      id: 'TableTampered',
      name: 'table-tampered',
      description: "A hub table's TTL, backups, exports, restores, resource policy or recovery window was changed",
      eventPattern: apiCall('aws.dynamodb', {
        eventName: TABLE_TAMPER_EVENTS,
        // Each call names its table in its own field: by name, by ARN, as the source of a restore, in a backup's ARN.
        $or: [
          { requestParameters: { tableName: tableNames } },
          { requestParameters: { tableArn: tableArns } },
          { requestParameters: { resourceArn: tableArns.map((a) => ({ prefix: a })) } },
          { requestParameters: { sourceTableName: tableNames } },
          { requestParameters: { sourceTableArn: tableArns } },
          { requestParameters: { backupArn: tableArns.map((a) => ({ prefix: Fn.join('', [a, '/backup/']) })) } },
        ],
      }),
      message: changeMessage(
        'DynamoDB',
        `table ${field('$.detail.requestParameters.tableName')}${field('$.detail.requestParameters.tableArn')}` +
          `${field('$.detail.requestParameters.resourceArn')}${field('$.detail.requestParameters.sourceTableName')}` +
          `${field('$.detail.requestParameters.sourceTableArn')}${field('$.detail.requestParameters.backupArn')}`,
      ),
    },
    {
      id: 'QueueTampered',
      name: 'queue-tampered',
      description: "A hub queue's attributes or permissions were changed, or it was purged or deleted",
      // A queue URL may be written with several hosts; its path, `/<account>/<name>`, is the queue.
      eventPattern: apiCall('aws.sqs', {
        eventName: QUEUE_TAMPER_EVENTS,
        requestParameters: { queueUrl: t.queues.map((q) => ({ suffix: Fn.join('', [`/${account}/`, q.queueName]) })) },
      }),
      message: changeMessage('SQS', `queue ${field('$.detail.requestParameters.queueUrl')}`),
    },
    {
      id: 'AlarmTopicTampered',
      name: 'alarm-topic-tampered',
      description: "The alarm topic's subscriptions or attributes were changed",
      eventPattern: apiCall('aws.sns', {
        eventName: TOPIC_TAMPER_EVENTS,
        $or: [
          { requestParameters: { topicArn: [t.topic.topicArn] } },
          { requestParameters: { subscriptionArn: [{ prefix: Fn.join('', [t.topic.topicArn, ':']) }] } },
        ],
      }),
      message: changeMessage(
        'SNS',
        `${field('$.detail.requestParameters.topicArn')}${field('$.detail.requestParameters.subscriptionArn')}`,
      ),
    },
    {
      id: 'OperatorRoleAssumed',
      name: 'operator-role-assumed',
      description: 'Someone assumed (or tried to assume) the operator role',
      eventPattern: apiCall('aws.sts', { eventName: OPERATOR_ASSUME_EVENTS, requestParameters: { roleArn: [t.operatorRole.roleArn] } }),
      message: events.RuleTargetInput.fromText(
        `art60 hub: ${field('$.detail.userIdentity.arn')} assumed the operator role (${field('$.detail.eventName')}) ` +
          `as session ${field('$.detail.responseElements.assumedRoleUser.arn')}, source identity ` +
          `${field('$.detail.requestParameters.sourceIdentity')}, from ${field('$.detail.sourceIPAddress')} at ` +
          `${field('$.detail.eventTime')} (error: ${field('$.detail.errorCode')}). Check that this person was on duty ` +
          `(${RUNBOOK_PAGE}#${TAMPER_RUNBOOK.operatorAssumed}).`,
      ),
    },
    {
      id: 'TamperRulesTampered',
      name: 'tamper-rules-tampered',
      description: "A rule of this stage's hub was disabled, deleted, rewritten or given other targets",
      eventPattern: apiCall('aws.events', {
        eventName: RULE_TAMPER_EVENTS,
        requestParameters: { name: [{ prefix: `${hubStackPrefix(t.stageName)}-` }] },
      }),
      message: changeMessage('EventBridge', `rule ${field('$.detail.requestParameters.name')}`),
    },
  ];
}

/** The stateless resources the stateless stack's rule watches. */
export interface FunctionTamperTargets {
  readonly functions: readonly lambda.IFunction[];
  readonly mappings: readonly lambda.IEventSourceMapping[];
  /** Every queue of the hub, dead-letter queues included: a new trigger on one would read it. */
  readonly queueArns: readonly string[];
}

/** The rule of the stateless stack: the functions' code, configuration, permissions and triggers. */
export function functionTamperRules(t: FunctionTamperTargets): TamperRuleSpec[] {
  const functionNames = t.functions.flatMap((f) => [f.functionName, { prefix: f.functionArn }]);
  const mappingIds = t.mappings.map((m) => m.eventSourceMappingId);
  return [
    {
      id: 'FunctionTampered',
      name: 'function-tampered',
      description: "A hub function's code, configuration, permissions or triggers were changed, or a trigger was put on a hub queue",
      eventPattern: apiCall('aws.lambda', {
        eventName: FUNCTION_TAMPER_EVENT_PREFIXES.map((prefix) => ({ prefix })),
        $or: [
          { requestParameters: { functionName: functionNames } },
          { requestParameters: { uUID: mappingIds } },
          { requestParameters: { eventSourceArn: [...t.queueArns] } },
        ],
      }),
      message: changeMessage(
        'Lambda',
        `${field('$.detail.requestParameters.functionName')} ${field('$.detail.requestParameters.uUID')} ` +
          `${field('$.detail.requestParameters.eventSourceArn')}`,
      ),
    },
  ];
}
