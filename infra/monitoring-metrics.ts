import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { FUNCTIONS, QUEUES } from '../shared/topology';
import { METRICS_NAMESPACE } from './constants';

/**
 * The metrics the operators' view reads (infra/alarms.ts, infra/monitoring.ts). Each reads the
 * dimension keys the functions publish it with (shared/adapters/batch-metrics.ts,
 * sqs-return-message.ts), which test/integration/emitted-metrics.test.ts proves.
 */

export const FIVE_MINUTES = Duration.minutes(5);
export const ONE_HOUR = Duration.hours(1);
export const ONE_DAY = Duration.days(1);

/**
 * The period of the scheduled check's alarms: it runs every 15 minutes ({@link BATCH_WATCH_EVERY}),
 * so an hour without a value means four runs missed, not one late.
 */
export const BATCH_WATCH_PERIOD = ONE_HOUR;

/** How often EventBridge Scheduler runs the scheduled check (batch-watch). */
export const BATCH_WATCH_EVERY = Duration.minutes(15);

/**
 * The age at which a message on the hub's own inbound queues raises an alarm. The return flows
 * take a message within seconds of its arrival; one that waits 10 minutes was not received (the
 * trigger is disabled, the function cannot start or use the queue's key) or failed twice (its
 * retries wait 5, then 10 minutes: a dependency has been failing for that long). SQS stops
 * counting a message in this age from its third receive, about 15 minutes after the first, so a
 * longer threshold would miss a failing message; it dead-letters after five, over two hours.
 */
export const INBOUND_AGE_ALARM_SECONDS = 10 * 60;

/** The queues that a party outside the hub polls: a stale oldest message means it stopped polling. */
export const PARTY_OUTBOUND_QUEUES = [...Object.values(QUEUES.recipientOutbound), QUEUES.ppsOutbound, QUEUES.ocmwOutbound];

/** The functions that receive return messages, and count each one accepted or refused. */
export const RETURN_FLOW_FUNCTIONS = [FUNCTIONS.regionInbound, FUNCTIONS.ppsInbound] as const;

/**
 * The age at which a notification of batch-notifications raises an alarm. S3 notifies within
 * seconds of an upload and split-batch finishes a file within its timeout (900 s); a notification
 * older than two timeouts was not finished at its first receive (it failed or timed out) or nothing
 * polls the queue (throttled, the mapping disabled, a cold start that fails). It stays below the
 * queue's 5,400 s visibility timeout, so the alarm comes before the failed notification's retry.
 */
export const NOTIFICATION_AGE_ALARM_SECONDS = 2 * FUNCTIONS.splitBatch.timeoutSeconds;

/** A business metric of a function (Powertools EMF, dimension `service`, and any `extra` ones). */
export function businessMetric(
  metricName: string,
  service: string,
  period: Duration = ONE_HOUR,
  extra: Readonly<Record<string, string>> = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service, ...extra },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/**
 * A metric with a zero wherever it has no value (`FILL`): a day without a file draws 0, not a gap.
 * `id` names the metric in the widget's math, one per line.
 */
export function filled(metric: cloudwatch.Metric, id: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({ expression: `FILL(${id}, 0)`, usingMetrics: { [id]: metric }, label, period: metric.period });
}

/**
 * The reads and writes DynamoDB throttled on a table, summed per 5 minutes (`id` prefixes the ids
 * of its two metrics, unique in a widget). Math, with `FILL`:
 * CloudWatch keeps an alarm on an AWS/DynamoDB metric in its state when data is missing, whatever
 * its treatMissingData, so without a zero where nothing was throttled the alarm would never return
 * to OK (CloudWatch user guide, "Configuring how CloudWatch alarms treat missing data").
 */
export function tableThrottles(table: dynamodb.ITable, id = 'table'): cloudwatch.MathExpression {
  const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM } as const;
  const [reads, writes] = [`${id}_reads`, `${id}_writes`];
  return new cloudwatch.MathExpression({
    expression: `FILL(${reads}, 0) + FILL(${writes}, 0)`,
    usingMetrics: { [reads]: table.metric('ReadThrottleEvents', sum), [writes]: table.metric('WriteThrottleEvents', sum) },
    label: 'throttled reads and writes',
    period: FIVE_MINUTES,
  });
}
