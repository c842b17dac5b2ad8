import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ppsFlowDependencies, regionFlowDependencies } from '../shared/adapters/return-flow-dependencies';
import { SqsDeadLetterQueue } from '../shared/adapters/sqs-dead-letters';
import { reportOutcome } from '../shared/adapters/sqs-return-message';
import { type FunctionConfig, queueUrlOf, readFunctionConfig } from '../shared/configuration/function-config';
import { answerOperator, auditLogOf, invocationOf, type ParsedRequest } from '../shared/domain/operations/operator-tool';
import {
  type DeadLetterChannel,
  type DeadLetterQueue,
  type ReprocessDeadLettersDeps,
  type ReprocessDeadLettersRequest,
  reprocessDeadLettersRequestSchema,
  reprocessDeadLettersTool,
} from '../shared/domain/operations/reprocess-dead-letters';
import { processPpsMessage, processRegionMessage } from '../shared/domain/return-flows/process';
import { logger, metrics } from '../shared/observability';
import { deadLetterQueueOf, FUNCTIONS, QUEUES } from '../shared/topology';

/**
 * operator-reprocess-dead-letters: an operator moves a party's inbound dead letters back through
 * the inbound use case of that party's channel (return-flows §1), invoked from the console's Test
 * tab or `aws lambda invoke` with `{"channel": "VDAB"}` (`ACTIRIS`, `PPS`; optional `"limit"`).
 * Reads and deletes the channel's DLQ only: it never sends on an inbound queue. Answers the counts;
 * every use writes an audit line. Configuration and adapters are built once per cold start.
 */

export type OperatorReprocessDeadLettersConfig = FunctionConfig<(typeof FUNCTIONS.operatorReprocessDeadLetters)['uses']>;

/** The inbound queue of each channel, whose dead-letter queue is reprocessed. */
const INBOUND_OF = { VDAB: QUEUES.recipientInbound.VDAB, ACTIRIS: QUEUES.recipientInbound.ACTIRIS, PPS: QUEUES.ppsInbound } as const;

/** The AWS adapters of operator-reprocess-dead-letters, from its configuration: each DLQ, and both inbound paths. */
export function operatorReprocessDeadLettersDependencies(config: OperatorReprocessDeadLettersConfig): ReprocessDeadLettersDeps {
  const dlq = (channel: DeadLetterChannel) => new SqsDeadLetterQueue(queueUrlOf(config, deadLetterQueueOf(INBOUND_OF[channel])));
  const queues: Record<DeadLetterChannel, DeadLetterQueue> = { VDAB: dlq('VDAB'), ACTIRIS: dlq('ACTIRIS'), PPS: dlq('PPS') };
  const region = regionFlowDependencies(config);
  const pps = ppsFlowDependencies(config);
  return {
    deadLetters: (channel) => queues[channel],
    handle: (channel, message) => (channel === 'PPS' ? processPpsMessage(pps, message) : processRegionMessage(region, channel, message)),
    report: reportOutcome,
    onFailure: (channel, sqsMessageId, error) =>
      logger.error('dead letter failed again: left in the dead-letter queue', { channel, sqsMessageId, error }),
  };
}

const tool = reprocessDeadLettersTool(operatorReprocessDeadLettersDependencies(readFunctionConfig(FUNCTIONS.operatorReprocessDeadLetters)));
const audit = auditLogOf(logger);

export const handler = middy((event: ParsedRequest<ReprocessDeadLettersRequest>, context: Context) =>
  answerOperator(tool, event, invocationOf(context), audit),
)
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics))
  .use(parser({ schema: reprocessDeadLettersRequestSchema, safeParse: true }));
