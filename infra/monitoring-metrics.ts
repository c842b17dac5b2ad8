import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { FUNCTIONS, QUEUES } from '../shared/topology';
import { METRICS_NAMESPACE } from './constants';

/**
 * The metrics the operators' view reads (infra/alarms.ts, infra/monitoring.ts). Each reads the
 * dimension keys the functions publish it with (shared/adapters/batch-metrics.ts,
 * sqs-return-message.ts), which test/integration/emitted-metrics.test.ts proves.
 */

export const FIVE_MINUTES = Duration.minutes(5);
export const ONE_HOUR = Duration.hours(1);

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
 * Every series of a metric whose dimension keys are `service` and `keys`, one line each, found by
 * a CloudWatch SEARCH so that a new recipient, channel or code needs no dashboard change. The
 * schema `{namespace,keys...}` matches exactly those keys, as the metric is published.
 */
export function searchedSeries(metricName: string, keys: readonly string[], label: string, service?: string): cloudwatch.MathExpression {
  const schema = [METRICS_NAMESPACE, ...[...keys, 'service'].sort()].join(',');
  const filter = service === undefined ? '' : `service="${service}" `;
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${schema}} ${filter}MetricName="${metricName}"', 'Sum', ${ONE_HOUR.toSeconds()})`,
    label,
    period: ONE_HOUR,
  });
}
