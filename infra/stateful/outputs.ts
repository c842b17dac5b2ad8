import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { BUCKETS, type BucketKey, SETTINGS_ENV, TABLES, type TableKey } from '../../shared/topology';
import type { HubQueue } from '../constructs/hub-queue';
import type { HubTable } from '../constructs/hub-table';
import { PARTIES } from '../party-access';
import type { HubKeys } from './keys';

/** What the stateful stack's outputs name. */
export interface StatefulOutputsProps {
  readonly queues: ReadonlyMap<string, HubQueue>;
  readonly buckets: Readonly<Record<BucketKey, s3.Bucket>>;
  readonly tables: Readonly<Record<TableKey, HubTable>>;
  readonly keys: HubKeys;
  readonly disclosureKeyParameterName: string;
  readonly replayWindowDays: number;
}

/** The stack's outputs: what a deployer and the parties need to know of the stateful resources. */
export function addStatefulOutputs(stack: Stack, props: StatefulOutputsProps): void {
  for (const [name, q] of props.queues) {
    new CfnOutput(stack, `QueueUrl-${name}`, { value: q.queue.queueUrl, description: `${q.spec.urlEnv}: ${q.spec.description}` });
    new CfnOutput(stack, `DeadLetterQueueUrl-${name}`, { value: q.deadLetterQueue.queueUrl, description: q.deadLetterSpec.description });
  }
  for (const [k, b] of Object.entries(props.buckets))
    new CfnOutput(stack, `BucketName-${k}`, { value: b.bucketName, description: BUCKETS[k as BucketKey].env });
  for (const [k, t] of Object.entries(props.tables))
    new CfnOutput(stack, `TableName-${k}`, { value: t.table.tableName, description: TABLES[k as TableKey].env });
  for (const p of PARTIES)
    new CfnOutput(stack, `QueuesKeyArn-${p}`, { value: props.keys.partyQueues[p].keyArn, description: `KMS key of ${p}'s queues` });
  new CfnOutput(stack, 'InboundKeyArn', {
    value: props.keys.inbound.keyArn,
    description: 'KMS key of the inbound bucket (the PPS uploads with it)',
  });
  new CfnOutput(stack, 'ReplayWindowDays', {
    value: String(props.replayWindowDays),
    description: `${SETTINGS_ENV.replayWindowDays}: days the archive keeps what was delivered (npm run redeliver refuses a batch past it)`,
  });
  new CfnOutput(stack, 'DisclosureParameterKeyArn', {
    value: props.keys.disclosureParameter.keyArn,
    description: `Encrypt the SecureString ${props.disclosureKeyParameterName} with this key`,
  });
}
