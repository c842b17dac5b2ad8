import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { DynamoCorrections } from '../shared/adapters/dynamo-corrections';
import { DynamoDisclosureLog } from '../shared/adapters/dynamo-disclosures';
import { DynamoRefusedMessages } from '../shared/adapters/dynamo-refused-messages';
import { PermanentFailure, REDELIVERY_BACKOFF } from '../shared/adapters/retry-policy';
import { SqsPublisher } from '../shared/adapters/sqs-publisher';
import { queueRecordHandler, type RedeliveryOptions } from '../shared/adapters/sqs-redelivery';
import { receivedMessageOf, reportOutcome, returnMessageLogIds } from '../shared/adapters/sqs-return-message';
import {
  type FunctionConfig,
  queueArnOf,
  queueUrlOf,
  readFunctionConfig,
  triggerQueueUrlsOf,
} from '../shared/configuration/function-config';
import { returnFlowConfigOf } from '../shared/configuration/return-flow-config';
import { type PpsFlowDeps, processPpsMessage } from '../shared/domain/return-flows/process';
import { logger, metrics } from '../shared/observability';
import { functionClock } from '../shared/ports';
import { FUNCTIONS, QUEUES } from '../shared/topology';

/**
 * pps-inbound: the PPS's decisions on corrections, from its inbound queue (the only channel it
 * has, so the sender is the PPS). Applies each decision once, tells the requester the outcome, and
 * passes an approved correction on to the OCMW. Refusals are handled, not failures. Configuration
 * and adapters are built once per cold start.
 */

export type PpsInboundConfig = FunctionConfig<(typeof FUNCTIONS.ppsInbound)['uses']>;

/** What a message of the PPS needs: the ARN of its channel, and the ports of its path. */
export interface PpsInboundDependencies {
  /** The PPS's inbound queue: a record from any other queue does not speak for the PPS. */
  readonly ppsQueueArn: string;
  readonly returnFlow: PpsFlowDeps;
}

/** The AWS adapters of pps-inbound, from its configuration (no disclosure key: it checks no INSZ). */
export function ppsInboundDependencies(config: PpsInboundConfig): PpsInboundDependencies {
  const client = dynamoDocumentClient();
  const shared = returnFlowConfigOf(config);
  return {
    ppsQueueArn: queueArnOf(config, QUEUES.ppsInbound),
    returnFlow: {
      corrections: new DynamoCorrections(client, config.tables.corrections),
      refused: new DynamoRefusedMessages(client, config.tables.refusedMessages),
      // An approved correction passed on for the OCMW is a disclosure (the correction holds the person's keyed hash).
      disclosures: new DynamoDisclosureLog(client, config.tables.disclosures),
      publisher: new SqsPublisher(),
      clock: functionClock,
      config: { ...shared, queueUrls: { ...shared.queueUrls, ocmwOutbound: queueUrlOf(config, QUEUES.ocmwOutbound) } },
    },
  };
}

/**
 * The handler of one record: the PPS's message to its outcome. Throws, so that SQS delivers it
 * again (and its DLQ catches poison), on a failure and on a record from any queue but the PPS's.
 */
export function ppsInboundRecordHandler(deps: PpsInboundDependencies): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    if (record.eventSourceARN !== deps.ppsQueueArn) {
      // A misconfigured trigger: only the PPS's inbound queue speaks for the PPS.
      logger.error('record from a queue that is not the PPS channel', { eventSourceARN: record.eventSourceARN });
      throw new PermanentFailure(`${record.eventSourceARN} is not the PPS's inbound queue`);
    }
    reportOutcome('PPS', record.messageId, await processPpsMessage(deps.returnFlow, receivedMessageOf(record)));
  };
}

/**
 * When a failed message comes again: after a backoff that grows with its receives (a transient
 * failure), or at once toward its dead-letter queue (a record from a queue that is no channel).
 * A refused message is no failure: it was answered.
 */
export function ppsInboundRedelivery(config: PpsInboundConfig): RedeliveryOptions {
  return { backoff: REDELIVERY_BACKOFF[FUNCTIONS.ppsInbound.name], queueUrlOf: triggerQueueUrlsOf(config, FUNCTIONS.ppsInbound) };
}

const config = readFunctionConfig(FUNCTIONS.ppsInbound);
const deps = ppsInboundDependencies(config);
const recordHandler = queueRecordHandler(ppsInboundRecordHandler(deps), {
  ...ppsInboundRedelivery(config),
  idsOf: (record) => returnMessageLogIds(record.eventSourceARN === deps.ppsQueueArn ? 'PPS' : undefined, record),
});
const processor = new BatchProcessor(EventType.SQS);

// A batch whose every record failed fails the invocation (Powertools' default): the Errors alarm sees it.
export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
