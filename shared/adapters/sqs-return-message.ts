import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSRecord } from 'aws-lambda';
import { RETURNING_RECIPIENTS } from '../domain/recipients';
import { correctionIdOf } from '../domain/return-flows/ids';
import type { Channel, ChannelMessage, ReturnOutcome } from '../domain/return-flows/return-message';
import { type LogIds, logger, METRIC, metrics } from '../observability';
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

/** A field of a body read as it came: a string of at most 128 characters (the envelope's limit), or nothing. */
function idField(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 128 ? value : undefined;
}

/**
 * The ids a return message's log lines carry, read from its body as it came (before any check: a
 * message refused as malformed is still found by them): its envelope's `messageId` and `type`, a
 * decision's `decisionId`, a correction's `correctionId` (a request's derived from its requester
 * and `requestId`, as the hub names it). Nothing else of the body, ever.
 */
export function returnMessageLogIds(channel: Channel | undefined, record: SQSRecord): LogIds {
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(record.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return channel === undefined ? {} : { channel };
    body = parsed as Record<string, unknown>;
  } catch {
    return channel === undefined ? {} : { channel };
  }
  const requestId = idField(body, 'requestId');
  const requester = RETURNING_RECIPIENTS.find((r) => r === channel);
  const correctionId =
    idField(body, 'correctionId') ??
    (requestId !== undefined && requester !== undefined ? correctionIdOf(requester, requestId) : undefined);
  return {
    ...(channel !== undefined ? { channel } : {}),
    messageId: idField(body, 'messageId'),
    messageType: idField(body, 'type'),
    decisionId: idField(body, 'decisionId'),
    correctionId,
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
