import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { archivePrefixOf } from '../shared/domain/batch/object-keys';
import { RECIPIENTS } from '../shared/domain/recipients';
import { type VariableSource, variablesOf } from '../shared/function-environment';
import type { BucketAccess, BucketKey, FunctionDeclaration, TableAccess, TableKey } from '../shared/topology';
import { recipientKbosJson } from './config';
import { METRICS_NAMESPACE } from './constants';
import type { HubFunction } from './constructs/hub-function';
import { ARCHIVE_READ_REASON, acknowledgeObjectWildcard, OBJECT_WILDCARD_REASONS } from './nag';
import { pascalCase } from './naming';
import { required } from './required';
import { INBOUND_PREFIX, type StatefulStack } from './stateful-stack';

/**
 * What each function may touch, derived from what it declares it uses (`FUNCTIONS[k].uses` in
 * shared/topology.ts): its environment names exactly the resources it is granted, so that a
 * function never learns of a resource it may not use.
 */

/**
 * S3 actions on a bucket's objects for each access level. Only staging is listed, and only one
 * batch's folder at a time ({@link ONE_BATCH_FOLDER}); other keys are known or kept.
 */
export const BUCKET_ACTIONS: Readonly<Record<BucketAccess, readonly string[]>> = {
  read: ['s3:GetObject'],
  // Archive: an operator's re-delivery reads back what one batch delivered, listing its folder only.
  readListBatch: ['s3:GetObject'],
  readWriteDelete: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  // Staging: a file's staged parts are written, read back, and deleted after a refusal or a delivery.
  readWriteDeleteListBatch: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  // Archive and reports: written once, never read back nor deleted by a function.
  createOnly: ['s3:PutObject'],
};

/** DynamoDB actions of each table access level. No Scan, no DeleteItem: state changes are conditional writes. */
export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  // The operators' tools: a re-delivery reads one manifest, a query reads one partition.
  getItem: ['dynamodb:GetItem'],
  query: ['dynamodb:Query'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:BatchWriteItem',
  ],
};

/**
 * The only listing of staging a function may make (`s3:prefix`, IAM's `StringLike`): one batch's folder,
 * `<sha256>/` (shared/domain/batch/object-keys.ts), whose leftovers a later attempt sweeps. A listing
 * of the whole bucket, or of any other prefix, is denied.
 */
export const ONE_BATCH_FOLDER = `${'?'.repeat(64)}/`;

/**
 * The only listings of the archive (`s3:prefix`, `StringLike`): one recipient's folder of one
 * batch, `<RECIPIENT>/<YYYY-MM>/<sha256>/` (shared/domain/batch/object-keys.ts), which an
 * operator's re-delivery lists to find the batch's parts. A listing of anything wider is denied.
 */
export const ONE_ARCHIVED_BATCH_FOLDERS: readonly string[] = RECIPIENTS.map((r) => archivePrefixOf(r, '????-??', '?'.repeat(64)));

/** The one listing of each bucket that a function may make, for the access levels that list. */
const LISTABLE_FOLDERS: Readonly<Partial<Record<BucketKey, readonly string[]>>> = {
  staging: [ONE_BATCH_FOLDER],
  archive: ONE_ARCHIVED_BATCH_FOLDERS,
};

/** Table access levels that only read: their key is used to decrypt only. */
const READ_ONLY_TABLE_ACCESS: ReadonlySet<TableAccess> = new Set(['read', 'getItem', 'query']);

/** What the Lambda event source mapping needs to poll a queue on the function's behalf. */
export const EVENT_SOURCE_ACTIONS = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'];

function variableValue(source: VariableSource, stateful: StatefulStack): string {
  const config = stateful.config;
  switch (source.kind) {
    case 'bucket':
      return stateful.buckets[source.bucket].bucketName;
    case 'table':
      return stateful.tables[source.table].table.tableName;
    case 'queueUrl':
      return stateful.queue(source.queue).queue.queueUrl;
    case 'queueArn':
      return stateful.queue(source.queue).queue.queueArn;
    case 'disclosureKeyParameter':
      return config.disclosureKeyParameterName;
    case 'setting':
      if (source.setting === 'maxRejectedShare') return String(config.maxRejectedShare);
      if (source.setting === 'recipientKbos') return recipientKbosJson(config);
      return String(config.refusedMessageRetentionDays);
  }
}

/** A function's environment: Powertools' settings and the variables of exactly what it uses. */
export function environmentOf(fn: FunctionDeclaration, stateful: StatefulStack): Record<string, string> {
  const env: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: fn.name,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
  for (const { name, source } of variablesOf(fn)) env[name] = variableValue(source, stateful);
  return env;
}

