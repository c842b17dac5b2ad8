import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { RECIPIENTS } from '../shared/domain/recipients';
import { METRIC } from '../shared/observability';
import { FUNCTIONS, QUEUES } from '../shared/topology';
import { addHubAlarms } from './alarms';
import type { HubFunction } from './constructs/hub-function';
import {
  businessMetric,
  FIVE_MINUTES,
  NOTIFICATION_AGE_ALARM_SECONDS,
  PARTY_OUTBOUND_QUEUES,
  RETURN_FLOW_FUNCTIONS,
  searchedSeries,
} from './monitoring-metrics';
import { nameAfterStack } from './naming';
import type { StatefulStack } from './stateful-stack';

export interface MonitoringProps {
  readonly stateful: StatefulStack;
  readonly functions: readonly HubFunction[];
}

/**
 * The operators' view in the AWS console: the alarms (infra/alarms.ts), all sent to the stateful
 * stack's SNS topic, and a dashboard.
 */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stateful } = props;
    const config = stateful.config;
    this.alarms = addHubAlarms(this, props);

    const split = FUNCTIONS.splitBatch.name;
    const queues = [...stateful.queues.values()];
    const partyQueues = PARTY_OUTBOUND_QUEUES.map((s) => stateful.queue(s));
    const notifications = stateful.queue(QUEUES.batchNotifications);
    const oldestSeconds = config.oldestMessageAlarmHours * 3600;
    const maximum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM } as const;
    const wide = { width: 12, height: 6 } as const;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: nameAfterStack('operations'),
      defaultInterval: Duration.days(35),
    });
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
        left: [searchedSeries(METRIC.recordsDelivered, ['recipient'], 'delivered', split)],
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Rows withheld per recipient',
        left: [searchedSeries(METRIC.rowsWithheld, ['recipient'], 'withheld', split)],
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Refused files',
        metrics: [businessMetric(METRIC.batchesRefused, split, Duration.days(1))],
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Return messages accepted / refused',
        left: RETURN_FLOW_FUNCTIONS.flatMap(({ name }) => [
          businessMetric(METRIC.returnMessagesAccepted, name).with({ label: `${name} accepted` }),
          businessMetric(METRIC.returnMessagesRefused, name).with({ label: `${name} refused` }),
        ]),
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Refused return messages per channel and code',
        left: [searchedSeries(METRIC.returnMessagesRefused, ['channel', 'code'], 'refused')],
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Age of the oldest notification of a monthly file (s)',
        left: [notifications.queue.metricApproximateAgeOfOldestMessage({ ...maximum, label: notifications.spec.name })],
        leftAnnotations: [{ value: NOTIFICATION_AGE_ALARM_SECONDS, label: `alarm: ${NOTIFICATION_AGE_ALARM_SECONDS / 60} min` }],
        ...wide,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depths',
        left: queues.map((q) => q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...maximum, label: q.deadLetterSpec.name })),
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: "Age of the oldest message on each party's queue (s)",
        left: partyQueues.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ ...maximum, label: q.spec.name })),
        leftAnnotations: [{ value: oldestSeconds, label: `alarm: ${config.oldestMessageAlarmHours} h` }],
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
