import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BENCH_PPS_QUEUE, countedIndexes, inMemoryAws } from './bench-aws';

/**
 * split-batch's record handler, built as its cold start builds it, over in-memory stand-ins of S3,
 * SQS and DynamoDB (scripts/bench-aws.ts) in place of the SDK clients' HTTP handler, and the SQS
 * record of the notification of `path` dropped under `monthly/<period>/`.
 */
export async function splitBatchOverInMemoryAws(path: string, period: string) {
  const { BUCKETS, QUEUES, TABLES } = await import('../shared/topology');
  const { RECIPIENTS } = await import('../shared/domain/recipients');
  const env: Record<string, string> = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    [BUCKETS.inbound.env]: 'bench-inbound',
    [BUCKETS.staging.env]: 'bench-staging',
    [BUCKETS.archive.env]: 'bench-archive',
    [BUCKETS.reports.env]: 'bench-reports',
    DISCLOSURE_KEY_LOCAL: 'be'.repeat(32),
  };
  // Every table, named `bench-<table>`: those split-batch writes are counted by name.
  for (const table of Object.values(TABLES)) env[table.env] = `bench-${table.name}`;
  for (const recipient of RECIPIENTS) {
    env[QUEUES.recipientOutbound[recipient].urlEnv] = `https://sqs.eu-west-1.amazonaws.com/111111111111/bench-outbound-${recipient}`;
  }
  env[QUEUES.ppsOutbound.urlEnv] = `https://sqs.eu-west-1.amazonaws.com/111111111111/${BENCH_PPS_QUEUE}`;
  // Its trigger queue, by which a failed notification's visibility would be changed.
  env[QUEUES.batchNotifications.urlEnv] = 'https://sqs.eu-west-1.amazonaws.com/111111111111/bench-batch-notifications';
  env[QUEUES.batchNotifications.arnEnv] = 'arn:aws:sqs:eu-west-1:111111111111:bench-batch-notifications';
  Object.assign(process.env, env);
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_ENDPOINT_URL')) delete process.env[name];

  const key = `monthly/${period}/${basename(path)}`;
  // What each global index of a table written by the handler keeps of its items (their bytes count too).
  const aws = inMemoryAws(
    new Map([[key, path]]),
    countedIndexes(Object.values(TABLES), (table) => env[table.env] ?? table.name),
  );
  const clients = await import('../shared/adapters/aws-clients');
  clients.resetAwsClients();
  // The process's clients, as the handler's adapters use them, answering in memory.
  clients.s3Client().config.requestHandler = aws.s3;
  clients.sqsClient().config.requestHandler = aws.sqs;
  clients.dynamoDocumentClient().config.requestHandler = aws.dynamo;

  const { objectCreatedEvent } = await import('../local/s3-notification');
  const { sqsRecordOf } = await import('../local/event-source');
  const body = objectCreatedEvent({
    region: 'eu-west-1',
    bucket: env[BUCKETS.inbound.env] as string,
    key,
    size: (await stat(path)).size,
    eTag: '"bench"',
    eventTime: new Date(),
  });
  const record = sqsRecordOf(
    {
      MessageId: 'bench-1',
      ReceiptHandle: 'bench-1',
      Body: JSON.stringify(body),
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
    },
    'arn:aws:sqs:eu-west-1:111111111111:batch-notifications',
    'eu-west-1',
  );
  const { splitBatchRecordHandler, splitBatchDependencies } = await import('../functions/split-batch');
  const { readFunctionConfig } = await import('../shared/configuration/function-config');
  const { FUNCTIONS } = await import('../shared/topology');
  const recordHandler = splitBatchRecordHandler(splitBatchDependencies(readFunctionConfig(FUNCTIONS.splitBatch)));
  return { aws, run: () => recordHandler(record) };
}
