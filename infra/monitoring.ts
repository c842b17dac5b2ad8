import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { RECIPIENTS } from '../shared/domain/recipients';
import { MESSAGE_REFUSAL_CODES } from '../shared/messages/return-flow-schemas';
import { METRIC } from '../shared/observability';
import { FUNCTIONS, QUEUES } from '../shared/topology';
import { AlarmAreas } from './alarm-areas';
import { addHubAlarms, type HubAlarm } from './alarms';
import type { HubFunction } from './constructs/hub-function';
import { LogQueries } from './log-queries';
import {
  BATCH_WATCH_PERIOD,
  businessMetric,
  FIVE_MINUTES,
  filled,
  INBOUND_AGE_ALARM_SECONDS,
  NOTIFICATION_AGE_ALARM_SECONDS,
  ONE_DAY,
  PARTY_OUTBOUND_QUEUES,
  RETURN_FLOW_FUNCTIONS,
  tableThrottles,
} from './monitoring-metrics';
import { nameAfterStack } from './naming';
import type { StatefulStack } from './stateful-stack';

export interface MonitoringProps {
  readonly stateful: StatefulStack;
  readonly functions: readonly HubFunction[];
}

/** A metric id for the dashboard's math: lower-case words joined by `_`. */
const idOf = (...parts: string[]) =>
  parts
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');

/** The channels that send return messages, and the function that reads each. */
const CHANNELS = [
  ['VDAB', FUNCTIONS.regionInbound.name],
  ['ACTIRIS', FUNCTIONS.regionInbound.name],
  ['PPS', FUNCTIONS.ppsInbound.name],
] as const;

/**
 * The operators' view in the AWS console: the member alarms (infra/alarms.ts), the areas that mail
 * them (infra/alarm-areas.ts), the saved Logs Insights queries (infra/log-queries.ts) and a
 * dashboard of 35 days. Every line of the dashboard is a metric named with all its dimensions, no
 * SEARCH (which finds only metrics with data in the last two weeks: a monthly batch's lines would
 * vanish half-way through the view), and filled with zeros where nothing happened.
 */
