import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { RECIPIENTS } from '../shared/domain/recipients';
import { METRIC } from '../shared/observability';
import { FUNCTIONS, QUEUES } from '../shared/topology';
import { METRICS_NAMESPACE } from './constants';
import type { HubFunction } from './constructs/hub-function';
import type { HubQueue } from './constructs/hub-queue';
import type { StatefulStack } from './stateful-stack';

export interface MonitoringProps {
  readonly stateful: StatefulStack;
  readonly functions: readonly HubFunction[];
}

const FIVE_MINUTES = Duration.minutes(5);
const ONE_HOUR = Duration.hours(1);

/** The queues that a party outside the hub polls: a stale oldest message means it stopped polling. */
export const PARTY_OUTBOUND_QUEUES = [...Object.values(QUEUES.recipientOutbound), QUEUES.ppsOutbound, QUEUES.ocmwOutbound];

/**
 * The age at which a notification of batch-notifications raises an alarm. S3 notifies within
 * seconds of an upload and split-batch finishes a file within its timeout (900 s); a notification
 * older than two timeouts was not finished at its first receive (it failed or timed out) or nothing
 * polls the queue (throttled, the mapping disabled, a cold start that fails). It stays below the
 * queue's 5,400 s visibility timeout, so the alarm comes before the failed notification's retry.
 */
export const NOTIFICATION_AGE_ALARM_SECONDS = 2 * FUNCTIONS.splitBatch.timeoutSeconds;

/** A business metric of the functions (Powertools EMF, dimension `service`). */
export function businessMetric(metricName: string, service: string, period: Duration = ONE_HOUR): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/**
 * Every series of a metric that split-batch publishes per recipient (dimensions `service` and
 * `recipient`), one line per recipient, found by a CloudWatch SEARCH so that a new recipient
 * needs no dashboard change.
 */
function perRecipient(metricName: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},recipient,service} service="${FUNCTIONS.splitBatch.name}" MetricName="${metricName}"', 'Sum', ${ONE_HOUR.toSeconds()})`,
    label,
    period: ONE_HOUR,
  });
}

/**
 * The operators' view in the AWS console: a dashboard and the alarms, all sent to the stateful
 * stack's SNS topic.
 */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stateful } = props;
    const config = stateful.config;
    const topicAction = new actions.SnsAction(stateful.alarmTopic);
    const alarm = (id: string, description: string, metric: cloudwatch.IMetric, threshold: number): cloudwatch.Alarm => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(topicAction);
      this.alarms.push(a);
      return a;
    };

    const queues = [...stateful.queues.values()];
    // Any dead letter means a message the hub or a party could not process: look now, the DLQ keeps it 14 days at most.
    for (const q of queues) {
      alarm(
        `DeadLetters-${q.spec.name}`,
        `${q.deadLetterSpec.name} is not empty: redrive or investigate (README.md, Deployment, "Redrive a DLQ")`,
        q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
        1,
      );
    }
    const partyQueues: HubQueue[] = PARTY_OUTBOUND_QUEUES.map((s) => stateful.queue(s));
    const oldestSeconds = config.oldestMessageAlarmHours * 3600;
    for (const q of partyQueues) {
      alarm(
        `OldestMessage-${q.spec.name}`,
        `The oldest message on ${q.spec.name} is older than ${config.oldestMessageAlarmHours} h: its reader stopped polling (messages expire after 14 days)`,
        q.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
        oldestSeconds,
      );
    }
    alarm(
      'RefusedFile',
      'A monthly batch file was refused: read its report in the reports bucket (README.md, Deployment, "Reprocess a refused file")',
      businessMetric(METRIC.batchesRefused, FUNCTIONS.splitBatch.name, FIVE_MINUTES),
      1,
    );
    // split-batch does not throw when every notification of an invocation fails: the Errors alarm
    // stays silent, and the notification comes back only after the 5,400 s visibility timeout.
    alarm(
      'FailedNotification',
      'split-batch failed a notification: a monthly file is not delivered yet, SQS retries it in 90 minutes (README.md, Runbook, "A file is not delivered")',
      businessMetric(METRIC.batchesFailed, FUNCTIONS.splitBatch.name, FIVE_MINUTES),
      1,
    );
    const notifications = stateful.queue(QUEUES.batchNotifications);
    alarm(
      `OldestMessage-${notifications.spec.name}`,
      `A notification of a monthly file has waited ${NOTIFICATION_AGE_ALARM_SECONDS / 60} minutes on ${notifications.spec.name}: it failed, or nothing polls the queue (README.md, Runbook, "A file is not delivered")`,
      notifications.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM }),
      NOTIFICATION_AGE_ALARM_SECONDS,
    );
    for (const f of props.functions) {
      alarm(
        `Errors-${f.spec.name}`,
        `The ${f.spec.name} function failed`,
        f.fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM }),
        1,
      );
    }

    const split = FUNCTIONS.splitBatch.name;
    const wide = { width: 12, height: 6 } as const;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(35) });
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Batches per outcome',
        left: [METRIC.batchesAccepted, METRIC.batchesRefused, METRIC.batchesDuplicate, METRIC.batchesFailed].map((m) =>
          businessMetric(m, split),
        ),
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Rows per outcome',
        left: [METRIC.rowsDelivered, METRIC.rowsWithheld, METRIC.rowsUnroutable, METRIC.rowsRejected].map((m) => businessMetric(m, split)),
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Records delivered per recipient (${RECIPIENTS.join(', ')})`,
        left: [perRecipient(METRIC.recordsDelivered, 'delivered')],
        ...wide,
      }),
      new cloudwatch.GraphWidget({ title: 'Rows withheld per recipient', left: [perRecipient(METRIC.rowsWithheld, 'withheld')], ...wide }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Refused files',
        metrics: [businessMetric(METRIC.batchesRefused, split, Duration.days(1))],
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Return messages accepted / refused',
        left: [FUNCTIONS.regionInbound.name, FUNCTIONS.ppsInbound.name].flatMap((s) => [
          businessMetric(METRIC.returnMessagesAccepted, s).with({ label: `${s} accepted` }),
          businessMetric(METRIC.returnMessagesRefused, s).with({ label: `${s} refused` }),
        ]),
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depths',
        left: queues.map((q) =>
          q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: q.deadLetterSpec.name,
          }),
        ),
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: "Age of the oldest message on each party's queue (s)",
        left: partyQueues.map((q) =>
          q.queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM, label: q.spec.name }),
        ),
        leftAnnotations: [{ value: oldestSeconds, label: `alarm: ${config.oldestMessageAlarmHours} h` }],
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Age of the oldest notification of a monthly file (s)',
        left: [
          notifications.queue.metricApproximateAgeOfOldestMessage({
            period: FIVE_MINUTES,
            statistic: cloudwatch.Stats.MAXIMUM,
            label: notifications.spec.name,
          }),
        ],
        leftAnnotations: [{ value: NOTIFICATION_AGE_ALARM_SECONDS, label: `alarm: ${NOTIFICATION_AGE_ALARM_SECONDS / 60} min` }],
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        left: props.functions.map((f) => f.fn.metricErrors({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM, label: f.spec.name })),
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration (p99, ms)',
        left: props.functions.map((f) =>
          f.fn.metricDuration({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99), label: f.spec.name }),
        ),
        ...wide,
      }),
    );
  }
}
