import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { recordBatchWatch } from '../shared/adapters/batch-metrics';
import { DynamoWatchedBatches } from '../shared/adapters/dynamo-batch-watch';
import { type FunctionConfig, readFunctionConfig } from '../shared/configuration/function-config';
import { type BatchWatchDeps, type BatchWatchReport, watchBatches } from '../shared/domain/operations/batch-watch';
import { logger, metrics } from '../shared/observability';
import { functionClock } from '../shared/ports';
import { FUNCTIONS } from '../shared/topology';

/**
 * batch-watch: the scheduled check of the monthly batches, invoked by EventBridge Scheduler every
 * 15 minutes (the event is not read). Publishes whether the month's file is missing and how many
 * batches stay PUBLISHING past their lease, every run, for the alarms `NoMonthlyFile` and
 * `StuckPublishing`. Configuration and adapters are built once per cold start.
 */

export type BatchWatchConfig = FunctionConfig<(typeof FUNCTIONS.batchWatch)['uses']>;

/** The AWS adapters of batch-watch, from its configuration. */
export function batchWatchDependencies(config: BatchWatchConfig): BatchWatchDeps {
  return {
    batches: new DynamoWatchedBatches(dynamoDocumentClient(), config.tables.batches, functionClock),
    clock: functionClock,
    monthlyFileDueDay: config.settings.monthlyFileDueDay,
  };
}

/** One run of the check: its findings, published as metrics and one log line. */
export function batchWatchRun(deps: BatchWatchDeps): () => Promise<BatchWatchReport> {
  return async () => {
    const report = await watchBatches(deps);
    recordBatchWatch(report);
    return report;
  };
}

const run = batchWatchRun(batchWatchDependencies(readFunctionConfig(FUNCTIONS.batchWatch)));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
