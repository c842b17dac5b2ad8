import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import type { Channel, ChannelMessage, ReturnOutcome } from '../domain/return-flows/return-message';
import { logger, METRIC, metrics } from '../observability';
import { type Clock, functionClock } from '../ports';

/**
 * The SQS side of the return-flow functions: a record as the domain's received message, and an
 * outcome reported to the logs and metrics. The domain knows neither SQS nor Powertools.
 */

/** A return message as its channel delivered it, from an SQS record. */
export function receivedMessageOf(record: SQSRecord, clock: Clock = functionClock): ChannelMessage {
  const sent = Number(record.attributes?.SentTimestamp);
  const typeAttribute = record.messageAttributes?.type?.stringValue;
  return {
    body: record.body,
    sqsMessageId: record.messageId,
    sentTimestampMs: Number.isFinite(sent) && sent > 0 ? sent : clock().getTime(),
    ...(typeAttribute !== undefined ? { typeAttribute } : {}),
  };
}

/**
 * Logs an outcome (ids, type, code: never the body) and counts it. A refusal is counted three
 * ways, each a metric that the operators' view reads (infra/monitoring.ts): per function
 * (`service`, the dashboard's totals and the alarm on refusals), per code (`service`, `code`: the
 * alarm on any WRONG_CHANNEL) and per channel and code (the dashboard's breakdown).
 */
export function reportOutcome(channel: Channel, sqsMessageId: string, outcome: ReturnOutcome): void {
  if (outcome.kind === 'refused') {
    logger.warn('return message refused', { channel, sqsMessageId, type: outcome.type, code: outcome.code, detail: outcome.detail });
    // One EMF line per dimension set (`service`, a default dimension, is in each): two sets on one
    // line would name `code` twice, which Powertools warns of on every refusal.
    const sets: Array<Record<string, string>> = [{ channel, code: outcome.code }, { code: outcome.code }];
    for (const dimensions of sets) {
      const metric = metrics.singleMetric();
      metric.addDimensions(dimensions);
      metric.addMetric(METRIC.returnMessagesRefused, MetricUnit.Count, 1);
    }
    metrics.addMetric(METRIC.returnMessagesRefused, MetricUnit.Count, 1);
    return;
  }
  logger.info(outcome.kind === 'accepted' ? 'return message accepted' : 'return message already handled', {
    channel,
    sqsMessageId,
    type: outcome.type,
  });
  metrics.addMetric(METRIC.returnMessagesAccepted, MetricUnit.Count, 1);
}
