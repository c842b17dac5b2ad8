import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { dynamoClient, dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { disclosureKeyReader } from '../shared/adapters/disclosure-key';
import { DynamoRedeliveryLog } from '../shared/adapters/dynamo-delivery-ledger';
import { DynamoManifestStore } from '../shared/adapters/dynamo-manifest-store';
import { S3BlobStore } from '../shared/adapters/s3-blob-store';
import { SqsPublisher } from '../shared/adapters/sqs-publisher';
import { type FunctionConfig, queueUrlOf, readFunctionConfig } from '../shared/configuration/function-config';
import { answerOperator, auditLogOf, invocationOf, type ParsedRequest } from '../shared/domain/operations/operator-tool';
import { type RedeliverDeps, type RedeliverRequest, redeliverRequestSchema, redeliverTool } from '../shared/domain/operations/redeliver';
import { RECIPIENTS, type Recipient } from '../shared/domain/recipients';
import { logger, withLogIds } from '../shared/observability';
import { functionClock } from '../shared/ports';
import { FUNCTIONS, QUEUES } from '../shared/topology';

/**
 * operator-redeliver: an operator's re-delivery of an archived batch to one recipient
 * (monthly-batch §8), invoked from the console's Test tab or `aws lambda invoke` with
 * `{"batchId": "<sha256>", "recipient": "VDAB"}`. Answers how many messages were sent again, and
 * records them in the record of disclosures as a re-delivery, or answers that the batch's replay window
 * (REPLAY_WINDOW_DAYS) has passed; every use writes an audit line. Configuration and adapters are
 * built once per cold start.
 */

export type OperatorRedeliverConfig = FunctionConfig<(typeof FUNCTIONS.operatorRedeliver)['uses']>;

/** The AWS adapters of operator-redeliver, from its configuration. */
export function operatorRedeliverDependencies(config: OperatorRedeliverConfig): RedeliverDeps {
  const urls = Object.fromEntries(RECIPIENTS.map((r) => [r, queueUrlOf(config, QUEUES.recipientOutbound[r])])) as Record<Recipient, string>;
  return {
    archive: new S3BlobStore(config.buckets.archive),
    manifests: new DynamoManifestStore(config.tables.batches, dynamoDocumentClient(), functionClock),
    // A re-delivery is a new disclosure of the same records: recorded by person (keyed hash).
    redeliveries: new DynamoRedeliveryLog(dynamoClient(), config.tables.disclosures, disclosureKeyReader(config.disclosureKey)),
    publisher: new SqsPublisher(),
    recipientQueueUrl: (recipient) => urls[recipient],
    clock: functionClock,
    replayWindowDays: config.settings.replayWindowDays,
  };
}

const tool = redeliverTool(operatorRedeliverDependencies(readFunctionConfig(FUNCTIONS.operatorRedeliver)));
const audit = auditLogOf(logger);

// Every line of a re-delivery (its audit line, a send's retries) names the batch it re-delivers.
export const handler = middy((event: ParsedRequest<RedeliverRequest>, context: Context) =>
  withLogIds(event.success ? { batchId: event.data.batchId } : {}, () => answerOperator(tool, event, invocationOf(context), audit)),
)
  .use(injectLambdaContext(logger))
  .use(parser({ schema: redeliverRequestSchema, safeParse: true }));
