import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { reprocessDeadLettersDependencies } from '../shared/adapters/return-flow-dependencies';
import { reportOutcome } from '../shared/adapters/sqs-return-message';
import { type FunctionConfig, readFunctionConfig } from '../shared/configuration/function-config';
import { answerOperator, auditLogOf, invocationOf, type ParsedRequest } from '../shared/domain/operations/operator-tool';
import {
  type ReprocessDeadLettersRequest,
  reprocessDeadLettersRequestSchema,
  reprocessDeadLettersTool,
} from '../shared/domain/operations/reprocess-dead-letters';
import { logger, metrics } from '../shared/observability';
import { FUNCTIONS } from '../shared/topology';

/**
 * operator-reprocess-dead-letters: an operator moves a party's inbound dead letters back through
 * the inbound use case of that party's channel (return-flows §1), invoked from the console's Test
 * tab or `aws lambda invoke` with `{"channel": "VDAB"}` (`ACTIRIS`, `PPS`; optional `"limit"`).
 * Reads and deletes the channel's DLQ only: it never sends on an inbound queue. Answers the counts;
 * every use writes an audit line. Configuration and adapters are built once per cold start.
 */

export type OperatorReprocessDeadLettersConfig = FunctionConfig<(typeof FUNCTIONS.operatorReprocessDeadLetters)['uses']>;

const tool = reprocessDeadLettersTool(
  reprocessDeadLettersDependencies(
    readFunctionConfig(FUNCTIONS.operatorReprocessDeadLetters),
    reportOutcome,
    (channel, sqsMessageId, error) =>
      logger.error('dead letter failed again: left in the dead-letter queue', { channel, sqsMessageId, error }),
  ),
);
const audit = auditLogOf(logger);

export const handler = middy((event: ParsedRequest<ReprocessDeadLettersRequest>, context: Context) =>
  answerOperator(tool, event, invocationOf(context), audit),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(parser({ schema: reprocessDeadLettersRequestSchema, safeParse: true }));
