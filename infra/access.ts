import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { archivePrefixOf } from '../shared/domain/batch/object-keys';
import { RECIPIENTS } from '../shared/domain/recipients';
import { type VariableSource, variablesOf } from '../shared/function-environment';
import type { BucketAccess, BucketKey, FunctionDeclaration, QueueSpec, TableKey } from '../shared/topology';
import { recipientKbosJson } from './config';
import { METRICS_NAMESPACE } from './constants';
import { keyUsesOf } from './constructs/function-keys';
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

/** A function's DynamoDB actions on one table: on the table itself, and on its global indexes. */
export interface TableActions {
  readonly table: readonly string[];
  readonly indexes?: readonly string[];
}

/** The DynamoDB actions of the functions that run use cases of their own. */
const OWN_TABLE_ACTIONS = {
  'split-batch': {
    // DynamoManifestStore: claim (PutItem), state changes (UpdateItem), read (GetItem).
    batches: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
    // DynamoDeliveryLedger: puts only, 25 at a time.
    paymentLines: { table: ['dynamodb:BatchWriteItem'] },
    disclosures: { table: ['dynamodb:BatchWriteItem'] },
    deliveryProofs: { table: ['dynamodb:BatchWriteItem'] },
  },
  'region-inbound': {
    // DynamoPaymentLines: getLine (Query of the line's deliveries, GetItem of its status), addDecision
    // (PutItem, GetItem on a repeat), applyStatus, markDecisionForwarded. Never the byInszHmac index.
    paymentLines: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
    // DynamoCorrections: create (PutItem, GetItem on a repeat), markForwardedToPps.
    corrections: { table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
    // DynamoRefusedMessages.record.
    refusedMessages: { table: ['dynamodb:PutItem'] },
    // DynamoDisclosureLog.record: a correction request forwarded to the PPS.
    disclosures: { table: ['dynamodb:PutItem'] },
  },
  'pps-inbound': {
    // DynamoCorrections: findByCorrectionId (Query of the index, GetItem), decide, markOutcomeSent, markForwardedToOcmw.
    corrections: { table: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], indexes: ['dynamodb:Query'] },
    refusedMessages: { table: ['dynamodb:PutItem'] },
    // DynamoDisclosureLog.record: an approved correction passed on for the OCMW.
    disclosures: { table: ['dynamodb:PutItem'] },
  },
  // The operators' tools (shared/domain/operations): the one read each makes, and nothing else.
  'operator-redeliver': {
    // DynamoManifestStore.get: the batch's manifest.
    batches: { table: ['dynamodb:GetItem'] },
    // DynamoRedeliveryLog: the re-delivery in the record of disclosures, puts only, 25 at a time.
    disclosures: { table: ['dynamodb:BatchWriteItem'] },
  },
  'operator-disclosures': {
    // DynamoDisclosures.forPerson: one person's partition of FOREM's disclosures, and VDAB's and
    // Actiris's payment lines by person (the byInszHmac index), never the lines table itself.
    disclosures: { table: ['dynamodb:Query'] },
    paymentLines: { table: [], indexes: ['dynamodb:Query'] },
  },
  'operator-refused-messages': {
    // DynamoRefusedMessages.list: one channel's partition.
    refusedMessages: { table: ['dynamodb:Query'] },
  },
  'operator-proof': {
    // DynamoDeliveryProofs.forMessage: one message id's partition.
    deliveryProofs: { table: ['dynamodb:Query'] },
  },
  // The scheduled check (shared/domain/operations/batch-watch.ts).
  'batch-watch': {
    // DynamoWatchedBatches: the batches PUBLISHING, those DELIVERED this month; the byStatus index only.
    batches: { table: [], indexes: ['dynamodb:Query'] },
  },
} satisfies Record<string, Readonly<Partial<Record<TableKey, TableActions>>>>;

/**
 * The DynamoDB actions each function calls on each of its tables, exactly: the commands that the
 * adapters it wires send, in the methods it calls (lock-down.test.ts reads them from the adapters'
 * source). No BatchGetItem, Scan or DeleteItem anywhere; the corrections index is queried only by
 * pps-inbound's use case (a decision names its correction by id). The table list must be the one the
 * function declares (`uses.tables` in shared/topology.ts), which synthesis checks. The operators'
 * move-only tools run the use cases of other functions, so they call exactly what those call: the
 * re-notify tool split-batch's, the dead-letter tool region-inbound's and pps-inbound's together.
 */
export const FUNCTION_TABLE_ACTIONS: Readonly<Record<string, Readonly<Partial<Record<TableKey, TableActions>>>>> = {
  ...OWN_TABLE_ACTIONS,
  'operator-renotify-file': OWN_TABLE_ACTIONS['split-batch'],
  'operator-reprocess-dead-letters': unionOf(OWN_TABLE_ACTIONS['region-inbound'], OWN_TABLE_ACTIONS['pps-inbound']),
};