export class Monitoring extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: readonly HubAlarm[];
  readonly areas: AlarmAreas;
  readonly queries: LogQueries;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { stateful } = props;
    const config = stateful.config;
    this.alarms = addHubAlarms(this, props);
    this.areas = new AlarmAreas(this, 'Areas', { members: this.alarms, topic: stateful.alarmTopic });
    this.queries = new LogQueries(this, 'Queries', { stageName: config.stageName, functions: props.functions });

    const split = FUNCTIONS.splitBatch.name;
    const daily = (metric: string, service: string, dimensions: Readonly<Record<string, string>> = {}) =>
      businessMetric(metric, service, ONE_DAY, dimensions);
    const maximum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM } as const;
    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM } as const;
    const wide = { width: 12, height: 6 } as const;
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, ...wide, ...extra });
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: nameAfterStack('operations'),
      defaultInterval: Duration.days(35),
    });
    const composites = [...Object.values(this.areas.areas), ...Object.values(this.areas.recovered)];
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Areas (these mail)', alarms: composites, width: 24, height: 3 }));
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms.map((a) => a.alarm), width: 24, height: 6 }),
    );

    // The month: batches, rows and records per day, each line a zero on the days without a file.
    const outcomes = [METRIC.batchesAccepted, METRIC.batchesRefused, METRIC.batchesDuplicate, METRIC.batchesFailed];
    const rows = [METRIC.rowsDelivered, METRIC.rowsWithheld, METRIC.rowsUnroutable, METRIC.rowsRejected];
    this.dashboard.addWidgets(
      graph(
        'Batches per outcome (per day)',
        outcomes.map((m) => filled(daily(m, split), idOf(m), m)),
      ),
      graph(
        'Rows per outcome (per day)',
        rows.map((m) => filled(daily(m, split), idOf(m), m)),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        `Records delivered per recipient (per day: ${RECIPIENTS.join(', ')})`,
        RECIPIENTS.map((r) => filled(daily(METRIC.recordsDelivered, split, { recipient: r }), idOf('delivered', r), r)),
      ),
      graph(
        'Rows withheld per recipient (per day)',
        RECIPIENTS.map((r) => filled(daily(METRIC.rowsWithheld, split, { recipient: r }), idOf('withheld', r), r)),
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Refused files (over the time range shown)',
        metrics: [filled(daily(METRIC.batchesRefused, split), 'refused', 'refused files')],
        setPeriodToTimeRange: true,
        ...wide,
      }),
      graph(
        'Return messages accepted / refused (per day)',
        RETURN_FLOW_FUNCTIONS.flatMap(({ name }) => [
          filled(daily(METRIC.returnMessagesAccepted, name), idOf(name, 'accepted'), `${name} accepted`),
          filled(daily(METRIC.returnMessagesRefused, name), idOf(name, 'refused'), `${name} refused`),
        ]),
      ),
    );
    // Refusals per channel (its codes summed) and per code (both functions summed), every series named.
    const sumOf = (label: string, metrics: Record<string, cloudwatch.IMetric>) =>
      new cloudwatch.MathExpression({
        expression: `FILL(SUM([${Object.keys(metrics).join(', ')}]), 0)`,
        usingMetrics: metrics,
        label,
        period: ONE_DAY,
      });
    this.dashboard.addWidgets(
      graph(
        'Refused return messages per channel (per day)',
        CHANNELS.map(([channel, service]) =>
          sumOf(
            channel,
            Object.fromEntries(
              MESSAGE_REFUSAL_CODES.map((code) => [idOf(channel, code), daily(METRIC.returnMessagesRefused, service, { channel, code })]),
            ),
          ),
        ),
      ),
      graph(
        'Refused return messages per code (per day)',
        MESSAGE_REFUSAL_CODES.map((code) =>
          sumOf(
            code,
            Object.fromEntries(
              RETURN_FLOW_FUNCTIONS.map(({ name }) => [idOf(code, name), daily(METRIC.returnMessagesRefused, name, { code })]),
            ),
          ),
        ),
      ),
    );
    const notifications = stateful.queue(QUEUES.batchNotifications);
    const watchMetric = (metric: string, label: string) =>
      businessMetric(metric, FUNCTIONS.batchWatch.name, BATCH_WATCH_PERIOD).with({ statistic: cloudwatch.Stats.MAXIMUM, label });
    this.dashboard.addWidgets(
      graph('Scheduled check: month file missing (1), batches stuck publishing', [
        watchMetric(METRIC.monthlyFileMissing, 'month file missing'),
        watchMetric(METRIC.batchesStuckPublishing, 'batches stuck publishing'),
      ]),
      graph(
        'Age of the oldest notification of a monthly file (s)',
        [notifications.queue.metricApproximateAgeOfOldestMessage({ ...maximum, label: notifications.spec.name })],
        { leftAnnotations: [{ value: NOTIFICATION_AGE_ALARM_SECONDS, label: `alarm: ${NOTIFICATION_AGE_ALARM_SECONDS / 60} min` }] },
      ),
    );
    const queues = [...stateful.queues.values()];
    const inbound = [...Object.values(QUEUES.recipientInbound), QUEUES.ppsInbound].map((s) => stateful.queue(s));
    this.dashboard.addWidgets(
      graph(
        'Dead-letter queue depths',
        queues.map((q) => q.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...maximum, label: q.deadLetterSpec.name })),
      ),
      graph(
        "Age of the oldest message on each party's queue (s)",
        PARTY_OUTBOUND_QUEUES.map((s) => stateful.queue(s).queue.metricApproximateAgeOfOldestMessage({ ...maximum, label: s.name })),
        { leftAnnotations: [{ value: config.oldestMessageAlarmHours * 3600, label: `alarm: ${config.oldestMessageAlarmHours} h` }] },
      ),
    );
    this.dashboard.addWidgets(
      graph(
        "Age of the oldest message on the hub's inbound queues (s)",
        inbound.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ ...maximum, label: q.spec.name })),
        { leftAnnotations: [{ value: INBOUND_AGE_ALARM_SECONDS, label: `alarm: ${INBOUND_AGE_ALARM_SECONDS / 60} min` }] },
      ),
      graph(
        'Function errors',
        props.functions.map((f) => f.fn.metricErrors({ ...sum, label: f.spec.name })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'Function throttles',
        props.functions.map((f) => f.fn.metricThrottles({ ...sum, label: f.spec.name })),
      ),
      graph(
        'Function duration (p99, ms)',
        props.functions.map((f) => f.fn.metricDuration({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.p(99), label: f.spec.name })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        'DynamoDB throttled reads and writes per table',
        Object.values(stateful.tables).map((t) => tableThrottles(t.table, idOf(t.spec.name)).with({ label: t.spec.name })),
      ),
    );
  }
}
