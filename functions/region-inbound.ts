import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { dynamoDocumentClient } from '../shared/adapters/aws-clients';
import { disclosureKeyReader } from '../shared/adapters/disclosure-key';
import { DynamoCorrections } from '../shared/adapters/dynamo-corrections';
import { DynamoDisclosureLog } from '../shared/adapters/dynamo-disclosures';
import { DynamoPaymentLines } from '../shared/adapters/dynamo-payment-lines';
import { DynamoRefusedMessages } from '../shared/adapters/dynamo-refused-messages';
import { PermanentFailure, REDELIVERY_BACKOFF } from '../shared/adapters/retry-policy';
import { SqsPublisher } from '../shared/adapters/sqs-publisher';
import { queueRecordHandler, type RedeliveryOptions } from '../shared/adapters/sqs-redelivery';
import { receivedMessageOf, reportOutcome, returnMessageLogIds } from '../shared/adapters/sqs-return-message';
import { type FunctionConfig, queueArnOf, readFunctionConfig, triggerQueueUrlsOf } from '../shared/configuration/function-config';
import { returnFlowConfigOf } from '../shared/configuration/return-flow-config';
import { RETURNING_RECIPIENTS, type ReturningRecipient } from '../shared/domain/recipients';
import { inszHmac } from '../shared/domain/return-flows/disclosures';
import { processRegionMessage, type RegionFlowDeps } from '../shared/domain/return-flows/process';
import { logger, metrics } from '../shared/observability';
import { functionClock } from '../shared/ports';
import { FUNCTIONS, QUEUES } from '../shared/topology';

/**
 * region-inbound: the validation decisions and correction requests of VDAB and Actiris, from their
 * own inbound queues. The sender is the queue the record came from (its `eventSourceARN`), never a
 * field of the message (return-flows §1). A refused message is handled (kept, counted, answered
 * with `message.refused`); only a failure (throttling, the network) is a batch item failure, so
 * that SQS delivers that message again and its DLQ catches poison. Configuration and adapters are
 * built once per cold start.
 */

export type RegionInboundConfig = FunctionConfig<(typeof FUNCTIONS.regionInbound)['uses']>;

/** What a message of VDAB or Actiris needs: who sent it, by its queue, and the ports of its path. */
export interface RegionInboundDependencies {
  /** The recipient whose inbound queue has this ARN; `undefined` for any other queue. */
  readonly channelOf: (eventSourceArn: string) => ReturningRecipient | undefined;
  readonly returnFlow: RegionFlowDeps;
}

/** The recipient of each inbound queue, by the queue's ARN, resolved at cold start. */
function channelsByQueueArn(config: RegionInboundConfig): ReadonlyMap<string, ReturningRecipient> {
  return new Map(RETURNING_RECIPIENTS.map((recipient) => [queueArnOf(config, QUEUES.recipientInbound[recipient]), recipient]));
}

/** The AWS adapters of region-inbound, from its configuration. */
export function regionInboundDependencies(config: RegionInboundConfig): RegionInboundDependencies {
  const client = dynamoDocumentClient();
  const channels = channelsByQueueArn(config);
  const disclosureKey = disclosureKeyReader(config.disclosureKey);
  return {
    channelOf: (eventSourceArn) => channels.get(eventSourceArn),
    returnFlow: {
      lines: new DynamoPaymentLines(client, config.tables.paymentLines),
      corrections: new DynamoCorrections(client, config.tables.corrections),
      refused: new DynamoRefusedMessages(client, config.tables.refusedMessages),
      // A correction request forwarded to the PPS is a disclosure of the person's data.
      disclosures: new DynamoDisclosureLog(client, config.tables.disclosures),
      publisher: new SqsPublisher(),
      clock: functionClock,
      config: { ...returnFlowConfigOf(config), recipientKbos: config.settings.recipientKbos },
      // A correction's INSZ is compared with the delivered line's keyed hash (LINE_MISMATCH).
      personKey: async (insz) => inszHmac(await disclosureKey(), insz),
    },
  };
}

/**
 * The handler of one record: the message of the recipient whose queue it came on, to its outcome.
 * Throws, so that SQS delivers it again (and its DLQ catches poison), on a failure and on a record
 * from a queue that is no recipient's channel.
 */
export function regionInboundRecordHandler(deps: RegionInboundDependencies): (record: SQSRecord) => Promise<void> {
  return async (record) => {
    const channel = deps.channelOf(record.eventSourceARN);
    if (!channel) {
      // A misconfigured trigger: not a sender's fault, so not a refusal.
      logger.error('record from a queue that is no recipient channel', { eventSourceARN: record.eventSourceARN });
      throw new PermanentFailure(`no recipient channel has ARN ${record.eventSourceARN}`);
    }
    reportOutcome(channel, record.messageId, await processRegionMessage(deps.returnFlow, channel, receivedMessageOf(record)));
  };
}

/**
 * When a failed message comes again: after a backoff that grows with its receives (a transient
 * failure), or at once toward its dead-letter queue (a record from a queue that is no channel).
 * A refused message is no failure: it was answered.
 */
export function regionInboundRedelivery(config: RegionInboundConfig): RedeliveryOptions {
  return { backoff: REDELIVERY_BACKOFF[FUNCTIONS.regionInbound.name], queueUrlOf: triggerQueueUrlsOf(config, FUNCTIONS.regionInbound) };
}

const config = readFunctionConfig(FUNCTIONS.regionInbound);
const deps = regionInboundDependencies(config);
const recordHandler = queueRecordHandler(regionInboundRecordHandler(deps), {
  ...regionInboundRedelivery(config),
  idsOf: (record) => returnMessageLogIds(deps.channelOf(record.eventSourceARN), record),
});
const processor = new BatchProcessor(EventType.SQS);

// A batch whose every record failed fails the invocation (Powertools' default): the Errors alarm sees it.
export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
