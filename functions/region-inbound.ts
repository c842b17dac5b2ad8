import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadDisclosureKey } from '../shared/adapters/disclosure-key';
import { buildReturnFlowDeps, channelOfQueueArn } from '../shared/adapters/dynamo-return-flow-deps';
import { SqsPublisher } from '../shared/adapters/sqs-publisher';
import { receivedMessageOf, reportOutcome } from '../shared/adapters/sqs-return-message';
import { readDisclosureKeySource } from '../shared/configuration/disclosure-key-source';
import { processRegionMessage, type RegionFlowDeps } from '../shared/domain/return-flows/process';
import { logger, metrics } from '../shared/observability';

/**
 * region-inbound: the validation decisions and correction requests of VDAB and Actiris, from their
 * own inbound queues. The sender is the queue the record came from (its `eventSourceARN`), never a
 * field of the message (return-flows §1). A refused message is handled (kept, counted, answered
 * with `message.refused`); only a failure (throttling, the network) is a batch item failure, so
 * that SQS delivers that message again and its DLQ catches poison.
 */

/** The handler over given dependencies; `channelOf` names the sender of a record's queue. */
export function regionInbound(deps: RegionFlowDeps, channelOf: (arn: string) => 'VDAB' | 'ACTIRIS' | undefined) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const recordHandler = async (record: SQSRecord): Promise<void> => {
      const channel = channelOf(record.eventSourceARN);
      if (!channel) {
        // A misconfigured trigger: not a sender's fault, so not a refusal.
        logger.error('record from a queue that is no recipient channel', {
          eventSourceARN: record.eventSourceARN,
          sqsMessageId: record.messageId,
        });
        throw new Error(`no recipient channel has ARN ${record.eventSourceARN}`);
      }
      reportOutcome(channel, record.messageId, await processRegionMessage(deps, channel, receivedMessageOf(record)));
    };
    return processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), context ? { context } : undefined);
  };
}

let defaultDeps: Promise<RegionFlowDeps> | undefined;

/** The adapters, built once per process; the disclosure key is read once (again after a failure). */
function dependenciesFromEnv(): Promise<RegionFlowDeps> {
  defaultDeps ??= loadDisclosureKey(readDisclosureKeySource())
    .then((disclosureKey) => buildReturnFlowDeps({ publisher: new SqsPublisher(), disclosureKey }))
    .catch((error: unknown) => {
      defaultDeps = undefined;
      throw error;
    });
  return defaultDeps;
}

/** The bare Lambda function: adapters from the environment, the disclosure key from SSM or the laptop. */
export async function regionInboundFromEnv(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  return regionInbound(await dependenciesFromEnv(), (arn) => channelOfQueueArn(arn))(event, context);
}

export const handler = middy(regionInboundFromEnv).use(injectLambdaContext(logger)).use(logMetrics(metrics));