/** The table actions of two functions together, each list sorted. */
function unionOf(
  a: Readonly<Partial<Record<TableKey, TableActions>>>,
  b: Readonly<Partial<Record<TableKey, TableActions>>>,
): Partial<Record<TableKey, TableActions>> {
  const union: Partial<Record<TableKey, TableActions>> = {};
  for (const t of new Set([...Object.keys(a), ...Object.keys(b)]) as Set<TableKey>) {
    const merge = (x?: readonly string[], y?: readonly string[]) => [...new Set([...(x ?? []), ...(y ?? [])])].sort();
    const indexes = merge(a[t]?.indexes, b[t]?.indexes);
    union[t] = { table: merge(a[t]?.table, b[t]?.table), ...(indexes.length > 0 ? { indexes } : {}) };
  }
  return union;
}

/** The exact table actions of a function, checked against the tables it declares. */
export function tableActionsOf(fn: FunctionDeclaration): Readonly<Partial<Record<TableKey, TableActions>>> {
  const actions = FUNCTION_TABLE_ACTIONS[fn.name];
  const declared = Object.keys(fn.uses.tables).sort();
  if (actions === undefined || JSON.stringify(Object.keys(actions).sort()) !== JSON.stringify(declared)) {
    throw new Error(`${fn.name}: FUNCTION_TABLE_ACTIONS must name exactly the tables it uses (${declared.join(', ')})`);
  }
  return actions;
}

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
      return queueOrDeadLetters(stateful, source.queue).queueUrl;
    case 'queueArn':
      return stateful.queue(source.queue).queue.queueArn;
    case 'disclosureKeyParameter':
      return config.disclosureKeyParameterName;
    case 'setting':
      if (source.setting === 'maxRejectedShare') return String(config.maxRejectedShare);
      if (source.setting === 'maxRows') return String(config.maxRows);
      if (source.setting === 'recipientKbos') return recipientKbosJson(config);
      if (source.setting === 'monthlyFileDueDay') return String(config.monthlyFileDueDay);
      if (source.setting === 'replayWindowDays') return String(config.replayWindowDays);
      return String(config.refusedMessageRetentionDays);
  }
}

/** The hub's queue of a spec, or the dead-letter queue of one (`inbound-vdab-dlq`). */
function queueOrDeadLetters(stateful: StatefulStack, spec: QueueSpec): sqs.IQueue {
  for (const q of stateful.queues.values()) {
    if (q.spec.name === spec.name) return q.queue;
    if (q.deadLetterSpec.name === spec.name) return q.deadLetterQueue;
  }
  throw new Error(`No queue ${spec.name}`);
}

/** What an operator's reprocessing does with a dead-letter queue: receive its messages and delete the handled ones. */
export const DEAD_LETTER_DRAIN_ACTIONS = ['sqs:DeleteMessage', 'sqs:ReceiveMessage'];

/** A function's environment: Powertools' settings and the variables of exactly what it uses. */
export function environmentOf(fn: FunctionDeclaration, stateful: StatefulStack): Record<string, string> {
  const env: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: fn.name,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
  for (const { name, source } of variablesOf(fn)) env[name] = variableValue(source, stateful);
  return env;
}

/** Adds the function's statements: one per resource group, exact actions, no wildcard where a name is known. */
export function grantUses(hubFunction: HubFunction, fn: FunctionDeclaration, stateful: StatefulStack): void {
  const { uses } = fn;
  const allow = (sid: string, actions: readonly string[], resources: string[]) =>
    hubFunction.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions: [...actions], resources }));

  if (fn.triggers.length > 0) {
    allow(
      'ConsumeTriggerQueues',
      EVENT_SOURCE_ACTIONS,
      fn.triggers.map((s) => stateful.queue(s).queue.queueArn),
    );
  }
  if (uses.deadLettersOf !== undefined && uses.deadLettersOf.length > 0) {
    allow(
      'DrainDeadLetters',
      DEAD_LETTER_DRAIN_ACTIONS,
      uses.deadLettersOf.map((s) => stateful.queue(s).deadLetterQueue.queueArn),
    );
  }
  if (uses.sendsTo.length > 0) {
    allow(
      'SendToQueues',
      ['sqs:SendMessage'],
      uses.sendsTo.map((s) => stateful.queue(s).queue.queueArn),
    );
  }
  for (const [b, level] of Object.entries(uses.buckets) as Array<[BucketKey, BucketAccess]>) {
    const bucketArn = stateful.exportedBucketArn(b);
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
  }
  for (const [t, actions] of Object.entries(tableActionsOf(fn)) as Array<[TableKey, TableActions]>) {
    const hubTable = stateful.tables[t];
    if (actions.table.length > 0) allow(`${pascalCase(t)}Table`, actions.table, [hubTable.table.tableArn]);
    if (actions.indexes) {
      allow(
        `${pascalCase(t)}Indexes`,
        actions.indexes,
        (hubTable.spec.globalIndexes ?? []).map((index) => `${hubTable.table.tableArn}/index/${index.name}`),
      );
    }
  }
  if (uses.disclosureKey) {
    const name = stateful.config.disclosureKeyParameterName;
    allow(
      'ReadDisclosureKeyParameter',
      ['ssm:GetParameter'],
      [Stack.of(hubFunction).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') })],
    );
  }
  // The IAM side of each key grant; the key policy names the role too (StatefulStack), for the same actions.
  keyUsesOf(fn, stateful.functionKeySource).forEach((use, i) => {
    allow(`UseKey${i + 1}`, [...use.actions].sort(), [use.key.keyArn]);
  });
}