const exportedBucketArns = new WeakMap<StatefulStack, Map<BucketKey, string>>();

/** A bucket's exported ARN, exported once however many functions use the bucket (an export name is unique). */
function bucketArnOf(stateful: StatefulStack, bucket: BucketKey): string {
  const arns = exportedBucketArns.get(stateful) ?? new Map<BucketKey, string>();
  exportedBucketArns.set(stateful, arns);
  const arn = arns.get(bucket) ?? stateful.exportedBucketArn(bucket);
  arns.set(bucket, arn);
  return arn;
}

/** Adds the function's statements: one per resource group, exact actions, no wildcard where a name is known. */
export function grantUses(hubFunction: HubFunction, fn: FunctionDeclaration, stateful: StatefulStack): void {
  const { uses } = fn;
  const keyActions = new Map<kms.IKey, Set<string>>();
  const useKey = (key: kms.IKey, ...actions: string[]) => {
    const set = keyActions.get(key) ?? new Set<string>();
    for (const a of actions) set.add(a);
    keyActions.set(key, set);
  };
  const allow = (sid: string, actions: readonly string[], resources: string[]) =>
    hubFunction.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions: [...actions], resources }));
  const queueKey = (q: ReturnType<StatefulStack['queue']>) => required(q.queue.encryptionMasterKey, `the ${q.spec.name} queue key`);

  if (fn.triggers.length > 0) {
    const consumed = fn.triggers.map((s) => stateful.queue(s));
    allow(
      'ConsumeTriggerQueues',
      EVENT_SOURCE_ACTIONS,
      consumed.map((q) => q.queue.queueArn),
    );
    for (const q of consumed) useKey(queueKey(q), 'kms:Decrypt');
  }
  if (uses.sendsTo.length > 0) {
    const targets = uses.sendsTo.map((s) => stateful.queue(s));
    allow(
      'SendToQueues',
      ['sqs:SendMessage'],
      targets.map((q) => q.queue.queueArn),
    );
    for (const q of targets) useKey(queueKey(q), 'kms:GenerateDataKey', 'kms:Decrypt');
  }
  for (const [b, level] of Object.entries(uses.buckets) as Array<[BucketKey, BucketAccess]>) {
    const bucketArn = bucketArnOf(stateful, b);
    const objects = `${bucketArn}/${b === 'inbound' ? INBOUND_PREFIX : ''}*`;
    allow(`${pascalCase(b)}Objects`, BUCKET_ACTIONS[level], [objects]);
    if (level === 'readWriteDeleteListBatch' || level === 'readListBatch') {
      const folders = required(LISTABLE_FOLDERS[b], `the one folder of ${b} a function may list`);
      hubFunction.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: `${pascalCase(b)}ListOneBatch`,
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': folders.length === 1 ? folders[0] : [...folders] } },
        }),
      );
    }
    // Object keys are made at run time (by the PPS, per batch); only the bucket and prefix are known.
    acknowledgeObjectWildcard(hubFunction.role, objects, level === 'readListBatch' ? ARCHIVE_READ_REASON : OBJECT_WILDCARD_REASONS[b]);
    const key = required(stateful.buckets[b].encryptionKey, `the ${b} bucket key`);
    if (level === 'read' || level === 'readListBatch') useKey(key, 'kms:Decrypt');
    else useKey(key, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
  for (const [t, level] of Object.entries(uses.tables) as Array<[TableKey, TableAccess]>) {
    const hubTable = stateful.tables[t];
    const resources = [hubTable.table.tableArn];
    // Queries by a global index need the index's ARN; the spec names each index.
    if (TABLE_ACTIONS[level].includes('dynamodb:Query')) {
      for (const index of hubTable.spec.globalIndexes ?? []) resources.push(`${hubTable.table.tableArn}/index/${index.name}`);
    }
    allow(`${pascalCase(t)}Table`, TABLE_ACTIONS[level], resources);
    const tableKey = required(hubTable.table.encryptionKey, `the ${t} table key`);
    useKey(tableKey, 'kms:Decrypt', 'kms:DescribeKey');
    if (!READ_ONLY_TABLE_ACCESS.has(level)) useKey(tableKey, 'kms:Encrypt', 'kms:GenerateDataKey');
  }
  if (uses.disclosureKey) {
    const name = stateful.config.disclosureKeyParameterName;
    allow(
      'ReadDisclosureKeyParameter',
      ['ssm:GetParameter'],
      [Stack.of(hubFunction).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') })],
    );
    useKey(stateful.keys.disclosureParameter, 'kms:Decrypt');
  }
  let i = 0;
  for (const [key, actions] of keyActions) allow(`UseKey${++i}`, [...actions].sort(), [key.keyArn]);
}
