import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { buildReturnFlowDeps } from '../shared/adapters/dynamo-return-flow-deps';
import { SqsPublisher } from '../shared/adapters/sqs-publisher';
import { receivedMessageOf, reportOutcome } from '../shared/adapters/sqs-return-message';
import { type PpsFlowDeps, processPpsMessage } from '../shared/domain/return-flows/process';
import { logger, metrics } from '../shared/observability';
import { QUEUES } from '../shared/topology';

/**
 * pps-inbound: the PPS's decisions on corrections, from its inbound queue (the only channel it
 * has, so the sender is the PPS). Applies each decision once, tells the requester the outcome, and
 * passes an approved correction on to the OCMW. Refusals are handled, not failures.
 */

/** The handler over given dependencies. */
export function ppsInbound(deps: PpsFlowDeps, ppsQueueArn?: string) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      if (ppsQueueArn && record.eventSourceARN !== ppsQueueArn) {
        // A misconfigured trigger: only the PPS's inbound queue speaks for the PPS.
        logger.error('record from a queue that is not the PPS channel', {
          eventSourceARN: record.eventSourceARN,
          sqsMessageId: record.messageId,
        });
        throw new Error(`${record.eventSourceARN} is not the PPS's inbound queue`);
      }
      reportOutcome('PPS', record.messageId, await processPpsMessage(deps, receivedMessageOf(record)));
    };
    return processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), context ? { context } : undefined);
  };
}

/** The bare Lambda function: adapters from the environment (no disclosure key: it checks no INSZ). */
let defaultDeps: PpsFlowDeps | undefined;

export async function ppsInboundFromEnv(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  defaultDeps ??= buildReturnFlowDeps({ publisher: new SqsPublisher() });
  return ppsInbound(defaultDeps, process.env[QUEUES.ppsInbound.arnEnv])(event, context);
}

export const handler = middy(ppsInboundFromEnv).use(injectLambdaContext(logger)).use(logMetrics(metrics));
