import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { renotifyFileDependencies } from '../shared/adapters/batch-dependencies';
import { recordBatchOutcome } from '../shared/adapters/batch-metrics';
import { type FunctionConfig, readFunctionConfig } from '../shared/configuration/function-config';
import { answerOperator, auditLogOf, invocationOf, type ParsedRequest } from '../shared/domain/operations/operator-tool';
import { type RenotifyFileRequest, renotifyFileRequestSchema, renotifyFileTool } from '../shared/domain/operations/renotify-file';
import { logger, metrics } from '../shared/observability';
import { FUNCTIONS } from '../shared/topology';

/**
 * operator-renotify-file: an operator reprocesses a monthly file the PPS wrote, as its S3
 * notification would (the batch use case for the existing object), invoked from the console's Test
 * tab or `aws lambda invoke --cli-read-timeout 900` with `{"key": "monthly/2025-11/<name>"}`. It
 * reads the inbound bucket and never writes there. Answers what became of the file (counts only);
 * every use writes an audit line. Configuration and adapters are built once per cold start.
 */

export type OperatorRenotifyFileConfig = FunctionConfig<(typeof FUNCTIONS.operatorRenotifyFile)['uses']>;

const tool = renotifyFileTool(renotifyFileDependencies(readFunctionConfig(FUNCTIONS.operatorRenotifyFile), recordBatchOutcome));
const audit = auditLogOf(logger);

export const handler = middy((event: ParsedRequest<RenotifyFileRequest>, context: Context) =>
  answerOperator(tool, event, invocationOf(context), audit),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(parser({ schema: renotifyFileRequestSchema, safeParse: true }));
