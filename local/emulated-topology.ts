import { type AttributeDefinition, CreateTableCommand, type DynamoDBClient, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { allQueues, BUCKETS, deadLetterQueueOf, type QueueSpec, TABLES, type TableSpec } from '../shared/topology';

/** The topology of shared/topology.ts created in the emulators: buckets, queues with their DLQs, tables. */

/** A queue as created: the URL and ARN the emulator gave it. */
export interface CreatedQueue {
  readonly url: string;
  readonly arn: string;
}

/** Every queue the stand-in creates: each topology queue and its dead-letter queue. */
export function localQueues(): QueueSpec[] {
  return allQueues().flatMap((spec) => [spec, deadLetterQueueOf(spec)]);
}

function tableDefinition(spec: TableSpec): CreateTableCommand {
  const keys = (partitionKey: string, sortKey?: string): KeySchemaElement[] => [
    { AttributeName: partitionKey, KeyType: 'HASH' },
    ...(sortKey === undefined ? [] : [{ AttributeName: sortKey, KeyType: 'RANGE' as const }]),
  ];
  const indexes = spec.globalIndexes ?? [];
  const attributeNames = new Set<string>();
  for (const key of [spec.partitionKey, spec.sortKey, ...indexes.flatMap((i) => [i.partitionKey, i.sortKey])]) {
    if (key !== undefined) attributeNames.add(key);
  }
  const attributeDefinitions: AttributeDefinition[] = [...attributeNames].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
  return new CreateTableCommand({
    TableName: spec.name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributeDefinitions,
    KeySchema: keys(spec.partitionKey, spec.sortKey),
    ...(indexes.length === 0
      ? {}
      : {
          GlobalSecondaryIndexes: indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keys(index.partitionKey, index.sortKey),
            Projection: index.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.include] } : { ProjectionType: 'ALL' },
          })),
        }),
  });
}

function queueAttributes(spec: QueueSpec, deadLetterArn: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {
    MessageRetentionPeriod: String(spec.retentionSeconds),
    VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
    // Short polling: the stand-in and tests must never wait on an empty queue.
    ReceiveMessageWaitTimeSeconds: '0',
  };
  if (deadLetterArn !== undefined) {
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: spec.maxReceiveCount });
  }
  return attributes;
}

/** Creates every bucket, queue (after its DLQ, with the redrive policy) and table; answers the queues by name. */
export async function createTopology(clients: {
  s3: S3Client;
  sqs: SQSClient;
  dynamo: DynamoDBClient;
}): Promise<Map<string, CreatedQueue>> {
  const { s3, sqs, dynamo } = clients;
  for (const bucket of Object.values(BUCKETS)) await s3.send(new CreateBucketCommand({ Bucket: bucket.name }));

  const queues = new Map<string, CreatedQueue>();
  const createQueue = async (spec: QueueSpec, deadLetter: QueueSpec | undefined): Promise<void> => {
    const deadLetterArn = deadLetter === undefined ? undefined : queues.get(deadLetter.name)?.arn;
    const created = await sqs.send(new CreateQueueCommand({ QueueName: spec.name, Attributes: queueAttributes(spec, deadLetterArn) }));
    const url = created.QueueUrl;
    if (url === undefined) throw new Error(`CreateQueue ${spec.name} returned no URL`);
    const { Attributes: attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
    const arn = attributes?.QueueArn;
    if (arn === undefined) throw new Error(`Queue ${spec.name} has no ARN`);
    queues.set(spec.name, { url, arn });
  };
  for (const spec of allQueues()) {
    const deadLetter = deadLetterQueueOf(spec);
    await createQueue(deadLetter, undefined);
    await createQueue(spec, deadLetter);
  }

  for (const table of Object.values(TABLES)) await dynamo.send(tableDefinition(table));
  return queues;
}
