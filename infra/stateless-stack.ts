import { Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { BUCKETS, type FUNCTIONS, SETTINGS_ENV, TABLES } from '../shared/topology';
import { BUCKET_ACTIONS, EVENT_SOURCE_ACTIONS, FUNCTION_ACCESS, type FunctionAccess, TABLE_ACTIONS } from './access';
import { recipientKbosJson } from './config';
import { METRICS_NAMESPACE } from './constants';
import { HubFunction } from './constructs/hub-function';
import { Monitoring } from './monitoring';
import { acknowledgeObjectWildcard, OBJECT_WILDCARD_REASONS } from './nag';
import { required } from './required';
import { type BucketKey, INBOUND_PREFIX, type StatefulStack, type TableKey } from './stateful-stack';

export interface StatelessStackProps extends StackProps {
  readonly stateful: StatefulStack;
  /** The project's root (entries, package-lock.json). */
  readonly projectRoot: string;
}

export type FunctionKey = keyof typeof FUNCTIONS;

/**
 * The stateless part of the hub: the functions, their triggers, their least-privilege roles, the
 * dashboard and the alarms. Replaceable at will; all data lives in the stateful stack.
 */
export class StatelessStack extends Stack {
  readonly functions: Readonly<Record<FunctionKey, HubFunction>>;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stateful } = props;
    const config = stateful.config;

    this.functions = Object.fromEntries(
      (Object.keys(FUNCTION_ACCESS) as FunctionKey[]).map((k) => {
        const access: FunctionAccess = FUNCTION_ACCESS[k];
        const hubFunction = new HubFunction(this, `Fn-${access.spec.name}`, {
          spec: access.spec,
          projectRoot: props.projectRoot,
          environment: environmentOf(access, stateful),
          logRetention: config.logRetentionDays as logs.RetentionDays,
        });
        grant(hubFunction, access, stateful);
        for (const trigger of access.spec.triggers) {
          new lambda.EventSourceMapping(this, `Trigger-${access.spec.name}-${trigger.name}`, {
            target: hubFunction.fn,
            eventSourceArn: stateful.queue(trigger).queue.queueArn,
            batchSize: access.spec.batchSize,
            reportBatchItemFailures: true,
          });
        }
        return [k, hubFunction];
      }),
    ) as Record<FunctionKey, HubFunction>;

    this.monitoring = new Monitoring(this, 'Monitoring', { stateful, functions: Object.values(this.functions) });
  }
}

/** A function's environment: the variables of exactly the resources it may use, and its settings. */
export function environmentOf(access: FunctionAccess, stateful: StatefulStack): Record<string, string> {
  const config = stateful.config;
  const env: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: access.spec.name,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    [SETTINGS_ENV.maxRejectedShare]: String(config.maxRejectedShare),
    [SETTINGS_ENV.recipientKbos]: recipientKbosJson(config),
    [SETTINGS_ENV.refusedMessageRetentionDays]: String(config.refusedMessageRetentionDays),
  };
  if (access.readsDisclosureKey) env[SETTINGS_ENV.disclosureKeyParameter] = config.disclosureKeyParameterName;
  for (const spec of [...access.spec.triggers, ...access.sendsTo]) {
    const q = stateful.queue(spec).queue;
    env[spec.urlEnv] = q.queueUrl;
    env[spec.arnEnv] = q.queueArn;
  }
  for (const spec of access.urlOnly) env[spec.urlEnv] = stateful.queue(spec).queue.queueUrl;
  for (const b of Object.keys(access.buckets) as BucketKey[]) env[BUCKETS[b].env] = stateful.buckets[b].bucketName;
  for (const t of Object.keys(access.tables) as TableKey[]) env[TABLES[t].env] = stateful.tables[t].table.tableName;
  return env;
}

/** Adds the function's statements: one per resource group, exact actions, no wildcard where a name is known. */
function grant(hubFunction: HubFunction, access: FunctionAccess, stateful: StatefulStack): void {
  const role = hubFunction.role;
  const keyActions = new Map<kms.IKey, Set<string>>();
  const useKey = (key: kms.IKey, ...actions: string[]) => {
    const set = keyActions.get(key) ?? new Set<string>();
    for (const a of actions) set.add(a);
    keyActions.set(key, set);
  };
  const allow = (sid: string, actions: readonly string[], resources: string[]) =>
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid, actions: [...actions], resources }));

  if (access.spec.triggers.length > 0) {
    const consumed = access.spec.triggers.map((s) => stateful.queue(s));
    allow(
      'ConsumeTriggerQueues',
      EVENT_SOURCE_ACTIONS,
      consumed.map((q) => q.queue.queueArn),
    );
    for (const q of consumed) useKey(required(q.queue.encryptionMasterKey, `the ${q.spec.name} queue key`), 'kms:Decrypt');
  }
  if (access.sendsTo.length > 0) {
    const targets = access.sendsTo.map((s) => stateful.queue(s));
    allow(
      'SendToQueues',
      ['sqs:SendMessage'],
      targets.map((q) => q.queue.queueArn),
    );
    for (const q of targets)
      useKey(required(q.queue.encryptionMasterKey, `the ${q.spec.name} queue key`), 'kms:GenerateDataKey', 'kms:Decrypt');
  }
  for (const [b, level] of Object.entries(access.buckets) as Array<[BucketKey, keyof typeof BUCKET_ACTIONS]>) {
    const bucketArn = stateful.exportedBucketArn(b);
    const objects = `${bucketArn}/${b === 'inbound' ? INBOUND_PREFIX : ''}*`;
    allow(`${pascal(b)}Objects`, BUCKET_ACTIONS[level], [objects]);
    // Object keys are made at run time (by the PPS, per batch); only the bucket and prefix are known.
    acknowledgeObjectWildcard(role, objects, OBJECT_WILDCARD_REASONS[b]);
    if (level === 'readWriteDelete') allow(`${pascal(b)}List`, ['s3:ListBucket'], [bucketArn]);
    const key = required(stateful.buckets[b].encryptionKey, `the ${b} bucket key`);
    if (level === 'read') useKey(key, 'kms:Decrypt');
    else useKey(key, 'kms:GenerateDataKey', 'kms:Decrypt');
  }
  for (const [t, level] of Object.entries(access.tables) as Array<[TableKey, keyof typeof TABLE_ACTIONS]>) {
    const hubTable = stateful.tables[t];
    const resources = [hubTable.table.tableArn];
    // Queries by a global index need the index's ARN; the spec names each index.
    if (TABLE_ACTIONS[level].includes('dynamodb:Query')) {
      for (const index of hubTable.spec.globalIndexes ?? []) resources.push(`${hubTable.table.tableArn}/index/${index.name}`);
    }
    allow(`${pascal(t)}Table`, TABLE_ACTIONS[level], resources);
    const tableKey = required(hubTable.table.encryptionKey, `the ${t} table key`);
    useKey(tableKey, 'kms:Decrypt', 'kms:DescribeKey');
    if (level !== 'read') useKey(tableKey, 'kms:Encrypt', 'kms:GenerateDataKey');
  }
  if (access.readsDisclosureKey) {
    const stack = Stack.of(hubFunction);
    const name = stateful.config.disclosureKeyParameterName;
    allow(
      'ReadDisclosureKeyParameter',
      ['ssm:GetParameter'],
      [stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') })],
    );
    useKey(stateful.keys.disclosureParameter, 'kms:Decrypt');
  }
  let i = 0;
  for (const [key, actions] of keyActions) {
    allow(`UseKey${++i}`, [...actions].sort(), [key.keyArn]);
  }
}

function pascal(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
